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
import type { ChangeBatch, SinkTable } from "../../../lib/plugin/types.ts";
import { SinkError } from "../../../lib/plugin/sink_errors.ts";
import { changeEventsJson, insertEventsJson } from "../_debezium.ts";
import { batchRecords, type RecordShape, type RowRecord, utf8Views } from "./records.ts";
import { avroEventRow, avroEvents } from "./debezium_avro.ts";
import type { ReadRecord } from "./topic_reader.ts";
import type { Outbox, SendVia } from "./sender.ts";
import type { ProgressRecord } from "./progress.ts";
import type { MessageToProduce } from "@platformatic/kafka";

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

/** Keys and partitions of rows, as records.ts makes them for the rows themselves. */
function keyed(
  rows: arrow.RecordBatch,
  shape: RecordShape,
  partitions: number,
  next: number,
): { records: RowRecord[]; next: number } {
  return batchRecords(rows.select([...shape.key]), { ...shape, format: "json" }, partitions, next);
}

/** The insert events of new rows (`op: "c"`), keyed as rows are; `next` as batchRecords. */
export function insertRecords(
  table: SinkTable,
  batch: arrow.RecordBatch,
  shape: RecordShape,
  partitions: number,
  next: number,
): { records: RowRecord[]; next: number } {
  const made = keyed(batch, shape, partitions, next);
  const values = shape.format === "avro"
    ? avroEvents(table, { after: batch }, () => INSERT, shape.avroPrefix).map(asBuffer)
    : utf8Views(insertEventsJson(table, batch));
  made.records.forEach((r, i) => r.value = values[i]);
  return made;
}

const INSERT = { op: "c", tick: null, version: 0, ms: null } as const;

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
}

/**
 * The events of a change batch, keyed by the rows' primary key, and the tombstones that must
 * follow its deletes.
 */
export function changeRecords(
  table: SinkTable,
  changes: ChangeBatch,
  shape: RecordShape,
  partitions: number,
): { records: RowRecord[]; tombstones: Tombstone[] } {
  const { records } = keyed(changes.before, shape, partitions, 0);
  const values = shape.format === "avro"
    ? avroEvents(table, changes, (i) => ({
      op: changes.ops[i],
      tick: changes.ticks[i],
      version: changes.versions[i],
      ms: changes.timesMs[i],
    }), shape.avroPrefix).map(asBuffer)
    : utf8Views(changeEventsJson(table, changes));
  records.forEach((r, i) => r.value = values[i]);
  const tombstones = records
    .filter((_, i) => changes.ops[i] === "d")
    .map((r) => ({ key: r.key!, partition: r.partition }));
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

/** Buffers a table's change events after the rows written before them; keeps their tombstones. */
export function bufferChanges(
  state: EventState & Outbox,
  changes: ChangeBatch,
  named: string,
): void {
  if (!state.events) {
    throw new SinkError(
      `${named} was opened without changes, so its rows are plain records that change events ` +
        "cannot follow; open it with changes: true, or give the kafka sink envelope: debezium",
      { healable: false },
    );
  }
  const made = changeRecords(state.table, changes, state.shape, state.partitions);
  for (const r of made.records) {
    state.buffered.push(r);
    state.bufferedBytes += r.value.length + (r.key?.length ?? 0);
  }
  state.tombstones.push(...made.tombstones);
  state.changed.events += made.records.length;
  state.changed.deletes += made.tombstones.length;
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
  const messages = state.tombstones.map((t): MessageToProduce<Buffer, Buffer, string, string> => ({
    topic: state.topic,
    partition: t.partition,
    key: t.key,
    headers: Object.keys(headers).length > 0 ? headers : undefined,
  }));
  await via.send({ messages });
  state.tombstones = [];
}
