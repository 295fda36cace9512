/**
 * The one door to what a test needs from outside the repository: the steering folder
 * `../shared` (tablefaker's corpus, Delta tables written by Spark and delta-rs), a PostgreSQL
 * server, the interop suite's Python peer. A fresh clone has none of them, and its tests must
 * still pass: a test whose need is missing is skipped with a one-line reason, and the end of the
 * run lists every skip with how to get what it needed (`tests/suite.ts` prints that list).
 * Under `CI=true` nothing is skipped: a missing need fails its test, since CI installs all.
 *
 * This is the only file of `lib/`, `tests/` and `plugins/` that names `../shared`.
 *
 * @module
 */

/** Something a test needs: found (with what it gives), or missing (with why and how to get it). */
export type Need<T> =
  | { found: true; value: T }
  | { found: false; what: string; why: string; get: string };

/** Whether missing needs fail instead of skipping: CI runs everything. */
export const IN_CI = Deno.env.get("CI") === "true";

/** A need that is there. */
export function found<T>(value: T): Need<T> {
  return { found: true, value };
}

/** A need that is not there: what it is, why it is missing, how to get it. */
export function missing<T = never>(what: string, why: string, get: string): Need<T> {
  return { found: false, what, why, get };
}

/**
 * The steering folder beside the repository (`../shared`), or `TABLESTREAM_SHARED`. It holds
 * what the project may not ship: tablefaker's corpus and Delta tables written by other engines.
 */
function sharedRoot(): string {
  const fromEnv = Deno.env.get("TABLESTREAM_SHARED");
  if (fromEnv) return fromEnv.replace(/\/+$/, "");
  return new URL("../../shared", import.meta.url).pathname;
}

/**
 * A path inside the steering folder (`"tablefaker"`, `"fixtures/delta"`), when it exists.
 * Synchronous, so that tests can be registered from what it holds at module load.
 */
export function sharedPath(relative: string): Need<string> {
  const root = sharedRoot();
  const path = `${root}/${relative}`;
  try {
    Deno.statSync(path);
    return found(path);
  } catch {
    return missing(
      `${relative} of the steering folder`,
      `${path} does not exist`,
      "clone the steering repository beside this one (its shared/ folder as ../shared), " +
        "or set TABLESTREAM_SHARED to that folder",
    );
  }
}

/** tablefaker's corpus: its root and its YAML configs, by name relative to it, sorted. */
export interface Corpus {
  root: string;
  /** `samples/crm.yaml`, `streaming/streaming_config.yaml`, `tests/unique_fk.yaml`... */
  names: string[];
  /** The absolute path of a config of the corpus. */
  path(name: string): string;
}

/** tablefaker's corpus of configs (`samples/`, `tests/`, `streaming/`), from the steering folder. */
export function tablefakerCorpus(): Need<Corpus> {
  const root = sharedPath("tablefaker");
  if (!root.found) return root;
  const names: string[] = [];
  for (const dir of ["samples", "tests", "streaming"]) {
    for (const entry of Deno.readDirSync(`${root.value}/${dir}`)) {
      if (entry.name.endsWith(".yaml")) names.push(`${dir}/${entry.name}`);
    }
  }
  const base = root.value;
  return found({ root: base, names: names.sort(), path: (name) => `${base}/${name}` });
}

/** Delta tables written by Spark and delta-rs, byte for byte, from the steering folder. */
export function deltaFixtures(): Need<string> {
  return sharedPath("fixtures/delta");
}

/**
 * The seed's README of the streaming server (`seed/streaming_server.md`), whose Python
 * snippets read the tables the server writes (the interop suite runs them on ours).
 */
export function seedStreamingReadme(): Need<string> {
  return sharedPath("seed/streaming_server.md");
}

/** Options of {@link externalTest}: those of `Deno.test`, with the need and its function. */
export interface ExternalTestOptions<T> extends Omit<Deno.TestDefinition, "fn" | "ignore"> {
  need: Need<T>;
  fn: (value: T, t: Deno.TestContext) => void | Promise<void>;
}

/**
 * Registers a test that needs something from outside. When the need is missing it is skipped
 * (ignored, with its reason printed once per file and kept for the end-of-run list), or, under
 * `CI=true`, it fails with the reason.
 */
export function externalTest<T>(options: ExternalTestOptions<T>): void {
  const { need, fn, ...rest } = options;
  if (need.found) {
    Deno.test({ ...rest, fn: (t) => fn(need.value, t) });
    return;
  }
  if (IN_CI) {
    Deno.test({
      ...rest,
      fn: () => {
        throw new Error(
          `This test needs ${need.what}, which is missing under CI=true: ${need.why}. ` +
            `To get it: ${need.get}.`,
        );
      },
    });
    return;
  }
  recordSkip(rest.name, need);
  Deno.test({ ...rest, ignore: true, fn: () => {} });
}

interface Skip {
  test: string;
  what: string;
  why: string;
  get: string;
}

const skipped: Skip[] = [];

/**
 * Keeps a skip for this file's closing line and, when `tests/suite.ts` runs the suite, for its
 * end-of-run list (each test file runs in an isolate of its own, so the list goes by file).
 */
function recordSkip(test: string, need: { what: string; why: string; get: string }): void {
  if (skipped.length === 0) globalThis.addEventListener("unload", reportFileSkips);
  const skip = { test, what: need.what, why: need.why, get: need.get };
  skipped.push(skip);
  const log = Deno.env.get(SKIP_LOG_ENV);
  if (log) Deno.writeTextFileSync(log, JSON.stringify(skip) + "\n", { append: true });
}

