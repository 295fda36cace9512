/**
 * The Kafka sink's connection and delivery options on a real broker (tests/_kafka.ts): each
 * compression codec, stored compressed (Kafka's own log dump says so) and read back by Kafka's
 * Java consumer; TLS with the CA that signed the broker's certificate, and a clear error with
 * another CA; a user the broker refuses transactions: `delivery: auto` warns and delivers at
 * least once, `delivery: exactly_once` fails with what to do; Avro in Confluent's wire format
 * with a stand-in Schema Registry.
 */
import avro from "avsc";
import { Buffer } from "node:buffer";
import {
  assert,
  assertEquals,
  assertRejects,
  assertStringIncludes,
} from "../../../tests/_assert.ts";
import { SAMPLE_SCHEMA, sampleBatch } from "../../../tests/_batches.ts";
import {
  javaRead,
  kafkaJava,
  kafkaTest,
  NO_TRANSACTIONS_USER,
  SASL_PASSWORD,
  type TestKafka,
  testKafka,
} from "../../../tests/_kafka.ts";
import { missing, type Need } from "../../../tests/_external.ts";
import { classifyError } from "../../../lib/plugin/sink_errors.ts";
import { COMPRESSIONS, createKafkaSink, type KafkaSinkOptions } from "./sink.ts";

const need = await testKafka();
/** The TLS test needs the throwaway broker's SSL listener, which openssl's certificates make. */
const tlsNeed: Need<TestKafka> = !need.found || need.value.tls ? need : missing(
  "the Kafka test broker's SSL listener",
  need.value.logDir ? "openssl is not installed" : "KAFKA_BROKERS names a broker",
  "install openssl (apt-get install openssl) and leave KAFKA_BROKERS unset",
);

const prefix = () => `c${crypto.randomUUID().slice(0, 8)}.`;

const TABLES = [{ name: "items", schema: SAMPLE_SCHEMA, primaryKey: "id", appId: "app" }];

function sinkOn(kafka: TestKafka, p: string, extra: Partial<KafkaSinkOptions> = {}) {
  return createKafkaSink({
    brokers: kafka.brokers,
    topic: (t) => `${p}${t}`,
    progressTopic: `${p}progress`,
    partitions: 1,
    ...extra,
  });
}

/** Writes `rows` rows of sampleBatch in one commit. */
async function writeRows(sink: ReturnType<typeof sinkOn>, rows: number): Promise<void> {
  await sink.open(TABLES, { mode: "error" });
  await sink.write("items", sampleBatch(rows));
  await sink.flush({ tick: 0 });
  await sink.close();
}

/** The ids of a topic's committed records, sorted, as Java's consumer reads them. */
function ids(records: { value: Uint8Array }[]): number[] {
  return records.map((r) => JSON.parse(new TextDecoder().decode(r.value)).id as number)
    .sort((a, b) => a - b);
}

const upTo = (n: number) => Array.from({ length: n }, (_, i) => i);

for (const compression of COMPRESSIONS) {
  kafkaTest(need, `kafka: compression ${compression}, stored so and read by Java`, async (k) => {
    const p = prefix();
    await writeRows(sinkOn(k, p, { compression }), 200);
    const records = await javaRead(k, `${p}items`);
    assertEquals(ids(records), upTo(200));
    const row = JSON.parse(new TextDecoder().decode(records.find((r) => r.key === "7")!.value));
    assertEquals(row.name, 'name 7, "quoted"');
    if (!k.logDir) return; // a broker of KAFKA_BROKERS: its log is not at hand
    // Kafka's own log dump names each batch's codec.
    const dump = await kafkaJava(k, "kafka.tools.DumpLogSegments", [
      "--files",
      `${k.logDir}/${p}items-0/00000000000000000000.log`,
    ]);
    const codecs = new Set(
      [...dump.matchAll(/compresscodec: (\w+)/g)].map((m) => m[1].toLowerCase()),
    );
    // The data batches, and the transaction's COMMIT marker (never compressed).
    assert(codecs.has(compression), `batches stored with ${compression}: ${[...codecs]}`);
  });
}

