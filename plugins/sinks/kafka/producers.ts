/**
 * A Kafka table's producer and its transactions: idempotent, `acks=all`, its topic's records
 * sent as our own record batches (produce.ts); with transactions, a transactional id per topic and application (fencing an earlier
 * producer of the same table), or at least once when the brokers refuse transactions and the
 * delivery allows it.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import type { BaseOptions, Producer } from "@platformatic/kafka";
import { kafkaClient } from "./client_module.ts";
import { describeError } from "./client.ts";
import { BatchSender } from "./produce.ts";

type Transaction<K, V, HK, HV> = Awaited<ReturnType<Producer<K, V, HK, HV>["beginTransaction"]>>;

/** A table's producer as its state holds it. */
export interface ProducerState {
  table: { name: string };
  appId: string;
  topic: string;
  producer?: Producer<Buffer, Buffer, string, string>;
  /** Sends the topic's record batches through the producer. */
  batches?: BatchSender;
  transaction?: Transaction<Buffer, Buffer, string, string>;
  /** The partitions the open transaction has records in (sender.ts adds to it). */
  transactionPartitions?: Set<number>;
  /** Whether it writes in transactions (false: at least once). */
  transactional: boolean;
}

/** What {@link Producers} makes producers with. */
export interface ProducerSettings {
  /** The client options of every client of the sink (brokers, TLS, SASL). */
  client: () => BaseOptions;
  compression?: "none" | "gzip" | "snappy" | "lz4" | "zstd";
  delivery: "auto" | "exactly_once" | "at_least_once";
  warn?: (message: string) => void;
  /** A table as messages name it. */
  named: (table: string) => string;
}

/** Makes, starts and ends the transactions of the tables' producers. */
export class Producers {
  constructor(readonly settings: ProducerSettings) {}

  /** A producer of the table: transactional (under `id`) when the table is. */
  newProducer = (
    state: ProducerState,
    id = state.transactional ? transactionalId(state) : undefined,
  ): Producer<Buffer, Buffer, string, string> => {
    const { settings } = this;
    const producer = new (kafkaClient().Producer)<Buffer, Buffer, string, string>({
      ...settings.client(),
      clientId: `tablestream-${state.table.name}`,
      idempotent: true,
      // A new producer: -1/-1 (the client's default 0/0 claims producer 0's epoch 0, which the
      // broker answers PRODUCER_FENCED once that transactional id has a producer).
      producerId: -1n,
      producerEpoch: -1,
      acks: kafkaClient().ProduceAcks.ALL,
      ...(id ? { transactionalId: id } : {}),
      ...(settings.compression && settings.compression !== "none"
        ? { compression: settings.compression }
        : {}),
      serializers: {
        key: (k?: Buffer) => k,
        value: (v?: Buffer) => v,
        headerKey: (k?: string) => (k === undefined ? undefined : Buffer.from(k)),
        headerValue: (v?: string) => (v === undefined ? undefined : Buffer.from(v)),
      },
      autocreateTopics: false,
    });
    return producer;
  };

  /** The table's producer, with a {@link BatchSender} of its topic. */
  #tableProducer(state: ProducerState): void {
    const producer = state.producer = this.newProducer(state);
    const { compression } = this.settings;
    state.batches = new BatchSender(producer, {
      topic: state.topic,
      timeout: this.settings.client().timeout ?? 30_000,
      compressed: compression !== undefined && compression !== "none",
    });
  }

  /**
   * Starts the table's producer: with transactions, begins one (which fences any earlier
   * producer of the same transactional id and aborts its open transaction). A broker that
   * refuses transactions under `delivery: auto` leaves the table at least once, said in a
   * warning.
   */
  startProducer = async (state: ProducerState): Promise<void> => {
    this.#tableProducer(state);
    if (!state.transactional) return;
    try {
      await this.beginTransaction(state);
    } catch (error) {
      const refused = /TRANSACTIONAL_ID_AUTHORIZATION_FAILED|UNSUPPORTED_VERSION|SECURITY_DISABLED/
        .test(describeError(error));
      if (this.settings.delivery === "auto" && refused) {
        this.settings.warn?.(
          `${this.settings.named(state.table.name)}: the brokers refuse transactions ` +
            `(${describeError(error)}); writing at least once: a crash may send a commit's ` +
            "rows again (delivery: exactly_once makes this an error)",
        );
        await state.producer?.close().catch(() => {});
        state.transactional = false;
        this.#tableProducer(state);
        return;
      }
      throw error;
    }
  };

  /** Begins a transaction of the table's producer (when it has none open). */
  beginTransaction = async (state: ProducerState): Promise<void> => {
    if (state.transaction) return;
    state.transaction = await state.producer!.beginTransaction();
    state.transactionPartitions = new Set();
  };

  /** Ends the table's transaction (committed or aborted): the next rows begin another. */
  endTransaction = (state: ProducerState): void => {
    state.transaction = undefined;
    state.transactionPartitions = undefined;
  };
}

/** The transactional id of a table's producer: one per topic and application. */
function transactionalId(state: ProducerState): string {
  return `tablestream:${state.topic}:${state.appId}`;
}
