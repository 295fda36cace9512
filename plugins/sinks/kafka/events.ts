/**
 * A Kafka table's rows and changes as Debezium events (plugins/sinks/_debezium.ts): records
 * keyed and partitioned as the table's rows are (records.ts, on the key columns alone), so
 * every event of a row lands in one partition, in order; after each delete, a tombstone (the
 * key with a null value) so a compacted topic drops the row. And back: a topic of events read
 * as the table's rows now, each key's last event replayed.
 *
 * @module
 */
import type * as arrow from "apache-arrow";
import { Buffer } from "node:buffer";
import type { ChangeBatch, EncodedRecords, SinkTable } from "../../../lib/plugin/types.ts";
import { SinkError } from "../../../lib/plugin/sink_errors.ts";
import { changeEventsJson, insertEventsJson } from "../_debezium.ts";
import { encodeKeys, type RecordShape } from "./records.ts";
import { avroEventRow, avroEvents } from "./debezium_avro.ts";
import type { ReadRecord } from "./topic_reader.ts";
import type { Outbox, PartitionBatch, SendVia } from "./sender.ts";
import { BATCH_HEADER, headerBytes, recordSize, writeRecord } from "./record_batch.ts";
import type { ProgressRecord } from "./progress.ts";

/** A tombstone: a deleted row's key, for a record with a null value. */
export interface Tombstone {
  key: Buffer;
  partition: number;
}

/** What a table's state holds for its events, beside its outbox. */
export interface EventState {
  table: SinkTable;
  shape: RecordShape;
  partitions: number;
  /** Rows and changes are written as Debezium events. */
  events: boolean;
  /** Since the last commit: the keys of deleted rows, whose tombstones the commit sends. */
  tombstones: Tombstone[];
  /** Since the last commit: change events buffered (not rows), and rows deleted. */
  changed: { events: number; deletes: number };
}

/**
 * Checks that a table with changes is keyed by its primary key alone: its events must share a
 * partition, and compaction must see one key per row.
 */
export function checkEventKey(table: SinkTable, key: readonly string[], named: string): void {
  if (!table.changes) return;
  if (table.primaryKey === undefined) {
    throw new SinkError(
      `${named} has changes but no primary key to key its events by; mark a column with ` +
        "is_primary_key: true",
      { healable: false },
    );
  }
  if (key.length !== 1 || key[0] !== table.primaryKey) {
    const keys = key.length > 0 ? key.map((k) => `"${k}"`).join(", ") : "no key";
    throw new SinkError(
      `${named} has changes, so its events are keyed by its primary key ` +
        `"${table.primaryKey}", not by ${keys}; drop the key option for this table, or write ` +
        "it to another sink",
      { healable: false },
    );
  }
}

/**
 * Checks that a topic holds what the table would write now: Debezium events, or plain rows
 * (as its progress record says), never both in one topic.
 */
export function checkEnvelope(stored: ProgressRecord, events: boolean, named: string): void {
  if ((stored.envelope === "debezium") === events) return;
  const spell = (e: boolean) => e ? "Debezium events" : "plain rows";
  throw new SinkError(
    `${named} holds ${spell(!events)}, and this run would write ${spell(events)} to it ` +
      `(${events ? "the table has changes, or envelope: debezium" : "no changes, no envelope"}); ` +
      "write to another topic (the topic option), or delete the topic",
    { healable: false },
  );
}

/**
 * Records of `values` (one per row) keyed and partitioned as records.ts keys the rows
 * themselves (their key columns in `rows`): records without key columns get no partitions
 * (the sink spreads them).
 */
function keyed(
  rows: arrow.RecordBatch,
  values: readonly Uint8Array[],
  shape: RecordShape,
  partitions: number,
): EncodedRecords {
  const keys = shape.key.length === 0 ? {} : encodeKeys(rows, { key: shape.key, partitions });
  const valueOffsets = new Int32Array(values.length + 1);
  values.forEach((value, i) => valueOffsets[i + 1] = valueOffsets[i] + value.length);
  const bytes = new Uint8Array(valueOffsets[values.length]);
  values.forEach((value, i) => bytes.set(value, valueOffsets[i]));
  return { rows: values.length, ...keys, values: bytes, valueOffsets };
}

/** The insert events of new rows (`op: "c"`), keyed as rows are. */
export function insertRecords(
  table: SinkTable,
  batch: arrow.RecordBatch,
  shape: RecordShape,
  partitions: number,
): EncodedRecords {
  const values = shape.format === "avro"
    ? avroEvents(table, { after: batch }, () => INSERT, shape.avroPrefix)
    : insertEventsJson(table, batch).map((text) => encoder.encode(text));
  return keyed(batch, values, shape, partitions);
}

