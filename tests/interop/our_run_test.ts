/**
 * Tables `run` writes, read by delta-rs, Polars and Spark: a stream past three checkpoints
 * (also with the commits before its last checkpoint gone, as log cleanup leaves it), the same
 * table after `tablestream optimize` and after `generate --mode overwrite` (older versions read
 * by time travel in every engine), a table four processes appended to at once, and a run
 * killed with SIGKILL and resumed. Every engine must see the rows the run generated (the same
 * server writing into memory) and our own reader's.
 */
import { assert, assertEquals } from "../_assert.ts";
import { appenderBatch } from "../_delta_appender.ts";
import { assertSameRows, type Described, ENGINES, interopTest, type Peer } from "./_peer.ts";
import {
  activeFiles,
  copyDir,
  ok,
  once,
  RUN_CONFIG,
  RUN_TABLES,
  RUN_TICKS,
  runArgs,
  sharedTempDir,
  streamedRows,
} from "./_ours.ts";
import { commitFileName } from "../../lib/delta/actions.ts";
import { localFs } from "../../lib/delta/fs.ts";
import { readSnapshot } from "../../lib/delta/log_reader.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;
const APPENDER = new URL("../_delta_appender.ts", import.meta.url).pathname;
const tempDir = sharedTempDir();

/** The uninterrupted run every case compares with, and the rows it generated. */
const whole = once(async () => {
  const output = `${await tempDir()}/whole`;
  await ok(...runArgs(output, RUN_TICKS));
  return { output, streamed: await streamedRows(RUN_TICKS) };
});

/** Asserts that our reader and every engine read `path` (at `version`) as `expected`. */
async function assertEveryEngine(
  peer: Peer,
  path: string,
  expected: Described,
  options: { version?: number } = {},
): Promise<void> {
  const at = options.version === undefined ? "" : ` at version ${options.version}`;
  assertSameRows(await peer.ours(path, options), expected, `our reader, ${path}${at}`);
  for (const engine of ENGINES) {
    assertSameRows(await peer.read(engine, path, options), expected, `${engine}, ${path}${at}`);
  }
}

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

interopTest(
  "a run table past three checkpoints reads as the run generated it, in every engine",
  async (peer) => {
    const { output, streamed } = await whole();
    const orders = await readSnapshot(localFs, `${output}/orders`);
    assert(orders.version > 30, `orders has ${orders.version + 1} versions`);
    assertEquals(orders.checkpointVersion, 30);
    for (const version of [10, 20, 30]) {
      const name = `${commitFileName(version).slice(0, 20)}.checkpoint.parquet`;
      assert(await exists(`${output}/orders/_delta_log/${name}`), `checkpoint ${version}`);
    }
    for (const table of RUN_TABLES) {
      const expected = await peer.describe(streamed.rows(table));
      await assertEveryEngine(peer, `${output}/${table}`, expected);
    }
    // The replace table at a few of its 70 overwrites (checkpoints with tombstones between).
    for (const version of [1, 19, 20, 41]) {
      const expected = await peer.describe(streamed.rows("statuses", version));
      await assertEveryEngine(peer, `${output}/statuses`, expected, { version });
    }
  },
);

interopTest(
  "with the commits before its last checkpoint removed, every engine reads our checkpoint",
  async (peer) => {
    const { output, streamed } = await whole();
    const table = `${await tempDir()}/cleaned`;
    await copyDir(`${output}/orders`, table);
    // What log cleanup leaves: the versions before the checkpoint are only in the checkpoint.
    for (let version = 0; version < 30; version++) {
      await Deno.remove(`${table}/_delta_log/${commitFileName(version)}`);
    }
    await assertEveryEngine(peer, table, await peer.describe(streamed.rows("orders")));
  },
);

