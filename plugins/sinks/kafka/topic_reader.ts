/**
 * Reading a topic's partitions from their first offset to a given end, without a consumer
 * group (no join, no rebalance delay), keeping only what transactions committed.
 *
 * Records are fetched `read_uncommitted` and judged by the transaction markers that follow
 * them in the same partition, as a `read_committed` consumer would see them: a record of a
 * transactional producer counts once a COMMIT marker of that producer follows it, is dropped
 * when an ABORT marker does, and is left out while neither has come (a transaction still open,
 * or a killed producer's, which its successor aborts). Reading this way never waits for the
 * last stable offset, which another table's open transaction on the same partition holds back.
 *
 * @module
 */
import type { Consumer, KafkaRecord } from "@platformatic/kafka";
import { kafkaClient } from "./client_module.ts";

/** One committed record, as read back. */
export interface ReadRecord {
  partition: number;
  offset: bigint;
  key: Uint8Array | null;
  value: Uint8Array | null;
  headers: ReadonlyMap<string, string>;
}

/** What a partition holds: its offsets now. */
export interface PartitionEnds {
  /** The first offset kept (after retention or compaction). */
  start: bigint;
  /** The high watermark: the offset the next record will take. */
  end: bigint;
}

/** A topic's partitions and leaders, for fetching. */
export interface TopicLayout {
  id: string;
  partitions: { partition: number; leader: number }[];
}

// deno-lint-ignore no-explicit-any -- the client's generic parameters do not matter here
type AnyConsumer = Consumer<any, any, any, any>;

/** The topic's id and partitions, or undefined when it does not exist. */
export async function topicLayout(
  consumer: AnyConsumer,
  topic: string,
  options: { retries?: number } = {},
): Promise<TopicLayout | undefined> {
  try {
    const metadata = await consumer.metadata({
      topics: [topic],
      forceUpdate: true,
      ...(options.retries !== undefined ? { retries: options.retries } : {}),
    });
    const found = metadata.topics.get(topic);
    if (!found) return undefined;
    return {
      id: found.id,
      partitions: found.partitions.map((p, partition) => ({ partition, leader: p.leader })),
    };
  } catch (error) {
    if (isUnknownTopic(error)) return undefined;
    throw error;
  }
}

/** Whether an error of the client says the topic does not exist. */
export function isUnknownTopic(error: unknown): boolean {
  const seen = new Set<unknown>();
  const stack = [error];
  while (stack.length) {
    const e = stack.pop() as
      | { apiId?: string; errors?: unknown[]; cause?: unknown; message?: string }
      | undefined;
    if (!e || typeof e !== "object" || seen.has(e)) continue;
    seen.add(e);
    if (e.apiId === "UNKNOWN_TOPIC_OR_PARTITION" || e.apiId === "UNKNOWN_TOPIC_ID") return true;
    // The client answers a metadata request for a missing topic so.
    if (typeof e.message === "string" && e.message.startsWith("Unknown topic ")) return true;
    if (Array.isArray(e.errors)) stack.push(...e.errors);
    if (e.cause) stack.push(e.cause);
  }
  return false;
}

/** Each partition's first and next offsets. */
export async function partitionEnds(
  consumer: AnyConsumer,
  topic: string,
  layout: TopicLayout,
): Promise<Map<number, PartitionEnds>> {
  const partitions = { [topic]: layout.partitions.map((p) => p.partition) };
  const [earliest, latest] = await Promise.all([
    consumer.listOffsets({
      topics: [topic],
      partitions,
      timestamp: -2n,
      isolationLevel: kafkaClient().FetchIsolationLevels.READ_UNCOMMITTED,
    }),
    consumer.listOffsets({
      topics: [topic],
      partitions,
      timestamp: -1n,
      isolationLevel: kafkaClient().FetchIsolationLevels.READ_UNCOMMITTED,
    }),
  ]);
  const ends = new Map<number, PartitionEnds>();
  for (const { partition } of layout.partitions) {
    ends.set(partition, {
      start: earliest.get(topic)?.[partition] ?? 0n,
      end: latest.get(topic)?.[partition] ?? 0n,
    });
  }
  return ends;
}

/**
 * Waits until a transactional record at `offset` of a partition is visible to `read_committed`
 * readers: until the partition's last stable offset (ListOffsets, isolation level 1) passes it.
 * A transaction's commit returns once the coordinator has decided it, before the COMMIT markers
 * are written into its partitions, and a reader judging records by those markers (as
 * {@link readPartition} and every `read_committed` consumer do) would not see the record yet.
 * Another producer's open transaction on the partition holds that offset back too; after
 * `timeoutMs` this returns `false` rather than wait for it (the record is committed all the
 * same).
 */
