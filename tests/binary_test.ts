/**
 * The single binary has everything it needs: every built-in is reached from `main.ts` by
 * static imports (what `deno compile` embeds), no code path imports a project file by a
 * computed path, assets are imports rather than files read at run time, and the compile
 * task builds a binary with parquet-wasm's Wasm inside.
 *
 * The runtime `deno compile` needs (`denort`) cannot be downloaded here; the build below
 * stands the Deno binary in for it through `DENORT_BIN`, which checks everything up to the
 * runtime itself: the module graph, what is embedded, and that `DENORT_BIN` is honoured.
 */
import { assert, assertEquals } from "./_assert.ts";
import {
  compileArgs,
  ENCODER_WORKER_ENTRY,
  moduleGraph,
  WORKER_ENTRY,
} from "../lib/build/compile.ts";
import { COMMANDS } from "../lib/cli/main.ts";
import { parseCommandArgs } from "../lib/cli/command.ts";
import { V8_FLAGS, v8FlagsArgument } from "../lib/cli/v8_flags.ts";

const ROOT = new URL("../", import.meta.url).pathname;

/** Source files of the product: lib/ and plugins/, without tests, benchmarks, test helpers. */
async function productFiles(): Promise<string[]> {
  const files: string[] = [];
  const walk = async (dir: string) => {
    for await (const entry of Deno.readDir(`${ROOT}${dir}`)) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory) await walk(path);
      else if (
        /\.ts$/.test(entry.name) && !/_(test|bench)\.ts$/.test(entry.name) &&
        !entry.name.startsWith("_test") && !path.startsWith("lib/build/") &&
        // The benchmark suite runs from the source tree (`deno task bench`), not the binary.
        !path.startsWith("lib/bench/") &&
        // The library surface for embedding: the binary does not need it.
        path !== "lib/mod.ts" &&
        // Started by `new Worker(url)`: embedded with --include (checked below).
        path !== WORKER_ENTRY && path !== ENCODER_WORKER_ENTRY &&
        // V8's settings are given to `deno compile` (checked below), not read at run time.
        path !== "lib/cli/v8_flags.ts"
      ) files.push(path);
    }
  };
  await walk("lib");
  await walk("plugins");
  return files.sort();
}

Deno.test("every product file is reached from main.ts by static imports", async () => {
  const info = await moduleGraph();
  const local = new Set(
    info.modules.filter((m) => m.specifier.startsWith("file://")).map((m) =>
      decodeURIComponent(new URL(m.specifier).pathname).slice(ROOT.length)
    ),
  );
  const missing = (await productFiles()).filter((f) => !local.has(f));
  assertEquals(missing, [], "files the binary would not embed");
  const wasm = info.modules.filter((m) => m.specifier.includes("parquet-wasm"));
  assert(wasm.length > 0, "parquet-wasm is in the graph");
});

Deno.test("the workers are embedded, and everything they import is reached", async () => {
  const args = compileArgs();
  const included = args.flatMap((arg, i) => args[i - 1] === "--include" ? [arg] : []);
  assertEquals(included, [WORKER_ENTRY, ENCODER_WORKER_ENTRY]);
  const info = await moduleGraph();
  const local = new Set(
    info.modules.filter((m) => m.specifier.startsWith("file://")).map((m) =>
      decodeURIComponent(new URL(m.specifier).pathname).slice(ROOT.length)
    ),
  );
  for (
    const [entry, starter] of [
      [WORKER_ENTRY, "lib/parallel/pool.ts"],
      [ENCODER_WORKER_ENTRY, "lib/parquet/off_thread.ts"],
    ]
  ) {
    const folder = entry.slice(0, entry.lastIndexOf("/") + 1);
    const name = entry.slice(folder.length);
    const source = await Deno.readTextFile(`${ROOT}${starter}`);
    assert(source.includes(`new URL("./${name}", import.meta.url)`), `a literal URL of ${name}`);
    const worker = await Deno.readTextFile(`${ROOT}${entry}`);
    for (const [, path] of worker.matchAll(/from "\.\/([^"]+)"/g)) {
      assert(local.has(`${folder}${path}`), `${path} is reached from main.ts`);
    }
  }
});

