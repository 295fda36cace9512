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
import { ParquetStream } from "../parquet/mod.ts";
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
 * them as one Parquet file, with the statistics its spec asks for. Each batch is encoded as it
 * is made: a worker then holds the file's rows once (for the statistics) and its bytes, as the
 * writing thread did, not also a copy of all its rows for the encoder.
 */
export async function encodePart(generator: TableGenerator, job: PartJob): Promise<ParquetPart> {
  const schema = generator.schema();
  const file = new ParquetStream(job.spec.compression, schema);
  const batches: arrow.RecordBatch[] = [];
  try {
    for (let done = 0; done < job.count; done += job.batchSize) {
      const n = Math.min(job.batchSize, job.count - done);
      const batch = generator.batch(job.firstRowId + done, n, job.epoch);
      batches.push(batch);
      await file.write(batch);
    }
  } catch (error) {
    file.abort();
    throw error;
  }
  const bytes = await file.finish();
  return {
    bytes,
    rows: job.count,
    ...(job.spec.stats === "delta" ? { stats: statsJson(new arrow.Table(schema, batches)) } : {}),
  };
}