export async function awaitStable(
  consumer: AnyConsumer,
  where: { topic: string; partition: number; offset: bigint },
  timeoutMs = 10_000,
): Promise<boolean> {
  const { topic, partition, offset } = where;
  const deadline = performance.now() + timeoutMs;
  for (let pause = 1;; pause = Math.min(pause * 2, 50)) {
    const stable = await consumer.listOffsets({
      topics: [topic],
      partitions: { [topic]: [partition] },
      timestamp: -1n,
      isolationLevel: kafkaClient().FetchIsolationLevels.READ_COMMITTED,
    });
    if ((stable.get(topic)?.[partition] ?? -1n) > offset) return true;
    if (performance.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, pause));
  }
}

const ABORT = 0;
const decoder = new TextDecoder();

/**
 * Calls `onRecords` with the committed records of `partition` in [from, to), a fetch at a time,
 * each transaction's records when its marker is read (so not strictly in offset order).
 *
 * `undecided` says what becomes of records whose transaction has no marker before `to`: `drop`
 * them (reading to the high watermark: the transaction is still open), or `keep` them (reading
 * to an end recorded by a committed commit point: its own transaction's marker lies past it,
 * and a killed writer's open transaction was aborted, marker included, before any later commit
 * began).
 */
export async function readPartition(
  consumer: AnyConsumer,
  layout: TopicLayout,
  partition: number,
  from: bigint,
  to: bigint,
  onRecords: (records: ReadRecord[]) => void | Promise<void>,
  undecided: "drop" | "keep",
): Promise<void> {
  const leader = layout.partitions.find((p) => p.partition === partition)?.leader ?? -1;
  /** Records of transactions not decided yet, by producer id. */
  const pending = new Map<bigint, ReadRecord[]>();
  let ready: ReadRecord[] = [];
  let offset = from;
  while (offset < to) {
    const response = await consumer.fetch({
      node: leader,
      isolationLevel: kafkaClient().FetchIsolationLevels.READ_UNCOMMITTED,
      maxWaitTime: 0,
      minBytes: 1,
      maxBytes: 16 * 1024 * 1024,
      topics: [{
        topicId: layout.id,
        partitions: [{
          partition,
          fetchOffset: offset,
          currentLeaderEpoch: -1,
          lastFetchedEpoch: -1,
          partitionMaxBytes: 8 * 1024 * 1024,
        }],
      }],
    });
    const answer = response.responses[0]?.partitions[0];
    if (!answer) throw new Error(`The broker answered no partition ${partition} of the fetch`);
    if (answer.errorCode !== 0) {
      throw Object.assign(
        new Error(`Fetch of partition ${partition} failed: error ${answer.errorCode}`),
        {
          errorCode: answer.errorCode,
        },
      );
    }
    const batches = answer.records ?? [];
    let next = offset;
    for (const batch of batches) {
      const last = batch.firstOffset + BigInt(batch.lastOffsetDelta);
      if (last < offset) continue;
      next = last + 1n;
      if (batch.attributes & kafkaClient().IS_CONTROL) {
        const type = batch.records[0]?.key?.readInt16BE(2);
        const records = pending.get(batch.producerId) ?? [];
        pending.delete(batch.producerId);
        if (type !== ABORT) ready.push(...records);
        continue;
      }
      const transactional = (batch.attributes & kafkaClient().IS_TRANSACTIONAL) !== 0;
      const into = transactional
        ? (pending.get(batch.producerId) ??
          pending.set(batch.producerId, []).get(batch.producerId)!)
        : ready;
      for (const record of batch.records as KafkaRecord[]) {
        const at = batch.firstOffset + BigInt(record.offsetDelta);
        if (at < offset || at >= to) continue;
        into.push({
          partition,
          offset: at,
          key: record.key,
          value: record.value,
          headers: new Map(
            record.headers.map((
              [k, v],
            ) => [k ? decoder.decode(k) : "", v ? decoder.decode(v) : ""]),
          ),
        });
      }
    }
    if (next === offset) {
      // Nothing more below the high watermark was returned: records of the range were removed.
      if (batches.length === 0) break;
    }
    offset = next;
    if (ready.length > 0) {
      // Records of other producers may sit before these (pending): order is by offset in the
      // end, for callers that need it; most only need each record's offset.
      const out = ready;
      ready = [];
      await onRecords(out);
    }
  }
  if (undecided === "keep") {
    for (const records of pending.values()) if (records.length) await onRecords(records);
  }
}