const INSERT = { op: "c", tick: null, version: 0, ms: null } as const;

/**
 * The events of a change batch, keyed by the rows' primary key, and the tombstones that must
 * follow its deletes.
 */
export function changeRecords(
  table: SinkTable,
  changes: ChangeBatch,
  shape: RecordShape,
  partitions: number,
): { records: EncodedRecords; tombstones: Tombstone[] } {
  const values = shape.format === "avro"
    ? avroEvents(table, changes, (i) => ({
      op: changes.ops[i],
      tick: changes.ticks[i],
      version: changes.versions[i],
      ms: changes.timesMs[i],
    }), shape.avroPrefix)
    : changeEventsJson(table, changes).map((text) => encoder.encode(text));
  const records = keyed(changes.before, values, shape, partitions);
  const tombstones: Tombstone[] = [];
  changes.ops.forEach((op, i) => {
    if (op !== "d") return;
    const { keys, keyOffsets, partitions: parts } = records;
    tombstones.push({
      key: Buffer.from(keys!.slice(keyOffsets![i], keyOffsets![i + 1])),
      partition: parts![i],
    });
  });
  return { records, tombstones };
}

const utf8 = new TextDecoder();
const encoder = new TextEncoder();

/**
 * The rows a partition's events leave, in the order their keys first appeared: each key's
 * last event's `after` (a row value as the plain rows are encoded), none for a key whose last
 * event is a delete or a tombstone.
 */
export function replayedRows(
  records: readonly Pick<ReadRecord, "key" | "value">[],
  shape: Pick<RecordShape, "format" | "avroPrefix">,
): Uint8Array[] {
  const rows = new Map<string, Uint8Array | null>();
  for (const [i, r] of records.entries()) {
    // Keyless events (envelope debezium on a table without a key) are inserts, each its own.
    const key = r.key ? `k${utf8.decode(r.key)}` : `n${i}`;
    rows.set(key, r.value === null ? null : eventRow(r.value, shape));
  }
  return [...rows.values()].filter((row): row is Uint8Array => row !== null);
}

function eventRow(
  value: Uint8Array,
  shape: Pick<RecordShape, "format" | "avroPrefix">,
): Uint8Array | null {
  if (shape.format === "avro") return avroEventRow(value, shape.avroPrefix.length);
  const after = JSON.parse(utf8.decode(value)).after;
  return after === null ? null : encoder.encode(JSON.stringify(after));
}

/**
 * A table's change events, to buffer after the rows written before them; keeps their
 * tombstones for the commit.
 */
export function changeEvents(
  state: EventState,
  changes: ChangeBatch,
  named: string,
): EncodedRecords {
  if (!state.events) {
    throw new SinkError(
      `${named} was opened without changes, so its rows are plain records that change events ` +
        "cannot follow; open it with changes: true, or give the kafka sink envelope: debezium",
      { healable: false },
    );
  }
  const made = changeRecords(state.table, changes, state.shape, state.partitions);
  state.tombstones.push(...made.tombstones);
  state.changed.events += made.records.rows;
  state.changed.deletes += made.tombstones.length;
  return made.records;
}

/**
 * Sends the tombstones of the rows deleted since the last commit, once every event is sent
 * (so each follows its delete's event in its partition), in the commit's transaction.
 */
export async function sendTombstones(
  state: EventState & Outbox,
  via: SendVia,
  headers: Record<string, string>,
): Promise<void> {
  if (state.tombstones.length === 0) return;
  await via.send(tombstoneBatches(state.tombstones, headers));
  state.tombstones = [];
}

/** Tombstones as records (a key, a null value, the headers), one batch per partition. */
export function tombstoneBatches(
  tombstones: readonly Tombstone[],
  headers: Record<string, string>,
): PartitionBatch[] {
  const encoder = new TextEncoder();
  const header = headerBytes(
    Object.entries(headers).map(([k, v]) => [encoder.encode(k), encoder.encode(v)]),
  );
  const byPartition = new Map<number, Tombstone[]>();
  for (const t of tombstones) {
    const list = byPartition.get(t.partition);
    if (list) list.push(t);
    else byPartition.set(t.partition, [t]);
  }
  return [...byPartition].map(([partition, list]) => {
    let size = 0;
    list.forEach((t, i) => size += recordSize(i, t.key.length, undefined, header));
    const batch = new Uint8Array(BATCH_HEADER + size);
    let at = BATCH_HEADER;
    list.forEach((t, delta) => at = writeRecord(batch, at, { delta, key: t.key, headers: header }));
    return { partition, batch, count: list.length };
  });
}