function reportFileSkips(): void {
  const byWhat = Map.groupBy(skipped, (s) => s.what);
  for (const [what, skips] of byWhat) {
    console.warn(`skipped ${skips.length} test(s): needs ${what}: ${skips[0].why}`);
  }
}

/** The environment variable naming the file where skips are collected for the summary. */
export const SKIP_LOG_ENV = "TABLESTREAM_SKIP_LOG";

/** The end-of-run list of skips read from the collected file: what, why, how to get it. */
export function skipSummary(lines: readonly string[]): string {
  const skips = lines.filter((line) => line.trim() !== "").map((line) => JSON.parse(line) as Skip);
  if (skips.length === 0) return "";
  const out = [`Skipped ${skips.length} test(s) that need something from outside the repository:`];
  for (const [what, group] of Map.groupBy(skips, (s) => s.what)) {
    out.push(`- ${group.length} need ${what}: ${group[0].why}.`);
    out.push(`  To get it: ${group[0].get}.`);
  }
  out.push("Under CI=true these fail instead of skipping.");
  return out.join("\n");
}

/**
 * Registers a test that reads the Delta tables of the steering folder (written by Spark and
 * delta-rs); `fixture(name)` is the path of one (`fixture("rs-simple_table")`).
 */
export function deltaFixtureTest(
  name: string,
  fn: (fixture: (name: string) => string) => void | Promise<void>,
): void {
  externalTest({ name, need: deltaFixtures(), fn: (root) => fn((table) => `${root}/${table}`) });
}

/** Registers a test that reads tablefaker's corpus; `corpus.path(name)` is a config's path. */
export function tablefakerTest(
  name: string,
  fn: (corpus: Corpus) => void | Promise<void>,
): void {
  externalTest({ name, need: tablefakerCorpus(), fn });
}

/**
 * The interop suite's Python peer (delta-rs, Polars, Spark, tablefaker in one process), which
 * `deno task test:interop` starts and names in `TABLESTREAM_PEER`.
 */
export function interopPeer(): Need<string> {
  const url = Deno.env.get("TABLESTREAM_PEER");
  if (url) return found(url);
  return missing(
    "the interop peer (Python with delta-rs, Polars, Spark and tablefaker)",
    "TABLESTREAM_PEER is not set",
    "run the interop suite with deno task test:interop, which makes its Python environment " +
      "and starts the peer (it needs python3 and java)",
  );
}

/**
 * Python 3 with its `venv` module (the Kubernetes manifest test makes a small virtual
 * environment of `tests/kubernetes/requirements.txt` with it, from PyPI, once): its command.
 */
export function python(): Need<string> {
  const command = Deno.env.get("TABLESTREAM_PYTHON") ?? "python3";
  try {
    const result = new Deno.Command(command, { args: ["-c", "import venv, ensurepip"] })
      .outputSync();
    if (result.success) return found(command);
  } catch {
    // not installed
  }
  return missing(
    "Python 3 with venv and ensurepip",
    `${command} is missing or lacks the venv module`,
    "install python3 and python3-venv (or set TABLESTREAM_PYTHON)",
  );
}

/**
 * The cache folder of the interop suite, outside the repository: its virtual environments
 * (the peer's, moto's), ivy's jars, the peer's log. `TABLESTREAM_INTEROP_CACHE`, else
 * `~/.cache/tablestream-interop`.
 */
export function interopCache(): string {
  const fromEnv = Deno.env.get("TABLESTREAM_INTEROP_CACHE");
  if (fromEnv) return fromEnv;
  const base = Deno.env.get("XDG_CACHE_HOME") ?? `${Deno.env.get("HOME") ?? "/tmp"}/.cache`;
  return `${base}/tablestream-interop`;
}

/**
 * A Chromium to drive headless (the live page's and the diagram's browser tests): `CHROMIUM`,
 * else Debian's `chromium` or `chromium-browser`/`google-chrome` on the PATH.
 */
export function chromium(): Need<string> {
  const candidates = [
    Deno.env.get("CHROMIUM"),
    "chromium",
    "chromium-browser",
    "google-chrome",
  ].filter((c): c is string => !!c);
  for (const command of candidates) {
    try {
      const result = new Deno.Command(command, { args: ["--version"], stderr: "null" })
        .outputSync();
      if (result.success) return found(command);
    } catch {
      // not this one
    }
  }
  return missing(
    "a Chromium browser",
    `none of ${candidates.join(", ")} runs`,
    "install Debian's chromium (apt-get install chromium; .ci/run does), or set CHROMIUM",
  );
}

/** The Mermaid version the diagram's Mermaid text is rendered with in the browser test. */
export const MERMAID_VERSION = "11.12.2";

/**
 * Mermaid's browser bundle (`mermaid.min.js`), installed from npm into a cache folder outside
 * the repository (`.ci/run` does it; so does the command in the hint): its path.
 */
export function mermaidBundle(): Need<string> {
  const base = Deno.env.get("XDG_CACHE_HOME") ?? `${Deno.env.get("HOME") ?? "/tmp"}/.cache`;
  const folder = `${base}/tablestream-mermaid`;
  const path = `${folder}/node_modules/mermaid/dist/mermaid.min.js`;
  try {
    const installed = JSON.parse(
      Deno.readTextFileSync(`${folder}/node_modules/mermaid/package.json`),
    ).version;
    Deno.statSync(path);
    if (installed === MERMAID_VERSION) return found(path);
  } catch {
    // not installed
  }
  return missing(
    `Mermaid ${MERMAID_VERSION}'s browser bundle`,
    `${path} is missing or not version ${MERMAID_VERSION}`,
    `run: mkdir -p ${folder} && cd ${folder} && npm install mermaid@${MERMAID_VERSION}`,
  );
}
