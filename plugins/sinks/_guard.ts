/**
 * The lifecycle every built-in sink shares: call order, known tables, matching schemas, and
 * what happens after a failure (nothing more is committed; close cleans up and reports it).
 *
 * @module
 */
import * as arrow from "apache-arrow";
import type {
  ChangeBatch,
  CommitPoint,
  EncodedRecords,
  FlushResult,
  ParquetPart,
  ParquetPartSpec,
  RecordSpec,
  Sink,
  SinkOpenOptions,
  SinkReadOptions,
  SinkTable,
  StoredTable,
} from "../../lib/plugin/types.ts";

/** A sink body that {@link guardSink} calls only in order, with checked arguments. */
export interface SinkBody {
  /** Prepares the destination; the tables are already checked to have distinct names. */
  open(tables: readonly SinkTable[], options: SinkOpenOptions): Promise<void>;
  /** Accepts a batch of a known table whose schema matches the one given to `open`. */
  write(table: SinkTable, batch: arrow.RecordBatch): Promise<void>;
  /** How a known table takes finished Parquet files (see {@link Sink.parquetPartSpec}). */
  parquetPartSpec?(table: SinkTable): ParquetPartSpec | undefined;
  /** Stores a finished Parquet file of a known table that takes them. */
  writeParquetPart?(table: SinkTable, part: ParquetPart): Promise<void>;
  /** How a known table takes keyed records (see {@link Sink.recordSpec}). */
  recordSpec?(table: SinkTable): RecordSpec | undefined;
  /** Takes encoded records of a known table that takes them. */
  writeRecords?(table: SinkTable, records: EncodedRecords): Promise<void>;
  /**
   * Takes changes of a known table whose `before` and `after` match its schema (see
   * {@link Sink.writeChanges}); the table has a primary key.
   */
  writeChanges?(table: SinkTable, changes: ChangeBatch): Promise<void>;
  /** Commits what was written so far (recording the commit point, when given). */
  flush(point?: CommitPoint): Promise<FlushResult | void>;
  /** Commits the rest and publishes everything. */
  close(): Promise<void>;
  /** Removes what is unfinished after a failure; must leave what existed before `open` intact. */
  discard(): Promise<void>;
  /** What the destination holds for a table (see {@link Sink.inspect}); no open needed. */
  inspect?(table: string): Promise<StoredTable | null>;
  /** The last tick per application id (see {@link Sink.commitPoints}); no open needed. */
  commitPoints?: Sink["commitPoints"];
  /** Reads a stored table's columns (see {@link Sink.read}); no open needed. */
  read?(table: string, columns: string[], options?: SinkReadOptions): Promise<arrow.Table>;
  /** The same as batches (see {@link Sink.readBatches}); no open needed. */
  readBatches?: Sink["readBatches"];
}

/**
 * Wraps a {@link SinkBody} as a {@link Sink}. After any step fails, later writes and flushes
 * refuse, and `close` discards the unfinished output and rejects with the first failure as
 * its cause, so the caller never takes a failed run for a finished one. `abort` discards the
 * unfinished output without a word; either way, what was committed before stays.
 */
