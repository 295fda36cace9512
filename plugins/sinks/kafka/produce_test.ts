/**
 * Our own Produce requests (produce.ts) on a real broker: the client still has the API they
 * rely on (a changed client fails here, loudly, before the sink does), and the broker's own
 * sequence checks take our numbering: requests pipelined across partitions, transactions
 * following one another on one producer, an aborted one invisible, a new producer (a new epoch)
 * numbering from 0, alongside the producer's own records; read by Kafka's Java consumer with
 * `read_committed`.
 */
import { Buffer } from "node:buffer";
import type { Producer } from "@platformatic/kafka";
import { assert, assertEquals } from "../../../tests/_assert.ts";
import { javaRead, kafkaTest, type TestKafka, testKafka } from "../../../tests/_kafka.ts";
import { kafkaClient, loadKafkaClient } from "./client_module.ts";
import { BatchSender, type PartitionBatch, PRODUCE_VERSION, producerApi } from "./produce.ts";
import { BATCH_HEADER, recordSize, writeRecord } from "./record_batch.ts";
import { clientOptions } from "./client.ts";

const need = await testKafka();
const prefix = () => `p${crypto.randomUUID().slice(0, 8)}.`;
const EMPTY_HEADERS = new Uint8Array([0]);

Deno.test("produce: the client still has every API BatchSender relies on", async () => {
  await loadKafkaClient();
  const client = kafkaClient();
  const producer = client.Producer.prototype as unknown as Record<string | symbol, unknown>;
  assertEquals(typeof client.kGetApi, "symbol", "kGetApi (the API table) is exported");
  for (const name of ["metadata", "connectToBrokers", "initIdempotentProducer", "send"]) {
    assertEquals(typeof producer[name], "function", `Producer.${name}`);
  }
  assertEquals(typeof producer[client.kGetApi], "function", "Producer[kGetApi]");
  for (const name of ["producerId", "producerEpoch", "transaction"]) {
    assert(
      Object.getOwnPropertyDescriptor(client.Producer.prototype, name)?.get,
      `Producer.${name} is a getter`,
    );
  }
  assertEquals(typeof client.createAPI, "function");
  assertEquals(typeof client.produceV11.parseResponse, "function");
  assertEquals(typeof client.Writer.create().appendUnsignedVarInt, "function");
});

/** `count` records of one partition, keys and values `<tag>-<i>`. */
function batch(partition: number, tag: string, count: number): PartitionBatch {
  const texts = Array.from({ length: count }, (_, i) => Buffer.from(`${tag}-${i}`));
  let size = 0;
  texts.forEach((t, i) => size += recordSize(i, t.length, t.length, EMPTY_HEADERS));
  const bytes = new Uint8Array(BATCH_HEADER + size);
  let at = BATCH_HEADER;
  texts.forEach((t, delta) =>
    at = writeRecord(bytes, at, { delta, key: t, value: t, headers: EMPTY_HEADERS })
  );
  return { partition, batch: bytes, count };
}

/** An idempotent producer; transactional with an `id`. */
function producerOf(
  kafka: TestKafka,
  id?: string,
  compression?: "gzip",
): Producer<Buffer, Buffer, string, string> {
  const client = kafkaClient();
  return new client.Producer<Buffer, Buffer, string, string>({
    ...clientOptions({ brokers: kafka.brokers }, "produce-test"),
    idempotent: true,
    producerId: -1n,
    producerEpoch: -1,
    ...(id ? { transactionalId: id } : {}),
    ...(compression ? { compression } : {}),
    autocreateTopics: false,
  });
}

async function createTopics(kafka: TestKafka, topics: string[], partitions: number) {
  const admin = new (kafkaClient().Admin)(clientOptions({ brokers: kafka.brokers }, "test"));
  try {
    await admin.createTopics({ topics, partitions, replicas: 1 });
  } finally {
    await admin.close();
  }
}

