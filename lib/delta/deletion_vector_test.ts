import * as arrow from "apache-arrow";
import { assert, assertEquals, assertRejects, assertThrows } from "../../tests/_assert.ts";
import { deltaFixtureTest } from "../../tests/_external.ts";
import type { Action, Add } from "./actions.ts";
import { commitFileName, serializeCommit } from "./actions.ts";
import {
  crc32,
  decodeZ85,
  type DeletionVectorDescriptor,
  deletionVectorPath,
  keptRanges,
  parseRoaringBitmapArray,
  readDeletionVector,
} from "./deletion_vector.ts";
import { joinPath, localFs } from "./fs.ts";
import { readSnapshot } from "./log_reader.ts";
import { countRows, readTable } from "./read_data.ts";
import { DeltaWriter } from "./writer.ts";

// --- An encoder, for the tests only: the other side of what the reader parses. ---

const Z85 = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";

function encodeZ85(bytes: Uint8Array): string {
  const padded = new Uint8Array(Math.ceil(bytes.length / 4) * 4);
  padded.set(bytes);
  const view = new DataView(padded.buffer);
  let out = "";
  for (let i = 0; i < padded.length; i += 4) {
    let value = view.getUint32(i);
    let group = "";
    for (let j = 0; j < 5; j++) {
      group = Z85[value % 85] + group;
      value = Math.floor(value / 85);
    }
    out += group;
  }
  return out;
}

type Kind = "array" | "bitmap" | "run";

/** Delta's portable RoaringBitmapArray of `rows`; containers of the kind `kindOf` picks. */
function encodeBitmap(rows: number[], kindOf: (key: number) => Kind = () => "array"): Uint8Array {
  const bytes: number[] = [];
  const u16 = (v: number) => bytes.push(v & 0xff, (v >>> 8) & 0xff);
  const u32 = (v: number) => {
    u16(v & 0xffff);
    u16(v >>> 16);
  };
  u32(1681511377);
  const buckets = Map.groupBy(rows, (r) => Math.floor(r / 2 ** 32));
  u32(buckets.size);
  u32(0);
  for (const [high, values] of [...buckets].sort((a, b) => a[0] - b[0])) {
    u32(high);
    const containers = [
      ...Map.groupBy(values.map((v) => v % 2 ** 32), (v) => Math.floor(v / 65536)),
    ].sort((a, b) => a[0] - b[0]);
    const kinds = containers.map(([key]) => kindOf(key));
    const hasRun = kinds.includes("run");
    if (hasRun) {
      u32(12347 | ((containers.length - 1) << 16));
      const flags = new Array(Math.ceil(containers.length / 8)).fill(0);
      kinds.forEach((k, i) => k === "run" && (flags[i >> 3] |= 1 << (i & 7)));
      bytes.push(...flags);
    } else {
      u32(12346);
      u32(containers.length);
    }
    for (const [key, lows] of containers) {
      u16(key);
      u16(lows.length - 1);
    }
    // Offsets are not needed by the reader: zeros keep the layout right.
    if (!hasRun || containers.length >= 4) { for (const _ of containers) u32(0); }
    containers.forEach(([, lows], i) => {
      const low = lows.map((v) => v % 65536).sort((a, b) => a - b);
      if (kinds[i] === "run") {
        const runs: [number, number][] = [];
        for (const v of low) {
          const last = runs.at(-1);
          if (last && last[0] + last[1] === v) last[1]++;
          else runs.push([v, 1]);
        }
        u16(runs.length);
        for (const [start, length] of runs) {
          u16(start);
          u16(length - 1);
        }
      } else if (kinds[i] === "bitmap") {
        const words = new Uint8Array(8192);
        for (const v of low) words[v >> 3] |= 1 << (v & 7);
        bytes.push(...words);
      } else {
        for (const v of low) u16(v);
      }
    });
  }
  return new Uint8Array(bytes);
}

/** A deletion vector file holding `bitmaps`, and each one's offset. */
function dvFile(bitmaps: Uint8Array[]): { file: Uint8Array; offsets: number[] } {
  const parts: number[] = [1];
  const offsets: number[] = [];
  for (const bitmap of bitmaps) {
    offsets.push(parts.length);
    const head = new DataView(new ArrayBuffer(4));
    head.setUint32(0, bitmap.length);
    parts.push(...new Uint8Array(head.buffer), ...bitmap);
    head.setUint32(0, crc32(bitmap));
    parts.push(...new Uint8Array(head.buffer));
  }
  return { file: new Uint8Array(parts), offsets };
}

// --- Tests ---

