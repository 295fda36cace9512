/**
 * `deno task test:interop`: the interop suite, against the real engines.
 *
 * 1. A Python virtual environment with `requirements.txt` (delta-rs, Polars, PySpark with its
 *    matching delta-spark, pyarrow, tablefaker), made in a cache folder outside the repository
 *    (`$TABLESTREAM_INTEROP_CACHE`, default `~/.cache/tablestream-interop`) and reused while the
 *    file and the Python version are unchanged.
 * 2. The peer (`peer.py`) started from it on a loopback port. Its one Spark session gets Delta's
 *    jars from Maven Central through ivy (`spark.jars.packages`, set by delta-spark), cached in
 *    the same folder; its log goes to `peer.log` there.
 * 3. moto's environment (`moto_requirements.txt`, apart: its pins differ), for the S3 tests,
 *    which start `moto_server` themselves (tests/_moto.ts).
 * 4. `deno test -A tests/interop/` (or the arguments given) with `TABLESTREAM_PEER` set, then the
 *    list of skipped tests, as `deno task test` prints it.
 *
 * @module
 */
import { runTests } from "../suite.ts";
import { motoVirtualEnv } from "../_moto.ts";
import { interopCache } from "../_external.ts";

export { interopCache };

const HERE = new URL(".", import.meta.url).pathname;

async function output(command: string, args: string[]): Promise<string> {
  const result = await new Deno.Command(command, { args, stdout: "piped", stderr: "piped" })
    .output();
  const text = new TextDecoder().decode(result.stdout) + new TextDecoder().decode(result.stderr);
  if (!result.success) throw new Error(`${command} ${args.join(" ")} failed:\n${text}`);
  return text;
}

async function sha256(text: string): Promise<string> {
  const hash = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(hash)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Where the virtual environment of `requirements.txt` lives in `cache`: its name holds a hash
 * of the requirements and the Python version (`$TABLESTREAM_PYTHON`, default `python3`).
 */
export async function virtualEnvPath(cache: string): Promise<string> {
  const python = Deno.env.get("TABLESTREAM_PYTHON") ?? "python3";
  const key = await sha256(
    (await Deno.readTextFile(`${HERE}requirements.txt`)) + (await output(python, ["--version"])),
  );
  return `${cache}/venv-${key.slice(0, 12)}`;
}

/**
 * The suite's virtual environment when it is made and complete (the benchmarks use its
 * tablefaker), else why not.
 */
export async function existingVirtualEnv(
  cache: string = interopCache(),
): Promise<{ venv: string } | { missing: string }> {
  let venv: string;
  try {
    venv = await virtualEnvPath(cache);
  } catch (error) {
    return { missing: `no Python to key it by (${(error as Error).message.split("\n")[0]})` };
  }
  if (await Deno.stat(`${venv}/.complete`).then(() => true, () => false)) return { venv };
  return { missing: `${venv} is not made yet (deno task test:interop makes it)` };
}

/**
 * The virtual environment of `requirements.txt`, made when missing. Its name holds a hash of
 * the requirements and the Python version; older ones are removed.
 */
async function virtualEnv(cache: string): Promise<string> {
  const python = Deno.env.get("TABLESTREAM_PYTHON") ?? "python3";
  const requirements = `${HERE}requirements.txt`;
  const venv = await virtualEnvPath(cache);
  const done = `${venv}/.complete`;
  if (await Deno.stat(done).then(() => true, () => false)) return venv;
  for await (const entry of Deno.readDir(cache)) {
    if (entry.name.startsWith("venv-")) {
      await Deno.remove(`${cache}/${entry.name}`, { recursive: true });
    }
  }
  console.log(`Making the interop suite's Python environment in ${venv} (once)...`);
  await output(python, ["-m", "venv", venv]);
  await output(`${venv}/bin/pip`, [
    "install",
    "--quiet",
    "--disable-pip-version-check",
    "--no-input",
    "-r",
    requirements,
  ]);
  await Deno.writeTextFile(done, new Date().toISOString());
  return venv;
}

/** A running peer: its address, and how to stop it. */
interface RunningPeer {
  url: string;
  stop(): Promise<void>;
}

/** Starts `peer.py` and waits for the address it prints. */
async function startPeer(venv: string, cache: string): Promise<RunningPeer> {
  const log = await Deno.open(`${cache}/peer.log`, { write: true, create: true, truncate: true });
  const child = new Deno.Command(`${venv}/bin/python`, {
    args: ["-u", `${HERE}peer.py`],
    env: { TABLESTREAM_INTEROP_CACHE: cache, TZ: "UTC", PYSPARK_PYTHON: `${venv}/bin/python` },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  child.stderr.pipeTo(log.writable);
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  while (!seen.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`The interop peer exited before listening; see ${cache}/peer.log`);
    seen += value;
  }
  const url = /listening on (\S+)/.exec(seen)?.[1];
  if (!url) throw new Error(`The interop peer printed ${JSON.stringify(seen)}`);
  reader.releaseLock();
  child.stdout.pipeTo(new WritableStream()).catch(() => {});
  return {
    url,
    async stop() {
      try {
        child.kill("SIGTERM");
      } catch {
        // it had ended
      }
      await child.status;
    },
  };
}

async function main(args: string[]): Promise<number> {
  const cache = interopCache();
  await Deno.mkdir(cache, { recursive: true });
  const venv = await virtualEnv(cache);
  // The S3 tests' server (tests/_moto.ts starts one per test file from this environment).
  await motoVirtualEnv(cache);
  const peer = await startPeer(venv, cache);
  console.log(`Interop peer at ${peer.url} (Python ${venv}; log ${cache}/peer.log)`);
  try {
    return await runTests(args.length > 0 ? args : [HERE], {
      TABLESTREAM_PEER: peer.url,
      TABLESTREAM_INTEROP_CACHE: cache,
    });
  } finally {
    await peer.stop();
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
