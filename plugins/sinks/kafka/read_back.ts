/**
 * A Kafka sink's tables read back, with plain fetches and no consumer group: each table's
 * progress records (commit point, stream state, schema, where its committed rows end per
 * partition, by application id), what `inspect` answers from them, and the committed rows.
 * A record counts once its transaction's COMMIT marker is read (see topic_reader.ts), so an
 * open transaction of another table never holds a start-up back.
 *
 * @module
 */
import * as arrow from "apache-arrow";
import type { Consumer } from "@platformatic/kafka";
import type { StoredTable } from "../../../lib/plugin/types.ts";
import { decodeProgress, parseProgressKey, type ProgressRecord, schemaOfText } from "./progress.ts";
import { decodeValues, type RecordShape } from "./records.ts";
import {
  partitionEnds,
  readPartition,
  type ReadRecord,
  type TopicLayout,
  topicLayout,
} from "./topic_reader.ts";
import { replayedRows } from "./events.ts";

/** What reading a sink's tables back needs of the sink. */
export interface ReadBackOptions {
  /** The sink's reading consumer (made on first use). */
  consumer: () => Consumer;
  progressTopic: string;
  topicOf: (table: string) => string;
  /** A table as messages name it. */
  named: (table: string) => string;
  /** How values are encoded. */
  shape: Pick<RecordShape, "format" | "avroPrefix">;
}

/** Reading a sink's tables back; see the module doc. */
export class KafkaReadBack {
  readonly #o: ReadBackOptions;

  constructor(options: ReadBackOptions) {
    this.#o = options;
  }

  /** Every progress record of a table's topic, by application id, as committed. */
  async progress(table: string): Promise<Map<string, ProgressRecord> | undefined> {
    const consumer = this.#o.consumer();
    const progressTopic = this.#o.progressTopic;
    const layout = await topicLayout(consumer, progressTopic);
    if (!layout) return undefined;
    const ends = await partitionEnds(consumer, progressTopic, layout);
    const topic = this.#o.topicOf(table);
    const latest = new Map<string, { offset: bigint; record: ProgressRecord | null }>();
    for (const { partition } of layout.partitions) {
      const { start, end } = ends.get(partition)!;
      await readPartition(consumer, layout, partition, start, end, (records) => {
        for (const r of records) {
          if (!r.key) continue;
          const key = parseProgressKey(new TextDecoder().decode(r.key));
          if (!key || key.topic !== topic || key.table !== table) continue;
          const seen = latest.get(key.appId);
          if (seen && seen.offset > r.offset) continue;
          latest.set(key.appId, { offset: r.offset, record: decodeProgress(r.value) });
        }
      }, "drop");
    }
    const found = new Map<string, ProgressRecord>();
    for (const [appId, { record }] of latest) if (record) found.set(appId, record);
    return found;
  }

  /** A table's progress records merged into what `inspect` answers. */
  async inspect(table: string): Promise<StoredTable | null> {
    const records = await this.progress(table);
    if (!records || records.size === 0) return null;
    const commits = new Map<string, number>();
    const properties: Record<string, string> = {};
    let version = 0;
    let rows = 0;
    let schema: ProgressRecord["schema"] = [];
    for (const [appId, record] of records) {
      if (record.tick !== null) commits.set(appId, record.tick);
      Object.assign(properties, record.properties);
      version += record.commits;
      rows += record.rows;
      schema = record.schema;
    }
    return { version, properties, commits, rows, schema: schemaOfText(schema) };
  }

  /**
   * The schema of `columns`, then the committed rows of a table in batches. A topic of Debezium
   * events is replayed: the rows its events leave (each key's last `after`, deleted keys none).
   */
  async *rows(
    table: string,
    columns: string[],
  ): AsyncGenerator<{ schema: arrow.Schema; batch?: arrow.RecordBatch }> {
    const named = this.#o.named;
    const records = await this.progress(table);
    if (!records || records.size === 0) throw new Error(`${named(table)} does not exist`);
    const any = [...records.values()][0];
    const schema = schemaOfText(any.schema);
    for (const name of columns) {
      if (!schema.fields.some((f) => f.name === name)) {
        throw new Error(
          `${named(table)} has no column "${name}" (its columns: ${
            schema.fields.map((f) => f.name).join(", ")
          })`,
        );
      }
    }
    const target = new arrow.Schema(columns.map((c) => schema.fields.find((f) => f.name === c)!));
    yield { schema: target };
    const ends = new Map<number, bigint>();
    for (const record of records.values()) {
      for (const [p, end] of Object.entries(record.ends)) {
        if ((ends.get(Number(p)) ?? -1n) < BigInt(end)) ends.set(Number(p), BigInt(end));
      }
    }
    const consumer = this.#o.consumer();
    const topic = this.#o.topicOf(table);
    const layout: TopicLayout | undefined = await topicLayout(consumer, topic);
    if (!layout) throw new Error(`${named(table)}: its topic does not exist`);
    const offsets = await partitionEnds(consumer, topic, layout);
    const events = [...records.values()].some((r) => r.envelope === "debezium");
    for (const { partition } of layout.partitions) {
      const end = ends.get(partition);
      if (end === undefined) continue;
      const read: ReadRecord[] = [];
      await readPartition(consumer, layout, partition, offsets.get(partition)!.start, end, (rs) => {
        for (const r of rs) read.push(r);
      }, "keep");
      const values = events ? replayedRows(read, this.#o.shape) : read.map((r) => r.value);
      for (let i = 0; i < values.length; i += 10_000) {
        yield {
          schema: target,
          batch: decodeValues(values.slice(i, i + 10_000), schema, columns, this.#o.shape),
        };
      }
    }
  }
}
