/**
 * The Kafka sink: each table a topic, each commit one Kafka transaction holding the commit's
 * rows and the table's progress record (the commit point), so a `read_committed` consumer sees
 * a commit's rows all at once or not at all, and a restart resumes exactly after the last
 * committed tick. One transactional producer per table, its `transactional.id` made of the
 * table's application id (a shard's includes the shard), so a new process fences the killed
 * one's producer and aborts its open transaction before it reads where the table is. A shard's
 * claim of a table's state goes through a transactional id of the topic's, shared by all shards,
 * so that two claims fence each other rather than both pass their check (claimWith).
 *
 * Without transactions (`delivery: at_least_once`, or a broker that refuses them under
 * `delivery: auto`) rows go through an idempotent producer and the progress record follows
 * them: a crash between the two sends the rows again on restart (at least once).
 *
 * @module
 */
import * as arrow from "apache-arrow";
import { Buffer } from "node:buffer";
import type { Admin, Consumer, MessageToProduce } from "@platformatic/kafka";
import { Producers, type ProducerState } from "./producers.ts";
import { kafkaClient, loadKafkaClient } from "./client_module.ts";
import type {
  CommitPoint,
  EncodedRecords,
  FlushResult,
  RecordSpec,
  Sink,
  SinkMetric,
  SinkOpenOptions,
  SinkReadOptions,
  SinkTable,
} from "../../../lib/plugin/types.ts";
import { CommitConflict, PropertyConflict, SinkError } from "../../../lib/plugin/sink_errors.ts";
import { guardSink } from "../_guard.ts";
import { clientOptions, describeBrokers, type KafkaConnection, kafkaError } from "./client.ts";
import {
  DEFAULT_PROGRESS_TOPIC,
  encodeProgress,
  PROGRESS_TOPIC_CONFIGS,
  progressKey,
  type ProgressRecord,
  schemaDifference,
  schemaText,
} from "./progress.ts";
import { encodeRecords, type RecordShape, spreadKeyless } from "./records.ts";
import {
  bufferBlock,
  clearOutbox,
  type KafkaCounters,
  newOutbox,
  type Outbox,
  outboxMetrics,
  SEND_ROWS,
  type SendResult,
  sendRows,
  type SendVia,
} from "./sender.ts";
import { awaitStable } from "./topic_reader.ts";
import {
  checkExpected as checkProperties,
  claimTransactionalId,
  commitClaim,
  isFenced,
} from "./claim.ts";
import { avroSchema, confluentPrefix } from "./avro.ts";
import { registerSchema } from "./registry.ts";
import { KafkaReadBack } from "./read_back.ts";
import { ensureTopic as makeTopic } from "./topics.ts";
import { type Envelope, writesEvents } from "../_debezium.ts";
import { envelopeAvroSchema } from "./debezium_avro.ts";
import {
  changeEvents,
  checkEnvelope,
  checkEventKey,
  type EventState,
  insertRecords,
  sendTombstones,
} from "./events.ts";

/** Compression codecs the client writes. */
export const COMPRESSIONS = ["none", "gzip", "snappy", "lz4", "zstd"] as const;

/** Delivery guarantees. */
export const DELIVERIES = ["auto", "exactly_once", "at_least_once"] as const;

/** Options of {@link createKafkaSink}. */
export interface KafkaSinkOptions extends KafkaConnection {
  /** Topic per table (default: the table's name). */
  topic?: (table: string) => string;
  /** Key columns per table; undefined: the primary key; empty: no key. */
  key?: (table: string) => readonly string[] | undefined;
  /** Value format. */
  format?: "json" | "avro";
  /** Schema Registry URL (Avro): values in Confluent's wire format. */
  schemaRegistry?: string;
  /** Static headers of every record. */
  headers?: Record<string, string>;
  /** Add a `tablestream.table` header. */
  headerTable?: boolean;
  /** Add a `tablestream.tick` header: the tick of the commit that carried the row. */
  headerTick?: boolean;
  compression?: typeof COMPRESSIONS[number];
  delivery?: typeof DELIVERIES[number];
  /** Create missing topics (with `partitions` and `replication_factor`). */
  createTopics?: boolean;
  /** Partitions of a created topic (-1: the broker's default). */
  partitions?: number;
  /** Replication factor of a created topic (-1: the broker's default). */
  replicationFactor?: number;
  /** The compacted topic of commit points. */
  progressTopic?: string;
  /** Which tables are written as Debezium events (default `auto`: tables with changes). */
  envelope?: Envelope;
  /** Warnings (a broker refusing transactions). */
  warn?: (message: string) => void;
}