interopTest(
  "after optimize and generate --mode overwrite, every engine reads each version",
  async (peer) => {
    const { output, streamed } = await whole();
    const dir = `${await tempDir()}/maintained`;
    await copyDir(output, dir);
    const orders = `${dir}/orders`;
    const streamedVersion = (await readSnapshot(localFs, orders)).version;
    const filesBefore = (await activeFiles(orders)).length;

    await ok("optimize", orders);
    assert((await activeFiles(orders)).length < filesBefore, "optimize compacted the files");
    const generate = ["--config", RUN_CONFIG, "--table", "orders"];
    const referenceTime = ["--reference-time", "2026-03-02T00:00:00Z"];
    await ok("generate", ...generate, ...referenceTime, "--output", dir, "--mode", "overwrite");
    // The generating command's rows, written apart as plain Parquet.
    const parquet = `${await tempDir()}/generated`;
    await ok("generate", ...generate, ...referenceTime, "--output", parquet, "--format", "parquet");
    const overwritten = await peer.read("parquet", `${parquet}/orders`);
    assertEquals((await readSnapshot(localFs, orders)).version, streamedVersion + 2);

    await assertEveryEngine(peer, orders, overwritten);
    const runRows = await peer.describe(streamed.rows("orders"));
    // Time travel: Spark's versionAsOf, delta-rs's load_as_version, Polars' version, ours.
    await assertEveryEngine(peer, orders, runRows, { version: streamedVersion });
    await assertEveryEngine(peer, orders, runRows, { version: streamedVersion + 1 });
    await assertEveryEngine(peer, orders, overwritten, { version: streamedVersion + 2 });
    const early = await peer.describe(streamed.rows("orders", 12));
    await assertEveryEngine(peer, orders, early, { version: 12 });
  },
);

interopTest(
  "a table four processes appended to at once reads the same in every engine",
  async (peer) => {
    const table = `${await tempDir()}/appended`;
    const writers = [1, 2, 3, 4];
    const commits = 10;
    const rows = 10;
    const outputs = await Promise.all(writers.map((w) =>
      new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", APPENDER, table, `writer-${w}`, String(commits), String(rows)],
        stdout: "null",
        stderr: "piped",
      }).output()
    ));
    for (const out of outputs) assertEquals(out.code, 0, new TextDecoder().decode(out.stderr));
    const snapshot = await readSnapshot(localFs, table);
    assertEquals(snapshot.version, writers.length * commits - 1);
    const batches = writers.flatMap((w) =>
      Array.from({ length: commits }, (_, c) => appenderBatch(w, c, rows))
    );
    const expected = await peer.describe(batches[0].concat(...batches.slice(1)));
    await assertEveryEngine(peer, table, expected);
  },
);

/**
 * Starts `run` of the streaming fixture as a child process and kills it with SIGKILL as soon
 * as `orders` has the commit `version` (so, mid-run); false when it had ended before.
 */
async function killAtVersion(output: string, version: number): Promise<boolean> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, ...runArgs(output, RUN_TICKS)],
    stdin: "null",
    stdout: "null",
    stderr: "null",
    env: { TZ: "UTC" },
  }).spawn();
  let ended = false;
  child.status.then(() => ended = true);
  const commit = `${output}/orders/_delta_log/${commitFileName(version)}`;
  while (!ended && !(await exists(commit))) await new Promise((r) => setTimeout(r, 5));
  let killed = false;
  if (!ended) {
    try {
      child.kill("SIGKILL");
      killed = true;
    } catch {
      // It ended in between.
    }
  }
  await child.status;
  return killed;
}

interopTest("a run killed with SIGKILL and resumed reads as an uninterrupted run", async (peer) => {
  const { output: uninterrupted, streamed } = await whole();
  const last = (await readSnapshot(localFs, `${uninterrupted}/orders`)).version;
  const output = `${await tempDir()}/killed`;
  let midRun = 0;
  for (const version of [4, 13, 22]) {
    await killAtVersion(output, version);
    if ((await readSnapshot(localFs, `${output}/orders`)).version < last) midRun++;
  }
  assert(midRun > 0, "at least one kill landed before the run's end");
  await ok(...runArgs(output, RUN_TICKS));
  for (const table of RUN_TABLES) {
    const expected = await peer.describe(streamed.rows(table));
    await assertEveryEngine(peer, `${output}/${table}`, expected);
  }
});
