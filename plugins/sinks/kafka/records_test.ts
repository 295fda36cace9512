import * as arrow from "apache-arrow";
import { Buffer } from "node:buffer";
import { assertEquals } from "../../../tests/_assert.ts";
import { batchOf, column, sampleBatch } from "../../../tests/_batches.ts";
import { columnCells, jsonObjects } from "../../../lib/output/cell_text.ts";
import { kafkaClient, loadKafkaClient } from "./client_module.ts";
import { decodeAvroRow } from "./avro.ts";
import {
  encodeRecords,
  javaPartition,
  murmur2,
  type RecordShape,
  spreadKeyless,
} from "./records.ts";

function encodeBlock(
  batch: arrow.RecordBatch,
  shape: RecordShape,
  partitions: number,
  next: number,
) {
  return spreadKeyless(encodeRecords(batch, { ...shape, partitions }), partitions, next);
}

const utf8 = new TextDecoder();
const texts = (bytes: Uint8Array, offsets: Int32Array) =>
  Array.from(
    { length: offsets.length - 1 },
    (_, i) => utf8.decode(bytes.subarray(offsets[i], offsets[i + 1])),
  );

/** A batch of the cases the fast writers skip: text to escape, non-ASCII, ints beyond 2^53. */
function awkwardBatch(): arrow.RecordBatch {
  return batchOf({
    id: column(new arrow.Int64(), [
      0n,
      -1n,
      9_007_199_254_740_991n,
      -9_007_199_254_740_991n,
      9_007_199_254_740_992n,
      -9_007_199_254_740_992n,
      -(2n ** 63n),
      2n ** 63n - 1n,
    ]),
    text: column(new arrow.Utf8(), [
      'say "hi"',
      "back\\slash",
      "tab\there\nline",
      "ünïcödé 漢字 🎉",
      "",
      null,
      "\u2028 kept",
      "\u0001",
    ]),
    x: column(new arrow.Float64(), [0, -0, 80, 0.1, 1e21, NaN, Infinity, null]),
  });
}

Deno.test("encodeBlock: JSON values are our JSON lines' objects, byte for byte", () => {
  for (const batch of [sampleBatch(40), awkwardBatch()]) {
    const { block } = encodeBlock(
      batch,
      { format: "json", key: [], avroPrefix: new Uint8Array() },
      3,
      0,
    );
    assertEquals(texts(block.values, block.valueOffsets), jsonObjects(batch));
  }
});

Deno.test("encodeBlock: keys are each key column's text, partitions Java's of those bytes", () => {
  for (
    const [batch, key] of [
      [sampleBatch(40), ["id"]],
      [sampleBatch(40), ["name"]],
      [sampleBatch(40), ["n"]],
      [sampleBatch(40), ["day"]],
      [awkwardBatch(), ["id"]],
      [awkwardBatch(), ["text"]],
      [awkwardBatch(), ["text", "id"]],
    ] as [arrow.RecordBatch, string[]][]
  ) {
    const { block } = encodeBlock(
      batch,
      { format: "json", key, avroPrefix: new Uint8Array() },
      7,
      0,
    );
    const cells = columnCells(batch).filter((c) => key.includes(c.name));
    cells.sort((a, b) => key.indexOf(a.name) - key.indexOf(b.name));
    const expected = Array.from({ length: batch.numRows }, (_, row) => {
      if (cells.length > 1) {
        return "{" + cells.map((c) => {
          const cell = c.cell(row);
          const json = typeof cell === "bigint"
            ? (cell <= 9_007_199_254_740_991n && cell >= -9_007_199_254_740_991n
              ? String(cell)
              : `"${cell}"`)
            : JSON.stringify(cell);
          return `${JSON.stringify(c.name)}:${json}`;
        }).join(",") + "}";
      }
      const cell = cells[0].cell(row);
      return cell === null ? "" : String(cell);
    });
    assertEquals(texts(block.keys!, block.keyOffsets!), expected, `key ${key}`);
    assertEquals(
      [...block.partitions],
      expected.map((k) => javaPartition(new TextEncoder().encode(k), 7)),
    );
  }
});

Deno.test("encodeBlock: keyless rows go round the partitions from where the last batch stopped", () => {
  const shape = { format: "json" as const, key: [], avroPrefix: new Uint8Array() };
  const first = encodeBlock(sampleBatch(5), shape, 3, 2);
  assertEquals([...first.block.partitions], [2, 0, 1, 2, 0]);
  assertEquals(first.next, 1);
  assertEquals(first.block.keys, undefined);
});

Deno.test("encodeBlock: Avro values decode back to every cell, after the prefix", () => {
  const batch = sampleBatch(40);
  const prefix = new Uint8Array([0, 0, 0, 0, 42]);
  const { block } = encodeBlock(batch, { format: "avro", key: ["id"], avroPrefix: prefix }, 3, 0);
  const cells = columnCells(batch);
  for (let row = 0; row < batch.numRows; row++) {
    const value = block.values.subarray(block.valueOffsets[row], block.valueOffsets[row + 1]);
    assertEquals([...value.subarray(0, 5)], [...prefix]);
    const decoded = decodeAvroRow(batch.schema, value.subarray(5));
    assertEquals(decoded[0], BigInt(row));
    assertEquals(decoded[6], cells[6].cell(row));
    assertEquals(decoded[5], cells[5].cell(row));
  }
});

Deno.test("murmur2: the client's murmur2 (Java's) of any bytes, of any part of an array", async () => {
  await loadKafkaClient();
  const theirs = kafkaClient().murmur2;
  const bytes = new Uint8Array(64).map((_, i) => (i * 151 + 7) & 0xff);
  for (let from = 0; from < 8; from++) {
    for (let to = from; to <= bytes.length; to++) {
      const part = bytes.subarray(from, to);
      assertEquals(murmur2(bytes, from, to), theirs(Buffer.from(part)), `bytes ${from}..${to}`);
    }
  }
  // Kafka's own test vectors (Java's UtilsTest.testMurmur2).
  const java: [string, number][] = [
    ["21", -973932308],
    ["foobar", -790332482],
    [
      "a-little-bit-long-string",
      -985981536,
    ],
    ["a-little-bit-longer-string", -1486304829],
    [
      "lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8",
      -58897971,
    ],
    ["abc", 479470107],
  ];
  for (const [text, hash] of java) {
    const key = new TextEncoder().encode(text);
    assertEquals(murmur2(key, 0, key.length), hash, text);
  }
});
