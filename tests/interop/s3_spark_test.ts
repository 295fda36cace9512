/**
 * Spark reads our tables on an S3 API (moto on loopback, tests/_moto.ts) through Hadoop's S3A
 * connector (`s3a://`, with the settings of `s3a_settings` in peer.py), and must see what our
 * reader sees: every column type and partitions whose values need escaping in object keys,
 * written by `generate` and `--mode append`, at their latest and an older version; and the
 * tables of a `run` resumed from S3, with checkpoints. (s3_test.ts and s3_shards_test.ts have
 * Spark read their S3 tables too.)
 */
import { assert, assertEquals } from "../_assert.ts";
import { withAwsEnv } from "../_fake_s3.ts";
import type { TestS3 } from "../_moto.ts";
import { bucket, ours, withMoto } from "./_s3.ts";
import { assertSameRows, type Described, interopTest, type Peer } from "./_peer.ts";
import { FIXTURES, ok, RUN_TABLES, RUN_TICKS, runArgs } from "./_ours.ts";
import { readSnapshot } from "../../lib/delta/log_reader.ts";
import { fsFor } from "../../lib/delta/storage.ts";

/** Spark's rows of an S3 table (a version of it) equal our reader's. */
async function assertSparkReads(
  peer: Peer,
  s3: TestS3,
  path: string,
  version?: number,
): Promise<Described> {
  const expected = await ours(peer, s3, path, version);
  const spark = await peer.readS3(path, s3.endpoint, { version });
  const at = version === undefined ? "" : ` at version ${version}`;
  assertSameRows(spark, expected, `Spark through S3A, ${path}${at}`);
  return spark;
}

/** The tables of tests/fixtures/interop/partitioned.yaml. */
const PARTITIONED = ["by_date", "by_text", "by_number", "by_time"];

interopTest(
  "moto: Spark reads through S3A what generate and --mode append wrote to s3://: every type, escaped partition values, an older version",
  (peer) =>
    withMoto(async (s3) => {
      const out = `s3://${await bucket(s3, "types")}/lake`;
      await withAwsEnv(s3.endpoint, async () => {
        await ok("generate", "--config", `${FIXTURES}all_types.yaml`, "--output", out);
        await ok("generate", "--config", `${FIXTURES}partitioned.yaml`, "--output", out);
        await ok(
          "generate",
          ...["--config", `${FIXTURES}partitioned.yaml`, "--output", out, "--mode", "append"],
          ...["--reference-time", "2026-04-01T00:00:00Z"],
        );
      });
      assertEquals((await assertSparkReads(peer, s3, `${out}/all_types`)).count, 500);
      for (const table of PARTITIONED) {
        const latest = await assertSparkReads(peer, s3, `${out}/${table}`);
        const first = await assertSparkReads(peer, s3, `${out}/${table}`, 0);
        assertEquals(latest.count, 2 * first.count, table);
      }
    }),
);

interopTest(
  "moto: Spark reads through S3A the tables of a run resumed from S3, past its checkpoints",
  (peer) =>
    withMoto(async (s3) => {
      const out = `s3://${await bucket(s3, "run")}/live`;
      await withAwsEnv(s3.endpoint, async () => {
        await ok(...runArgs(out, 25));
        await ok(...runArgs(out, RUN_TICKS));
        // orders: an initial commit and one per two ticks (and one where the first run
        // stopped), so checkpoints at versions 10, 20 and 30.
        const snapshot = await readSnapshot(fsFor(`${out}/orders`), `${out}/orders`);
        assert(snapshot.version > 30, `orders at version ${snapshot.version}`);
      });
      for (const table of RUN_TABLES) await assertSparkReads(peer, s3, `${out}/${table}`);
      // Before the resumption, from the first checkpoint on.
      await assertSparkReads(peer, s3, `${out}/orders`, 12);
    }),
);
