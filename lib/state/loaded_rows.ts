/**
 * Rows of a table read back from storage, kept compact for children to reference: only the
 * columns children need (the keys, what `copy_from_fk` copies, `weighted_parent`'s
 * attribute), ordered by primary key so the order does not depend on how files were
 * compacted. A run of whole numbers that step evenly (the keys `generate` writes) is kept as
 * its first value and step, whatever its length; other chunks as the Arrow vectors they were
 * read into. Loading the keys of a ten-million-row parent then costs kilobytes, not 80 MB.
 *
 * @module
 */
import * as arrow from "apache-arrow";
import { decimalValue } from "../arrow/cells.ts";
import { type ColumnType, columnTypeOf, decimalParts } from "../arrow/types.ts";
import { PyDate } from "../expr/datetime_values.ts";
import { DAY_MS } from "../arrow/time.ts";
import type { Value } from "../expr/values.ts";

/**
 * The column type an Arrow column of a stored table reads as: its own ({@link columnTypeOf}),
 * except that decimals read as floats (as {@link engineValue} gives them) and what no column
 * type holds reads as text.
 */
export function columnTypeOfArrow(type: arrow.DataType): ColumnType {
  const column = columnTypeOf(type);
  if (column === undefined) return "string";
  return decimalParts(column) ? "float64" : column;
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** What {@link engineValue} reads: an Arrow vector, or a {@link LoadedColumn}. */
interface ValueSource {
  readonly type: arrow.DataType;
  get(index: number): unknown;
}

/** Turns the Arrow value at `index` into the engine's value for its column type. */
function engineValue(vector: ValueSource, index: number): Value {
  const raw = vector.get(index);
  if (raw === null || raw === undefined) return null;
  const type = vector.type as arrow.DataType;
  switch (type.typeId) {
    case arrow.Type.Int:
      // A 64-bit int beyond 2^53 stays exact, as the engine's ints do.
      return typeof raw === "bigint" && (raw > MAX_SAFE || raw < -MAX_SAFE) ? raw : Number(raw);
    case arrow.Type.Float:
      return Number(raw);
    case arrow.Type.Bool:
      return Boolean(raw);
    case arrow.Type.Date:
      return new PyDate(Math.floor(Number(raw) / DAY_MS));
    case arrow.Type.Timestamp:
      return new Date(Math.floor(Number(raw)));
    case arrow.Type.Decimal:
      // Arrow gives the unscaled integer (839505.56 at scale 2 is 83950556).
      return decimalValue(BigInt(String(raw)), (type as arrow.Decimal).scale);
    case arrow.Type.Utf8:
    case arrow.Type.LargeUtf8:
      return raw as string;
    default:
      return raw instanceof Uint8Array ? new TextDecoder().decode(raw) : String(raw);
  }
}

/** A chunk of a loaded column: an even run of whole numbers, or Arrow values. */
type Segment =
  | { start: number; length: number; first: number; step: number }
  | { start: number; length: number; vector: arrow.Vector };

/** The whole-number values of an integer chunk without nulls, if they are safe integers. */
function integerValues(data: arrow.Data): ((i: number) => number) | undefined {
  if (!arrow.DataType.isInt(data.type) || data.nullCount > 0) return undefined;
  const values = data.values;
  if (!(values instanceof BigInt64Array || values instanceof BigUint64Array)) {
    return (i) => values[i] as number;
  }
  // Words, not a BigInt per value; beyond 2^52 a double could merge two values.
  const words = new Int32Array(values.buffer, values.byteOffset, data.length * 2);
  for (let i = 0; i < data.length; i++) {
    const hi = words[2 * i + 1];
    if (hi >= 0x100000 || hi < (values instanceof BigUint64Array ? 0 : -0x100000)) {
      return undefined;
    }
  }
  return (i) => words[2 * i + 1] * 4294967296 + (words[2 * i] >>> 0);
}

/** The chunk as (first, step) when its values step evenly, else undefined. */
function evenRun(data: arrow.Data): { first: number; step: number } | undefined {
  const at = integerValues(data);
  if (!at || data.length === 0) return undefined;
  const first = at(0);
  const step = data.length > 1 ? at(1) - first : 1;
  for (let i = 2; i < data.length; i++) if (at(i) !== first + i * step) return undefined;
  return { first, step };
}

/** `data` with buffers of its own (a dictionary stays shared: readers build it anew). */
function ownData(data: arrow.Data): arrow.Data {
  const own = <T extends { slice(): T } | undefined>(b: T) => b?.slice() as T;
  const { OFFSET, DATA, VALIDITY, TYPE } = arrow.BufferType;
  const buffers = {
    [OFFSET]: own(data.buffers[OFFSET]),
    [DATA]: own(data.buffers[DATA]),
    [VALIDITY]: own(data.buffers[VALIDITY]),
    [TYPE]: own(data.buffers[TYPE]),
  };
  return data.clone(
    data.type,
    data.offset,
    data.length,
    data.nullCount,
    buffers,
    data.children.map(ownData),
  );
}

/** Extends the even run `last` by a chunk `run` of `length` values when they continue it. */
function extendRun(
  last: { length: number; first: number; step: number },
  run: { first: number; step: number },
  length: number,
): boolean {
  // A run of one value has no step yet: the next value decides it.
  const step = last.length === 1 ? run.first - last.first : last.step;
  if (run.first !== last.first + last.length * step) return false;
  if (length > 1 && run.step !== step) return false;
  last.step = step;
  last.length += length;
  return true;
}

/**
 * One loaded column, chunk by chunk. `get` answers as Arrow's `Vector.get` would, except
 * that values of even runs are plain numbers (the engine reads every integer as a number).
 */
export class LoadedColumn implements ValueSource {
  readonly type: arrow.DataType;
  length = 0;
  readonly #segments: Segment[] = [];

  constructor(type: arrow.DataType) {
    this.type = type;
  }

  /** Adds the next chunk of values. */
  append(data: arrow.Data): void {
    const start = this.length;
    const run = evenRun(data);
    const last = this.#segments.at(-1);
    if (run && last && "step" in last && extendRun(last, run, data.length)) {
      // The run goes on across chunks (and files): one segment however many files.
    } else if (run) {
      this.#segments.push({ start, length: data.length, ...run });
    } else {
      // A copy: `data` may be a reader's reused buffer (Sink.readBatches), or a view of a
      // buffer holding far more than this column.
      this.#segments.push({ start, length: data.length, vector: arrow.makeVector(ownData(data)) });
    }
    this.length += data.length;
  }

  /** The value in row `index` (storage order). */
  get(index: number): unknown {
    const segments = this.#segments;
    let lo = 0, hi = segments.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (segments[mid].start <= index) lo = mid;
      else hi = mid - 1;
    }
    const segment = segments[lo];
    const offset = index - segment.start;
    return "step" in segment ? segment.first + offset * segment.step : segment.vector.get(offset);
  }

  /** Whether the values only ever go up (an even run with a positive step). */
  get increasing(): boolean {
    return this.#segments.length === 1 && "step" in this.#segments[0] &&
      this.#segments[0].step > 0;
  }

  /** The chunks as data a worker can rebuild the column from (vectors as Arrow IPC). */
  transfer(name: string): TransferredColumn {
    return {
      schema: arrow.tableToIPC(
        new arrow.Table(new arrow.Schema([new arrow.Field(name, this.type)])),
      ),
      segments: this.#segments.map((s) =>
        "step" in s
          ? { length: s.length, first: s.first, step: s.step }
          : { length: s.length, ipc: arrow.tableToIPC(new arrow.Table({ [name]: s.vector })) }
      ),
    };
  }

  /** Rebuilds a column from {@link transfer}. */
  static received(name: string, sent: TransferredColumn): LoadedColumn {
    const type = arrow.tableFromIPC(sent.schema).schema.fields[0].type;
    const column = new LoadedColumn(type);
    for (const s of sent.segments) {
      const start = column.length;
      if ("ipc" in s) {
        const vector = arrow.tableFromIPC(s.ipc).getChild(name)!;
        column.#segments.push({ start, length: s.length, vector });
      } else {
        column.#segments.push({ start, length: s.length, first: s.first, step: s.step });
      }
      column.length += s.length;
    }
    return column;
  }
}

