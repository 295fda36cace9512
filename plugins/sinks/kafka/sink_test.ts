/**
 * The Kafka sink on a real broker (tests/_kafka.ts): every column type through JSON and Avro,
 * read back by Kafka's own Java consumer (read_committed) and decoded by independent decoders
 * (JSON.parse, avsc); keys in the partitions Java's partitioner gives them; the commit point
 * checked against another writer; missing topics; SASL, right and wrong.
 */
import * as arrow from "apache-arrow";
import avro from "avsc";
import { Buffer } from "node:buffer";
import {
  assert,
  assertEquals,
  assertRejects,
  assertStringIncludes,
} from "../../../tests/_assert.ts";
import { SAMPLE_MICROS, SAMPLE_SCHEMA, sampleBatch } from "../../../tests/_batches.ts";
import { assertCommitPointChecked } from "../../../tests/_sink_contract.ts";
import {
  javaRead,
  kafkaTest,
  SASL_PASSWORD,
  SASL_USER,
  type TestKafka,
  testKafka,
} from "../../../tests/_kafka.ts";
import { classifyError, PropertyConflict } from "../../../lib/plugin/sink_errors.ts";
import { createKafkaSink, type KafkaSinkOptions } from "./sink.ts";
import { avroSchema } from "./avro.ts";
import { loadKafkaClient } from "./client_module.ts";

const need = await testKafka();
const prefix = () => `t${crypto.randomUUID().slice(0, 8)}.`;

function sinkOn(kafka: TestKafka, p: string, extra: Partial<KafkaSinkOptions> = {}) {
  return createKafkaSink({
    brokers: kafka.brokers,
    topic: (t) => `${p}${t}`,
    progressTopic: `${p}progress`,
    ...extra,
  });
}

/** The values sampleBatch holds, as a JSON reader sees them. */
function expectedRow(id: number): Record<string, unknown> {
  if (id % 5 === 0) {
    return {
      id,
      tiny: null,
      small: null,
      n: null,
      ratio: null,
      score: null,
      name: null,
      active: null,
      day: null,
      at: null,
    };
  }
  const day = new Date((19_724 + id) * 86_400_000).toISOString().slice(0, 10);
  const micros = SAMPLE_MICROS + BigInt(id);
  const at = new Date(Number(micros / 1000n)).toISOString().replace(
    /\.\d+Z$/,
    `.${String(micros % 1_000_000n).padStart(6, "0")}Z`,
  );
  return {
    id,
    tiny: (id % 200) - 100,
    small: -id,
    n: id * 1000,
    ratio: Math.fround(id + 0.1),
    score: id / 3,
    name: `name ${id}, "quoted"`,
    active: id % 2 === 0,
    day,
    at,
  };
}

const TABLES = [{ name: "items", schema: SAMPLE_SCHEMA, primaryKey: "id", appId: "app" }];

kafkaTest(need, "kafka: every column type through JSON, as Java's consumer reads it", async (k) => {
  const p = prefix();
  const sink = sinkOn(k, p, { partitions: 3, headerTable: true, headerTick: true });
  await sink.open(TABLES, { mode: "error" });
  await sink.write("items", sampleBatch(12));
  await sink.flush({ tick: 4 });
  const figures = new Map(sink.metrics!().map((m) => [m.name, m.value]));
  assertEquals(figures.get("kafka_records_total"), 12);
  assert(figures.get("kafka_bytes_total")! > 12 * 50, "bytes counted");
  assertEquals(figures.get("kafka_in_flight_records"), 0);
  await sink.close();
  const records = await javaRead(k, `${p}items`);
  assertEquals(records.length, 12);
  const byId = new Map(records.map((r) => [Number(r.key), r]));
  for (let id = 0; id < 12; id++) {
    const record = byId.get(id)!;
    const row = JSON.parse(new TextDecoder().decode(record.value));
    // float32 is written as its shortest round-trip digits
    if (row.ratio !== null) row.ratio = Math.fround(row.ratio);
    assertEquals(row, expectedRow(id), `row ${id}`);
    assertEquals(record.headers, { "tablestream.table": "items", "tablestream.tick": "4" });
    assertEquals(record.partition, record.javaPartition, `key ${id}'s partition`);
  }
});

