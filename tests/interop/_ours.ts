/**
 * Helpers of the interop cases that read our own tables: the CLI as the tests call it, the
 * streaming fixture (`tests/fixtures/interop/run.yaml`) written by `run` and, apart, by the
 * same server into memory (the generating command's own rows, with no Delta in between), and
 * subsets of canonical rows.
 *
 * @module
 */
import type * as arrow from "apache-arrow";
import { cli } from "../_cli.ts";
import { createMemorySink, MemoryStore } from "../../plugins/sinks/memory.ts";
import { StreamingServer } from "../../lib/schedule/server.ts";
import { localFs } from "../../lib/delta/fs.ts";
import { readSnapshot } from "../../lib/delta/log_reader.ts";
import type { Add } from "../../lib/delta/actions.ts";
import type { Described } from "./_peer.ts";

/** Our fixture configs for the interop suite. */
export const FIXTURES = new URL("../fixtures/interop/", import.meta.url).pathname;
/** The streaming fixture: `customers`, `orders` (partitioned by status), `statuses` (replace). */
export const RUN_CONFIG = `${FIXTURES}run.yaml`;
/** Its tables. */
export const RUN_TABLES = ["customers", "orders", "statuses"] as const;
/** The start time of every run of the streaming fixture. */
export const RUN_START = "2026-03-01T00:00:00Z";
/** The streaming fixture's tick, ms (`tick_interval: 10s`). */
const TICK_MS = 10_000;
/**
 * Rows per commit when fast-forwarding: two ticks of `orders` (10 rows each), so 70 ticks make
 * 35 commits of it after its initial one, past the checkpoints at 10, 20 and 30.
 */
export const RUN_COMMIT_ROWS = 20;
/** Ticks of an uninterrupted run of the fixture. */
export const RUN_TICKS = 70;

/** The logical time after `ticks` ticks of the streaming fixture, as `--until` takes it. */
export function runUntil(ticks: number): string {
  return new Date(Date.parse(RUN_START) + ticks * TICK_MS).toISOString();
}

/** The arguments of `run --fast-forward` of the streaming fixture into `output` up to `ticks`. */
export function runArgs(output: string, ticks: number): string[] {
  return [
    "run",
    "--config",
    RUN_CONFIG,
    "--output",
    output,
    "--start-time",
    RUN_START,
    "--fast-forward",
    "--until",
    runUntil(ticks),
    "--commit-rows",
    String(RUN_COMMIT_ROWS),
  ];
}

/** Runs the CLI in this process and fails with its output when it does not exit 0. */
export async function ok(...args: string[]): Promise<string> {
  const result = await cli(...args);
  if (result.code !== 0) {
    throw new Error(`tablestream ${args.join(" ")} exited ${result.code}:\n${result.stderr}`);
  }
  return result.stdout;
}

/**
 * The rows `run` generates for the streaming fixture up to `ticks`, from the same server
 * writing into memory: what the Delta tables must hold, obtained without our Delta writer or
 * reader. `rows(table, commit)` is a table after its commit `commit` (a Delta version, since
 * the run commits alike into both).
 */
export async function streamedRows(
  ticks: number,
): Promise<{ rows(table: string, commit?: number): arrow.Table }> {
  const store = new MemoryStore();
  const summary = await new StreamingServer({
    config: RUN_CONFIG,
    sink: () => createMemorySink({ store }),
    startTime: new Date(RUN_START),
    fastForward: true,
    until: new Date(runUntil(ticks)),
    commitRows: RUN_COMMIT_ROWS,
    workers: 1,
  }).start();
  if (summary.failed.length > 0) {
    throw new Error(`The in-memory run failed: ${JSON.stringify(summary.failed)}`);
  }
  return { rows: (table, commit) => store.rows(table, commit) };
}

/**
 * A temporary folder for the tables a test file's cases share, made on first use and removed
 * when the file's tests are done.
 */
export function sharedTempDir(): () => Promise<string> {
  let dir: Promise<string> | undefined;
  return () => {
    if (!dir) {
      dir = Deno.makeTempDir({ prefix: "tablestream-interop-" });
      dir.then((path) =>
        globalThis.addEventListener("unload", () => Deno.removeSync(path, { recursive: true }))
      );
    }
    return dir;
  };
}

/** Memoizes an async function of no arguments: the shared fixtures of a test file. */
export function once<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | undefined;
  return () => made ??= make();
}

/** The active files of a Delta table as our reader sees them (a version of it). */
export async function activeFiles(table: string, version?: number): Promise<Add[]> {
  return (await readSnapshot(localFs, table, { version })).files;
}

export { copyDir } from "../_delta.ts";

/**
 * The rows of a read that satisfy `keep` (given the row's canonical values), with their
 * count and digest computed as the peer computes them.
 */
export async function subset(
  read: Described,
  keep: (row: Record<string, unknown>) => boolean,
): Promise<Described> {
  // The rows are sorted; a subset of them stays sorted.
  const rows = read.rows.filter((line) => keep(JSON.parse(line)));
  const hash = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(rows.join("\n")));
  const digest = [...new Uint8Array(hash)].map((b) => b.toString(16).padStart(2, "0")).join("")
    .slice(0, 24);
  return { schema: read.schema, count: rows.length, digest, rows };
}

/** pyarrow's type name with the differences that do not matter to a reader folded away. */
export function normalType(type: string): string {
  return type === "large_string" ? "string" : type === "large_binary" ? "binary" : type;
}
