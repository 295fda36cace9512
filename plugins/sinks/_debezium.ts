/**
 * Debezium's change-event envelope, shared by the JSON lines and Kafka sinks: one event per
 * change of a row, `{"before": row, "after": row, "source": {...}, "op": "c" | "u" | "d",
 * "ts_ms": ms}`, rows spelled as the JSON lines sink spells them. A consumer of Debezium
 * (Flink's `debezium-json`, Kafka Connect sinks, a hand-written replay) reads a table's inserts,
 * updates and deletes as one ordered stream.
 *
 * Which tables get events is the sinks' `envelope` option: `auto` (the default) writes events
 * for tables with changes ({@link SinkTable.changes}) and plain rows for the others, so outputs
 * of tables without changes stay as they were; `debezium` writes events for every table.
 *
 * @module
 */
import type * as arrow from "apache-arrow";
import type { ChangeBatch, ChangeOp, SinkTable } from "../../lib/plugin/types.ts";
import { jsonObjects } from "../../lib/output/cell_text.ts";

/** Values of the sinks' `envelope` option. */
export const ENVELOPES = ["auto", "debezium"] as const;

/** One of {@link ENVELOPES}. */
export type Envelope = typeof ENVELOPES[number];

/** The `envelope` option of the sinks that write change events. */
export const ENVELOPE_OPTION = {
  type: "string",
  default: "auto",
  choices: ENVELOPES,
  description:
    "Rows as Debezium change events (before, after, source, op, ts_ms): auto for tables with " +
    "changes (others keep plain rows), debezium for every table",
} as const;

/** The connector name events carry in `source.connector`. */
export const CONNECTOR = "tablestream";

/** A Debezium op: `c` an insert, `u` an update, `d` a delete. */
export type EventOp = "c" | ChangeOp;

/** Whether a table's rows are written as events under the given `envelope` option. */
export function writesEvents(table: SinkTable, envelope: Envelope): boolean {
  return envelope === "debezium" || table.changes === true;
}

/**
 * What an event says of where it comes from (Debezium's `source`): the connector, the name of
 * the writer (the table's application id), the table, and for changes their tick, the row's
 * version after the change and the change's logical time. Inserts carry tick and time as null:
 * a sink is not told which tick a row was inserted by.
 */
export interface EventSource {
  connector: typeof CONNECTOR;
  name: string;
  table: string;
  tick: number | null;
  row_version: number;
  ts_ms: number | null;
}

/** A decoded event, as a consumer reads it. */
export interface ChangeEvent {
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  source: EventSource;
  op: EventOp;
  ts_ms: number | null;
}

/** The `source` of a table's events, as JSON text up to the fields of each change. */
function sourceLead(table: SinkTable): string {
  return `{"connector":"${CONNECTOR}","name":${JSON.stringify(table.appId ?? table.name)},` +
    `"table":${JSON.stringify(table.name)},`;
}

/** One event as JSON text, from its parts already spelled as JSON. */
function eventJson(
  lead: string,
  before: string,
  after: string,
  op: EventOp,
  at: { tick: string; version: number; ms: string },
): string {
  return `{"before":${before},"after":${after},"source":${lead}"tick":${at.tick},` +
    `"row_version":${at.version},"ts_ms":${at.ms}},"op":"${op}","ts_ms":${at.ms}}`;
}

/** The insert events (`op: "c"`) of a batch of new rows, as JSON text, one per row. */
export function insertEventsJson(table: SinkTable, batch: arrow.RecordBatch): string[] {
  const lead = sourceLead(table);
  const at = { tick: "null", version: 0, ms: "null" };
  return jsonObjects(batch).map((row) => eventJson(lead, "null", row, "c", at));
}

/** The events of a change batch (`op: "u"` or `"d"`), as JSON text, in its order. */
export function changeEventsJson(table: SinkTable, changes: ChangeBatch): string[] {
  const lead = sourceLead(table);
  const before = jsonObjects(changes.before);
  const after = jsonObjects(changes.after);
  return changes.ops.map((op, i) =>
    eventJson(lead, before[i], op === "d" ? "null" : after[i], op, {
      tick: String(changes.ticks[i]),
      version: changes.versions[i],
      ms: String(changes.timesMs[i]),
    })
  );
}
