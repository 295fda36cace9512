/**
 * A data file written batch by batch, encoded as the batches come: what lets the Delta sink
 * encode a large write while later batches are generated.
 *
 * @module
 */
import * as arrow from "apache-arrow";
import type { Add } from "./actions.ts";
import type { ParquetStream } from "../parquet/mod.ts";

/**
 * A data file being written batch by batch: each batch is encoded as it comes, and kept
 * until the file is finished only for its statistics.
 */
export class DataFileWriter {
  /** Rows written to the file so far. */
  rows = 0;
  readonly #stream: ParquetStream;
  readonly #conform: (batch: arrow.RecordBatch) => arrow.RecordBatch[];
  readonly #store: (bytes: Uint8Array, part: arrow.Table) => Promise<Add>;
  readonly #batches: arrow.RecordBatch[] = [];

  constructor(
    stream: ParquetStream,
    conform: (batch: arrow.RecordBatch) => arrow.RecordBatch[],
    store: (bytes: Uint8Array, part: arrow.Table) => Promise<Add>,
  ) {
    this.#stream = stream;
    this.#conform = conform;
    this.#store = store;
  }

  /** Adds rows to the file. */
  async append(batch: arrow.RecordBatch): Promise<void> {
    for (const conformed of this.#conform(batch)) {
      this.#batches.push(conformed);
      this.rows += conformed.numRows;
      await this.#stream.write(conformed);
    }
  }

  /** Ends the file and writes it under a unique name; its `add` action (not committed). */
  async finish(): Promise<Add> {
    const bytes = await this.#stream.finish();
    const part = new arrow.Table(this.#batches[0].schema, this.#batches);
    this.#batches.length = 0;
    return await this.#store(bytes, part);
  }

  /** Drops the file: nothing was written to storage. */
  abort(): void {
    this.#stream.abort();
    this.#batches.length = 0;
  }
}
