/**
 * Kafka record batches (magic 2) built in one buffer per partition. The client builds each
 * record with a writer and a growable buffer of its own, a BigInt varint for its timestamp and a
 * copy into the batch: most of the main thread's time for a numeric table (2 of 2.95 CPU seconds
 * for 500,000 rows). Here a request's records are sized first and written once into one array
 * (sender.ts), and framed as a batch with the producer's id, epoch and first sequence by
 * produce.ts, which sends it.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { kafkaClient } from "./client_module.ts";

/** A record as the producer hands it to the produce API (key and value already serialized). */
export interface ProduceMessage {
  topic: string;
  partition: number;
  key?: Uint8Array | null;
  value?: Uint8Array | null;
  headers?: Map<Uint8Array, Uint8Array>;
  timestamp?: bigint;
}

const MAGIC = 2;
const TRANSACTIONAL = 1 << 4;
/** Bytes of a batch before its records: base offset to record count. */
export const BATCH_HEADER = 61;
/** Where the CRC-32C's range starts (the attributes), after offset, length, epoch, magic, crc. */
const CRC_FROM = 21;

/** Bytes of a zigzag varint. */
function varintSize(n: number): number {
  let u = ((n << 1) ^ (n >> 31)) >>> 0;
  let size = 1;
  while (u >= 0x80) {
    u >>>= 7;
    size++;
  }
  return size;
}

/** Writes a zigzag varint at `at`; returns where it ends. */
function writeVarint(out: Uint8Array, at: number, n: number): number {
  let u = ((n << 1) ^ (n >> 31)) >>> 0;
  while (u >= 0x80) {
    out[at++] = (u & 0x7f) | 0x80;
    u >>>= 7;
  }
  out[at++] = u;
  return at;
}

/** The bytes a record's key or value field takes: its length, then its bytes (-1: null). */
export function fieldSize(length: number | undefined): number {
  return length === undefined ? 1 : varintSize(length) + length;
}

/**
 * The bytes of a record after its length prefix: offset delta `delta`, a key and a value field
 * of these lengths (undefined: null), and `headers` (their count, then the pairs).
 */
function recordBodySize(
  delta: number,
  key: number | undefined,
  value: number | undefined,
  headers: Uint8Array,
): number {
  // attributes (1 byte), timestamp delta 0 (1 byte), offset delta, key, value, headers.
  return 2 + varintSize(delta) + fieldSize(key) + fieldSize(value) + headers.length;
}

/** The bytes of a record, its length prefix included (see {@link recordBodySize}). */
export function recordSize(
  delta: number,
  key: number | undefined,
  value: number | undefined,
  headers: Uint8Array,
): number {
  const body = recordBodySize(delta, key, value, headers);
  return varintSize(body) + body;
}

/**
 * Writes a record at `at` (see {@link recordSize}): key and value are bytes `from .. to` of
 * their arrays, or null. Returns where it ends.
 */
export function writeRecord(
  out: Uint8Array,
  at: number,
  record: {
    delta: number;
    key?: Uint8Array | null;
    keyFrom?: number;
    keyTo?: number;
    value?: Uint8Array | null;
    valueFrom?: number;
    valueTo?: number;
    headers: Uint8Array;
  },
): number {
  const { key, value } = record;
  const keyFrom = record.keyFrom ?? 0, keyTo = record.keyTo ?? key?.length ?? 0;
  const valueFrom = record.valueFrom ?? 0, valueTo = record.valueTo ?? value?.length ?? 0;
  const body = recordBodySize(
    record.delta,
    key == null ? undefined : keyTo - keyFrom,
    value == null ? undefined : valueTo - valueFrom,
    record.headers,
  );
  at = writeVarint(out, at, body);
  out[at++] = 0; // attributes
  out[at++] = 0; // timestamp delta: every record has the batch's timestamp
  at = writeVarint(out, at, record.delta);
  at = writeField(out, at, key, keyFrom, keyTo);
  at = writeField(out, at, value, valueFrom, valueTo);
  out.set(record.headers, at);
  return at + record.headers.length;
}

function writeField(
  out: Uint8Array,
  at: number,
  bytes: Uint8Array | null | undefined,
  from: number,
  to: number,
): number {
  if (bytes == null) return writeVarint(out, at, -1);
  at = writeVarint(out, at, to - from);
  if (to - from < 32) {
    // Short fields: a loop beats making a subarray for `set`.
    for (let i = from; i < to; i++) out[at++] = bytes[i];
    return at;
  }
  out.set(bytes.subarray(from, to), at);
  return at + to - from;
}

