/**
 * Kafka record batches (magic 2) built in one buffer per partition, for the client's produce
 * requests. The client builds each record with a writer and a growable buffer of its own, a
 * BigInt varint for its timestamp and a copy into the batch: most of the main thread's time for
 * a numeric table (2 of 2.95 CPU seconds for 500,000 rows). Here a request's records are sized
 * first and written once into one array.
 *
 * Only the encoding of the request is ours. The producer still numbers the records (its
 * idempotent sequences, the producer id and epoch of its transaction), adds partitions to the
 * transaction, picks the leader, retries and reads the answer with its own parser: this encoder
 * is the `Produce` API it asks for, version 11 (the one it picks with Kafka 3.x and 4.x), and
 * gets the same sequences in the same options. Requests it cannot build the same way (a
 * compression codec, a record with its own timestamp, another version) go to the client's own
 * API unchanged.
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

/** What the producer passes to the produce API with the records. */
export interface ProduceOptions {
  producerId?: bigint;
  producerEpoch?: number;
  /** Per `topic:partition`, the sequence number of the request's first record there. */
  sequences?: { getWithDefault(key: string, fallback: number): number };
  transactionalId?: string;
  compression?: string;
}

const MAGIC = 2;
const TRANSACTIONAL = 1 << 4;
/** Bytes of a batch before its records: base offset to record count. */
const BATCH_HEADER = 61;
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
  const size = BATCH_HEADER + records.length;
  const out = new Uint8Array(size);
  out.set(records, BATCH_HEADER);
  const view = new DataView(out.buffer);
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

/** The client's shape of an API: `api(connection, ...args, callback)`, with its version. */
type Api = ((connection: unknown, ...args: unknown[]) => void) & { version: number };

/** The Produce request, version 11, with our record batches. */
function produceRequest(
  acks: number,
  timeout: number,
  messages: readonly ProduceMessage[],
  options: ProduceOptions,
): unknown {
  const client = kafkaClient();
  // Topics, then partitions, in the order their first records come (as the client groups them).
  const topics = new Map<string, Map<number, ProduceMessage[]>>();
  for (const m of messages) {
    let partitions = topics.get(m.topic);
    if (!partitions) topics.set(m.topic, partitions = new Map());
    const list = partitions.get(m.partition ?? 0);
    if (list) list.push(m);
    else partitions.set(m.partition ?? 0, [m]);
  }
  const timestamp = Date.now();
  const writer = client.Writer.create()
    .appendString(options.transactionalId ?? null)
    .appendInt16(acks)
    .appendInt32(timeout);
  writer.appendArray([...topics], (w, [topic, partitions]) => {
    w.appendString(topic).appendArray([...partitions], (w, [partition, records]) => {
      const batchOptions = {
        timestamp,
        producerId: options.producerId ?? -1n,
        producerEpoch: options.producerEpoch ?? 0,
        firstSequence: options.sequences?.getWithDefault(`${topic}:${partition}`, 0) ?? 0,
        transactional: options.transactionalId !== undefined,
      };
      const written = carriedCount(records);
      const batch = written
        ? batchOf(written, records.length, batchOptions)
        : recordBatch(records, batchOptions);
      w.appendInt32(partition).appendUnsignedVarInt(batch.length + 1)
        .append(batch as Buffer);
    });
  }).appendTaggedFields();
  return writer;
}

let ourProduce: Api | undefined;

/** Our Produce v11, or the client's own for what it encodes differently. */
function produceApi(theirs: Api): Api {
  const client = kafkaClient();
  ourProduce ??= client.createAPI(
    0,
    11,
    produceRequest as never,
    client.produceV11.parseResponse,
  ) as unknown as Api;
  const ours = ourProduce;
  const api = (connection: unknown, ...args: unknown[]) => {
    const messages = args[2] as ProduceMessage[];
    const options = (args[3] ?? {}) as ProduceOptions;
    const plain = (options.compression ?? "none") === "none" &&
      messages.every((m) => m.timestamp === undefined);
    if (plain) ours(connection, ...args);
    else theirs(connection, ...withCarriedRecords(args));
  };
  return Object.assign(api, { version: theirs.version });
}

