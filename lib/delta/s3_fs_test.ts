/**
 * The Delta writer and reader over S3, against the in-memory fake of tests/_fake_s3.ts (the
 * interop suite runs the same against moto, the real API): a table written and read back,
 * racing writers, a commit whose answer was lost, throttling, stores without conditional
 * writes. The CLI and the sink over `s3://` are in tests/s3_cli_test.ts.
 */
import * as arrow from "apache-arrow";
import { assert, assertEquals, assertRejects } from "../../tests/_assert.ts";
import { allTypesTable, cells } from "../../tests/_delta.ts";
import { type FakeS3, fakeSettings, startFakeS3 } from "../../tests/_fake_s3.ts";
import { S3Client } from "../objstore/s3_client.ts";
import { classifyError } from "../plugin/sink_errors.ts";
import { latestVersion, readCommit, readSnapshot } from "./log_reader.ts";
import { readTable } from "./read_data.ts";
import { ConditionalWritesUnsupported, s3Fs } from "./s3_fs.ts";
import { DeltaWriter } from "./writer.ts";
import type { DeltaFs } from "./fs.ts";

async function withFake(fn: (fake: FakeS3, fs: DeltaFs, client: S3Client) => Promise<void>) {
  const fake = startFakeS3();
  try {
    const client = new S3Client({
      bucket: "lake",
      settings: fakeSettings(fake),
      sleep: () => Promise.resolve(),
    });
    await fn(fake, s3Fs(client), client);
  } finally {
    await fake.close();
  }
}

const TABLE = "s3://lake/out/all types";

Deno.test("Delta over S3: commits, a checkpoint, partitions with awkward values, read back", async () => {
  await withFake(async (fake, fs) => {
    const first = allTypesTable(0, 5);
    const writer = await DeltaWriter.open(TABLE, { schema: first.schema, appId: "a", fs });
    const all = [first];
    await writer.append(first);
    for (let c = 1; c < 12; c++) {
      const batch = allTypesTable(c * 5, 5);
      all.push(batch);
      await writer.append(batch);
    }
    assertEquals(await latestVersion(fs, TABLE), 11);
    const keys = [...fake.objects("lake").keys()];
    assert(keys.includes("out/all types/_delta_log/00000000000000000010.checkpoint.parquet"));
    assert(keys.includes("out/all types/_delta_log/_last_checkpoint"));
    // The check of conditional writes left nothing behind.
    assertEquals(keys.filter((k) => k.includes("conditional-write-check")), []);
    const snapshot = await readSnapshot(fs, TABLE);
    assertEquals([snapshot.version, snapshot.checkpointVersion], [11, 10]);
    const expected = cells(new arrow.Table(all.flatMap((t) => t.batches)));
    assertEquals(cells(await readTable(fs, snapshot)), expected);
    // A reopened writer (a restart) continues after the last txn.
    const again = await DeltaWriter.open(TABLE, { schema: first.schema, appId: "a", fs });
    assertEquals(again.lastTxnVersion(), 11);

    const schema = new arrow.Schema([
      new arrow.Field("id", new arrow.Int64(), false),
      new arrow.Field("region", new arrow.Utf8(), true),
    ]);
    const regions = ["North America", "Zürich/é", "a+b%3A", null, ""];
    const table = new arrow.Table({
      id: arrow.vectorFromArray(regions.map((_, i) => BigInt(i)), new arrow.Int64()),
      region: arrow.vectorFromArray(regions, new arrow.Utf8()),
    });
    const path = "s3://lake/out/regions";
    const partitioned = await DeltaWriter.open(path, {
      schema,
      appId: "p",
      partitionBy: ["region"],
      fs,
    });
    await partitioned.append(
      new arrow.Table(schema, table.batches.map((b) => new arrow.RecordBatch(schema, b.data))),
    );
    const back = await readTable(fs, await readSnapshot(fs, path));
    assertEquals(
      [...back.getChild("region")!].map(String).sort(),
      ["North America", "Zürich/é", "a+b%3A", "null", "null"].sort(),
    );
  });
});