export type { KafkaCounters };

interface TableState extends Outbox, EventState, ProducerState {
  table: SinkTable;
  appId: string;
  shape: RecordShape;
  partitions: number;
  /** The round-robin partition of the next keyless row. */
  next: number;
  /** This application id's committed progress record. */
  committed: ProgressRecord | null;
}

/**
 * Creates a sink writing each table into a Kafka topic, exactly once with transactions.
 *
 * @example
 * ```ts
 * const sink = createKafkaSink({ brokers: ["localhost:9092"] });
 * await sink.open([{ name: "users", schema, primaryKey: "id", appId: "app" }], { mode: "append" });
 * await sink.write("users", batch);
 * await sink.flush({ tick: 1 }); // the rows and the commit point, one transaction
 * await sink.close();
 * ```
 */
export function createKafkaSink(options: KafkaSinkOptions): Sink & {
  counters(table: string): KafkaCounters | undefined;
} {
  const where = describeBrokers(options);
  const progressTopic = options.progressTopic ?? DEFAULT_PROGRESS_TOPIC;
  const topicOf = options.topic ?? ((table: string) => table);
  const format = options.format ?? "json";
  const delivery = options.delivery ?? "auto";
  const states = new Map<string, TableState>();
  const named = (table: string) =>
    `Table "${table}" (kafka sink, topic "${topicOf(table)}", ${where})`;

  let admin: Admin | undefined;
  let reader: Consumer | undefined;
  const base = () => clientOptions(options, "tablestream");
  const getAdmin = () => admin ??= new (kafkaClient().Admin)(base());
  const getReader = () =>
    reader ??= new (kafkaClient().Consumer)({
      ...base(),
      groupId: "tablestream-reader",
      autocommit: false,
    });

  const producers = new Producers({
    client: base,
    compression: options.compression,
    delivery,
    warn: options.warn,
    named,
  });
  const { newProducer, startProducer, beginTransaction, endTransaction } = producers;

  async function closeClients(): Promise<void> {
    const clients = [admin, reader];
    admin = undefined;
    reader = undefined;
    await Promise.all(clients.map((c) => c?.close().catch(() => {})));
  }

  const readBack = new KafkaReadBack({
    consumer: getReader,
    progressTopic,
    topicOf,
    named,
    shape: { format, avroPrefix: new Uint8Array(options.schemaRegistry ? 5 : 0) },
  });
  const readProgress = (table: string) => readBack.progress(table);
  const inspectTable = (table: string) => readBack.inspect(table);

  const topics = { admin: getAdmin, consumer: getReader, named, settings: options };
  const ensureTopic = (
    topic: string,
    table: string,
    configs?: { name: string; value: string }[],
    partitions?: number,
  ) => makeTopic(topics, topic, table, configs, partitions);

  async function openTable(table: SinkTable, mode: SinkOpenOptions["mode"]): Promise<TableState> {
    const topic = topicOf(table.name);
    const appId = table.appId ?? `tablestream:${table.name}`;
    const keyColumns = options.key?.(table.name) ??
      (table.primaryKey ? [table.primaryKey] : []);
    for (const column of keyColumns) {
      if (!table.schema.fields.some((f) => f.name === column)) {
        throw new SinkError(
          `${named(table.name)} has no column "${column}" for its key (its columns: ${
            table.schema.fields.map((f) => f.name).join(", ")
          })`,
          { healable: false },
        );
      }
    }
    const events = writesEvents(table, options.envelope ?? "auto");
    checkEventKey(table, keyColumns, named(table.name));
    let avroPrefix: Uint8Array = new Uint8Array(0);
    if (format === "avro") {
      let schema;
      try {
        schema = events ? envelopeAvroSchema(table) : avroSchema(table.name, table.schema);
      } catch (error) {
        throw new SinkError((error as Error).message, { healable: false });
      }
      if (options.schemaRegistry) {
        avroPrefix = confluentPrefix(
          await registerSchema(options.schemaRegistry, `${topic}-value`, schema),
        );
      }
    }
    await ensureTopic(progressTopic, table.name, PROGRESS_TOPIC_CONFIGS, 1);
    const partitions = await ensureTopic(topic, table.name);
    const all = await readProgress(table.name) ?? new Map<string, ProgressRecord>();
    const any = [...all.values()][0];
    if (any) {
      const difference = schemaDifference(any.schema, table.schema);
      if (difference) {
        throw new SinkError(
          `${named(table.name)} does not match the rows to write: ${difference}; write to ` +
            "another topic (the topic option), or delete the topic",
          { healable: false },
        );
      }
      checkEnvelope(any, events, named(table.name));
      if (mode === "error" && [...all.values()].some((r) => r.rows > 0)) {
        throw new SinkError(
          `${named(table.name)} already has rows; use --mode append to add rows to it, or write ` +
            "to another topic",
          { healable: false },
        );
      }
    }
    if (mode === "overwrite") {
      throw new SinkError(
        `${named(table.name)}: Kafka topics are append-only, so --mode overwrite cannot replace ` +
          "their rows; delete the topic (kafka-topics.sh --delete) or write to another topic",
        { healable: false },
      );
    }
    const state: TableState = {
      ...newOutbox(topic),
      table,
      appId,
      transactional: delivery !== "at_least_once",
      shape: { format, key: keyColumns, avroPrefix },
      partitions,
      next: 0,
      committed: null,
      events,
      tombstones: [],
      changed: { events: 0, deletes: 0 },
    };
    await startProducer(state);
    // Read after the producer fenced any earlier one of this id: what it committed is final.
    state.committed = (await readProgress(table.name))?.get(appId) ?? null;
    return state;
  }

  /** The headers of a table's records. */
  function recordHeaders(state: TableState, tick?: number): Record<string, string> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.headerTable) headers["tablestream.table"] = state.table.name;
    if (options.headerTick && tick !== undefined) headers["tablestream.tick"] = String(tick);
    return headers;
  }

  /** Sends a table's buffered rows (into its open transaction, when it has one). */
  async function sendBuffered(state: TableState, all: boolean, tick?: number): Promise<number> {
    if (state.transactional) await beginTransaction(state);
    const headers = recordHeaders(state, tick);
    return await sendRows(state, batchesVia(state), { all, headers });
  }

  /** Where a table's record batches go: its producer, in the transaction open when sent. */
  function batchesVia(state: TableState): SendVia {
    return { send: (batches) => state.batches!.send(batches, state.transaction) };
  }

  /** Commits one table: its rows and its progress record, in one transaction when it can. */
  async function commitTable(state: TableState, point: CommitPoint | undefined): Promise<number> {
    const name = state.table.name;
    if (point?.replace) {
      throw new SinkError(
        `${named(name)}: update_policy replace cannot be written to Kafka, whose topics are ` +
          "append-only; give the table another sink, or update_policy append",
        { healable: false },
      );
    }
    const committedTick = state.committed?.tick ?? -1;
    if (point?.after !== undefined && committedTick !== point.after) {
      throw new CommitConflict(name, state.appId, committedTick, point.after);
    }
    // Shards claim a table's state with a commit of no rows that expects properties: with
    // transactions, atomically (claimWith); without, checked just before (not atomic).
    const claim = point?.expect !== undefined && state.transactional &&
      state.bufferedRows === 0 && state.sentRows === 0;
    if (point?.expect && !claim) await checkExpected(name, point.expect);
    const bytes = await sendBuffered(state, true, point?.tick);
    await sendTombstones(state, batchesVia(state), recordHeaders(state, point?.tick));
    const previous = state.committed;
    const ends: Record<string, string> = { ...previous?.ends };
    for (const [partition, end] of state.ends) ends[partition] = String(end);
    const record: ProgressRecord = {
      tick: point ? point.tick : previous?.tick ?? null,
      properties: { ...previous?.properties, ...point?.properties },
      commits: (previous?.commits ?? 0) + 1,
      // Records sent are rows, or events: of inserts (rows), of changes (not), less deletes.
      rows: (previous?.rows ?? 0) + state.sentRows - state.changed.events - state.changed.deletes,
      schema: schemaText(state.table.schema),
      ends,
      ...(state.events ? { envelope: "debezium" as const } : {}),
    };
    const message: MessageToProduce<Buffer, Buffer, string, string> = {
      topic: progressTopic,
      partition: 0,
      key: Buffer.from(progressKey(state.topic, name, state.appId)),
      value: Buffer.from(encodeProgress(record)),
    };
    if (claim) {
      await claimWith(state, point!.expect!, record, message);
    } else if (state.transaction) {
      const sent = await state.transaction.send({ messages: [message] });
      await state.transaction.commit();
      endTransaction(state);
      await progressVisible(sent);
    } else {
      await state.producer!.send({ messages: [message] });
    }
    state.committed = record;
    state.sentRows = 0;
    state.changed = { events: 0, deletes: 0 };
    return bytes;
  }

  /**
   * Returns once a committed progress record is visible to `read_committed` readers (this
   * sink's read-back included): a flush then means the commit can be read, by the next process
   * or by a test right after it.
   */
  async function progressVisible(sent: { offsets?: SendResult["offsets"] }): Promise<void> {
    const where = sent.offsets?.find((o) => o.topic === progressTopic);
    // Only a wait: the commit stands whether or not it can tell.
    if (where) await awaitStable(getReader(), where).catch(() => false);
  }

  /** Throws a {@link PropertyConflict} unless the table's committed properties are `expect`. */
  async function checkExpected(name: string, expect: Record<string, string | null>) {
    checkProperties(name, expect, await readProgress(name));
  }

  /** Commits a claim's progress record atomically with its check (claim.ts says how). */
  async function claimWith(
    state: TableState,
    expect: Record<string, string | null>,
    record: ProgressRecord,
    message: MessageToProduce<Buffer, Buffer, string, string>,
  ): Promise<void> {
    const name = state.table.name;
    await commitClaim({
      producer: () => newProducer(state, claimTransactionalId(state.topic)),
      progress: () => readProgress(name),
      decided: progressVisible,
    }, { table: name, appId: state.appId, expect, record, message });
  }

  async function commit(point: CommitPoint | undefined): Promise<FlushResult> {
    let bytes = 0;
    let version: number | undefined;
    for (const state of states.values()) {
      if (!point && state.bufferedRows === 0 && state.sentRows === 0 && state.committed) {
        continue;
      }
      try {
        bytes += await commitTable(state, point);
        version = state.committed?.commits;
      } catch (error) {
        state.counters.errors++;
        if (error instanceof CommitConflict || error instanceof PropertyConflict) throw error;
        if (
          point?.after !== undefined &&
          isFenced(error)
        ) {
          // Another producer of this transactional id started: nothing of this transaction
          // commits. When it committed ticks meanwhile, say where the table is now.
          const stored = (await readProgress(state.table.name).catch(() => undefined))
            ?.get(state.appId)?.tick ?? -1;
          if (stored !== point.after) {
            throw new CommitConflict(state.table.name, state.appId, stored, point.after);
          }
        }
        const what = point ? `tick ${point.tick}` : "rows";
        throw kafkaError(`Cannot commit ${what} to ${named(state.table.name)}`, where, error);
      }
    }
    return { bytes, ...(version !== undefined ? { version } : {}) };
  }

  async function closeProducers(abort: boolean): Promise<void> {
    for (const state of states.values()) {
      const producer = state.producer;
      state.producer = undefined;
      state.batches = undefined;
      const transaction = state.transaction;
      endTransaction(state);
      clearOutbox(state);
      state.tombstones = [];
      state.changed = { events: 0, deletes: 0 };
      if (abort && transaction) await transaction.abort().catch(() => {});
      await producer?.close().catch(() => {});
    }
  }

  /** How a table's rows are made into records (here, or in generation workers). */
  function recordSpecOf(table: string): RecordSpec {
    const state = states.get(table)!;
    return { ...state.shape, partitions: state.partitions };
  }

  /**
   * Buffers a table's records. Without the tick header, rows need not wait for the commit
   * point: they are sent into the open transaction when enough are buffered, so memory stays
   * bounded.
   */
  async function bufferRecords(
    table: string,
    records: EncodedRecords,
    what = "rows",
  ): Promise<void> {
    const state = states.get(table)!;
    const spread = spreadKeyless(records, state.partitions, state.next);
    state.next = spread.next;
    bufferBlock(state, spread.block);
    if (!options.headerTick && state.bufferedRows >= SEND_ROWS) {
      try {
        await sendBuffered(state, false);
      } catch (error) {
        state.counters.errors++;
        throw kafkaError(`Cannot send ${what} to ${named(table)}`, where, error);
      }
    }
  }

  /** Reads what a table's topic holds up to its committed ends, as batches of `columns`. */
  const sink = guardSink("kafka", {
    async open(tables, openOptions) {
      await loadKafkaClient();
      try {
        for (const table of tables) {
          openOptions.signal?.throwIfAborted();
          const state = await openTable(table, openOptions.mode);
          states.set(table.name, state);
        }
      } catch (error) {
        await closeProducers(true);
        if (error instanceof SinkError) throw error;
        throw kafkaError(
          `Cannot open ${tables.map((t) => named(t.name)).join(", ")}`,
          where,
          error,
        );
      }
    },
    async write(table, batch) {
      if (batch.numRows === 0) return;
      const state = states.get(table.name)!;
      await bufferRecords(
        table.name,
        state.events
          ? insertRecords(state.table, batch, state.shape, state.partitions)
          : encodeRecords(batch, recordSpecOf(table.name)),
      );
    },
    async writeChanges(table, changes) {
      const state = states.get(table.name)!;
      await bufferRecords(table.name, changeEvents(state, changes, named(table.name)), "changes");
    },
    // A table of events is made into events here; only plain rows are encoded elsewhere.
    recordSpec: (table) => states.get(table.name)!.events ? undefined : recordSpecOf(table.name),
    writeRecords: (table, records) => bufferRecords(table.name, records),
    flush: (point) => commit(point),
    async close() {
      await commit(undefined);
      await closeProducers(false);
      await closeClients();
    },
    async discard() {
      await closeProducers(true);
      await closeClients();
    },
    async inspect(table) {
      await loadKafkaClient();
      try {
        return await inspectTable(table);
      } catch (error) {
        throw kafkaError(`Cannot inspect ${named(table)}`, where, error);
      } finally {
        if (states.size === 0) await closeClients();
      }
    },
    async commitPoints(table) {
      await loadKafkaClient();
      try {
        return (await inspectTable(table))?.commits ?? null;
      } catch (error) {
        throw kafkaError(`Cannot read the commit points of ${named(table)}`, where, error);
      } finally {
        if (states.size === 0) await closeClients();
      }
    },
    async read(table, columns, readOptions?: SinkReadOptions) {
      await loadKafkaClient();
      try {
        if (readOptions?.version !== undefined) {
          const stored = await inspectTable(table);
          if (readOptions.version !== stored?.version) {
            throw new Error(
              `Cannot read version ${readOptions.version} of ${named(table)}: a topic is read ` +
                `as it is now (version ${stored?.version})`,
            );
          }
        }
        let schema: arrow.Schema | undefined;
        const batches: arrow.RecordBatch[] = [];
        for await (const part of readBack.rows(table, columns)) {
          schema = part.schema;
          if (part.batch) batches.push(part.batch);
        }
        return new arrow.Table(schema!, batches);
      } catch (error) {
        throw kafkaError(`Cannot read ${named(table)}`, where, error);
      } finally {
        if (states.size === 0) await closeClients();
      }
    },
  });
  return Object.assign(sink, {
    counters: (table: string) => states.get(table)?.counters,
    metrics: (): SinkMetric[] => outboxMetrics(states.values()),
  });
}