kafkaTest(
  need,
  "produce: the broker takes our sequence numbers, across transactions",
  async (k) => {
    await loadKafkaClient();
    const p = prefix();
    const topic = `${p}data`;
    const other = `${p}other`;
    await createTopics(k, [topic, other], 3);
    const id = `${p}tx`;
    const first = producerOf(k, id);
    try {
      const version = await new Promise<number>((resolve, reject) =>
        producerApi(first, "Produce", (e, api) => e ? reject(e) : resolve(api!.version))
      );
      assertEquals(version, PRODUCE_VERSION, "Kafka 4.1 is sent Produce version 11");
      const sender = new BatchSender(first, { topic, timeout: 30_000, compressed: false });
      // Transaction 1: requests pipelined (not awaited one by one) over partitions 0 and 1, and
      // a record of the producer's own on another topic.
      let tx = await first.beginTransaction();
      const sent = [
        sender.send([batch(0, "a", 5), batch(1, "b", 3)], tx),
        sender.send([batch(0, "c", 4)], tx),
        sender.send([batch(1, "d", 2), batch(0, "e", 1)], tx),
      ];
      const answers = await Promise.all(sent);
      await tx.send({ messages: [{ topic: other, partition: 0, value: Buffer.from("own") }] });
      await tx.commit();
      assertEquals(
        answers.map((a) => a.offsets!.map((o) => [o.partition, Number(o.offset)]).sort()),
        [[[0, 0], [1, 0]], [[0, 5]], [[0, 9], [1, 3]]],
      );
      // Transaction 2 continues the numbers; transaction 3 is aborted.
      tx = await first.beginTransaction();
      await sender.send([batch(0, "f", 2), batch(2, "g", 2)], tx);
      await tx.commit();
      tx = await first.beginTransaction();
      await sender.send([batch(1, "aborted", 3)], tx);
      await tx.abort();
    } finally {
      await first.close();
    }
    // A new producer of the same id: a new epoch, numbers from 0 again.
    const second = producerOf(k, id);
    try {
      const sender = new BatchSender(second, { topic, timeout: 30_000, compressed: false });
      const tx = await second.beginTransaction();
      await sender.send([batch(1, "h", 2)], tx);
      await tx.commit();
    } finally {
      await second.close();
    }
    const read = await javaRead(k, topic);
    const byPartition = (n: number) => read.filter((r) => r.partition === n).map((r) => r.key);
    const keys = (tag: string, n: number) => Array.from({ length: n }, (_, i) => `${tag}-${i}`);
    assertEquals(byPartition(0), [
      ...keys("a", 5),
      ...keys("c", 4),
      ...keys("e", 1),
      ...keys("f", 2),
    ]);
    assertEquals(byPartition(1), [...keys("b", 3), ...keys("d", 2), ...keys("h", 2)]);
    assertEquals(byPartition(2), keys("g", 2));
    assert(read.every((r) => new TextDecoder().decode(r.value) === r.key));
    assertEquals((await javaRead(k, other)).map((r) => new TextDecoder().decode(r.value)), ["own"]);
  },
);

kafkaTest(
  need,
  "produce: without a transaction, idempotent, and compressed through send",
  async (k) => {
    await loadKafkaClient();
    const p = prefix();
    const topic = `${p}data`;
    await createTopics(k, [topic], 2);
    for (const compressed of [false, true]) {
      const producer = producerOf(k, undefined, compressed ? "gzip" : undefined);
      try {
        const sender = new BatchSender(producer, { topic, timeout: 30_000, compressed });
        const tag = compressed ? "z" : "n";
        await Promise.all([
          sender.send([batch(0, `${tag}0`, 3), batch(1, `${tag}1`, 2)]),
          sender.send([batch(0, `${tag}2`, 2)]),
        ]);
      } finally {
        await producer.close();
      }
    }
    const read = await javaRead(k, topic);
    assertEquals(read.filter((r) => r.partition === 0).map((r) => r.key), [
      "n0-0",
      "n0-1",
      "n0-2",
      "n2-0",
      "n2-1",
      "z0-0",
      "z0-1",
      "z0-2",
      "z2-0",
      "z2-1",
    ]);
    assertEquals(read.filter((r) => r.partition === 1).map((r) => r.key), [
      "n1-0",
      "n1-1",
      "z1-0",
      "z1-1",
    ]);
  },
);

kafkaTest(
  need,
  "produce: requests pipelined to a topic just made land in order, partitions not ready at first",
  async (k) => {
    // Just after a topic is made, some of its partitions refuse records for a moment (their
    // leader is not ready: NOT_LEADER_OR_FOLLOWER) and take them when sent again. A broker with
    // no record of a producer on a partition takes any sequence number: a second request sent
    // while the first was refused would land first, and the first be refused for good. With 16
    // partitions, that happened in 9 of 10 rounds before BatchSender waited for the answer of
    // each partition's first request; three rounds here.
    await loadKafkaClient();
    const partitions = 16;
    for (let round = 0; round < 3; round++) {
      const topic = `${prefix()}data`;
      await createTopics(k, [topic], partitions);
      const producer = producerOf(k);
      try {
        const sender = new BatchSender(producer, { topic, timeout: 30_000, compressed: false });
        const all = (tag: string) =>
          Array.from({ length: partitions }, (_, p) => batch(p, `${tag}${p}`, 2));
        await Promise.all([sender.send(all("a")), sender.send(all("b"))]);
      } finally {
        await producer.close();
      }
      const read = await javaRead(k, topic);
      for (let p = 0; p < partitions; p++) {
        assertEquals(
          read.filter((r) => r.partition === p).map((r) => r.key),
          [`a${p}-0`, `a${p}-1`, `b${p}-0`, `b${p}-1`],
          `round ${round}, partition ${p}`,
        );
      }
    }
  },
);
