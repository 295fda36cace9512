/**
 * Batch generation: `row_count` rows of chosen tables, cut into batches, handed to a sink.
 *
 * @module
 */
import type { Sink } from "../plugin/types.ts";
import type { Engine } from "../engine/engine.ts";
import { sinkTableOf } from "../engine/spec.ts";
import {
  type BatchSource,
  localSource,
  orderedBatches,
  orderedParts,
  orderedRecords,
} from "./pool.ts";

/** Options of {@link generateToSink}. */
export interface GenerateOptions {
  /** Tables to write, parents first. */
  tables: readonly string[];
  /** Rows per batch (default 10,000). The output does not depend on it. */
  batchSize?: number;
  /** Refuse (default), replace or append to destinations that have rows. */
  mode?: "error" | "overwrite" | "append";
  signal?: AbortSignal;
  /** Called after every batch. */
  onBatch?: (table: string, rowsDone: number, rowsTotal: number) => void;
  /**
   * Where batches are generated: this thread by default, or a worker pool. The rows are the
   * same either way.
   */
  source?: BatchSource;
}

/** Rows written per table. */
export type GenerateSummary = { table: string; rows: number }[];

/** Default rows per batch: large enough to amortise per-batch costs, small in memory. */
export const DEFAULT_BATCH_SIZE = 10_000;

/**
 * Writes `row_count` rows of each table through `sink`. The sink is opened with every
 * schema first, so a bad destination fails before any row is generated; after the last batch
 * it is flushed (the one commit point of a batch run), then closed. A sink that takes
 * finished Parquet files (`parquetPartSpec`) or keyed records (`recordSpec`) gets them from the
 * workers, when there are.
 */
export async function generateToSink(
  engine: Engine,
  sink: Sink,
  options: GenerateOptions,
): Promise<GenerateSummary> {
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  if (!(batchSize >= 1)) throw new RangeError(`Batch size must be at least 1, got ${batchSize}`);
  const generators = options.tables.map((name) => engine.table(name));
  const source = options.source ?? localSource(engine);
  await sink.open(
    generators.map((g) => sinkTableOf(g.spec, g.schema())),
    { mode: options.mode ?? "error", signal: options.signal },
  );
  const summary: GenerateSummary = [];
  let closed = false;
  try {
    for (const generator of generators) {
      const { rowCount, startRowId } = generator.spec;
      const spec = sink.parquetPartSpec?.(generator.name);
      const recordSpec = sink.recordSpec?.(generator.name);
      // Files (or records) encoded in the workers when there are workers (they were started
      // because the rows are many); in one thread, batches go to the sink, which encodes as
      // they come.
      const inParts = () => !!spec && source.parallelism > 1 && !!source.part;
      const inRecords = () => !!recordSpec && source.parallelism > 1 && !!source.records;
      let done = 0;
      const written = async (count: number, write: () => Promise<void>) => {
        options.signal?.throwIfAborted();
        try {
          await write();
        } catch (error) {
          throw new Error(
            `Cannot write rows ${startRowId + done}..${startRowId + done + count - 1} ` +
              `of table "${generator.name}": ${(error as Error).message}`,
            { cause: error },
          );
        }
        done += count;
        options.onBatch?.(generator.name, done, rowCount);
      };
      while (done < rowCount) {
        const range = {
          table: generator.name,
          firstRowId: startRowId + done,
          count: rowCount - done,
          epoch: 0,
          batchSize,
        };
        if (inParts()) {
          for await (const part of orderedParts(source, range, spec!)) {
            await written(part.rows, () => sink.writeParquetPart!(generator.name, part));
          }
          continue;
        }
        if (inRecords()) {
          for await (const records of orderedRecords(source, range, recordSpec!)) {
            await written(records.rows, () => sink.writeRecords!(generator.name, records));
          }
          continue;
        }
        for await (const batch of orderedBatches(source, range)) {
          await written(batch.numRows, () => sink.write(generator.name, batch));
          // A pool that joined meanwhile (handoff.ts) makes the rest of the table's files.
          if (inParts() || inRecords()) break;
        }
      }
      summary.push({ table: generator.name, rows: rowCount });
    }
    // The same contract as `run`: rows count once a flush returns; `close` only releases.
    await sink.flush();
    closed = true;
    await sink.close();
  } finally {
    if (!closed) await abandon(sink);
  }
  return summary;
}

/** Drops staged output after a failure; the original error is the one worth reporting. */
async function abandon(sink: Sink): Promise<void> {
  await sink.abort?.().catch(() => {});
}
