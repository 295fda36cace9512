/**
 * Shards on a real S3 API (moto on loopback): three `generate --shard i/3` processes write
 * one set of tables in a bucket at once, one of them killed with SIGKILL after its first
 * commits and started again; two `run --shard i/2` processes stream into the same bucket.
 * delta-rs reads each table from the endpoint, and Spark through S3A (`s3a://`), and each
 * equals the single local process's.
 */
import { assert, assertEquals } from "../_assert.ts";
import { withTempDir, writeConfig } from "../_cli.ts";
import { withAwsEnv } from "../_fake_s3.ts";
import { type TestS3, testS3 } from "../_moto.ts";
import { assertSameRows, type Described, interopTest, type Peer } from "./_peer.ts";
import { ok, RUN_TABLES, runArgs } from "./_ours.ts";
import { readSnapshot } from "../../lib/delta/log_reader.ts";
import { fsFor } from "../../lib/delta/storage.ts";
import type { Need } from "../_external.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;
const need: Need<TestS3> = await testS3();

function withMoto(fn: (s3: TestS3) => Promise<void>): Promise<void> {
  if (!need.found) throw new Error(`This test needs ${need.what}: ${need.why}. ${need.get}`);
  return fn(need.value);
}

/** delta-rs's view of an S3 table, with the storage options a user would give it. */
function deltaRs(peer: Peer, s3: TestS3, path: string): Promise<Described> {
  return peer.py(
    `
options = {
    "AWS_ENDPOINT_URL": args["endpoint"],
    "AWS_ACCESS_KEY_ID": "test",
    "AWS_SECRET_ACCESS_KEY": "test",
    "AWS_REGION": "us-east-1",
    "AWS_ALLOW_HTTP": "true",
}
result = described(DeltaTable(args["path"], storage_options=options).to_pyarrow_table())
`,
    { endpoint: s3.endpoint, path },
  );
}

/** `tablestream args` as a child process pointed at moto. */
function child(s3: TestS3, args: string[]): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, ...args],
    env: { ...s3.env, TZ: "UTC" },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

async function finished(process: Deno.ChildProcess, what: string): Promise<void> {
  const result = await process.output();
  assertEquals(result.code, 0, `${what} failed:\n${new TextDecoder().decode(result.stderr)}`);
}

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