kafkaTest(tlsNeed, "kafka: TLS with the broker's CA, and a clear error with another", async (k) => {
  assert(k.tls, "the test broker has an SSL listener");
  const p = prefix();
  const tls = (caFile: string) =>
    sinkOn({ ...k, brokers: k.tls!.brokers }, p, { tls: true, tlsCaFile: caFile });
  await writeRows(tls(k.tls.caFile), 20);
  const records = await javaRead(k, `${p}items`, {
    brokers: k.tls.brokers,
    properties: {
      "security.protocol": "SSL",
      "ssl.truststore.type": "PEM",
      "ssl.truststore.location": k.tls.caFile,
    },
  });
  assertEquals(ids(records), upTo(20));

  const wrong = tls(k.tls.otherCaFile);
  const error = await assertRejects(() => wrong.open(TABLES, { mode: "append" }));
  const message = (error as Error).message;
  assertStringIncludes(message, "items");
  assertStringIncludes(message, k.tls.brokers[0]);
  assertStringIncludes(message, "tls_ca_file");
  assertEquals(classifyError(error).healable, false, "an untrusted certificate does not heal");
  await wrong.abort?.();
});

kafkaTest(need, "kafka: a broker refusing transactions, auto and exactly_once", async (k) => {
  assert(k.saslBrokers, "the test broker has a SASL listener");
  const p = prefix();
  const variable = "TABLESTREAM_TEST_KAFKA_NO_TRANSACTIONS_PASSWORD";
  Deno.env.set(variable, SASL_PASSWORD);
  const limited = (extra: Partial<KafkaSinkOptions>) =>
    sinkOn({ ...k, brokers: k.saslBrokers! }, p, {
      saslMechanism: "plain",
      saslUsername: NO_TRANSACTIONS_USER,
      saslPasswordEnv: variable,
      ...extra,
    });
  try {
    const strict = limited({ delivery: "exactly_once" });
    const error = await assertRejects(() => strict.open(TABLES, { mode: "error" }));
    const message = (error as Error).message;
    assertStringIncludes(message, "TRANSACTIONAL_ID_AUTHORIZATION_FAILED");
    assertStringIncludes(message, "transactional ids");
    assertStringIncludes(message, "delivery: at_least_once");
    assertEquals(classifyError(error).healable, false, "missing ACLs do not heal");
    await strict.abort?.();

    const warnings: string[] = [];
    const auto = limited({ delivery: "auto", warn: (w) => warnings.push(w) });
    await auto.open(TABLES, { mode: "error" });
    assertEquals(warnings.length, 1);
    assertStringIncludes(warnings[0], "refuse transactions");
    assertStringIncludes(warnings[0], "at least once");
    await auto.write("items", sampleBatch(30));
    await auto.flush({ tick: 0 });
    await auto.close();
    assertEquals(ids(await javaRead(k, `${p}items`)), upTo(30));
    // The commit point is there: a restart resumes after tick 0.
    assertEquals((await limited({}).inspect!("items"))?.commits.get("app"), 0);
  } finally {
    Deno.env.delete(variable);
  }
});

kafkaTest(need, "kafka: Avro in Confluent's wire format, with a stand-in registry", async (k) => {
  // No real Schema Registry runs here (docs/kafka.md says why): a stand-in answers the one call
  // the sink makes, so the request and the wire format are checked, not a registry's behaviour.
  const requests: { path: string; body: { schema: string } }[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (r) => {
    requests.push({ path: new URL(r.url).pathname, body: await r.json() });
    return Response.json({ id: 4242 });
  });
  try {
    const p = prefix();
    const url = `http://127.0.0.1:${server.addr.port}`;
    await writeRows(sinkOn(k, p, { format: "avro", schemaRegistry: url }), 10);
    assertEquals(requests.length, 1);
    assertEquals(requests[0].path, `/subjects/${encodeURIComponent(`${p}items-value`)}/versions`);
    const schema = JSON.parse(requests[0].body.schema);
    assertEquals(schema.type, "record");
    const type = avro.Type.forSchema(schema);
    const records = await javaRead(k, `${p}items`);
    assertEquals(records.length, 10);
    for (const r of records) {
      assertEquals(r.value[0], 0, "magic byte");
      assertEquals(new DataView(r.value.buffer, r.value.byteOffset).getInt32(1), 4242);
      const row = type.fromBuffer(Buffer.from(r.value.subarray(5))) as { id: number };
      assertEquals(String(row.id), r.key);
    }
    const read = await sinkOn(k, p, { format: "avro", schemaRegistry: url }).read!("items", ["id"]);
    assertEquals([...read.getChild("id")!].map(Number).sort((a, b) => a - b), upTo(10));
  } finally {
    await server.shutdown();
  }
});