Deno.test("the protocol's examples: an inline vector and a relative path", () => {
  // PROTOCOL.md, "JSON Example 3 — Inline": rows 3, 4, 7, 11, 18, 29.
  const inline = decodeZ85("wi5b=000010000siXQKl0rr91000f55c8Xg0@@D72lkbi5=-{L").subarray(0, 40);
  assertEquals(parseRoaringBitmapArray(inline), [3, 4, 7, 11, 18, 29]);
  // "JSON Example 1": a random prefix folder and the UUID's file name.
  assertEquals(
    deletionVectorPath("/data/mytable", {
      storageType: "u",
      pathOrInlineDv: "ab^-aqEH.-t@S}K{vb[*k^",
      offset: 4,
      sizeInBytes: 40,
      cardinality: 6,
    }),
    "/data/mytable/ab/deletion_vector_d2c639aa-8816-431a-aaf6-d3fe2512ff61.bin",
  );
  assertEquals(crc32(new TextEncoder().encode("123456789")), 0xcbf43926);
});

Deno.test("array, bitmap and run containers, across 16- and 32-bit boundaries", () => {
  const rows = [
    0,
    1,
    2,
    65535,
    65536,
    70000,
    ...Array.from({ length: 5000 }, (_, i) => 131072 + i * 3), // a bitmap container
    ...Array.from({ length: 300 }, (_, i) => 262144 + 1000 + i), // a run
    2 ** 32 + 5, // a second bucket
  ];
  const kinds: Record<number, Kind> = { 2: "bitmap", 4: "run" };
  const parsed = parseRoaringBitmapArray(encodeBitmap(rows, (key) => kinds[key] ?? "array"));
  assertEquals(parsed, rows);
  // Few containers with runs: no offset header.
  assertEquals(parseRoaringBitmapArray(encodeBitmap([5, 6, 7], () => "run")), [5, 6, 7]);
  assertThrows(() => parseRoaringBitmapArray(new Uint8Array([1, 2, 3, 4])), Error, "magic number");
  const truncated = encodeBitmap([1, 2, 3]).subarray(0, 20);
  assertThrows(() => parseRoaringBitmapArray(truncated), Error, "ends after");
});

Deno.test("keptRanges: the rows left between deleted ones, chunk by chunk", () => {
  assertEquals(keptRanges([], 0, 5), [[0, 5]]);
  assertEquals(keptRanges([0, 2, 3, 9], 0, 5), [[1, 2], [4, 5]]);
  assertEquals(keptRanges([0, 2, 3, 9], 5, 5), [[0, 4]]);
  assertEquals(keptRanges([5, 6, 7, 8, 9], 5, 5), []);
});

/** A table of ids 0..n-1 in one file, written by our writer. */
async function tableOfIds(path: string, n: number): Promise<Add> {
  const ids = arrow.vectorFromArray(
    Array.from({ length: n }, (_, i) => BigInt(i)),
    new arrow.Int64(),
  );
  const data = new arrow.Table({ id: ids });
  const writer = await DeltaWriter.open(path, { schema: data.schema, appId: "dv-test" });
  return (await writer.append(data)).added[0];
}

/** Commits a DELETE as Spark writes one with deletion vectors: remove, then add with the DV. */
async function commitDelete(
  path: string,
  version: number,
  file: Add,
  dv: DeletionVectorDescriptor,
) {
  const now = Date.now();
  const actions: Action[] = [
    { commitInfo: { timestamp: now, operation: "DELETE" } },
    {
      remove: {
        path: file.path,
        deletionTimestamp: now,
        dataChange: true,
        size: file.size,
        // The file as it was: (path, its previous vector) is the key that goes away.
        ...(file.deletionVector ? { deletionVector: file.deletionVector } : {}),
      },
    },
    { add: { ...file, deletionVector: dv } },
  ];
  await Deno.writeTextFile(
    joinPath(path, "_delta_log", commitFileName(version)),
    serializeCommit(actions),
  );
}

async function ids(path: string, version?: number): Promise<number[]> {
  const snapshot = await readSnapshot(localFs, path, { version });
  const table = await readTable(localFs, snapshot);
  return Array.from(table.getChild("id")!, (v) => Number(v));
}

