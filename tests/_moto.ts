/**
 * A real S3 API server for the tests that need one: moto in server mode (`moto_server`, which
 * implements conditional PUT with `If-None-Match: *`, multipart uploads and SigV4), from a
 * virtual environment of `tests/interop/moto_requirements.txt` (every package pinned) made
 * once in the interop cache folder (`~/.cache/tablestream-interop/moto-<hash>`, or
 * `TABLESTREAM_INTEROP_CACHE`), started on a free port of 127.0.0.1 and stopped when the test
 * process ends.
 *
 * Tests skip (through `_external.ts`: a failure under `CI=true`) only when there is no
 * `python3` to make the environment with; an environment or a server that fails to come up
 * fails the tests, with pip's or the server's output.
 *
 * @module
 */
import { externalTest, found, interopCache, missing, type Need } from "./_external.ts";
import { freePort } from "./_ports.ts";

const HERE = new URL(".", import.meta.url).pathname;
const REQUIREMENTS = `${HERE}interop/moto_requirements.txt`;

/** A running moto: its endpoint, and buckets made on it. */
export interface TestS3 {
  /** `http://127.0.0.1:PORT`, for `AWS_ENDPOINT_URL`. */
  endpoint: string;
  /** The AWS variables that point a process at it (any keys do). */
  env: Record<string, string>;
  /** Makes a bucket (a fresh name per test keeps tests apart). */
  createBucket(name: string): Promise<void>;
  /** Multipart uploads in progress in a bucket (keys), as ListMultipartUploads says. */
  uploadsInProgress(bucket: string): Promise<string[]>;
}

async function run(command: string, args: string[]): Promise<string> {
  const result = await new Deno.Command(command, { args, stdout: "piped", stderr: "piped" })
    .output();
  const text = new TextDecoder().decode(result.stdout) + new TextDecoder().decode(result.stderr);
  if (!result.success) throw new Error(`${command} ${args.join(" ")} failed:\n${text}`);
  return text;
}

/**
 * moto's virtual environment, made when missing (its name holds a hash of the requirements and
 * the Python version; older ones are removed). Undefined when there is no Python.
 */
export async function motoVirtualEnv(cache = interopCache()): Promise<string | undefined> {
  const python = Deno.env.get("TABLESTREAM_PYTHON") ?? "python3";
  let version: string;
  try {
    version = await run(python, ["--version"]);
  } catch {
    return undefined;
  }
  const text = await Deno.readTextFile(REQUIREMENTS);
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text + version));
  const key = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
  const venv = `${cache}/moto-${key.slice(0, 12)}`;
  if (await Deno.stat(`${venv}/.complete`).then(() => true, () => false)) return venv;
  await Deno.mkdir(cache, { recursive: true });
  for await (const entry of Deno.readDir(cache)) {
    if (entry.name.startsWith("moto-") && `${cache}/${entry.name}` !== venv) {
      await Deno.remove(`${cache}/${entry.name}`, { recursive: true });
    }
  }
  console.log(`Making moto's Python environment in ${venv} (once)...`);
  await Deno.remove(venv, { recursive: true }).catch(() => {});
  await run(python, ["-m", "venv", venv]);
  await run(`${venv}/bin/pip`, [
    "install",
    "--quiet",
    "--disable-pip-version-check",
    "--no-input",
    "-r",
    REQUIREMENTS,
  ]);
  await Deno.writeTextFile(`${venv}/.complete`, new Date().toISOString());
  return venv;
}

let cached: Promise<Need<TestS3>> | undefined;

/** moto for this test process: started once, stopped when the process ends. */
export function testS3(): Promise<Need<TestS3>> {
  cached ??= find();
  return cached;
}

/** Registers a test that needs an S3 server (skipped, or failed under CI, without one). */
export function s3Test(
  need: Need<TestS3>,
  name: string,
  fn: (s3: TestS3) => Promise<void>,
): void {
  externalTest({ name, need, fn });
}

async function find(): Promise<Need<TestS3>> {
  const venv = await motoVirtualEnv();
  if (!venv) {
    return missing(
      "an S3 server (moto)",
      "there is no python3 to make moto's environment with",
      "install Python 3 with venv (the interop suite needs it too); the tests then make " +
        "moto's environment from tests/interop/moto_requirements.txt",
    );
  }
  return found(await startMoto(venv));
}

async function startMoto(venv: string): Promise<TestS3> {
  const log = await Deno.makeTempFile({ prefix: "tablestream-moto-", suffix: ".log" });
  let lastError = "";
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = freePort(); // another process may take it first: retry
    const file = await Deno.open(log, { write: true, truncate: true });
    const child = new Deno.Command(`${venv}/bin/moto_server`, {
      args: ["-H", "127.0.0.1", "-p", String(port)],
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).spawn();
    // Its request log, for when it fails to come up.
    child.stderr.pipeTo(file.writable).catch(() => {});
    const endpoint = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 60_000;
    let up = false;
    while (Date.now() < deadline) {
      const answer = await fetch(`${endpoint}/moto-api/`).then(
        async (r) => (await r.body?.cancel(), true),
        () => false,
      );
      if (answer) {
        up = true;
        break;
      }
      const ended = await Promise.race([
        child.status.then(() => true),
        new Promise<false>((r) => setTimeout(() => r(false), 200)),
      ]);
      if (ended) break;
    }
    if (up) {
      globalThis.addEventListener("unload", () => {
        try {
          child.kill("SIGKILL");
        } catch {
          // it had ended
        }
      });
      child.unref();
      return server(endpoint);
    }
    try {
      child.kill("SIGKILL");
    } catch {
      // it had ended
    }
    await child.status;
    lastError = await Deno.readTextFile(log).catch(() => "");
  }
  throw new Error(`Cannot start moto_server from ${venv}:\n${lastError}`);
}

function server(endpoint: string): TestS3 {
  return {
    endpoint,
    env: {
      AWS_ENDPOINT_URL: endpoint,
      AWS_ACCESS_KEY_ID: "test",
      AWS_SECRET_ACCESS_KEY: "test",
      AWS_REGION: "us-east-1",
    },
    async createBucket(name) {
      // moto takes unsigned requests; any keys sign the rest.
      const response = await fetch(`${endpoint}/${name}`, { method: "PUT" });
      const body = await response.text();
      if (!response.ok) throw new Error(`Cannot create bucket ${name}: ${response.status} ${body}`);
    },
    async uploadsInProgress(bucket) {
      const response = await fetch(`${endpoint}/${bucket}?uploads`);
      const xml = await response.text();
      return [...xml.matchAll(/<Upload>[\s\S]*?<Key>([^<]*)<\/Key>/g)].map((m) => m[1]);
    },
  };
}