Deno.test("Delta over S3: racing writers each land once, at the next version, never overwriting", async () => {
  await withFake(async (fake, fs) => {
    const t = allTypesTable(0, 2);
    const a = await DeltaWriter.open(TABLE, { schema: t.schema, appId: "a", fs });
    await a.append(t);
    const b = await DeltaWriter.open(TABLE, { schema: t.schema, appId: "b", fs });
    await a.append(allTypesTable(2, 2)); // b's view is now stale: version 1 is taken
    const result = await b.append(allTypesTable(4, 2));
    assertEquals([result.version, result.retries], [2, 1]);
    assert(
      fake.log.some((l) => l.startsWith("PUT out/all types/_delta_log/00000000000000000001.json")),
    );

    // Four writers at once, five commits each: every commit lands, versions contiguous.
    const writers = await Promise.all(
      [1, 2, 3, 4].map((w) => DeltaWriter.open(TABLE, { schema: t.schema, appId: `w${w}`, fs })),
    );
    await Promise.all(writers.map(async (writer, w) => {
      for (let c = 0; c < 5; c++) await writer.append(allTypesTable(1000 * (w + 1) + c * 2, 2));
    }));
    const snapshot = await readSnapshot(fs, TABLE);
    assertEquals(snapshot.version, 22);
    assertEquals((await readTable(fs, snapshot)).numRows, 6 + 40);
    for (const w of [1, 2, 3, 4]) assertEquals(snapshot.txns.get(`w${w}`)?.version, 4);
    for (let v = 0; v <= 22; v++) {
      assertEquals((await readCommit(fs, TABLE, v)).filter((a) => a.txn).length, 1);
    }
  });
});

Deno.test("Delta over S3: a commit whose answer was lost is found to be ours, not a lost race", async () => {
  await withFake(async (fake, fs) => {
    const t = allTypesTable(0, 2);
    const writer = await DeltaWriter.open(TABLE, { schema: t.schema, appId: "a", fs });
    await writer.append(t);
    // The store writes version 1, then answers 500: the retry meets its own commit.
    fake.faults.push({
      match: (r) => r.method === "PUT" && r.key.endsWith("00000000000000000001.json"),
      status: 500,
      applied: true,
    });
    // And throttles the next data file twice.
    fake.faults.push({
      match: (r) => r.method === "PUT" && r.key.endsWith(".parquet"),
      status: 503,
      code: "SlowDown",
      times: 2,
    });
    const result = await writer.append(allTypesTable(2, 2));
    assertEquals([result.version, result.retries], [1, 0]);
    assertEquals(await latestVersion(fs, TABLE), 1);
    assertEquals((await readTable(fs, await readSnapshot(fs, TABLE))).numRows, 4);
  });
});

Deno.test("Delta over S3: a store without conditional writes is refused before anything is written", async () => {
  for (const conditional of ["ignored", "refused"] as const) {
    await withFake(async (fake, fs) => {
      fake.conditional = conditional;
      const t = allTypesTable(0, 2);
      const writer = await DeltaWriter.open(TABLE, { schema: t.schema, appId: "a", fs });
      const error = await assertRejects(
        () => writer.append(t),
        ConditionalWritesUnsupported,
        "AWS S3, MinIO, Cloudflare R2, Google Cloud Storage",
      );
      assertEquals(classifyError(error).healable, false);
      assertEquals([...fake.objects("lake").keys()], []);
    });
  }
});

Deno.test("Delta over S3: outages pass as healable errors, the table unchanged", async () => {
  await withFake(async (fake, fs) => {
    const t = allTypesTable(0, 2);
    const writer = await DeltaWriter.open(TABLE, { schema: t.schema, appId: "a", fs });
    await writer.append(t);
    fake.faults.push({ match: () => true, status: 503, code: "ServiceUnavailable", times: 1000 });
    const error = await assertRejects(() => writer.append(allTypesTable(2, 2)));
    assertEquals(classifyError(error).healable, true);
    fake.faults.length = 0;
    // Once the store is back, the same writer commits the next version.
    assertEquals((await writer.append(allTypesTable(2, 2))).version, 1);
  });
});
