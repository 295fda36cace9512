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
import type { RecordBlock } from "./records.ts";
import type { SinkMetric } from "../../../lib/plugin/types.ts";
import { BATCH_HEADER, headerBytes, recordSize, writeRecord } from "./record_batch.ts";
import type { PartitionBatch, SendResult } from "./produce.ts";

export type { PartitionBatch, SendResult };

/**
 * Rows of one produce request at most: 16,000 numeric rows of JSON are about 1.2 MB, cut by
 * {@link PARTITION_BYTES} per partition (8,000 made twice the requests, for 0.68x of Delta's
 * rate on the numeric table against 0.71-0.78x: `deno task bench --only kafka`).
 */
export const SEND_ROWS = 16_000;
/** Key and value bytes of one partition in one produce request at most. */
export const PARTITION_BYTES = 768 * 1024;
/**
 * Produce requests sent and not yet answered, per table, at most: 5, the most an idempotent
 * producer may have on a connection (the broker keeps the last 5 batches of each producer and
 * partition to tell a retry from a duplicate).
 */
export const MAX_IN_FLIGHT = 5;

/** Counters of a table's records, for /metrics. */
export interface KafkaCounters {
  records: number;
  bytes: number;
  errors: number;
  inFlight: number;
}

/** Where a table's record batches go: its producer, in its open transaction if any. */
export interface SendVia {
  send(batches: readonly PartitionBatch[]): Promise<SendResult>;
}

/** A table's rows not sent yet, and its requests in flight. */
export interface Outbox {
  topic: string;
  /** Encoded rows not sent yet: the first block's from `firstUnsent` on, the others whole. */
  buffered: RecordBlock[];
  firstUnsent: number;
  /** Rows not sent yet, and their key and value bytes. */
  bufferedRows: number;
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
    firstUnsent: 0,
    bufferedRows: 0,
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
  box.firstUnsent = 0;
  box.bufferedRows = 0;
  box.bufferedBytes = 0;
  box.inFlight = [];
  box.failure = undefined;
  box.counters.inFlight = 0;
}

