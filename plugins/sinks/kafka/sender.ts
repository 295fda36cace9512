/**
 * A table's rows on their way to the broker: cut into produce requests (at most
 * {@link SEND_ROWS} rows, at most {@link PARTITION_BYTES} of one partition, under the brokers'
 * default `message.max.bytes` of 1 MB), with up to {@link MAX_IN_FLIGHT} requests sent and not
 * yet answered, so the next rows are encoded while the broker appends the last ones.
 *
 * Order: the client numbers each partition's records (the idempotent producer's sequence
 * numbers) when a request is sent, in the order the sends are called, and the broker refuses a
 * request out of sequence; so a partition's rows land in the order they were sent, or the
 * transaction fails and is aborted whole. The one step of a send that may wait before its
 * records are numbered is adding new partitions to the open transaction (AddPartitionsToTxn):
 * a request that reaches a partition the transaction does not hold yet waits for every earlier
 * request and is sent alone.
 *
 * @module
 */
import type { Buffer } from "node:buffer";
import type { MessageToProduce } from "@platformatic/kafka";
import type { RowRecord } from "./records.ts";
import type { SinkMetric } from "../../../lib/plugin/types.ts";

/** Rows of one produce request at most. */
export const SEND_ROWS = 8_000;
/** Key and value bytes of one partition in one produce request at most. */
export const PARTITION_BYTES = 768 * 1024;
/** Produce requests sent and not yet answered, per table, at most. */
export const MAX_IN_FLIGHT = 4;

/** Counters of a table's records, for /metrics. */
export interface KafkaCounters {
  records: number;
  bytes: number;
  errors: number;
  inFlight: number;
}

/** What a send is answered: where each partition's records of the request start. */
export interface SendResult {
  offsets?: { topic: string; partition: number; offset: bigint }[];
}

/** A producer or its open transaction. */
export interface SendVia {
  send(options: {
    messages: MessageToProduce<Buffer, Buffer, string, string>[];
  }): Promise<SendResult>;
}

/** A table's rows not sent yet, and its requests in flight. */
export interface Outbox {
  topic: string;
  /** Rows not sent yet. */
  buffered: RowRecord[];
  bufferedBytes: number;
  /** Rows sent into the open transaction (or, without one, since the last commit point). */
  sentRows: number;
  /** Per partition, the offset after the last row sent. */
  ends: Map<number, bigint>;
  counters: KafkaCounters;
  /** Requests sent and not answered yet. */
  inFlight: Promise<void>[];
  /** The first failure of a request in flight, thrown by the next send or drain. */
  failure?: { error: unknown };
  /** The partitions the open transaction holds; undefined without a transaction. */
  transactionPartitions?: Set<number>;
}

/** A fresh outbox of a topic. */
export function newOutbox(topic: string): Outbox {
  return {
    topic,
    buffered: [],
    bufferedBytes: 0,
    sentRows: 0,
    ends: new Map(),
    counters: { records: 0, bytes: 0, errors: 0, inFlight: 0 },
    inFlight: [],
  };
}

/** Drops what an outbox holds and forgets its requests (after an abort). */
export function clearOutbox(box: Outbox): void {
  box.buffered = [];
  box.bufferedBytes = 0;
  box.inFlight = [];
  box.failure = undefined;
  box.counters.inFlight = 0;
}

/**
 * Sends an outbox's rows: all of them (`all`), or whole requests only while at least
 * {@link SEND_ROWS} rows wait. Returns the key and value bytes sent. With `all`, returns once
 * every request is answered; otherwise up to {@link MAX_IN_FLIGHT} stay in flight.
 */
