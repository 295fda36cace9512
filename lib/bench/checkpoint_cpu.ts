/**
 * The CPU of one Delta checkpoint of a table of N files, for profiling and before/after
 * comparisons on a shared machine, where wall time swings: checkpoints are written back to
 * back to a temporary table and the process's CPU time (user + system, every thread) per
 * checkpoint is printed. Not a `deno task bench` case: cadence_idle measures the live run.
 *
 * ```sh
 * deno run -A lib/bench/checkpoint_cpu.ts 1000 200            # 1,000 files, 200 checkpoints
 * deno run -A lib/bench/checkpoint_cpu.ts 8640 30 --extended  # a day of 10 s commits
 * deno run -A --cpu-prof lib/bench/checkpoint_cpu.ts 10 500   # a profile of small ones
 * ```
 *
 * `--extended` gives the table row tracking and a domain (the extended checkpoint schema).
 *
 * @module
 */
import process from "node:process";
import { TableState } from "../delta/commit.ts";
import { writeCheckpoint } from "../delta/checkpoint.ts";
import { joinPath, localFs, logFolder } from "../delta/fs.ts";

const NOW = 1_760_000_000_000;

/** A live table's state after `files` commits of one small file each. */
function liveTableState(path: string, files: number, extended: boolean): TableState {
  const state = new TableState(path);
  state.protocol = extended
    ? {
      minReaderVersion: 3,
      minWriterVersion: 7,
      readerFeatures: ["deletionVectors"],
      writerFeatures: ["rowTracking", "domainMetadata", "deletionVectors"],
    }
    : { minReaderVersion: 1, minWriterVersion: 2 };
  state.metadata = {
    id: "0e9c2d5a-0000-4000-8000-000000000000",
    format: { provider: "parquet", options: {} },
    schemaString: '{"type":"struct","fields":[{"name":"id","type":"long","nullable":true}]}',
    partitionColumns: [],
    configuration: {},
    createdTime: NOW,
  };
  state.txns.set("tablestream", { appId: "tablestream", version: files, lastUpdated: NOW });
  if (extended) {
    state.domains.set("delta.rowTracking", {
      domain: "delta.rowTracking",
      configuration: `{"rowIdHighWaterMark":${files * 10 - 1}}`,
      removed: false,
    });
  }
  for (let i = 0; i < files; i++) {
    const path = `part-${String(i).padStart(5, "0")}-${crypto.randomUUID()}-c000.snappy.parquet`;
    state.files.set(path, {
      path,
      partitionValues: {},
      size: 1_500 + i % 100,
      modificationTime: NOW + i * 10_000,
      dataChange: true,
      stats: `{"numRecords":10,"minValues":{"id":${i * 10}},"maxValues":{"id":${i * 10 + 9}},` +
        `"nullCount":{"id":0}}`,
      ...(extended ? { baseRowId: i * 10, defaultRowCommitVersion: i + 1 } : {}),
    });
  }
  return state;
}

async function main(args: string[]): Promise<void> {
  const [files, checkpoints] = args.filter((a) => !a.startsWith("--")).map(Number);
  if (!Number.isInteger(files) || !Number.isInteger(checkpoints) || checkpoints < 1) {
    throw new Error("Usage: checkpoint_cpu.ts FILES CHECKPOINTS [--extended]");
  }
  const extended = args.includes("--extended");
  const dir = await Deno.makeTempDir({ prefix: "tablestream-checkpoint-cpu-" });
  try {
    const state = liveTableState(joinPath(dir, "t"), files, extended);
    await Deno.mkdir(logFolder(state.table), { recursive: true });
    const cpu = process.cpuUsage();
    const start = performance.now();
    for (let v = 1; v <= checkpoints; v++) {
      state.version = v;
      await writeCheckpoint(localFs, state, { now: NOW });
    }
    const used = process.cpuUsage(cpu);
    const ms = (n: number) => (n / checkpoints).toFixed(2);
    console.log(
      `${files} files, ${extended ? "extended" : "classic"} schema: ` +
        `${ms((used.user + used.system) / 1000)} ms CPU, ` +
        `${ms(performance.now() - start)} ms wall per checkpoint`,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

if (import.meta.main) await main(Deno.args);
