import { assertEquals } from "../../../tests/_assert.ts";
import { Buffer } from "node:buffer";
import { kafkaClient, loadKafkaClient } from "./client_module.ts";
import {
  BATCH_HEADER,
  batchOf,
  frameBatch,
  headerBytes,
  type ProduceMessage,
  readRecords,
  recordBatch,
  recordSize,
  writeRecord,
} from "./record_batch.ts";

const bytes = (text: string) => Buffer.from(text);
const text = (b: Uint8Array | null | undefined) => (b == null ? null : Buffer.from(b).toString());

Deno.test("recordBatch: the client's reader decodes it, its CRC-32C and varints included", async () => {
  await loadKafkaClient();
  const client = kafkaClient();
  const long = "é".repeat(200); // a value past one varint byte, not ASCII
  const messages: ProduceMessage[] = [
    { topic: "t", partition: 0, key: bytes("1"), value: bytes('{"id":1}') },
    { topic: "t", partition: 0, key: null, value: bytes(long) },
    {
      topic: "t",
      partition: 0,
      key: bytes("k"),
      value: new Uint8Array(0),
      headers: new Map([[bytes("tablestream.tick"), bytes("4")]]),
    },
  ];
  // Enough records that offset deltas and record lengths take several varint bytes.
  for (let i = 0; i < 300; i++) {
    messages.push({ topic: "t", partition: 0, key: bytes(String(i)), value: bytes("v".repeat(i)) });
  }
  const batch = recordBatch(messages, {
    timestamp: 1_700_000_000_123,
    producerId: 4242n,
    producerEpoch: 7,
    firstSequence: 16_000,
    transactional: true,
  });
  const read = client.readRecordsBatch(client.Reader.from(Buffer.from(batch)));
  assertEquals(read.magic, 2);
  assertEquals(read.length, batch.length - 12);
  assertEquals(read.crc, client.crc32c(Buffer.from(batch.subarray(21))));
  assertEquals(read.attributes, 1 << 4);
  assertEquals(read.lastOffsetDelta, messages.length - 1);
  assertEquals([read.firstTimestamp, read.maxTimestamp], [1_700_000_000_123n, 1_700_000_000_123n]);
  assertEquals([read.producerId, read.producerEpoch, read.firstSequence], [4242n, 7, 16_000]);
  assertEquals(read.records.length, messages.length);
  read.records.forEach((r, i) => {
    const m = messages[i];
    assertEquals(r.offsetDelta, i);
    assertEquals(r.timestampDelta, 0n);
    assertEquals(text(r.key), text(m.key));
    assertEquals(text(r.value), text(m.value));
    assertEquals(
      r.headers.map(([k, v]) => [text(k), text(v)]),
      [...(m.headers ?? [])].map(([k, v]) => [text(k), text(v)]),
    );
  });
});

Deno.test("recordBatch: not transactional, and the CRC-32C of Kafka's own test vector", async () => {
  await loadKafkaClient();
  const client = kafkaClient();
  // CRC-32C("123456789") is 0xe3069283 (RFC 3720, B.4): the checksum is the Castagnoli one.
  assertEquals(client.crc32c(Buffer.from("123456789")), 0xe3069283);
  const batch = recordBatch([{ topic: "t", partition: 1, key: null, value: bytes("x") }], {
    timestamp: 1,
    producerId: -1n,
    producerEpoch: 0,
    firstSequence: 0,
    transactional: false,
  });
  const read = client.readRecordsBatch(client.Reader.from(Buffer.from(batch)));
  assertEquals([read.attributes, read.partitionLeaderEpoch, read.records.length], [0, -1, 1]);
});

Deno.test("records written ahead: read as a batch, and back as messages for the producer's send", async () => {
  await loadKafkaClient();
  const client = kafkaClient();
  const keys = ["1", "22", "", "k".repeat(300)];
  const values = ['{"a":1}', "", "é".repeat(100), "v"];
  const keyBytes = new TextEncoder().encode(keys.join(""));
  const valueBytes = new TextEncoder().encode(values.join(""));
  const headers = headerBytes([[bytes("h"), bytes("x")]]);
  const spans = (parts: string[]) => {
    let at = 0;
    return parts.map((p) => [at, at += new TextEncoder().encode(p).length]);
  };
  const k = spans(keys), v = spans(values);
  let size = 0;
  keys.forEach((_, i) => size += recordSize(i, k[i][1] - k[i][0], v[i][1] - v[i][0], headers));
  const records = new Uint8Array(size);
  let at = 0;
  keys.forEach((_, i) => {
    at = writeRecord(records, at, {
      delta: i,
      key: keyBytes,
      keyFrom: k[i][0],
      keyTo: k[i][1],
      value: valueBytes,
      valueFrom: v[i][0],
      valueTo: v[i][1],
      headers,
    });
  });
  assertEquals(at, size);
  const options = {
    timestamp: 5,
    producerId: 1n,
    producerEpoch: 0,
    firstSequence: 3,
    transactional: true,
  };
  const read = client.readRecordsBatch(
    client.Reader.from(Buffer.from(batchOf(records, 4, options))),
  );
  assertEquals(
    read.records.map((r) => [text(r.key), text(r.value)]),
    keys.map((x, i) => [x, values[i]]),
  );
  assertEquals(read.records.map((r) => r.offsetDelta), [0, 1, 2, 3]);
  // The producer's own send gets them as messages (a codec, another version).
  const expanded = readRecords("t", 2, records, 4);
  assertEquals(
    expanded.map((m) => [m.partition, text(m.key), text(m.value)]),
    keys.map((x, i) => [2, x, values[i]]),
  );
  assertEquals(expanded.map((m) => [...m.headers!].map(([a, b]) => `${text(a)}${text(b)}`)), [
    ["hx"],
    ["hx"],
    ["hx"],
    ["hx"],
  ]);
  // Written the same as the batch of those messages.
  assertEquals(recordBatch(expanded, options), batchOf(records, 4, options));
  // And framed in place, the records written after room for the header: the same bytes.
  const roomy = new Uint8Array(BATCH_HEADER + records.length);
  roomy.set(records, BATCH_HEADER);
  assertEquals(frameBatch(roomy, 4, options), batchOf(records, 4, options));
});
