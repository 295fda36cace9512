/**
 * The interop tests' side of the Python peer (`peer.py`): Python code run there, and tables as
 * each engine reads them, in canonical rows (see peer.py) so that they compare exactly.
 *
 * @module
 */
import * as arrow from "apache-arrow";
import { externalTest, interopPeer } from "../_external.ts";
import { localFs } from "../../lib/delta/fs.ts";
import { readSnapshot } from "../../lib/delta/log_reader.ts";
import { readTable } from "../../lib/delta/read_data.ts";

/** An engine of the peer; `ipc` and `parquet` read files as pyarrow does. */
export type Engine = "delta-rs" | "polars" | "spark" | "ipc" | "parquet";

/** The Delta engines every table of ours is read by. */
export const ENGINES = ["delta-rs", "polars", "spark"] as const;

/** A table as an engine read it. */
export interface Described {
  /** Arrow fields as pyarrow prints their types. */
  schema: { name: string; type: string }[];
  count: number;
  /** SHA-256 (24 hex digits) of the sorted canonical rows. */
  digest: string;
  /** The canonical rows, sorted. */
  rows: string[];
}

/** The peer: Python with delta-rs, Polars, one Spark session and tablefaker. */
export class Peer {
  constructor(readonly url: string) {}

  /**
   * Runs Python code in the peer; what it assigns to `result` comes back as JSON. `args` is
   * there as `args`. A Python exception rejects, with its traceback.
   */
  async py<T = unknown>(code: string, args: Record<string, unknown> = {}): Promise<T> {
    const response = await fetch(`${this.url}/exec`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ code, args }),
    });
    const body = await response.json();
    if (!response.ok) throw new Error(`Python failed in the interop peer:\n${body.error}`);
    return body.result as T;
  }

  /** A table as `engine` reads it (a version of it, some columns of it). */
  read(
    engine: Engine,
    path: string,
    options: { version?: number; columns?: string[] } = {},
  ): Promise<Described> {
    return this.py<Described>(
      "result = read(args['engine'], args['path'], args.get('version'), args.get('columns'))",
      { engine, path, ...options },
    );
  }

  /**
   * A table on an S3 API (`s3://bucket/key`) as Spark reads it through Hadoop's S3A connector
   * (`s3a://bucket/key`), pointed at `endpoint` (moto's) for that bucket.
   */
  readS3(
    path: string,
    endpoint: string,
    options: { version?: number; columns?: string[] } = {},
  ): Promise<Described> {
    return this.py<Described>(
      "result = read_s3(args['path'], args['endpoint'], args.get('version'), args.get('columns'))",
      { path, endpoint, ...options },
    );
  }

  /** An Arrow table of ours, in the same canonical rows (sent as an Arrow IPC stream). */
  async describe(table: arrow.Table): Promise<Described> {
    const path = await Deno.makeTempFile({ prefix: "tablestream-interop-", suffix: ".arrows" });
    try {
      await Deno.writeFile(path, arrow.tableToIPC(table, "stream"));
      return await this.read("ipc", path);
    } finally {
      await Deno.remove(path);
    }
  }

  /** A Delta table as our own reader reads it (a version of it). */
  async ours(path: string, options: { version?: number } = {}): Promise<Described> {
    const snapshot = await readSnapshot(localFs, path, options);
    return await this.describe(await readTable(localFs, snapshot));
  }
}

/** Registers an interop test: skipped without the peer (`deno task test:interop` starts it). */
export function interopTest(
  name: string,
  fn: (peer: Peer) => Promise<void>,
): void {
  externalTest({ name, need: interopPeer(), fn: (url) => fn(new Peer(url)) });
}

/**
 * Asserts that two reads hold the same rows: equal digests, or an error with both counts and
 * the first rows that differ.
 */
export function assertSameRows(actual: Described, expected: Described, what: string): void {
  if (actual.digest === expected.digest) return;
  const have = new Set(actual.rows);
  const want = new Set(expected.rows);
  const missing = expected.rows.filter((r) => !have.has(r)).slice(0, 3);
  const extra = actual.rows.filter((r) => !want.has(r)).slice(0, 3);
  throw new Error(
    `${what}: rows differ (${actual.count} rows, expected ${expected.count})\n` +
      `  missing: ${missing.join("\n           ") || "none"}\n` +
      `  extra:   ${extra.join("\n           ") || "none"}`,
  );
}
