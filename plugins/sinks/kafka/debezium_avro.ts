/**
 * Debezium events in Avro: the envelope's record schema over a table's row schema (avro.ts),
 * and each event's binary. The envelope's fields are `after`, `before`, `source`, `op`, `ts_ms`:
 * Avro readers decode by the schema, whatever the order, and `after` first lets a reader of the
 * table's rows (read_back.ts) take an event's row without decoding `before`.
 *
 * @module
 */
import type * as arrow from "apache-arrow";
import type { SinkTable } from "../../../lib/plugin/types.ts";
import { CONNECTOR, type EventOp } from "../_debezium.ts";
import { avroName, avroRows, type AvroSchema, avroSchema } from "./avro.ts";

/** The Avro schema of a table's events (Debezium's `Envelope`, with a `Source` record). */
export function envelopeAvroSchema(table: SinkTable): AvroSchema {
  const row = avroSchema(table.name, table.schema);
  const fullName = `${row.namespace}.${row.name}`;
  const optionalLong = { type: ["null", "long"], default: null };
  return {
    type: "record",
    name: "Envelope",
    namespace: `tablestream.${avroName(table.name)}`,
    fields: [
      { name: "after", type: ["null", row], default: null },
      { name: "before", type: ["null", fullName], default: null },
      {
        name: "source",
        type: {
          type: "record",
          name: "Source",
          fields: [
            { name: "connector", type: "string" },
            { name: "name", type: "string" },
            { name: "table", type: "string" },
            { name: "tick", ...optionalLong },
            { name: "row_version", type: "long" },
            { name: "ts_ms", ...optionalLong },
          ],
        },
      },
      { name: "op", type: "string" },
      { name: "ts_ms", ...optionalLong },
    ],
  };
}

/** Avro's zigzag varint of a safe integer. */
function long(value: number, out: number[]): void {
  let n = value >= 0 ? value * 2 : -value * 2 - 1;
  while (n >= 0x80) {
    out.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  out.push(n);
}

const encoder = new TextEncoder();

function string(text: string, out: number[]): void {
  const bytes = encoder.encode(text);
  long(bytes.length, out);
  for (const b of bytes) out.push(b);
}

/** A union of null and a long. */
function optionalLong(value: number | null, out: number[]): void {
  if (value === null) out.push(0);
  else {
    out.push(2);
    long(value, out);
  }
}

/** What one event says besides its rows. */
export interface AvroEventFields {
  op: EventOp;
  tick: number | null;
  version: number;
  ms: number | null;
}

/**
 * The Avro binary of events: `prefix` (Confluent's wire format, or nothing), then each
 * event's `after` and `before` rows (null where absent), source, op and time.
 */
export function avroEvents(
  table: SinkTable,
  rows: { after?: arrow.RecordBatch; before?: arrow.RecordBatch },
  fields: (i: number) => AvroEventFields,
  prefix: Uint8Array,
): Uint8Array[] {
  const none = new Uint8Array(0);
  const after = rows.after ? avroRows(rows.after, none) : undefined;
  const before = rows.before ? avroRows(rows.before, none) : undefined;
  const count = (rows.after ?? rows.before)!.numRows;
  const lead: number[] = [];
  string(CONNECTOR, lead);
  string(table.appId ?? table.name, lead);
  string(table.name, lead);
  const events: Uint8Array[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const f = fields(i);
    const tail: number[] = [...lead];
    optionalLong(f.tick, tail);
    long(f.version, tail);
    optionalLong(f.ms, tail);
    string(f.op, tail);
    optionalLong(f.ms, tail);
    const a = f.op === "d" ? undefined : after?.[i];
    const b = f.op === "c" ? undefined : before?.[i];
    const size = prefix.length + 2 + (a?.length ?? 0) + (b?.length ?? 0) + tail.length;
    const event = new Uint8Array(size);
    event.set(prefix, 0);
    let at = prefix.length;
    for (const part of [a, b]) {
      event[at++] = part ? 2 : 0; // the union's branch, zigzag: 1 the row, 0 null
      if (part) {
        event.set(part, at);
        at += part.length;
      }
    }
    event.set(tail, at);
    events[i] = event;
  }
  return events;
}

/**
 * The row an Avro event's `after` holds, as a row value (after the same prefix), or null
 * when it has none (a delete).
 */
export function avroEventRow(event: Uint8Array, prefix: number): Uint8Array | null {
  if (event[prefix] !== 2) return null;
  const row = new Uint8Array(event.length - 1);
  row.set(event.subarray(0, prefix), 0);
  row.set(event.subarray(prefix + 1), prefix);
  return row;
}
