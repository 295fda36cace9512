/**
 * Delta tables on a real S3 API server on loopback (moto in server mode, started by
 * tests/_moto.ts): `generate`, `--mode append`, `inspect` and `optimize` on `s3://`, `run`
 * resumed from an S3 table, two writer processes racing for the same versions, and a writer
 * killed with SIGKILL in the middle of a multipart upload and restarted. delta-rs reads each
 * table from the same endpoint (`storage_options`), and Spark the first test's through S3A
 * (`s3a://`), and they must see what our reader sees.
 */
import { assert, assertEquals, assertStringIncludes } from "../_assert.ts";
import { withTempDir, writeConfig } from "../_cli.ts";
import { APPENDER_SCHEMA, appenderBatch } from "../_delta_appender.ts";
import { withAwsEnv } from "../_fake_s3.ts";
import { s3Test } from "../_moto.ts";
import { bucket, child, deltaRs, finished, motoNeed, ours, withMoto } from "./_s3.ts";
import { assertSameRows, interopTest } from "./_peer.ts";
import { ok, runArgs } from "./_ours.ts";
import { readCommit, readSnapshot } from "../../lib/delta/log_reader.ts";
import { readTable } from "../../lib/delta/read_data.ts";
import { fsFor } from "../../lib/delta/storage.ts";
import { DeltaWriter } from "../../lib/delta/writer.ts";

const APPENDER = new URL("../_delta_appender.ts", import.meta.url).pathname;
const need = motoNeed;

const SHOP = `
version: 1
config:
  seed: 5
tables:
  - table_name: customers
    row_count: 300
    columns:
      - { column_name: id, data: row_id, is_primary_key: true }
      - { column_name: email, data: fake.email() }
  - table_name: orders
    row_count: 2000
    partition_by: [region]
    columns:
      - { column_name: order_id, data: row_id, is_primary_key: true }
      - column_name: customer_id
        data: foreign_key("customers", "id")
      - column_name: region
        data: random.choice(["EU", "North America", "Zürich"])
      - column_name: price
        data: round(random.uniform(1, 100), 2)
`;

interopTest(
  "moto: generate, append, inspect and optimize on s3://; delta-rs and Spark read every version from the same endpoint",
  (peer) =>
    withMoto(async (s3) => {
      const name = await bucket(s3);
      const out = `s3://${name}/shop`;
      await withTempDir(async (dir) => {
        const config = await writeConfig(dir, SHOP);
        const ref = ["--reference-time", "2026-01-01T00:00:00Z"];
        await withAwsEnv(s3.endpoint, async () => {
          await ok("generate", "-c", config, "-o", out, ...ref);
          await ok("generate", "-c", config, "-o", out, "--mode", "append", ...ref);
          await ok("generate", "-c", config, "-o", out, "--mode", "append", ...ref);
          const text = await ok("inspect", `${out}/orders`);
          assertStringIncludes(text, "Version:     2");
          assertStringIncludes(text, "6000 rows");
          assertStringIncludes(text, "Partitioned: region");
          assertStringIncludes(await ok("optimize", `${out}/orders`), "6000 rows");
        });
        for (const table of ["customers", "orders"]) {
          const path = `${out}/${table}`;
          const theirs = await deltaRs(peer, s3, path);
          const expected = await ours(peer, s3, path);
          assertSameRows(theirs, expected, `delta-rs, ${path}`);
          assertSameRows(await peer.readS3(path, s3.endpoint), expected, `Spark, ${path}`);
          assertEquals(theirs.version, table === "orders" ? 3 : 2);
          assertEquals(theirs.count, table === "orders" ? 6000 : 900);
        }
        // Time travel, before the compaction and before the appends.
        for (const version of [0, 2]) {
          const expected = await ours(peer, s3, `${out}/orders`, version);
          assertSameRows(
            await deltaRs(peer, s3, `${out}/orders`, version),
            expected,
            `delta-rs, orders at version ${version}`,
          );
          assertSameRows(
            await peer.readS3(`${out}/orders`, s3.endpoint, { version }),
            expected,
            `Spark, orders at version ${version}`,
          );
        }
      });
    }),
);

interopTest(
  "moto: run resumes from its S3 tables; the tables equal an uninterrupted local run's, in delta-rs too",
  (peer) =>
    withMoto(async (s3) => {
      const name = await bucket(s3);
      const out = `s3://${name}/live`;
      await withTempDir(async (dir) => {
        await withAwsEnv(s3.endpoint, async () => {
          await ok(...runArgs(out, 15));
          await ok(...runArgs(out, 30));
        });
        await ok(...runArgs(`${dir}/whole`, 30));
        for (const table of ["customers", "orders", "statuses"]) {
          const expected = await peer.ours(`${dir}/whole/${table}`);
          assertSameRows(await ours(peer, s3, `${out}/${table}`), expected, `ours, ${table}`);
          assertSameRows(
            await deltaRs(peer, s3, `${out}/${table}`),
            expected,
            `delta-rs, ${table}`,
          );
        }
      });
    }),
);

