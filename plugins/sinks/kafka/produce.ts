/**
 * A table's record batches sent to the brokers by our own `Produce` requests (version 11), on
 * the producer's connections, under its producer id, epoch and transaction.
 *
 * Why not the producer's `send`: it takes one message per record and does per-record work for
 * each (its serializers, two Maps and `topic:partition` strings, adding partitions to the
 * transaction): for a table without faker, most of what the main thread did besides waiting.
 * Its sequence numbers (which the idempotent producer must send, and the broker checks) are
 * private and advance by one per message, so one message per batch cannot carry a batch's
 * records. So the records of a table's topic never go through `send`: this file numbers them,
 * per partition, as Kafka does (from 0 for each producer id and epoch, plus the records sent,
 * wrapping at 2^31), and the producer's own numbering only covers what it sends itself (the
 * progress topic's records), on other partitions.
 *
 * The producer's public API does the rest: `metadata` (the leaders), `connectToBrokers` (its
 * pooled connections, where its own requests go too, one at a time and in order, as for an
 * idempotent producer), `transaction.addPartitions` (AddPartitionsToTxn before the first records
 * of a partition), `initIdempotentProducer` without a transaction, `commit`/`abort` (EndTxn).
 * The one internal used is the API table (`kGetApi`), to check that the brokers take Produce
 * version 11; `produce_test.ts` fails if the client's shape changes.
 *
 * Order: each request takes its sequence numbers and is put on its connection after the
 * requests called before it (a chain): a partition's batches go on the wire in the order they
 * were sent, with consecutive numbers, without waiting for each other's answers. Once a
 * partition holds records of this producer id and epoch, the broker refuses any batch that does
 * not follow its last one (out of sequence), so a request refused for a reason that heals (a
 * leader moving) is sent again, and so are the requests refused behind it, in their order. But
 * a broker that holds no record of the producer on a partition takes any sequence number: had
 * the batch numbered from 0 been refused (a partition whose leader is not ready yet, as just
 * after the topic is made), the next batch would land first, and the first, sent again, would
 * be refused for good. So the first request of each partition is answered before any other
 * request of that partition is numbered. A request that failed for good leaves the numbers past
 * records that did not land, so every later send fails too: the sink aborts the transaction and
 * starts a new producer (a new epoch, numbers from 0), and the commit is retried whole.
 *
 * A compression codec, or brokers without Produce version 11, get the records as messages of
 * the producer's own `send` instead (its encoder compresses them).
 *
 * @module
 */
import type { Buffer } from "node:buffer";
import type {
  ClusterMetadata,
  MessageRecord,
  MessageToProduce,
  Producer,
} from "@platformatic/kafka";
import { kafkaClient } from "./client_module.ts";
import { BATCH_HEADER, frameBatch, readRecords } from "./record_batch.ts";

/**
 * One partition's records, written one after another (record_batch.ts `writeRecord`) from
 * {@link BATCH_HEADER} on in `batch`: the header is written there when the batch is sent, so
 * the records are never copied.
 */
export interface PartitionBatch {
  partition: number;
  batch: Uint8Array;
  count: number;
}

/** What a send is answered: where each partition's records of the request start. */
export interface SendResult {
  offsets?: { topic: string; partition: number; offset: bigint }[];
}

type KafkaProducer = Producer<Buffer, Buffer, string, string>;
type Transaction = Awaited<ReturnType<KafkaProducer["beginTransaction"]>>;

/** The client's shape of an API: `api(connection, ...args, callback)`, with its version. */
type Api = ((connection: unknown, ...args: unknown[]) => void) & { version: number };

/** The Produce request's version we write. */
export const PRODUCE_VERSION = 11;
/** Sends of a request refused for a reason that heals, at most, and the pause before each. */
const MAX_ATTEMPTS = 5;
const RETRY_PAUSE_MS = 250;
/** Sequence numbers wrap at 2^31, as the broker's. */
const SEQUENCE_WRAP = 2 ** 31;

