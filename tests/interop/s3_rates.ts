/**
 * Upload rates into moto on loopback, for the figures of docs/scale-out.md ("Object storage"):
 *
 *   deno run -A tests/interop/s3_rates.ts
 *
 * starts moto (tests/_moto.ts) and measures, median of three:
 * - the S3 client alone: a 64 MiB object in 8 MiB parts, by one writer and by two at once;
 * - `generate` of a 400,000-row table (about 20 MB of Parquet) into s3:// by one process and
 *   by two processes at once (a table each: two processes of one table would share its
 *   application id), beside the same into a local folder (the generation's own cost).
 *
 * @module
 */
import { S3Client } from "../../lib/objstore/s3_client.ts";
import { testS3 } from "../_moto.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;
const MiB = 1024 * 1024;

const CONFIG = `
version: 1
config:
  seed: 11
tables:
  - table_name: events
    row_count: 400000
    columns:
      - column_name: id
        data: row_id
        is_primary_key: true
      - column_name: token
        data: random.randint(0, 1000000000000000)
      - column_name: label
        data: fake.uuid4()
`;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function generate(
  env: Record<string, string>,
  config: string,
  output: string,
) {
  const result = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      MAIN,
      "generate",
      "-c",
      config,
      "-o",
      output,
      "--workers",
      "1",
      "--reference-time",
      "2026-01-01",
    ],
    env: { ...env, TZ: "UTC" },
    stdout: "null",
    stderr: "piped",
  }).output();
  if (!result.success) throw new Error(new TextDecoder().decode(result.stderr));
}

async function main() {
  const need = await testS3();
  if (!need.found) throw new Error(`${need.what}: ${need.why}`);
  const s3 = need.value;
  const settings = {
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
    credentialSource: "test",
    region: "us-east-1",
    endpoint: s3.endpoint,
  };
  const lines: string[] = [];

  const data = crypto.getRandomValues(new Uint8Array(65536));
  const object = new Uint8Array(64 * MiB);
  for (let i = 0; i < object.length; i += data.length) object.set(data, i);
  for (const writers of [1, 2]) {
    const rates: number[] = [];
    for (let round = 0; round < 3; round++) {
      const bucket = `rate-${writers}-${round}`;
      await s3.createBucket(bucket);
      const client = new S3Client({ bucket, settings });
      const start = performance.now();
      await Promise.all(
        Array.from({ length: writers }, (_, w) => client.put(`object-${w}`, object)),
      );
      rates.push((writers * object.length / MiB) / ((performance.now() - start) / 1000));
    }
    lines.push(`S3 client, ${writers} writer(s), 64 MiB each: ${median(rates).toFixed(1)} MiB/s`);
  }

  const dir = await Deno.makeTempDir({ prefix: "tablestream-s3-rates-" });
  const config = `${dir}/events.yaml`;
  await Deno.writeTextFile(config, CONFIG);
  const timed = async (fn: () => Promise<unknown>) => {
    const start = performance.now();
    await fn();
    return (performance.now() - start) / 1000;
  };
  const local: number[] = [];
  const one: number[] = [];
  const two: number[] = [];
  for (let round = 0; round < 3; round++) {
    local.push(await timed(() => generate(s3.env, config, `${dir}/local-${round}`)));
    const bucket = `generate-${round}`;
    await s3.createBucket(bucket);
    one.push(await timed(() => generate(s3.env, config, `s3://${bucket}/one`)));
    two.push(
      await timed(() =>
        Promise.all([1, 2].map((w) => generate(s3.env, config, `s3://${bucket}/two-${w}`)))
      ),
    );
  }
  let bytes = 0;
  for await (const entry of Deno.readDir(`${dir}/local-0/events`)) {
    if (entry.name.endsWith(".parquet")) {
      bytes += (await Deno.stat(`${dir}/local-0/events/${entry.name}`)).size;
    }
  }
  const mb = bytes / MiB;
  lines.push(
    `generate 400,000 rows (${mb.toFixed(1)} MiB of Parquet), 1 process, local folder: ` +
      `${median(local).toFixed(2)} s`,
    `generate into s3://, 1 process: ${median(one).toFixed(2)} s (${
      (mb / median(one)).toFixed(1)
    } MiB/s, ` +
      `${Math.round(400_000 / median(one))} rows/s)`,
    `generate into s3://, 2 processes at once (a table each): ${median(two).toFixed(2)} s ` +
      `(${(2 * mb / median(two)).toFixed(1)} MiB/s, ${Math.round(800_000 / median(two))} rows/s)`,
  );
  await Deno.remove(dir, { recursive: true });
  console.log(lines.join("\n"));
}

if (import.meta.main) {
  await main();
  Deno.exit(0);
}