/** A {@link LoadedColumn} as structured-clonable data. */
export interface TransferredColumn {
  /** An empty Arrow IPC table whose only field is the column's. */
  schema: Uint8Array;
  segments:
    ({ length: number; first: number; step: number } | { length: number; ipc: Uint8Array })[];
}

/** {@link LoadedRows} as structured-clonable data, for generation workers. */
export interface TransferredRows {
  table: string;
  count: number;
  key?: string;
  columns: Record<string, TransferredColumn>;
}

/** Orders row indexes by a key column: numbers numerically, anything else as text. */
function keyOrder(keys: LoadedColumn): Int32Array | undefined {
  if (keys.increasing) return undefined; // keys as `generate` writes them
  const n = keys.length;
  const value = (i: number): number | string | null => {
    const v = keys.get(i);
    if (v === null || v === undefined) return null;
    return typeof v === "number" || typeof v === "bigint" ? Number(v) : String(v);
  };
  let sorted = true;
  for (let i = 1; i < n && sorted; i++) sorted = compare(value(i - 1), value(i)) <= 0;
  if (sorted) return undefined; // the common case: rows were written in key order
  const order = Int32Array.from({ length: n }, (_, i) => i);
  const cached = Array.from({ length: n }, (_, i) => value(i));
  order.sort((a, b) => compare(cached[a], cached[b]) || a - b);
  return order;
}