kafkaTest(need, "kafka: every column type through Avro, decoded by avsc", async (k) => {
  const p = prefix();
  const sink = sinkOn(k, p, { format: "avro", partitions: 2 });
  await sink.open(TABLES, { mode: "error" });
  await sink.write("items", sampleBatch(12));
  await sink.flush({ tick: 0 });
  await sink.close();
  const type = avro.Type.forSchema(avroSchema("items", SAMPLE_SCHEMA) as avro.Schema);
  const records = await javaRead(k, `${p}items`);
  assertEquals(records.length, 12);
  for (const record of records) {
    const decoded = type.fromBuffer(Buffer.from(record.value)) as Record<string, unknown>;
    const id = Number(record.key);
    const expected = expectedRow(id);
    const got = {
      ...decoded,
      // Avro's logical types, as numbers: days and microseconds since the epoch
      day: decoded.day === null
        ? null
        : new Date((decoded.day as number) * 86_400_000).toISOString().slice(0, 10),
      at: decoded.at === null ? null : expectedRow(Number(
        BigInt(decoded.at as number) -
          SAMPLE_MICROS,
      )).at,
    };
    assertEquals(got, expected, `row ${id}`);
    if (decoded.at !== null) assertEquals(BigInt(decoded.at as number), SAMPLE_MICROS + BigInt(id));
  }
  // And our own reader gives the same rows back, as Arrow.
  const table = await sinkOn(k, p, { format: "avro" }).read!("items", ["id", "name", "at"]);
  const ids = [...table.getChild("id")!].map(Number).sort((a, b) => a - b);
  assertEquals(ids, Array.from({ length: 12 }, (_, i) => i));
});

kafkaTest(need, "kafka: keys land where Java's partitioner puts them", async (k) => {
  const p = prefix();
  const schema = new arrow.Schema([
    new arrow.Field("id", new arrow.Int64(), true),
    new arrow.Field("email", new arrow.Utf8(), true),
  ]);
  const rows = 500;
  const emails = Array.from({ length: rows }, (_, i) => `user${i}@example.com`);
  const batch = arrow.tableFromArrays({
    id: BigInt64Array.from(emails.map((_, i) => BigInt(i))),
    email: emails,
  }).batches[0];
  for (const [key, partitions] of [[["email"], 7], [["id"], 5], [["id", "email"], 3]] as const) {
    const q = `${p}${partitions}.`;
    const sink = sinkOn(k, q, { partitions, key: () => key });
    await sink.open([{ name: "users", schema, primaryKey: "id" }], { mode: "error" });
    await sink.write("users", new arrow.RecordBatch(schema, batch.data));
    await sink.flush({ tick: 0 });
    await sink.close();
    const records = await javaRead(k, `${q}users`);
    assertEquals(records.length, rows);
    const used = new Set(records.map((r) => r.partition));
    assertEquals(used.size, partitions, "every partition gets keys");
    for (const r of records) assertEquals(r.partition, r.javaPartition, `key ${r.key}`);
    if (key.length === 2) assertEquals(JSON.parse(records[0].key).email !== undefined, true);
  }
});

kafkaTest(need, "kafka: a stale writer's commit point is refused", async (k) => {
  const p = prefix();
  await assertCommitPointChecked(() => sinkOn(k, p), "t");
});

kafkaTest(need, "kafka: a flushed commit is visible to another reader at once", async (k) => {
  // A commit returns before its COMMIT markers are written; flush waits for them, so a reader
  // right after it (a restart, a shard's claim check, the compliance suite) sees the commit.
  const p = prefix();
  const sink = sinkOn(k, p, { partitions: 2 });
  await sink.open(TABLES, { mode: "error" });
  const reader = sinkOn(k, p);
  const client = await loadKafkaClient();
  const offsets = new client.Consumer({
    bootstrapBrokers: k.brokers,
    clientId: "visibility-test",
    groupId: `visibility-${p}`,
  });
  const progress = { topics: [`${p}progress`], partitions: { [`${p}progress`]: [0] } };
  const offsetOf = async (isolationLevel: number) =>
    (await offsets.listOffsets({ ...progress, timestamp: -1n, isolationLevel }))
      .get(`${p}progress`)?.[0];
  for (let tick = 0; tick < 15; tick++) {
    await sink.write("items", sampleBatch(3, tick * 3));
    await sink.flush({ tick, ...(tick > 0 ? { after: tick - 1 } : {}) });
    // The last stable offset is the end: no transaction of this progress topic is undecided.
    const [stable, end] = [await offsetOf(1), await offsetOf(0)];
    assertEquals(stable, end, `tick ${tick}: the progress topic's stable offset after flush`);
    const stored = await reader.inspect!("items");
    assertEquals(stored?.commits.get("app"), tick, `tick ${tick} read right after its flush`);
    assertEquals(stored?.rows, (tick + 1) * 3);
  }
  await sink.close();
  await offsets.close();
});