/** Adds a batch's encoded rows to those not sent yet. */
export function bufferBlock(box: Outbox, block: RecordBlock): void {
  if (block.rows === 0) return;
  box.buffered.push(block);
  box.bufferedRows += block.rows;
  box.bufferedBytes += block.values.length + (block.keys?.length ?? 0);
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
  const headers = headerBytes(
    Object.entries(options.headers ?? {}).map(([k, v]) => [encoder.encode(k), encoder.encode(v)]),
  );
  let bytes = 0;
  throwFailure(box);
  while (box.bufferedRows >= (options.all ? 1 : SEND_ROWS)) {
    const { rows, batches, size, partitions } = nextRequest(box, headers);
    box.bufferedRows -= rows;
    box.bufferedBytes -= size;
    const held = box.transactionPartitions;
    const reachesNew = held !== undefined && [...partitions.keys()].some((p) => !held.has(p));
    if (reachesNew) await settle(box);
    const request = send(box, via, batches, { rows, size });
    if (reachesNew) {
      await request;
      for (const p of partitions.keys()) held!.add(p);
    } else {
      box.inFlight.push(request);
      if (box.inFlight.length >= MAX_IN_FLIGHT) await box.inFlight.shift();
    }
    throwFailure(box);
    box.sentRows += rows;
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

/** One partition's records of a request: how many, their bytes, and the records written. */
interface PartitionRun {
  partition: number;
  count: number;
  /** Key and value bytes. */
  data: number;
  /** Bytes of the records as written. */
  size: number;
  records?: Uint8Array;
  /** Records written, and where the next one goes. */
  written: number;
  at: number;
}

/**
 * The next request: its rows (taken off the outbox), their key and value bytes, how many go to
 * each partition, and each partition's records written straight from the encoded rows, in their
 * order.
 */
function nextRequest(box: Outbox, headers: Uint8Array): {
  rows: number;
  size: number;
  partitions: Map<number, number>;
  batches: PartitionBatch[];
} {
  const runs: PartitionRun[] = [];
  const byPartition: (PartitionRun | undefined)[] = [];
  let size = 0;
  let rows = 0;
  // First the sizes: where the request ends, and each partition's records' bytes.
  const end = { block: 0, row: box.firstUnsent };
  scan: while (end.block < box.buffered.length) {
    const block = box.buffered[end.block];
    const { keyOffsets, valueOffsets } = block;
    for (; end.row < block.rows; end.row++) {
      if (rows >= SEND_ROWS) break scan;
      const partition = block.partitions[end.row];
      const key = keyOffsets ? keyOffsets[end.row + 1] - keyOffsets[end.row] : undefined;
      const value = valueOffsets[end.row + 1] - valueOffsets[end.row];
      const bytes = value + (key ?? 0);
      if (rows > 0 && (byPartition[partition]?.data ?? 0) + bytes > PARTITION_BYTES) break scan;
      let run = byPartition[partition];
      if (!run) {
        run = byPartition[partition] = {
          partition,
          count: 0,
          data: 0,
          size: 0,
          written: 0,
          at: 0,
        };
        runs.push(run);
      }
      run.size += recordSize(run.count, key, value, headers);
      run.data += bytes;
      run.count++;
      size += bytes;
      rows++;
    }
    end.block++;
    end.row = 0;
  }
  // Then the records, each into its partition's bytes, after room for the batch's header.
  for (const run of runs) {
    run.records = new Uint8Array(BATCH_HEADER + run.size);
    run.at = BATCH_HEADER;
  }
  let left = rows;
  let blocks = 0;
  let row = box.firstUnsent;
  for (; left > 0; blocks++, row = 0) {
    const block = box.buffered[blocks];
    const { keyOffsets, valueOffsets, partitions } = block;
    // One record object per block, its fields set per row: no object per row.
    const record = {
      delta: 0,
      key: block.keys,
      keyFrom: 0,
      keyTo: 0,
      value: block.values,
      valueFrom: 0,
      valueTo: 0,
      headers,
    };
    for (; row < block.rows && left > 0; row++, left--) {
      const run = byPartition[partitions[row]]!;
      record.delta = run.written++;
      if (keyOffsets) {
        record.keyFrom = keyOffsets[row];
        record.keyTo = keyOffsets[row + 1];
      }
      record.valueFrom = valueOffsets[row];
      record.valueTo = valueOffsets[row + 1];
      run.at = writeRecord(run.records!, run.at, record);
    }
    if (left === 0) break;
  }
  // Blocks sent whole leave the outbox; the last one stays if rows of it are left.
  const whole = row >= box.buffered[blocks].rows;
  box.buffered.splice(0, whole ? blocks + 1 : blocks);
  box.firstUnsent = whole ? 0 : row;
  const partitions = new Map<number, number>();
  const batches: PartitionBatch[] = [];
  for (const run of runs) {
    partitions.set(run.partition, run.count);
    batches.push({ partition: run.partition, batch: run.records!, count: run.count });
  }
  return { rows, size, partitions, batches };
}

const encoder = new TextEncoder();

/** Sends one request; its failure is kept in the outbox (never an unhandled rejection). */
export function send(
  box: Outbox,
  via: SendVia,
  batches: readonly PartitionBatch[],
  { rows, size }: { rows: number; size: number },
): Promise<void> {
  box.counters.inFlight += rows;
  return via.send(batches).then((result) => {
    for (const o of result.offsets ?? []) {
      if (o.topic !== box.topic) continue;
      const count = batches.find((b) => b.partition === o.partition)?.count ?? 0;
      const end = o.offset + BigInt(count);
      if ((box.ends.get(o.partition) ?? -1n) < end) box.ends.set(o.partition, end);
    }
    box.counters.records += rows;
    box.counters.bytes += size;
  }, (error) => {
    box.failure ??= { error };
  }).finally(() => {
    box.counters.inFlight -= rows;
  });
}

/** The `/metrics` figures of the sink's tables, summed. */
export function outboxMetrics(boxes: Iterable<Outbox>): SinkMetric[] {
  let records = 0, bytes = 0, errors = 0, inFlight = 0;
  for (const box of boxes) {
    records += box.counters.records;
    bytes += box.counters.bytes;
    errors += box.counters.errors;
    inFlight += box.counters.inFlight + box.bufferedRows;
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