s3Test(
  need,
  "moto: two writer processes racing for the same versions both land, every commit once",
  async (s3) => {
    const name = await bucket(s3);
    const table = `s3://${name}/race`;
    const commits = 12;
    const rows = 7;
    await Promise.all([1, 2].map((w) =>
      finished(
        child(s3, [table, `writer-${w}`, String(commits), String(rows)], APPENDER),
        `writer ${w}`,
      )
    ));
    await withAwsEnv(s3.endpoint, async () => {
      const fs = fsFor(table);
      const snapshot = await readSnapshot(fs, table);
      assertEquals(snapshot.version, 2 * commits - 1);
      for (const w of [1, 2]) assertEquals(snapshot.txns.get(`writer-${w}`)?.version, commits - 1);
      // Each version holds one commit of one writer; each writer's batches once, in order.
      const seen: Record<string, number[]> = { "writer-1": [], "writer-2": [] };
      for (let v = 0; v <= snapshot.version; v++) {
        const txns = (await readCommit(fs, table, v)).flatMap((a) => a.txn ? [a.txn] : []);
        assertEquals(txns.length, 1, `version ${v}`);
        seen[txns[0].appId].push(txns[0].version);
      }
      const order = Array.from({ length: commits }, (_, i) => i);
      assertEquals(seen, { "writer-1": order, "writer-2": order });
      const ids = [...(await readTable(fs, snapshot, { columns: ["id"] })).getChild("id")!]
        .map(Number).sort((a, b) => a - b);
      const expected = [1, 2].flatMap((w) =>
        Array.from({ length: commits }, (_, c) => [...appenderBatch(w, c, rows).getChild("id")!])
          .flat().map(Number)
      ).sort((a, b) => a - b);
      assertEquals(ids, expected);
    });
  },
);

s3Test(
  need,
  "moto: four writers opened at one version race for it: three lose, retry at the next, none overwrites",
  async (s3) => {
    const name = await bucket(s3);
    const table = `s3://${name}/four`;
    await withAwsEnv(s3.endpoint, async () => {
      const fs = fsFor(table);
      const open = (w: number) =>
        DeltaWriter.open(table, { schema: APPENDER_SCHEMA, appId: `w${w}`, fs });
      await (await open(0)).append(appenderBatch(0, 0, 3));
      // Every writer has read version 0, so every first commit tries version 1.
      const writers = await Promise.all([1, 2, 3, 4].map(open));
      const results = await Promise.all(writers.map(async (writer, i) => {
        let retries = 0;
        for (let c = 0; c < 5; c++) {
          retries += (await writer.append(appenderBatch(i + 1, c, 3))).retries;
        }
        return retries;
      }));
      assert(results.reduce((a, b) => a + b, 0) >= 3, `lost races: ${results}`);
      const snapshot = await readSnapshot(fs, table);
      assertEquals(snapshot.version, 20);
      assertEquals((await readTable(fs, snapshot)).numRows, 3 + 4 * 5 * 3);
    });
  },
);

const BIG = `
version: 1
config:
  seed: 11
  tick_interval: 10s
tables:
  - table_name: events
    row_count: 1000000
    cadence: { rows_per_minute: 600 }
    columns:
      - column_name: id
        data: row_id
        is_primary_key: true
      - column_name: token
        data: random.randint(0, 1000000000000000)
      - column_name: label
        data: fake.uuid4()
`;

s3Test(
  need,
  "moto: a run killed with SIGKILL in a multipart upload resumes with no commit lost or doubled",
  async (s3) => {
    const name = await bucket(s3);
    const out = `s3://${name}/big`;
    await withTempDir(async (dir) => {
      const config = await writeConfig(dir, BIG);
      const args = (output: string) => [
        "run",
        "-c",
        config,
        "-o",
        output,
        "--fast-forward",
        "--start-time",
        "2026-01-01T00:00:00Z",
        "--ticks",
        "6",
        "--log-format",
        "json",
      ];
      // The first commit's data file (1,000,000 rows; with integers delta encoded, 400,000 made
      // one below the multipart threshold) goes up in parts of 8 MiB.
      const killed = child(s3, args(out));
      const deadline = Date.now() + 120_000;
      let uploading: string[] = [];
      while (uploading.length === 0 && Date.now() < deadline) {
        uploading = await s3.uploadsInProgress(name);
        if (uploading.length === 0) await new Promise((r) => setTimeout(r, 25));
      }
      killed.kill("SIGKILL");
      await killed.output();
      assert(uploading.length > 0, "the run never started a multipart upload");
      assertStringIncludes(uploading[0], "big/events/part-");

      // Killed mid-upload: the upload is still open (a lifecycle rule's to abort), not complete.
      assertEquals(await s3.uploadsInProgress(name), uploading);
      await finished(child(s3, args(out)), "the restarted run");
      const whole = child(s3, args(`${dir}/whole`));
      await finished(whole, "the uninterrupted run");

      await withAwsEnv(s3.endpoint, async () => {
        const fs = fsFor(`${out}/events`);
        const snapshot = await readSnapshot(fs, `${out}/events`);
        const local = fsFor(`${dir}/whole/events`);
        const reference = await readSnapshot(local, `${dir}/whole/events`);
        assertEquals(snapshot.version, reference.version);
        const ticks = [];
        for (let v = 0; v <= snapshot.version; v++) {
          ticks.push((await readCommit(fs, `${out}/events`, v)).find((a) => a.txn)?.txn?.version);
        }
        assertEquals(new Set(ticks).size, ticks.length, `a tick committed twice: ${ticks}`);
        const ids = async (f: typeof fs, s: typeof snapshot) =>
          [...(await readTable(f, s, { columns: ["id", "token"] })).toArray()].map((r) =>
            `${r.id}:${r.token}`
          ).sort();
        assertEquals(await ids(fs, snapshot), await ids(local, reference));
      });
    });
  },
);
