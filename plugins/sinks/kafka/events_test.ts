/**
 * The Kafka sink's Debezium events on a real broker (tests/_kafka.ts), read back by Kafka's own
 * Java consumer (read_committed) and decoded independently (JSON.parse, avsc): keyed by primary
 * key in the partitions Java's partitioner gives them, a tombstone after every delete, in the
 * same transaction as the tick's rows; replayed, they give the history's state worked out by
 * hand, and a failure before a commit shows none of its events.
 */
import avro from "avsc";
import { Buffer } from "node:buffer";
import { assert, assertEquals, assertRejects } from "../../../tests/_assert.ts";
import {
  changeBatchOf,
  expectedColumns,
  HISTORY,
  HISTORY_TABLE,
  type ReplayEvent,
  replayEvents,
  stateColumns,
  writeHistory,
} from "../../../tests/_change_history.ts";
import { sampleBatch } from "../../../tests/_batches.ts";
import {
  javaRead,
  type JavaRecord,
  kafkaTest,
  type TestKafka,
  testKafka,
} from "../../../tests/_kafka.ts";
import { createKafkaSink, type KafkaSinkOptions } from "./sink.ts";
import { envelopeAvroSchema } from "./debezium_avro.ts";

const need = await testKafka();
const prefix = () => `t${crypto.randomUUID().slice(0, 8)}.`;
const TABLE = { ...HISTORY_TABLE, appId: "app" };

function sinkOn(kafka: TestKafka, p: string, extra: Partial<KafkaSinkOptions> = {}) {
  return createKafkaSink({
    brokers: kafka.brokers,
    topic: (t) => `${p}${t}`,
    progressTopic: `${p}progress`,
    partitions: 3,
    ...extra,
  });
}

/**
 * Checks the records of a topic of events: each event's key is its row's id, in the partition
 * Java gives that key, and each delete is followed (later in its partition) by a tombstone of
 * its key. Returns the events in partition and offset order (a key's events are in one
 * partition, so each key's are in order), tombstones left out.
 */
function checkedEvents(
  records: readonly JavaRecord[],
  decode: (value: Uint8Array) => ReplayEvent,
): ReplayEvent[] {
  const sorted = [...records].sort((a, b) => a.partition - b.partition || a.offset - b.offset);
  const events: ReplayEvent[] = [];
  const deleted = new Map<string, number>();
  for (const r of sorted) {
    assertEquals(r.partition, r.javaPartition, `key ${r.key}'s partition`);
    if (r.tombstone) {
      assert(deleted.has(r.key), `the tombstone of key ${r.key} follows its delete`);
      deleted.delete(r.key);
      continue;
    }
    const event = decode(r.value);
    events.push(event);
    assertEquals(r.key, String((event.after ?? event.before)!.id), "the key is the row's id");
    if (event.op === "d") deleted.set(r.key, r.offset);
  }
  assertEquals([...deleted.keys()], [], "every delete has its tombstone");
  return events;
}

const json = (value: Uint8Array) => JSON.parse(new TextDecoder().decode(value)) as ReplayEvent;

kafkaTest(
  need,
  "kafka events: JSON envelope keyed by primary key, tombstones, replay equals the history",
  async (k) => {
    const p = prefix();
    const sink = sinkOn(k, p);
    await sink.open([TABLE], { mode: "error" });
    await writeHistory(sink);
    await sink.close();
    const records = await javaRead(k, `${p}orders`);
    const deletes = HISTORY.flatMap((t) => t.changes).filter((c) => c.op === "d").length;
    assertEquals(records.filter((r) => r.tombstone).length, deletes);
    const events = checkedEvents(records, json);
    assertEquals(stateColumns(replayEvents(events)), expectedColumns());
    const update = events.find((e) => e.op === "u" && e.after!.id === 2) as ReplayEvent & {
      source: Record<string, unknown>;
      ts_ms: number;
    };
    assertEquals([update.source.connector, update.source.table, update.source.tick], [
      "tablestream",
      "orders",
      1,
    ]);
    assertEquals(update.ts_ms, update.source.ts_ms);

    // Read back through the sink: the rows the events leave, and how many there are.
    const reader = sinkOn(k, p);
    const stored = await reader.inspect!("orders");
    assertEquals(stored!.rows, expectedColumns().size);
    const table = await reader.read!("orders", ["id", "n", "name"]);
    const read = new Map(
      table.toArray().map((row) => {
        const { id, n, name } = row.toJSON();
        return [Number(id), { id: Number(id), n, name }];
      }),
    );
    assertEquals(read, expectedColumns());
  },
);

kafkaTest(need, "kafka events: Avro envelope decoded by avsc replays to the history", async (k) => {
  const p = prefix();
  const sink = sinkOn(k, p, { format: "avro" });
  await sink.open([TABLE], { mode: "error" });
  await writeHistory(sink);
  await sink.close();
  const type = avro.Type.forSchema(envelopeAvroSchema(TABLE) as avro.Schema);
  const events = checkedEvents(
    await javaRead(k, `${p}orders`),
    (value) => type.fromBuffer(Buffer.from(value)) as ReplayEvent,
  );
  assertEquals(stateColumns(replayEvents(events)), expectedColumns());
  const reader = sinkOn(k, p, { format: "avro" });
  const ids = (await reader.read!("orders", ["id"])).getChild("id")!.toArray();
  assertEquals(
    [...ids].map(Number).sort((a, b) => a - b),
    [...expectedColumns().keys()].sort((a, b) => a - b),
  );
});

kafkaTest(
  need,
  "kafka events: a failure before commit shows none of its events; a restart writes them once",
  async (k) => {
    const p = prefix();
    const first = sinkOn(k, p);
    await first.open([TABLE], { mode: "error" });
    await writeHistory(first, { ticks: HISTORY.slice(0, 2) });
    await first.writeChanges!("orders", changeBatchOf(2, HISTORY[2].changes));
    // Enough rows that the changes and rows are sent into the open transaction, not only
    // buffered; the abort drops it, as a new producer would after a kill.
    await first.write("orders", sampleBatch(9_000, 11));
    const sent = first.counters("orders")!;
    assert(sent.records + sent.inFlight > 0, "sent before the abort");
    await first.abort!();
    assertEquals(
      stateColumns(replayEvents(checkedEvents(await javaRead(k, `${p}orders`), json))),
      expectedColumns(HISTORY.slice(0, 2)),
    );

    const second = sinkOn(k, p);
    assertEquals((await second.inspect!("orders"))!.commits.get("app"), 1);
    await second.open([TABLE], { mode: "append" });
    await writeHistory(second, { ticks: HISTORY.slice(2) });
    await second.close();
    assertEquals(
      stateColumns(replayEvents(checkedEvents(await javaRead(k, `${p}orders`), json))),
      expectedColumns(),
    );

    // A topic of events never gets plain rows (nor the other way round).
    const plain = sinkOn(k, p);
    await assertRejects(
      () => plain.open([{ ...TABLE, changes: false }], { mode: "append" }),
      Error,
      "holds Debezium events, and this run would write plain rows",
    );

    // A table with changes is keyed by its primary key alone.
    const keyed = sinkOn(k, prefix(), { key: () => ["name"] });
    await assertRejects(
      () => keyed.open([TABLE], { mode: "error" }),
      Error,
      'has changes, so its events are keyed by its primary key "id"',
    );
  },
);