/** The client's own Produce (another version), given every record as a message of its own. */
function theirProduceApi(theirs: Api): Api {
  const api = (connection: unknown, ...args: unknown[]) =>
    theirs(connection, ...withCarriedRecords(args));
  return Object.assign(api, { version: theirs.version });
}

/** A Produce API's arguments with the carried records of its messages as messages. */
function withCarriedRecords(args: unknown[]): unknown[] {
  const copy = [...args];
  copy[2] = expandCarried(args[2] as ProduceMessage[]);
  return copy;
}

/**
 * Makes a producer send its records in batches built by {@link recordBatch} (or written ahead,
 * {@link carrierMessages}): the producer's `Produce` API (the one it picks for the broker's
 * versions) is swapped for ours when it is version 11, and otherwise given carried records as
 * messages of their own; everything else about the producer is its own.
 */
export function useOwnRecordBatches<P extends object>(producer: P): P {
  const kGetApi = kafkaClient().kGetApi;
  const target = producer as unknown as Record<
    symbol,
    (name: string, callback: (error: Error | null, api?: Api) => void) => void
  >;
  const getApi = target[kGetApi].bind(producer);
  target[kGetApi] = (name, callback) =>
    getApi(name, (error, api) => {
      if (error || name !== "Produce" || !api) callback(error, api);
      else callback(null, api.version === 11 ? produceApi(api) : theirProduceApi(api));
    });
  return producer;
}

/**
 * Records written ahead of their batch (by the sender, straight from a table's encoded rows),
 * by the bytes that carry them: how many records they are.
 */
const carried = new WeakMap<Uint8Array, number>();

/**
 * The messages that hand the producer `count` records of one partition written ahead into
 * `records` ({@link writeRecord}, offset deltas 0 to `count - 1`): the first message carries
 * the bytes, the others are empty placeholders. The producer still numbers `count` records
 * (its idempotent sequences) and adds the partition to its transaction, but serializes no
 * record and builds no object per record besides its own; the Produce API writes the carried
 * bytes as the partition's batch. Only a producer given {@link useOwnRecordBatches} can send
 * them.
 */
export function carrierMessages(
  topic: string,
  partition: number,
  records: Uint8Array,
  count: number,
): { topic: string; partition: number; value?: Uint8Array }[] {
  carried.set(records, count);
  const placeholder = { topic, partition };
  const messages: { topic: string; partition: number; value?: Uint8Array }[] = new Array(count);
  messages[0] = { topic, partition, value: records };
  for (let i = 1; i < count; i++) messages[i] = placeholder;
  return messages;
}

/**
 * The records a partition's messages carry, when its first one carries them; undefined for
 * messages of their own. The messages must be that carrier and its placeholders, all of them.
 */
function carriedCount(messages: readonly ProduceMessage[]): Uint8Array | undefined {
  const first = messages[0].value;
  const count = first ? carried.get(first) : undefined;
  if (count === undefined) return undefined;
  if (count !== messages.length || messages.some((m, i) => i > 0 && m.value != null)) {
    throw new Error(
      `A produce request holds ${messages.length} messages of a partition whose carrier has ` +
        `${count} records: the sender's messages were split or mixed`,
    );
  }
  return first!;
}

/** Messages with each carrier and its placeholders replaced by the records it carries. */
export function expandCarried(messages: readonly ProduceMessage[]): ProduceMessage[] {
  const out: ProduceMessage[] = [];
  for (let i = 0; i < messages.length;) {
    const m = messages[i];
    const count = m.value ? carried.get(m.value) : undefined;
    if (count === undefined) {
      out.push(m);
      i++;
      continue;
    }
    out.push(...readRecords(m.topic, m.partition, m.value!, count));
    i += count;
  }
  return out;
}

/** Reads `count` records written by {@link writeRecord} back into messages. */
function readRecords(
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