Deno.test("the binary and the tasks that run tablestream have the same V8 settings", async () => {
  assert(compileArgs().includes(v8FlagsArgument()), "deno compile builds them in");
  const tasks = JSON.parse(await Deno.readTextFile(`${ROOT}deno.json`)).tasks;
  for (const name of ["start", "cli"]) {
    assert(tasks[name].includes(`--v8-flags=${V8_FLAGS.join(",")} main.ts`), `task ${name}`);
  }
  // V8 takes them (an unknown flag would be reported on stderr).
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", v8FlagsArgument(), "console.log(1)"],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assertEquals([out.success, new TextDecoder().decode(out.stderr)], [true, ""]);
});

Deno.test("no computed import() of project files; assets are not read from disk", async () => {
  const offenders: string[] = [];
  for (const file of [...await productFiles(), "main.ts"]) {
    const text = await Deno.readTextFile(`${ROOT}${file}`);
    text.split("\n").forEach((line, i) => {
      const code = line.replace(/\/\/.*$/, "");
      const dynamic = /\bimport\(\s*([^)]*)\)/.exec(code);
      // The plugin loader imports the user's files (and data: URLs): never a project file.
      if (dynamic && !/^["']/.test(dynamic[1]) && file !== "lib/plugin/load.ts") {
        offenders.push(`${file}:${i + 1}: import(${dynamic[1]})`);
      }
      if (/Deno\.read(Text)?File(Sync)?\([^)]*import\.meta/.test(code)) {
        offenders.push(`${file}:${i + 1}: reads a file next to the code at run time`);
      }
    });
  }
  assertEquals(offenders, []);
});

Deno.test({
  name: "deno task compile honours DENORT_BIN and embeds the Wasm, not the test packages",
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "tablestream-compile-" });
    try {
      const missing = await new Deno.Command(Deno.execPath(), {
        args: ["task", "compile", "--output", dir],
        cwd: ROOT,
        env: { DENORT_BIN: `${dir}/no-such-denort` },
        stdout: "piped",
        stderr: "piped",
      }).output();
      assertEquals(missing.success, false, "a missing DENORT_BIN fails the build");
      assert(new TextDecoder().decode(missing.stderr).includes("DENORT_BIN"));

      const built = await new Deno.Command(Deno.execPath(), {
        args: ["task", "compile", "--output", dir],
        cwd: ROOT,
        env: { DENORT_BIN: Deno.execPath() },
        stdout: "piped",
        stderr: "piped",
      }).output();
      assertEquals(built.success, true, new TextDecoder().decode(built.stderr));
      const binary = await Deno.readFile(`${dir}/tablestream`);
      const runtime = (await Deno.stat(Deno.execPath())).size;
      const payload = binary.length - runtime;
      assert(payload > 1_000_000 && payload < 60_000_000, `embedded ${payload} bytes`);
      const wasmPath = new URL(
        import.meta.resolve("parquet-wasm").replace(/parquet_wasm\.js$/, "parquet_wasm_bg.wasm"),
      ).pathname;
      const wasm = await Deno.readFile(wasmPath);
      assert(contains(binary, wasm.subarray(1000, 1064)), "parquet-wasm's Wasm is embedded");
      const duckdb = new TextEncoder().encode("@duckdb/node-bindings-linux-x64");
      assertEquals(contains(binary.subarray(runtime), duckdb), false, "DuckDB is not embedded");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

function contains(haystack: Uint8Array, needle: Uint8Array): boolean {
  outer: for (let i = haystack.indexOf(needle[0]); i >= 0; i = haystack.indexOf(needle[0], i + 1)) {
    for (let j = 1; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

Deno.test("the Dockerfile runs the binary with flags run accepts", async () => {
  const text = await Deno.readTextFile(`${ROOT}Dockerfile`);
  assert(text.includes("COPY dist/tablestream /usr/local/bin/tablestream"));
  const cmd = /^CMD (\[.*\])$/m.exec(text);
  assert(cmd, "a CMD in exec form");
  const [command, ...args] = JSON.parse(cmd[1]) as string[];
  const run = COMMANDS.find((c) => c.name === command);
  assert(run, `the CMD's command "${command}" exists`);
  const values = parseCommandArgs(run, args);
  assertEquals([values.config, values.output, values.http], [
    "/config/streaming_config.yaml",
    "/data/delta",
    "0.0.0.0:9464",
  ]);
});