export function guardSink(kind: string, body: SinkBody): Sink {
  let tables: Map<string, SinkTable> | undefined;
  let failure: { error: unknown } | undefined;
  let closed = false;

  function usable(step: string, table?: string): void {
    const what = table === undefined ? step : `${step} to table "${table}"`;
    if (closed) throw new Error(`Cannot ${what}: the ${kind} sink is closed`);
    if (failure) {
      throw new Error(`Cannot ${what}: the ${kind} sink failed earlier`, { cause: failure.error });
    }
    if (tables && step === "open") throw new Error(`Cannot open the ${kind} sink twice`);
    if (!tables && step !== "open") {
      throw new Error(`Cannot ${step}: the ${kind} sink is not open; call open first`);
    }
  }

  /** Runs one step; a failure inside it (not a call out of order) fails the sink. */
  async function step<T>(name: string, run: () => Promise<T>, table?: string): Promise<T> {
    usable(name, table);
    try {
      return await run();
    } catch (error) {
      failure ??= { error };
      throw error;
    }
  }

  /** A table given to `open`. */
  function known(name: string): SinkTable {
    const table = tables!.get(name);
    if (!table) {
      const names = [...tables!.keys()].map((n) => `"${n}"`).join(", ");
      throw new Error(`Cannot write to table "${name}": it was not opened (open: ${names})`);
    }
    return table;
  }

  return {
    open(list, options) {
      return step("open", async () => {
        const byName = new Map<string, SinkTable>();
        for (const table of list) {
          if (byName.has(table.name)) throw new Error(`Table "${table.name}" is listed twice`);
          byName.set(table.name, table);
        }
        await body.open(list, options);
        tables = byName;
      });
    },
    write(name, batch) {
      return step("write", async () => {
        const table = known(name);
        checkSchema(table, batch.schema);
        await body.write(table, batch);
      }, name);
    },
    ...(body.parquetPartSpec && body.writeParquetPart
      ? {
        parquetPartSpec(name: string) {
          usable("write", name);
          return body.parquetPartSpec!(known(name));
        },
        writeParquetPart(name: string, part: ParquetPart) {
          return step("write", async () => {
            const table = known(name);
            if (!body.parquetPartSpec!(table)) {
              throw new Error(`Table "${name}" takes batches, not Parquet files`);
            }
            await body.writeParquetPart!(table, part);
          }, name);
        },
      }
      : {}),
    ...(body.recordSpec && body.writeRecords
      ? {
        recordSpec(name: string) {
          usable("write", name);
          return body.recordSpec!(known(name));
        },
        writeRecords(name: string, records: EncodedRecords) {
          return step("write", async () => {
            const table = known(name);
            if (!body.recordSpec!(table)) {
              throw new Error(`Table "${name}" takes batches, not records`);
            }
            if (records.rows > 0) await body.writeRecords!(table, records);
          }, name);
        },
      }
      : {}),
    ...(body.writeChanges
      ? {
        writeChanges(name: string, changes: ChangeBatch) {
          return step("write changes", async () => {
            const table = known(name);
            checkChanges(table, changes);
            if (changes.ops.length > 0) await body.writeChanges!(table, changes);
          }, name);
        },
      }
      : {}),
    flush(point) {
      // Tick -1 records a point before any tick (a shard's claim of a table's state).
      if (point && !(Number.isSafeInteger(point.tick) && point.tick >= -1)) {
        return Promise.reject(
          new RangeError(`A commit point's tick must be a whole number >= -1`),
        );
      }
      return step("flush", () => body.flush(point));
    },
    ...(body.inspect ? { inspect: body.inspect } : {}),
    ...(body.commitPoints ? { commitPoints: body.commitPoints } : {}),
    ...(body.read ? { read: body.read } : {}),
    ...(body.readBatches ? { readBatches: body.readBatches } : {}),
    async abort() {
      if (closed) return;
      closed = true;
      await body.discard();
    },
    async close() {
      if (closed) return;
      if (tables && !failure) {
        try {
          await body.close();
          closed = true;
          return;
        } catch (error) {
          failure = { error };
        }
      }
      closed = true;
      if (!tables && !failure) return;
      const cleanup = await body.discard().then(
        () => "",
        (error) => `; cleanup failed too: ${error}`,
      );
      throw new Error(
        `The ${kind} sink failed; what it had not committed was discarded${cleanup}`,
        {
          cause: failure!.error,
        },
      );
    },
  };
}

function checkSchema(table: SinkTable, schema: arrow.Schema): void {
  const want = table.schema.fields;
  const got = schema.fields;
  const same = want.length === got.length &&
    want.every((field, i) =>
      field.name === got[i].name && arrow.util.compareTypes(field.type, got[i].type)
    );
  if (!same) {
    const spell = (fields: arrow.Field[]) => fields.map((f) => `${f.name}: ${f.type}`).join(", ");
    throw new Error(
      `Batch for table "${table.name}" does not match its schema: expected (${spell(want)}), got (${
        spell(got)
      })`,
    );
  }
}

/** A change batch's parts agree with each other and with the table. */
function checkChanges(table: SinkTable, changes: ChangeBatch): void {
  if (!table.primaryKey) {
    throw new Error(
      `Table "${table.name}" has changes but no primary key to find its rows by; mark a column ` +
        "with is_primary_key: true",
    );
  }
  checkSchema(table, changes.before.schema);
  checkSchema(table, changes.after.schema);
  const n = changes.ops.length;
  const lengths = [
    changes.ticks.length,
    changes.timesMs.length,
    changes.versions.length,
    changes.before.numRows,
    changes.after.numRows,
  ];
  if (lengths.some((length) => length !== n)) {
    throw new RangeError(
      `A change batch of table "${table.name}" has ${n} changes but parts of lengths ${lengths}`,
    );
  }
}
