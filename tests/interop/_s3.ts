/**
 * What the interop suite's S3 tests share: moto (tests/_moto.ts) as a test needs it, fresh
 * buckets, a table as our reader and as delta-rs read it from the endpoint, and tablestream
 * (or another script) as a child process pointed at moto.
 *
 * @module
 */
import { assertEquals } from "../_assert.ts";
import { withAwsEnv } from "../_fake_s3.ts";
import { type TestS3, testS3 } from "../_moto.ts";
import type { Need } from "../_external.ts";
import type { Described, Peer } from "./_peer.ts";
import { readSnapshot } from "../../lib/delta/log_reader.ts";
import { readTable } from "../../lib/delta/read_data.ts";
import { fsFor } from "../../lib/delta/storage.ts";

export const MAIN = new URL("../../main.ts", import.meta.url).pathname;

/** moto for this test process (started once), or why it is missing. */
export const motoNeed: Need<TestS3> = await testS3();

/** Runs `fn` with moto found (the interop peer's tests need both). */
export function withMoto(fn: (s3: TestS3) => Promise<void>): Promise<void> {
  const need = motoNeed;
  if (!need.found) throw new Error(`This test needs ${need.what}: ${need.why}. ${need.get}`);
  return fn(need.value);
}

let buckets = 0;
/** A fresh bucket for a test, its name starting with `what`. */
export async function bucket(s3: TestS3, what = "lake"): Promise<string> {
  const name = `${what}-${Date.now().toString(36)}-${++buckets}`;
  await s3.createBucket(name);
  return name;
}

/** A table (a version of it) as our reader reads it from moto. */
export async function ours(
  peer: Peer,
  s3: TestS3,
  path: string,
  version?: number,
): Promise<Described> {
  return await withAwsEnv(s3.endpoint, async () => {
    const fs = fsFor(path);
    return await peer.describe(await readTable(fs, await readSnapshot(fs, path, { version })));
  });
}

/** A table (a version of it) as delta-rs reads it from moto, with a user's storage options. */
export function deltaRs(
  peer: Peer,
  s3: TestS3,
  path: string,
  version?: number,
): Promise<Described & { version: number }> {
  return peer.py(
    `
options = {
    "AWS_ENDPOINT_URL": args["endpoint"],
    "AWS_ACCESS_KEY_ID": "test",
    "AWS_SECRET_ACCESS_KEY": "test",
    "AWS_REGION": "us-east-1",
    "AWS_ALLOW_HTTP": "true",
}
table = DeltaTable(args["path"], storage_options=options)
if args.get("version") is not None:
    table.load_as_version(args["version"])
result = described(table.to_pyarrow_table())
result["version"] = table.version()
`,
    { endpoint: s3.endpoint, path, version },
  );
}

/** `script args` (tablestream's main.ts by default) as a child process pointed at moto. */
export function child(s3: TestS3, args: string[], script = MAIN): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", script, ...args],
    env: { ...s3.env, TZ: "UTC" },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

/** Waits for a child to end, failing with its stderr unless it exits 0. */
export async function finished(process: Deno.ChildProcess, what: string): Promise<void> {
  const result = await process.output();
  assertEquals(result.code, 0, `${what} failed:\n${new TextDecoder().decode(result.stderr)}`);
}
