/**
 * Debezium events as the Kafka sink encodes them, without a broker: Avro envelopes decoded by
 * avsc (an independent decoder) against the envelope schema, and a topic's records replayed into
 * the rows `read` gives back, tombstones and all; and the keys a table with changes may have.
 */
import avro from "avsc";
import { assertEquals, assertRejects } from "../../../tests/_assert.ts";
import { SAMPLE_SCHEMA, sampleRows } from "../../../tests/_batches.ts";
import {
  changeBatchOf,
  changeTime,
  HISTORY,
  HISTORY_TABLE,
} from "../../../tests/_change_history.ts";
import { loadKafkaClient } from "./client_module.ts";
import { envelopeAvroSchema } from "./debezium_avro.ts";
import { avroSchema, confluentPrefix } from "./avro.ts";
import { changeRecords, insertRecords, replayedRows } from "./events.ts";
import { decodeValues, type RecordShape } from "./records.ts";
import { createKafkaSink } from "./sink.ts";
import type { EncodedRecords } from "../../../lib/plugin/types.ts";
import { Buffer } from "node:buffer";

const TABLE = { ...HISTORY_TABLE, appId: "app" };
const shape = (
  format: "json" | "avro",
  avroPrefix: Uint8Array = new Uint8Array(0),
): RecordShape => ({
  format,
  key: ["id"],
  avroPrefix,
});

/** Each record of encoded records: its key and value bytes. */
function recordsOf(records: EncodedRecords): { key: Uint8Array | null; value: Uint8Array }[] {
  return Array.from({ length: records.rows }, (_, i) => ({
    key: records.keys?.subarray(records.keyOffsets![i], records.keyOffsets![i + 1]) ?? null,
    value: records.values.subarray(records.valueOffsets[i], records.valueOffsets[i + 1]),
  }));
}

Deno.test("avro events decode with avsc: rows, op, source, time; inserts without before", async () => {
  await loadKafkaClient();
  const type = avro.Type.forSchema(envelopeAvroSchema(TABLE) as avro.Schema);
  const changes = changeBatchOf(2, HISTORY[2].changes);
  const { records, tombstones } = changeRecords(TABLE, changes, shape("avro"), 3);
  const decoded = recordsOf(records).map((r) =>
    type.fromBuffer(Buffer.from(r.value)) as Record<string, unknown>
  );
  assertEquals(decoded.map((e) => e.op), ["u", "u", "d", "d"]);
  assertEquals(decoded.map((e) => (e.before as { id: number }).id), [2, 9, 0, 6]);
  const after = decoded[0].after as Record<string, unknown>;
  assertEquals([after.id, after.n, after.name], [2, 2002, 'name 2, "quoted" v2']);
  assertEquals([decoded[2].after, decoded[3].ts_ms], [null, changeTime(2, 3)]);
  assertEquals({ ...decoded[1].source as object }, {
    connector: "tablestream",
    name: "app",
    table: "orders",
    tick: 2,
    row_version: 1,
    ts_ms: changeTime(2, 1),
  });
  assertEquals(tombstones.map((t) => new TextDecoder().decode(t.key)), ["0", "6"]);
  assertEquals(tombstones.map((t) => t.partition), [
    records.partitions![2],
    records.partitions![3],
  ]);

  const inserts = recordsOf(insertRecords(TABLE, sampleRows([{ id: 7 }]), shape("avro"), 3));
  const insert = type.fromBuffer(Buffer.from(inserts[0].value)) as Record<string, unknown>;
  assertEquals([insert.op, insert.before, insert.ts_ms], ["c", null, null]);
  assertEquals((insert.after as { id: number }).id, 7);
});

Deno.test("a topic's events replay into the rows they leave, json and avro with a prefix", async () => {
  await loadKafkaClient();
  for (const s of [shape("json"), shape("avro", confluentPrefix(42))]) {
    const records: { key: Uint8Array | null; value: Uint8Array | null }[] = [];
    for (const tick of HISTORY) {
      if (tick.changes.length > 0) {
        const made = changeRecords(TABLE, changeBatchOf(tick.tick, tick.changes), s, 1);
        records.push(
          ...recordsOf(made.records),
          ...made.tombstones.map((t) => ({ key: t.key, value: null })),
        );
      }
      const rows = sampleRows(tick.inserts.map((id) => ({ id })));
      records.push(...recordsOf(insertRecords(TABLE, rows, s, 1)));
    }
    const rows = decodeValues(replayedRows(records, s), SAMPLE_SCHEMA, ["id", "n"], s);
    const got = rows.toArray().map((r) => [Number(r.id), r.n]);
    assertEquals(got, [
      [1, 1000],
      [2, 2002],
      [4, 4000],
      [5, null],
      [7, 7000],
      [8, 8000],
      [
        9,
        9001,
      ],
      [10, null],
      [11, 11000],
      [12, 12000],
    ]);
  }
  // The Avro row schema is the plain rows' one: the replayed rows decode as plain rows do.
  assertEquals(
    (envelopeAvroSchema(TABLE).fields as { type: unknown[] }[])[0].type[1],
    avroSchema("orders", SAMPLE_SCHEMA),
  );
});

Deno.test("a table with changes is keyed by its primary key alone, refused before connecting", async () => {
  for (
    const [table, key, message] of [
      [TABLE, ["name"], 'keyed by its primary key "id", not by "name"'],
      [TABLE, [], 'keyed by its primary key "id", not by no key'],
      [{ ...TABLE, primaryKey: undefined }, undefined, "has changes but no primary key"],
    ] as const
  ) {
    // No broker listens on port 1: the refusal comes before any connection.
    const sink = createKafkaSink({ brokers: ["127.0.0.1:1"], key: () => key });
    await assertRejects(() => sink.open([table], { mode: "error" }), Error, message);
    await sink.abort!();
  }
});