/** Sends a topic's record batches through one producer (see the module's comment). */
export class BatchSender {
  readonly #producer: KafkaProducer;
  readonly #topic: string;
  readonly #timeout: number;
  readonly #compressed: boolean;
  /** The producer id and epoch the sequence numbers belong to. */
  #stamp = "";
  readonly #sequences = new Map<number, number>();
  /**
   * The partitions whose first request (numbered from 0 for this id and epoch) is not answered
   * yet, with its answer, settled whether it failed or not.
   */
  readonly #firsts = new Map<number, Promise<void>>();
  /** The requests called so far, up to being put on their connections. */
  #chain: Promise<unknown> = Promise.resolve();
  /** The refused requests being sent again, up to being put on their connections. */
  #retries: Promise<unknown> = Promise.resolve();
  #broken: { error: unknown } | undefined;
  /** Requests refused and being sent again. */
  #retrying = 0;
  #ownRequests: boolean | undefined;

  constructor(
    producer: KafkaProducer,
    options: { topic: string; timeout: number; compressed: boolean },
  ) {
    this.#producer = producer;
    this.#topic = options.topic;
    this.#timeout = options.timeout;
    this.#compressed = options.compressed;
  }

  /**
   * Sends batches of the topic's partitions in one request per leader broker, in the open
   * `transaction` (adding partitions new to it first) or idempotent without one.
   */
  send(batches: readonly PartitionBatch[], transaction?: Transaction): Promise<SendResult> {
    const sent = this.#chain.then(() => this.#dispatch(batches, transaction));
    // The next request waits only until this one is on its connection, not for its answer. A
    // request that failed before it was queued may have taken numbers: nothing after it goes.
    this.#chain = sent.then(() => {}, (error) => {
      this.#broken ??= { error };
    });
    return sent.then(({ answer }) => answer);
  }

  /** Prepares a request (leaders, transaction, producer id), then puts it on the wire. */
  async #dispatch(
    batches: readonly PartitionBatch[],
    transaction: Transaction | undefined,
  ): Promise<{ answer: Promise<SendResult> }> {
    this.#throwIfBroken();
    if (!(await this.#ownRequestsAllowed())) {
      // The client numbers an idempotent producer's records itself, and two of its sends at
      // once could reach the broker out of sequence (seen once in the produce test, under
      // load): the next request waits for this one's answer.
      const answer = this.#sendAsMessages(batches, transaction);
      await answer.catch(() => {});
      return { answer };
    }
    const producer = this.#producer;
    const topic = this.#topic;
    let metadata = await producer.metadata({ topics: [topic] });
    if (transaction) {
      await transaction.addPartitions(
        metadata,
        // It reads only each message's topic and partition.
        batches.map((b) => ({ topic, partition: b.partition }) as MessageRecord),
      );
    } else if (producer.producerId === undefined) {
      await producer.initIdempotentProducer({});
    }
    if ((await this.#awaitFirsts(batches)) || this.#retrying > 0) {
      // Requests refused go first (this one would be refused behind them), and the leaders may
      // have moved.
      await this.#retries;
      this.#throwIfBroken();
      metadata = await producer.metadata({ topics: [topic] });
    }
    this.#followStamp();
    const producerId = producer.producerId!;
    const producerEpoch = producer.producerEpoch!;
    const firsts = batches.filter((b) => !this.#sequences.has(b.partition));
    const written = batches.map((b) => ({
      partition: b.partition,
      batch: frameBatch(b.batch, b.count, {
        timestamp: Date.now(),
        producerId,
        producerEpoch,
        firstSequence: this.#nextSequence(b.partition, b.count),
        transactional: transaction !== undefined,
      }),
    }));
    const sent = await this.#enqueue(written, transaction?.id ?? null, metadata, 0);
    if (firsts.length > 0) {
      const settled = sent.answer.then(() => {}, () => {});
      for (const { partition } of firsts) this.#firsts.set(partition, settled);
      settled.then(() => {
        for (const { partition } of firsts) {
          // Unless a new producer id or epoch has a first request of its own there by now.
          if (this.#firsts.get(partition) === settled) this.#firsts.delete(partition);
        }
      });
    }
    return sent;
  }

  /**
   * Waits for the answers of the first requests of the batches' partitions (see the module's
   * comment), under the producer's current id and epoch: a new one numbers from 0 again.
   */
  async #awaitFirsts(batches: readonly PartitionBatch[]): Promise<boolean> {
    let waited = false;
    while (true) {
      this.#followStamp();
      const pending = batches.flatMap((b) => this.#firsts.get(b.partition) ?? []);
      if (pending.length === 0) return waited;
      await Promise.all(pending);
      waited = true;
    }
  }

  /**
   * Puts written batches on the connections of their leaders (one request per leader); a
   * request refused for a reason that heals is sent again ({@link #retry}).
   */
  async #enqueue(
    written: readonly WrittenBatch[],
    transactionalId: string | null,
    metadata: ClusterMetadata,
    attempt: number,
  ): Promise<{ answer: Promise<SendResult> }> {
    const byLeader = byLeaderOf(metadata, this.#topic, written);
    const connections = await this.#producer.connectToBrokers([...byLeader.keys()]);
    const api = produceApi();
    const answers: Promise<SendResult>[] = [];
    for (const [leader, ofLeader] of byLeader) {
      const connection = connections.get(leader);
      if (!connection) {
        throw new Error(`No connection to the leader (broker ${leader}) of ${this.#topic}`);
      }
      answers.push(
        new Promise<SendResult>((resolve, reject) =>
          api(
            connection,
            transactionalId,
            this.#timeout,
            this.#topic,
            ofLeader,
            (error: Error | null, response?: ProduceResponse) => {
              if (!error) resolve(offsetsOf(response));
              else if (attempt < MAX_ATTEMPTS - 1 && this.#heals(error)) {
                resolve(this.#retry(ofLeader, transactionalId, attempt + 1));
              } else {
                this.#broken ??= { error };
                reject(error);
              }
            },
          )
        ),
      );
    }
    // Wrapped: an async function's promise would wait for the answers themselves.
    const answer = Promise.all(answers).then((results) => ({
      offsets: results.flatMap((r) => r.offsets ?? []),
    }));
    answer.catch(() => {}); // the caller's handler comes a tick later
    return { answer };
  }

  /** A request failed for good: nothing after it goes (its numbers were taken). */
  #throwIfBroken(): void {
    if (this.#broken) throw this.#broken.error;
  }

  /** Numbers from 0 again, with no first request pending, for a new producer id or epoch. */
  #followStamp(): void {
    const stamp = `${this.#producer.producerId}:${this.#producer.producerEpoch}`;
    if (stamp === this.#stamp) return;
    this.#stamp = stamp;
    this.#sequences.clear();
    this.#firsts.clear();
  }

  /**
   * Sends refused batches again, with the same sequence numbers (the broker appended none of
   * them), after a pause and fresh metadata (a new leader). Refused requests are sent again in
   * the order they were refused (a later request refused as out of sequence meanwhile came
   * after this one), so the partition's order holds; requests not yet numbered wait for them
   * ({@link #dispatch}). They do not wait for the chain: a request in it may be waiting for
   * this one's answer (the first of its partition).
   */
  #retry(
    written: readonly WrittenBatch[],
    transactionalId: string | null,
    attempt: number,
  ): Promise<SendResult> {
    this.#retrying++;
    const queued = this.#retries.then(async () => {
      await new Promise((r) => setTimeout(r, RETRY_PAUSE_MS * attempt));
      const metadata = await this.#producer.metadata({ topics: [this.#topic], forceUpdate: true });
      return await this.#enqueue(written, transactionalId, metadata, attempt);
    });
    this.#retries = queued.then(() => {}, () => {});
    return queued.then(({ answer }) => answer).finally(() => this.#retrying--);
  }

  /**
   * Whether a refused request may be sent again as it is: the client says the error heals (a
   * leader moved, a connection dropped), or it is out of sequence behind a request being sent
   * again.
   */
  #heals(error: unknown): boolean {
    const found = (error as { findBy?: (key: string, value: unknown) => unknown }).findBy;
    if (typeof found !== "function") return false;
    const find = found.bind(error);
    if (find("canRetry", true)) return true;
    return this.#retrying > 0 && Boolean(find("apiId", "OUT_OF_ORDER_SEQUENCE_NUMBER"));
  }

  /** The first sequence number of `count` records of a partition; numbers them. */
  #nextSequence(partition: number, count: number): number {
    const first = this.#sequences.get(partition) ?? 0;
    this.#sequences.set(partition, (first + count) % SEQUENCE_WRAP);
    return first;
  }

  /** Whether our requests can carry the records: no compression, Produce v11 at the brokers. */
  async #ownRequestsAllowed(): Promise<boolean> {
    if (this.#ownRequests !== undefined) return this.#ownRequests;
    if (this.#compressed) return this.#ownRequests = false;
    const theirs = await new Promise<Api>((resolve, reject) =>
      producerApi(this.#producer, "Produce", (error, api) => error ? reject(error) : resolve(api!))
    );
    return this.#ownRequests = theirs.version === PRODUCE_VERSION;
  }

  /** The batches' records as messages of the producer's own `send`. */
  #sendAsMessages(
    batches: readonly PartitionBatch[],
    transaction: Transaction | undefined,
  ): Promise<SendResult> {
    const messages = batches.flatMap((b) =>
      readRecords(this.#topic, b.partition, b.batch.subarray(BATCH_HEADER), b.count)
    ) as MessageToProduce<Buffer, Buffer, string, string>[];
    return (transaction ?? this.#producer).send({ messages });
  }
}

/** A partition's records framed as a batch with their producer id, epoch and sequence. */
interface WrittenBatch {
  partition: number;
  batch: Uint8Array;
}

/** The batches of each leader broker of their partitions. */
function byLeaderOf(
  metadata: ClusterMetadata,
  topic: string,
  batches: readonly WrittenBatch[],
): Map<number, WrittenBatch[]> {
  const partitions = metadata.topics.get(topic)?.partitions;
  const byLeader = new Map<number, WrittenBatch[]>();
  for (const batch of batches) {
    const leader = partitions?.[batch.partition]?.leader;
    if (leader === undefined || leader < 0) {
      throw new Error(`Partition ${batch.partition} of ${topic} has no leader now`);
    }
    const list = byLeader.get(leader);
    if (list) list.push(batch);
    else byLeader.set(leader, [batch]);
  }
  return byLeader;
}

/** What the client parses a Produce response into. */
interface ProduceResponse {
  responses: { name: string; partitionResponses: { index: number; baseOffset: bigint }[] }[];
}

function offsetsOf(response: ProduceResponse | undefined): SendResult {
  const offsets: NonNullable<SendResult["offsets"]> = [];
  for (const { name, partitionResponses } of response?.responses ?? []) {
    for (const p of partitionResponses) {
      offsets.push({ topic: name, partition: p.index, offset: p.baseOffset });
    }
  }
  return { offsets };
}

/**
 * The Produce request, version 11: transactional id, acks (all: the idempotent producer's),
 * timeout, and one topic's partitions with their record batches.
 */
function produceRequest(
  transactionalId: string | null,
  timeout: number,
  topic: string,
  batches: { partition: number; batch: Uint8Array }[],
): unknown {
  const writer = kafkaClient().Writer.create()
    .appendString(transactionalId)
    .appendInt16(kafkaClient().ProduceAcks.ALL)
    .appendInt32(timeout);
  writer.appendArray([topic], (w, name) => {
    w.appendString(name).appendArray(batches, (w, { partition, batch }) => {
      w.appendInt32(partition).appendUnsignedVarInt(batch.length + 1)
        .append(batch as Buffer);
    });
  }).appendTaggedFields();
  return writer;
}

let ourProduce: Api | undefined;

/** Our Produce API, made by the client's own `createAPI` with its response parser. */
function produceApi(): Api {
  const client = kafkaClient();
  ourProduce ??= client.createAPI(
    0,
    PRODUCE_VERSION,
    produceRequest as never,
    client.produceV11.parseResponse,
  ) as unknown as Api;
  return ourProduce;
}

/** The producer's API of `name` for its brokers' versions (the client's internal table). */
export function producerApi(
  producer: object,
  name: string,
  callback: (error: Error | null, api?: Api) => void,
): void {
  const getApi = (producer as Record<symbol, unknown>)[kafkaClient().kGetApi];
  if (typeof getApi !== "function") {
    callback(
      new Error(
        "The Kafka client has no API table (kGetApi) any more: plugins/sinks/kafka/produce.ts " +
          "relies on it; check the client's version",
      ),
    );
    return;
  }
  getApi.call(producer, name, callback);
}