kafkaTest(need, "kafka: a topic that does not exist, created or refused", async (k) => {
  const p = prefix();
  const off = sinkOn(k, p, { createTopics: false });
  const error = await assertRejects(() => off.open(TABLES, { mode: "error" }));
  assertStringIncludes((error as Error).message, `topic "${p}`);
  assertStringIncludes((error as Error).message, "create_topics");
  assertEquals(classifyError(error).healable, false, "a missing topic does not heal by waiting");
  await off.abort?.();
  const on = sinkOn(k, p, { partitions: 4 });
  await on.open(TABLES, { mode: "error" });
  await on.write("items", sampleBatch(8));
  await on.flush({ tick: 0 });
  await on.close();
  const records = await javaRead(k, `${p}items`);
  assertEquals(records.length, 8);
  assertEquals(new Set(records.map((r) => r.javaPartition)).size > 1, true);
  assertEquals((await sinkOn(k, p).inspect!("items"))?.commits.get("app"), 0);
});

for (const mechanism of ["plain", "scram-sha-256", "scram-sha-512"] as const) {
  kafkaTest(need, `kafka: SASL ${mechanism}, with the password and with a wrong one`, async (k) => {
    assert(k.saslBrokers, "the test broker has a SASL listener");
    const p = prefix();
    const variable = `TABLESTREAM_TEST_KAFKA_PASSWORD_${mechanism.replaceAll("-", "_")}`;
    const sasl = (password: string) => {
      Deno.env.set(variable, password);
      return sinkOn({ ...k, brokers: k.saslBrokers! }, p, {
        saslMechanism: mechanism,
        saslUsername: SASL_USER,
        saslPasswordEnv: variable,
      });
    };
    const good = sasl(SASL_PASSWORD);
    await good.open(TABLES, { mode: "error" });
    await good.write("items", sampleBatch(3));
    await good.flush({ tick: 0 });
    await good.close();
    assertEquals((await javaRead(k, `${p}items`)).length, 3);

    const bad = sasl("not the password");
    const error = await assertRejects(() => bad.open(TABLES, { mode: "append" }));
    const message = (error as Error).message;
    assertStringIncludes(message, "items");
    assertStringIncludes(message, "kafka sink");
    assertStringIncludes(message, k.saslBrokers[0]);
    assertStringIncludes(message, "sasl_password_env");
    assertEquals(classifyError(error).healable, false, "wrong credentials do not heal");
    await bad.abort?.();
    Deno.env.delete(variable);
  });
}

kafkaTest(need, "kafka: of shards claiming a table's state at once, one wins", async (k) => {
  // Each shard has its own transactional id; the claim goes through the table's own, so a
  // second claim fences the first instead of both checking "unset" and both committing.
  for (let round = 0; round < 4; round++) {
    const p = prefix();
    const shards = [0, 1, 2].map((shard) => {
      const sink = sinkOn(k, p);
      const open = sink.open([{ ...TABLES[0], appId: `app/shard-${shard}` }], { mode: "append" });
      return { sink, open };
    });
    await Promise.all(shards.map((s) => s.open));
    const claims = await Promise.allSettled(shards.map(({ sink }, shard) =>
      sink.flush({
        tick: -1,
        after: -1,
        properties: { "tablestream.stream": `state of shard ${shard}` },
        expect: { "tablestream.stream": null },
      })
    ));
    const won = claims.filter((c) => c.status === "fulfilled").length;
    for (const c of claims) {
      if (c.status === "rejected") assert(c.reason instanceof PropertyConflict, String(c.reason));
    }
    assertEquals(won, 1, `round ${round}: one claim commits`);
    await Promise.all(shards.map(({ sink }) => sink.abort?.()));
    const winner = claims.findIndex((c) => c.status === "fulfilled");
    const stored = await sinkOn(k, p).inspect!("items");
    assertEquals([...stored!.commits.keys()], [`app/shard-${winner}`], "only the winner's commit");
    assertEquals(stored!.properties["tablestream.stream"], `state of shard ${winner}`);
  }
});

kafkaTest(need, "kafka: many requests in flight keep each partition's order", async (k) => {
  const p = prefix();
  const sink = sinkOn(k, p, { partitions: 3 });
  await sink.open(TABLES, { mode: "error" });
  // 40,000 rows in batches of 10,000: several produce requests in flight in one transaction.
  const rows = 40_000;
  for (let first = 0; first < rows; first += 10_000) {
    await sink.write("items", sampleBatch(10_000, first));
  }
  await sink.flush({ tick: 0 });
  await sink.close();
  const records = await javaRead(k, `${p}items`);
  assertEquals(records.length, rows);
  const last = new Map<number, number>();
  for (const r of records) {
    const id = Number(r.key);
    assert((last.get(r.partition) ?? -1) < id, `partition ${r.partition}: ${id} after a later id`);
    last.set(r.partition, id);
  }
  assertEquals(new Set(records.map((r) => Number(r.key))).size, rows);
});
