/**
 * The progress topic: one small record per (topic, table, application id), written in the same
 * Kafka transaction as the rows of each commit, so a commit's rows and its commit point are
 * visible together or not at all. The topic is compacted: the latest record of each key is all
 * a restart reads.
 *
 * Why a topic of its own rather than a header on the last record of each partition: a commit
 * may have no rows (a quiet tick, a partition a tick did not reach) yet must record its tick
 * and the stream state (`properties`); a compacted topic keeps one record per table however
 * long the data topic is, and is read whole in milliseconds; and it holds the table's schema
 * and where each partition's committed rows end, which `read` needs.
 *
 * @module
 */
import * as arrow from "apache-arrow";
import {
  arrowTimestamp,
  arrowType,
  type ColumnType,
  columnTypeOf,
} from "../../../lib/arrow/types.ts";

/** The default name of the progress topic. */
export const DEFAULT_PROGRESS_TOPIC = "tablestream_progress";

/** The configs the progress topic is created with. */
export const PROGRESS_TOPIC_CONFIGS = [
  { name: "cleanup.policy", value: "compact" },
  { name: "segment.ms", value: "600000" },
  { name: "min.cleanable.dirty.ratio", value: "0.1" },
];

/** What one application id recorded of a table with its last commit. */
export interface ProgressRecord {
  /** The last commit point's tick, null for commits without one (`generate`). */
  tick: number | null;
  /** Properties recorded with the table (merged over commits). */
  properties: Record<string, string>;
  /** Commits this application id made to the table. */
  commits: number;
  /** Rows this application id committed to the table. */
  rows: number;
  /** The table's columns. */
  schema: { name: string; type: string }[];
  /** Per partition of the data topic, the offset after the last record of this commit or earlier. */
  ends: Record<string, string>;
  /**
   * `debezium` when the topic holds Debezium events (plugins/sinks/_debezium.ts) rather than
   * plain rows: reading the table back replays them.
   */
  envelope?: "debezium";
}

/** The key of a table's progress record. */
export function progressKey(topic: string, table: string, appId: string): string {
  return JSON.stringify(["tablestream/1", topic, table, appId]);
}

/** The topic, table and application id of a progress key; undefined for other keys. */
export function parseProgressKey(
  key: string,
): { topic: string; table: string; appId: string } | undefined {
  try {
    const parsed = JSON.parse(key);
    if (!Array.isArray(parsed) || parsed[0] !== "tablestream/1" || parsed.length !== 4) {
      return undefined;
    }
    return { topic: parsed[1], table: parsed[2], appId: parsed[3] };
  } catch {
    return undefined;
  }
}

/**
 * A column type as the progress record spells it: the column type's name (lib/arrow/types.ts),
 * and `timestamp_ntz` for a timestamp without a time zone, which Kafka carries as it is.
 */
export function typeText(type: arrow.DataType): string {
  const column = columnTypeOf(type);
  if (column === undefined) {
    throw new Error(`Kafka cannot carry columns of type ${type}`);
  }
  return column === "timestamp" && !(type as arrow.Timestamp).timezone ? WALL_CLOCK : column;
}

/** A timestamp without a time zone, in a progress record. */
const WALL_CLOCK = "timestamp_ntz";

/** The Arrow type of a {@link typeText}. */
export function typeOfText(text: string): arrow.DataType {
  if (text === WALL_CLOCK) return arrowTimestamp(true);
  try {
    return arrowType(text as ColumnType);
  } catch {
    throw new Error(`Unknown column type "${text}" in a progress record`);
  }
}

/** A schema as the progress record keeps it. */
export function schemaText(schema: arrow.Schema): { name: string; type: string }[] {
  return schema.fields.map((f) => ({ name: f.name, type: typeText(f.type) }));
}

/** The Arrow schema of a progress record. */
export function schemaOfText(columns: readonly { name: string; type: string }[]): arrow.Schema {
  return new arrow.Schema(columns.map((c) => new arrow.Field(c.name, typeOfText(c.type), true)));
}

/** How two schemas differ, for messages; undefined when they are the same. */
export function schemaDifference(
  stored: readonly { name: string; type: string }[],
  wanted: arrow.Schema,
): string | undefined {
  const mine = schemaText(wanted);
  const spell = (cols: readonly { name: string; type: string }[]) =>
    cols.map((c) => `${c.name} ${c.type}`).join(", ");
  if (JSON.stringify(stored) === JSON.stringify(mine)) return undefined;
  return `it holds (${spell(stored)}), the rows to write have (${spell(mine)})`;
}

/** Decodes a progress value (null for a tombstone or a foreign value). */
export function decodeProgress(value: Uint8Array | null): ProgressRecord | null {
  if (!value || value.length === 0) return null;
  try {
    const parsed = JSON.parse(new TextDecoder().decode(value));
    if (typeof parsed !== "object" || parsed === null || !Array.isArray(parsed.schema)) return null;
    return {
      tick: typeof parsed.tick === "number" ? parsed.tick : null,
      properties: parsed.properties ?? {},
      commits: Number(parsed.commits ?? 0),
      rows: Number(parsed.rows ?? 0),
      schema: parsed.schema,
      ends: parsed.ends ?? {},
      ...(parsed.envelope === "debezium" ? { envelope: "debezium" as const } : {}),
    };
  } catch {
    return null;
  }
}

/** Encodes a progress value. */
export function encodeProgress(record: ProgressRecord): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(record));
}