/** Record headers as a record spells them: their count, then each key and value. */
export function headerBytes(headers: Iterable<[Uint8Array, Uint8Array]> | undefined): Uint8Array {
  const pairs = [...(headers ?? [])];
  let size = varintSize(pairs.length);
  for (const [k, v] of pairs) size += fieldSize(k.length) + fieldSize(v.length);
  const out = new Uint8Array(size);
  let at = writeVarint(out, 0, pairs.length);
  for (const [k, v] of pairs) {
    at = writeField(out, at, k, 0, k.length);
    at = writeField(out, at, v, 0, v.length);
  }
  return out;
}

/** What a record batch's header says besides its records. */
export interface BatchOptions {
  timestamp: number;
  producerId: bigint;
  producerEpoch: number;
  firstSequence: number;
  transactional: boolean;
}

/**
 * One partition's records as a record batch (magic 2, no compression): every record stamped
 * `timestamp` (ms), the producer's id, epoch and first sequence, transactional or not.
 */
export function recordBatch(
  messages: readonly ProduceMessage[],
  options: BatchOptions,
): Uint8Array {
  const headers = messages.map((m) => headerBytes(m.headers));
  // Sizes first, so the records are written once into an array of their exact length.
  let size = 0;
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i];
    size += recordSize(i, m.key?.length, m.value?.length, headers[i]);
  }
  const records = new Uint8Array(size);
  let at = 0;
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i];
    at = writeRecord(records, at, { delta: i, key: m.key, value: m.value, headers: headers[i] });
  }
  return batchOf(records, messages.length, options);
}

/** A record batch of `count` records written one after another in `records`. */
export function batchOf(records: Uint8Array, count: number, options: BatchOptions): Uint8Array {
  const out = new Uint8Array(BATCH_HEADER + records.length);
  out.set(records, BATCH_HEADER);
  return frameBatch(out, count, options);
}

/**
 * Writes the header of a batch whose `count` records were written from {@link BATCH_HEADER}
 * on in `out` (the records need no copy); returns `out`.
 */
export function frameBatch(out: Uint8Array, count: number, options: BatchOptions): Uint8Array {
  const size = out.length;
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  const timestamp = BigInt(options.timestamp);
  view.setBigInt64(0, 0n); // base offset: the broker assigns it
  view.setInt32(8, size - 12); // length: what follows the base offset and itself
  view.setInt32(12, -1); // partition leader epoch: unknown to a producer
  out[16] = MAGIC;
  view.setInt16(21, options.transactional ? TRANSACTIONAL : 0);
  view.setInt32(23, count - 1); // last offset delta
  view.setBigInt64(27, timestamp);
  view.setBigInt64(35, timestamp);
  view.setBigInt64(43, options.producerId);
  view.setInt16(51, options.producerEpoch);
  view.setInt32(53, options.firstSequence);
  view.setInt32(57, count);
  view.setUint32(17, kafkaClient().crc32c(out.subarray(CRC_FROM)));
  return out;
}

/**
 * Reads `count` records written by {@link writeRecord} back into messages (for the producer's
 * own `send`, which compresses them).
 */
export function readRecords(
  topic: string,
  partition: number,
  bytes: Uint8Array,
  count: number,
): ProduceMessage[] {
  const messages: ProduceMessage[] = [];
  let at = 0;
  const varint = () => {
    let u = 0, shift = 0, b;
    do {
      b = bytes[at++];
      u |= (b & 0x7f) << shift;
      shift += 7;
    } while (b & 0x80);
    return (u >>> 1) ^ -(u & 1);
  };
  const field = () => {
    const length = varint();
    if (length < 0) return null;
    at += length;
    return Buffer.from(bytes.buffer, bytes.byteOffset + at - length, length);
  };
  for (let i = 0; i < count; i++) {
    varint(); // length
    at += 2; // attributes, timestamp delta 0
    varint(); // offset delta
    const key = field();
    const value = field();
    const headers = new Map<Uint8Array, Uint8Array>();
    for (let h = varint(); h > 0; h--) headers.set(field()!, field()!);
    messages.push({ topic, partition, key: key ?? undefined, value, headers });
  }
  return messages;
}