Deno.test("rows a deletion vector marks are not read, inline or in a file", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tablestream-dv-" });
  try {
    const path = joinPath(dir, "t");
    const file = await tableOfIds(path, 100);
    const first = [0, 1, 50, 99];
    const bitmap = encodeBitmap(first);
    await commitDelete(path, 1, file, {
      storageType: "i",
      pathOrInlineDv: encodeZ85(bitmap),
      sizeInBytes: bitmap.length,
      cardinality: first.length,
    });
    const all = Array.from({ length: 100 }, (_, i) => i);
    assertEquals(await ids(path), all.filter((i) => !first.includes(i)));
    assertEquals(countRows(await readSnapshot(localFs, path)), 96);
    assertEquals(await ids(path, 0), all, "the version before the delete is whole");

    // A second delete: the vector now in a file (with a random prefix folder), second in it.
    const second = [...first, 10, 11, 12, 13, 60];
    const other = encodeBitmap([7]);
    const { file: bytes, offsets } = dvFile([other, encodeBitmap(second, () => "run")]);
    const uuid = new Uint8Array(16).map((_, i) => i * 17);
    await Deno.mkdir(joinPath(path, "zz"));
    const hex = [...uuid].map((b) => b.toString(16).padStart(2, "0")).join("");
    const name = `deletion_vector_${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${
      hex.slice(16, 20)
    }-${hex.slice(20)}.bin`;
    await Deno.writeFile(joinPath(path, "zz", name), bytes);
    const dv = {
      storageType: "u",
      pathOrInlineDv: "zz" + encodeZ85(uuid),
      offset: offsets[1],
      sizeInBytes: encodeBitmap(second, () => "run").length,
      cardinality: second.length,
    };
    const withFirst = (await readSnapshot(localFs, path)).files[0];
    await commitDelete(path, 2, withFirst, dv);
    assertEquals(await ids(path), all.filter((i) => !second.includes(i)));
    assertEquals(countRows(await readSnapshot(localFs, path)), 100 - second.length);

    // A vector whose bytes do not match their checksum is an error naming its file.
    bytes[offsets[1] + 6] ^= 0xff;
    await Deno.writeFile(joinPath(path, "zz", name), bytes);
    const error = await assertRejects(() => ids(path));
    assert(error.message.includes(name) && error.message.includes("CRC"), error.message);
    await Deno.writeFile(joinPath(path, "zz", name), dvFile([other, encodeBitmap(second)]).file);
    await assertRejects(() => ids(path), Error, "bytes");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("our writer keeps deletion vectors: appends, checkpoints and overwrites", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tablestream-dv-" });
  try {
    const path = joinPath(dir, "t");
    const file = await tableOfIds(path, 10);
    const bitmap = encodeBitmap([2, 3]);
    const dv = {
      storageType: "i",
      pathOrInlineDv: encodeZ85(bitmap),
      sizeInBytes: bitmap.length,
      cardinality: 2,
    };
    await commitDelete(path, 1, file, dv);
    // Appends until a checkpoint at version 10: the checkpoint must carry the vector.
    const schema = new arrow.Schema([new arrow.Field("id", new arrow.Int64(), true)]);
    const writer = await DeltaWriter.open(path, { schema, appId: "dv-test" });
    for (let v = 2; v <= 10; v++) {
      const id = arrow.vectorFromArray([BigInt(100 + v)], new arrow.Int64());
      await writer.append(new arrow.Table({ id }));
    }
    const snapshot = await readSnapshot(localFs, path);
    assertEquals(snapshot.checkpointVersion, 10);
    const expected = [0, 1, 4, 5, 6, 7, 8, 9, ...Array.from({ length: 9 }, (_, i) => 102 + i)];
    assertEquals((await ids(path)).sort((a, b) => a - b), expected);
    assertEquals(snapshot.files[0].deletionVector, { ...dv, offset: null });
    // An overwrite removes the file with its vector: nothing of the old rows is left.
    const fresh = arrow.vectorFromArray([500n], new arrow.Int64());
    const result = await writer.overwrite(new arrow.Table({ id: fresh }));
    const removes = result.actions.flatMap((a) => a.remove ? [a.remove] : []);
    assertEquals(removes.find((r) => r.path === file.path)?.deletionVector, dv);
    assertEquals(await ids(path), [500]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

deltaFixtureTest(
  "rs-table-with-dv-small: values 0 and 9 are deleted by a vector",
  async (fixture) => {
    const path = fixture("rs-table-with-dv-small");
    const snapshot = await readSnapshot(localFs, path);
    const table = await readTable(localFs, snapshot);
    const values = Array.from(table.getChild("value")!, Number).sort((a, b) => a - b);
    assertEquals(values, [1, 2, 3, 4, 5, 6, 7, 8]);
    assertEquals(countRows(snapshot), 8);
    const dv = snapshot.files[0].deletionVector as DeletionVectorDescriptor;
    assertEquals((await readDeletionVector(localFs, path, dv)).length, 2);
  },
);