export async function sendRows(
  box: Outbox,
  via: SendVia,
  options: { all: boolean; headers?: Record<string, string> },
): Promise<number> {
  const headers = options.headers && Object.keys(options.headers).length > 0
    ? options.headers
    : undefined;
  let bytes = 0;
  throwFailure(box);
  while (box.buffered.length >= (options.all ? 1 : SEND_ROWS)) {
    const { chunk, size, partitions } = nextRequest(box.buffered);
    box.buffered.splice(0, chunk.length);
    box.bufferedBytes -= size;
    // One object shape for every message (no spreads): the client reads each field once.
    const messages = chunk.map((r): MessageToProduce<Buffer, Buffer, string, string> => ({
      topic: box.topic,
      partition: r.partition,
      key: r.key,
      value: r.value,
      headers,
    }));
    const held = box.transactionPartitions;
    const reachesNew = held !== undefined && [...partitions.keys()].some((p) => !held.has(p));
    if (reachesNew) await settle(box);
    const request = send(box, via, messages, partitions, size);
    if (reachesNew) {
      await request;
      for (const p of partitions.keys()) held!.add(p);
    } else {
      box.inFlight.push(request);
      if (box.inFlight.length >= MAX_IN_FLIGHT) await box.inFlight.shift();
    }
    throwFailure(box);
    box.sentRows += chunk.length;
    bytes += size;
  }
  if (options.all) await settle(box);
  return bytes;
}

/** Waits for every request in flight; throws the first failure. */
export async function settle(box: Outbox): Promise<void> {
  const waiting = box.inFlight;
  box.inFlight = [];
  await Promise.all(waiting);
  throwFailure(box);
}

function throwFailure(box: Outbox): void {
  if (box.failure) {
    const { error } = box.failure;
    box.failure = undefined;
    throw error;
  }
}

/** One request: the rows it sends, their bytes, and how many go to each partition. */
function nextRequest(
  buffered: readonly RowRecord[],
): { chunk: RowRecord[]; size: number; partitions: Map<number, number> } {
  const partitions = new Map<number, number>();
  const partitionBytes = new Map<number, number>();
  let size = 0;
  let count = 0;
  while (count < buffered.length && count < SEND_ROWS) {
    const r = buffered[count];
    const bytes = r.value.length + (r.key?.length ?? 0);
    const before = partitionBytes.get(r.partition) ?? 0;
    if (count > 0 && before + bytes > PARTITION_BYTES) break;
    partitionBytes.set(r.partition, before + bytes);
    partitions.set(r.partition, (partitions.get(r.partition) ?? 0) + 1);
    size += bytes;
    count++;
  }
  return { chunk: buffered.slice(0, count), size, partitions };
}

/** Sends one request; its failure is kept in the outbox (never an unhandled rejection). */
function send(
  box: Outbox,
  via: SendVia,
  messages: MessageToProduce<Buffer, Buffer, string, string>[],
  partitions: Map<number, number>,
  size: number,
): Promise<void> {
  box.counters.inFlight += messages.length;
  return via.send({ messages }).then((result) => {
    for (const o of result.offsets ?? []) {
      if (o.topic !== box.topic) continue;
      const end = o.offset + BigInt(partitions.get(o.partition) ?? 0);
      if ((box.ends.get(o.partition) ?? -1n) < end) box.ends.set(o.partition, end);
    }
    box.counters.records += messages.length;
    box.counters.bytes += size;
  }, (error) => {
    box.failure ??= { error };
  }).finally(() => {
    box.counters.inFlight -= messages.length;
  });
}

/** The `/metrics` figures of the sink's tables, summed. */
export function outboxMetrics(boxes: Iterable<Outbox>): SinkMetric[] {
  let records = 0, bytes = 0, errors = 0, inFlight = 0;
  for (const box of boxes) {
    records += box.counters.records;
    bytes += box.counters.bytes;
    errors += box.counters.errors;
    inFlight += box.counters.inFlight + box.buffered.length;
  }
  return [
    {
      name: "kafka_records_total",
      help: "Records produced to Kafka.",
      type: "counter",
      value: records,
    },
    {
      name: "kafka_bytes_total",
      help: "Key and value bytes produced to Kafka.",
      type: "counter",
      value: bytes,
    },
    {
      name: "kafka_errors_total",
      help: "Failed Kafka sends and commits.",
      type: "counter",
      value: errors,
    },
    {
      name: "kafka_in_flight_records",
      help: "Records buffered or sent and not yet committed.",
      type: "gauge",
      value: inFlight,
    },
  ];
}
