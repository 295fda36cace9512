/**
 * Shards on a real S3 API (moto on loopback): three `generate --shard i/3` processes write
 * one set of tables in a bucket at once, one of them killed with SIGKILL after its first
 * commits and started again; two `run --shard i/2` processes stream into the same bucket.
 * delta-rs reads each table from the endpoint, and Spark through S3A (`s3a://`), and each
 * equals the single local process's.
 */
import { assert } from "../_assert.ts";
import { withTempDir, writeConfig } from "../_cli.ts";
import { withAwsEnv } from "../_fake_s3.ts";
import { child, deltaRs, finished, withMoto } from "./_s3.ts";
import { assertSameRows, interopTest } from "./_peer.ts";
import { ok, RUN_TABLES, runArgs } from "./_ours.ts";
import { readSnapshot } from "../../lib/delta/log_reader.ts";
import { fsFor } from "../../lib/delta/storage.ts";

const SHOP = `
version: 1
config:
  seed: 8
tables:
  - table_name: customers
    row_count: 3000
    columns:
      - { column_name: id, data: row_id, is_primary_key: true }
      - { column_name: email, data: fake.email() }
  - table_name: orders
    row_count: 120000
    columns:
      - { column_name: order_id, data: row_id, is_primary_key: true }
      - column_name: customer_id
        data: foreign_key("customers", "id", distribution="zipf", param=1.2)
      - column_name: email
        data: copy_from_fk("customer_id", "customers", "email")
      - column_name: price
        data: round(random.uniform(1, 100), 2)
`;

interopTest(
  "moto: three generate shards at once, one killed -9 and restarted, write the single process's rows; delta-rs and Spark read them",
  (peer) =>
    withMoto(async (s3) => {
      const bucket = `shards-${Date.now().toString(36)}`;
      await s3.createBucket(bucket);
      const out = `s3://${bucket}/shop`;
      await withTempDir(async (dir) => {
        const config = await writeConfig(dir, SHOP);
        const common = ["-c", config, "--reference-time", "2026-01-01T00:00:00Z"];
        const shard = (i: number) =>
          child(s3, [
            ...["generate", ...common, "-o", out, "--shard", `${i}/3`, "--workers", "1"],
            ...["--commit-rows", "4000"],
          ]);
        // Settled, not awaited yet: a failure is reported after shard 1's part, not unhandled.
        const others = Promise.allSettled([0, 2].map((i) => finished(shard(i), `shard ${i}/3`)));
        // Shard 1 dies once it has committed to orders (its first rows of it are in the log).
        const victim = shard(1);
        const deadline = Date.now() + 120_000;
        let committed = -1;
        let lastError: unknown;
        await withAwsEnv(s3.endpoint, async () => {
          const fs = fsFor(`${out}/orders`);
          while (committed < 4000 && Date.now() < deadline) {
            const snapshot = await readSnapshot(fs, `${out}/orders`).catch((error) => {
              lastError = error;
              return undefined;
            });
            const mine = [...(snapshot?.txns.values() ?? [])].find((t) =>
              t.appId.endsWith(":shard-1-of-3")
            );
            committed = mine?.version ?? -1;
            if (committed < 4000) await new Promise((r) => setTimeout(r, 20));
          }
        });
        victim.kill("SIGKILL");
        await victim.output();
        assert(committed >= 4000, `shard 1 never committed to orders in time: ${lastError}`);
        await finished(shard(1), "shard 1/3 restarted");
        for (const other of await others) if (other.status === "rejected") throw other.reason;
        await ok("generate", ...common, "-o", `${dir}/single`, "--workers", "1");
        for (const table of ["customers", "orders"]) {
          const expected = await peer.ours(`${dir}/single/${table}`);
          assertSameRows(
            await deltaRs(peer, s3, `${out}/${table}`),
            expected,
            `delta-rs, ${table}`,
          );
          assertSameRows(
            await peer.readS3(`${out}/${table}`, s3.endpoint),
            expected,
            `Spark, ${table}`,
          );
        }
      });
    }),
);

interopTest(
  "moto: two run shards stream into one bucket; delta-rs and Spark read the single process's stream",
  (peer) =>
    withMoto(async (s3) => {
      const bucket = `live-shards-${Date.now().toString(36)}`;
      await s3.createBucket(bucket);
      const out = `s3://${bucket}/live`;
      await withTempDir(async (dir) => {
        await Promise.all([0, 1].map((i) =>
          finished(child(s3, [...runArgs(out, 30), "--shard", `${i}/2`]), `run shard ${i}/2`)
        ));
        await ok(...runArgs(`${dir}/whole`, 30));
        for (const table of RUN_TABLES) {
          const expected = await peer.ours(`${dir}/whole/${table}`);
          assertSameRows(
            await deltaRs(peer, s3, `${out}/${table}`),
            expected,
            `delta-rs, ${table}`,
          );
          assertSameRows(
            await peer.readS3(`${out}/${table}`, s3.endpoint),
            expected,
            `Spark, ${table}`,
          );
        }
      });
    }),
);
