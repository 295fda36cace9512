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
import type { Buffer } from "node:buffer";
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

function bytesSize(b: Uint8Array | null | undefined): number {
  return b == null ? 1 : varintSize(b.length) + b.length;
}

function writeBytes(out: Uint8Array, at: number, b: Uint8Array | null | undefined): number {
  if (b == null) return writeVarint(out, at, -1);
  at = writeVarint(out, at, b.length);
  out.set(b, at);
  return at + b.length;
}

/**
 * One partition's records as a record batch (magic 2, no compression): every record stamped
 * `timestamp` (ms), the producer's id, epoch and first sequence, transactional or not.
 */
export function recordBatch(
  messages: readonly ProduceMessage[],
  options: {
    timestamp: number;
    producerId: bigint;
    producerEpoch: number;
    firstSequence: number;
    transactional: boolean;
  },
): Uint8Array {
  // Sizes first, so the batch is written once into an array of its exact length.
  const bodies = new Int32Array(messages.length);
  let size = BATCH_HEADER;
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i];
    // attributes (1 byte), timestamp delta 0 (1 byte), offset delta, key, value, headers.
    let body = 2 + varintSize(i) + bytesSize(m.key) + bytesSize(m.value);
    const headers = m.headers;
    body += varintSize(headers?.size ?? 0);
    if (headers) { for (const [k, v] of headers) body += bytesSize(k) + bytesSize(v); }
    bodies[i] = body;
    size += varintSize(body) + body;
  }
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  let at = BATCH_HEADER;
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i];
    at = writeVarint(out, at, bodies[i]);
    out[at++] = 0; // attributes
    out[at++] = 0; // timestamp delta: every record has the batch's timestamp
    at = writeVarint(out, at, i);
    at = writeBytes(out, at, m.key);
    at = writeBytes(out, at, m.value);
    at = writeVarint(out, at, m.headers?.size ?? 0);
    if (m.headers) {
      for (const [k, v] of m.headers) {
        at = writeBytes(out, at, k);
        at = writeBytes(out, at, v);
      }
    }
  }
  const timestamp = BigInt(options.timestamp);
  view.setBigInt64(0, 0n); // base offset: the broker assigns it
  view.setInt32(8, size - 12); // length: what follows the base offset and itself
  view.setInt32(12, -1); // partition leader epoch: unknown to a producer
  out[16] = MAGIC;
  view.setInt16(21, options.transactional ? TRANSACTIONAL : 0);
  view.setInt32(23, messages.length - 1); // last offset delta
  view.setBigInt64(27, timestamp);
  view.setBigInt64(35, timestamp);
  view.setBigInt64(43, options.producerId);
  view.setInt16(51, options.producerEpoch);
  view.setInt32(53, options.firstSequence);
  view.setInt32(57, messages.length);
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
      const batch = recordBatch(records, {
        timestamp,
        producerId: options.producerId ?? -1n,
        producerEpoch: options.producerEpoch ?? 0,
        firstSequence: options.sequences?.getWithDefault(`${topic}:${partition}`, 0) ?? 0,
        transactional: options.transactionalId !== undefined,
      });
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
    (plain ? ours : theirs)(connection, ...args);
  };
  return Object.assign(api, { version: theirs.version });
}

/**
 * Makes a producer send its records in batches built by {@link recordBatch}: the producer's
 * `Produce` API (the one it picks for the broker's versions) is swapped for ours when it is
 * version 11; everything else about the producer is its own.
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
      if (error || name !== "Produce" || !api || api.version !== 11) callback(error, api);
      else callback(null, produceApi(api));
    });
  return producer;
}
