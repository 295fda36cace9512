/**
 * Keyed records of a table's rows (a message broker sink's, `Sink.recordSpec`), made where the
 * rows are generated: a generation worker generates a piece of rows and encodes its keys,
 * values and partitions, so the thread that writes (one, for every worker) only sends bytes.
 * Encoding was a quarter of that thread's time for a numeric table into Kafka, and as with
 * Parquet files (parts.ts) it kept the workers waiting.
 *
 * @module
 */
import type { TableGenerator } from "../engine/generator.ts";
import type { EncodedRecords, RecordSpec } from "../plugin/types.ts";
import { encodeRecords } from "../../plugins/sinks/kafka/records.ts";

/** One piece to make: rows `firstRowId .. firstRowId + count - 1` of `table` in `epoch`. */
export interface RecordJob {
  table: string;
  firstRowId: number;
  count: number;
  epoch: number;
  /** How the sink wants the records. */
  spec: RecordSpec;
}

/** Generates a job's rows (one batch) and encodes them as its spec asks. */
export function makeRecords(generator: TableGenerator, job: RecordJob): EncodedRecords {
  return encodeRecords(generator.batch(job.firstRowId, job.count, job.epoch), job.spec);
}

/** The buffers of records, to hand them to another thread without a copy. */
export function recordBuffers(records: EncodedRecords): ArrayBuffer[] {
  const arrays = [
    records.values,
    records.valueOffsets,
    records.keys,
    records.keyOffsets,
    records.partitions,
  ];
  const buffers = new Set<ArrayBuffer>();
  for (const array of arrays) if (array) buffers.add(array.buffer as ArrayBuffer);
  return [...buffers];
}
