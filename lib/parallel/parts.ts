/**
 * Finished Parquet files of a table's rows, made where the rows are generated: a generation
 * worker generates a run of rows, encodes it and computes its statistics, so the thread that
 * writes (one, for every worker) only stores bytes and commits. Encoding was most of that
 * thread's time (a million rows of the numeric bench table: about 0.8 s of its 1.1 s), and it
 * kept the workers waiting.
 *
 * @module
 */
import * as arrow from "apache-arrow";
import type { TableGenerator } from "../engine/generator.ts";
import type { ParquetPart, ParquetPartSpec } from "../plugin/types.ts";
import { encodeParquet } from "../parquet/mod.ts";
import { statsJson } from "../delta/stats.ts";

/** One file to make: rows `firstRowId .. firstRowId + count - 1` of `table` in `epoch`. */
export interface PartJob {
  table: string;
  firstRowId: number;
  count: number;
  epoch: number;
  /** Rows generated at a time (the rows do not depend on it). */
  batchSize: number;
  /** How the sink wants the file. */
  spec: ParquetPartSpec;
}

/**
 * Fewest rows of a file cut so that workers share a range: below it, more files cost readers
 * more than the parallel encoding saves.
 */
export const MIN_PART_ROWS = 50_000;

/**
 * Generates a job's rows (in batches of `batchSize`, which do not change them) and encodes
 * them as one Parquet file, with the statistics its spec asks for.
 */
export function encodePart(generator: TableGenerator, job: PartJob): ParquetPart {
  const batches: arrow.RecordBatch[] = [];
  for (let done = 0; done < job.count; done += job.batchSize) {
    const n = Math.min(job.batchSize, job.count - done);
    batches.push(generator.batch(job.firstRowId + done, n, job.epoch));
  }
  const table = new arrow.Table(generator.schema(), batches);
  return {
    bytes: encodeParquet(table, job.spec.compression),
    rows: table.numRows,
    ...(job.spec.stats === "delta" ? { stats: statsJson(table) } : {}),
  };
}