function compare(a: number | string | null, b: number | string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  if (typeof a === "number" && typeof b === "number") return a - b;
  return String(a) < String(b) ? -1 : 1;
}

/** A table's rows as read back, for children to reference by index. */
export class LoadedRows {
  readonly table: string;
  readonly count: number;
  /** The column the rows are ordered by, if any. */
  readonly key?: string;
  readonly #columns: Map<string, LoadedColumn>;
  readonly #types = new Map<string, ColumnType>();
  readonly #order?: Int32Array;

  /**
   * Keeps the columns of `data` (read from table `table`), ordered by `key` when given; with
   * `limit`, only the first `limit` rows in that order.
   */
  constructor(table: string, data: arrow.Table, key?: string, limit?: number);
  constructor(table: string, data: Map<string, LoadedColumn>, key?: string, limit?: number);
  constructor(
    table: string,
    data: arrow.Table | Map<string, LoadedColumn>,
    key?: string,
    limit?: number,
  ) {
    this.table = table;
    this.#columns = data instanceof Map ? data : columnsOf(data.schema, data.batches);
    const rows = data instanceof Map ? ([...data.values()][0]?.length ?? 0) : data.numRows;
    this.count = Math.min(rows, limit ?? Infinity);
    for (const [name, column] of this.#columns) {
      this.#types.set(name, columnTypeOfArrow(column.type));
    }
    if (key !== undefined) this.key = key;
    if (key !== undefined && this.#columns.has(key)) this.#order = keyOrder(this.#column(key));
  }

  /** Loads rows batch by batch, never holding more than one batch as Arrow data. */
  static async fromBatches(
    table: string,
    schema: arrow.Schema,
    batches: AsyncIterable<arrow.RecordBatch>,
    key?: string,
  ): Promise<LoadedRows> {
    const columns = columnsOf(schema, []);
    for await (const batch of batches) appendBatch(columns, batch);
    return new LoadedRows(table, columns, key);
  }

  /** The rows as data a generation worker rebuilds them from ({@link LoadedRows.received}). */
  transfer(): TransferredRows {
    return {
      table: this.table,
      count: this.count,
      ...(this.key !== undefined ? { key: this.key } : {}),
      columns: Object.fromEntries(
        [...this.#columns].map(([name, column]) => [name, column.transfer(name)]),
      ),
    };
  }

  /** Rebuilds rows sent by {@link transfer} (ordered again, the same way). */
  static received(sent: TransferredRows): LoadedRows {
    const columns = new Map(
      Object.entries(sent.columns).map(([name, c]) => [name, LoadedColumn.received(name, c)]),
    );
    return new LoadedRows(sent.table, columns, sent.key, sent.count);
  }

  /** The first `count` rows in key order (the rows a table kept, when it has more now). */
  first(count: number): LoadedRows {
    return new LoadedRows(this.table, this.#columns, this.key, count);
  }

  #column(name: string): LoadedColumn {
    const column = this.#columns.get(name);
    if (!column) {
      throw new Error(
        `Table "${this.table}" was read without column "${name}" (read: ${
          [...this.#columns.keys()].join(", ")
        })`,
      );
    }
    return column;
  }

  /** Whether the rows were read with this column. */
  has(name: string): boolean {
    return this.#columns.has(name);
  }

  /** The value of `column` in row `index` (in key order). */
  value(column: string, index: number): Value {
    return engineValue(this.#column(column), this.#order ? this.#order[index] : index);
  }

  /** The column type the engine sees for a loaded column. */
  columnType(column: string): ColumnType {
    this.#column(column);
    return this.#types.get(column)!;
  }

  /** The largest whole-number value of `column`, if it has any. */
  maxInteger(column: string): number | undefined {
    const values = this.#column(column);
    if (values.increasing) return Number(values.get(values.length - 1));
    let max: number | undefined;
    for (let i = 0; i < values.length; i++) {
      const v = values.get(i);
      if (typeof v !== "number" && typeof v !== "bigint") return undefined;
      const n = Number(v);
      if (!Number.isInteger(n)) return undefined;
      if (max === undefined || n > max) max = n;
    }
    return max;
  }
}

/** Empty columns for the fields of `schema`, filled from `batches`. */
function columnsOf(schema: arrow.Schema, batches: readonly arrow.RecordBatch[]) {
  const columns = new Map(schema.fields.map((f) => [f.name, new LoadedColumn(f.type)]));
  for (const batch of batches) appendBatch(columns, batch);
  return columns;
}

function appendBatch(columns: Map<string, LoadedColumn>, batch: arrow.RecordBatch): void {
  for (const [name, column] of columns) {
    const child = batch.getChild(name);
    if (child) { for (const data of child.data) column.append(data); }
  }
}
