/**
 * Log replay: the state of a Delta table at a version, from its newest usable checkpoint
 * and the JSON commits after it (delta-io/delta PROTOCOL.md, "Action Reconciliation").
 *
 * @module
 */
import type { Action } from "./actions.ts";
import { commitFileName, commitVersion, parseCommit } from "./actions.ts";
import { readRefusal } from "./features.ts";
import { type DeltaFs, joinPath, logFolder } from "./fs.ts";
import {
  type HistoryEntry,
  NotADeltaTable,
  ReplayState,
  type Snapshot,
  UnsupportedTableFeature,
} from "./snapshot.ts";
import { readCheckpoint } from "./checkpoint_read.ts";

/** Options of {@link readSnapshot}. */
export interface ReadSnapshotOptions {
  /** The version to read (time travel); the latest when omitted. */
  version?: number;
  /**
   * Whether to refuse a table whose reader features this reader lacks (true by default).
   * `inspect` turns it off to describe such a table; its data must then not be read.
   */
  checkFeatures?: boolean;
}
/** How many commit files are fetched at once. */
const READ_CONCURRENCY = 16;

const CLASSIC_CHECKPOINT = /^(\d{20})\.checkpoint\.parquet$/;
const MULTIPART_CHECKPOINT = /^(\d{20})\.checkpoint\.(\d{10})\.(\d{10})\.parquet$/;
const V2_CHECKPOINT = /^(\d{20})\.checkpoint\.[0-9a-fA-F-]{36}\.(json|parquet)$/;

/** A complete checkpoint: its version and the file names of all its parts. */
interface Checkpoint {
  version: number;
  files: string[];
}

/**
 * What a listing of `_delta_log` holds, by kind; other names are ignored. Log compaction
 * files (`<x>.<y>.compacted.json`) are among them: optional for readers (PROTOCOL.md, "Log
 * Compaction Files"), and the commits they stand for are still there and give each version's
 * commitInfo, which the history needs.
 */
interface LogListing {
  commits: Set<number>;
  checkpoints: Checkpoint[];
}

/**
 * Replays the log of `table` and returns its state at `options.version` (default: latest).
 * Throws {@link NotADeltaTable} when there is no log, {@link UnsupportedTableFeature} when
 * the table needs a feature this reader lacks, and an `Error` naming the file for a gap in
 * the versions or a malformed log file.
 *
 * @example
 * ```ts
 * import { localFs } from "./fs.ts";
 * const snapshot = await readSnapshot(localFs, "out/orders");
 * console.log(snapshot.version, snapshot.files.length);
 * ```
 */
export async function readSnapshot(
  fs: DeltaFs,
  table: string,
  options: ReadSnapshotOptions = {},
): Promise<Snapshot> {
  const logDir = logFolder(table);
  const listing = await listLog(fs, logDir);
  const latest = latestOf(listing);
  if (latest === null) throw new NotADeltaTable(table);
  const target = options.version ?? latest;
  if (!Number.isInteger(target) || target < 0 || target > latest) {
    throw new Error(
      `Cannot read version ${target} of Delta table "${table}": the latest version is ${latest}`,
    );
  }

  await addLastCheckpoint(fs, logDir, listing);
  const checkpoint = listing.checkpoints
    .filter((c) => c.version <= target)
    .sort((a, b) => b.version - a.version)[0];

  const state = new ReplayState();
  let first = 0;
  if (checkpoint) {
    for (const file of checkpoint.files) {
      for (const action of await readCheckpoint(fs, logDir, file)) state.apply(action);
    }
    first = checkpoint.version + 1;
  } else if (!listing.commits.has(0)) {
    throw new Error(
      `Cannot read version ${target} of Delta table "${table}": ${logDir}/${
        commitFileName(0)
      } is missing and no checkpoint at or below version ${target} exists`,
    );
  }

  for (let v = first; v <= target; v++) {
    if (!listing.commits.has(v)) {
      throw new Error(
        `Delta log of "${table}" has a gap: ${logDir}/${commitFileName(v)} is missing ` +
          `(versions must be contiguous from ${first} to ${target})`,
      );
    }
  }
  const history: HistoryEntry[] = [];
  for (let start = first; start <= target; start += READ_CONCURRENCY) {
    const versions: number[] = [];
    for (let v = start; v <= Math.min(target, start + READ_CONCURRENCY - 1); v++) versions.push(v);
    const commits = await Promise.all(versions.map((v) => readCommit(fs, table, v)));
    commits.forEach((actions, i) => {
      let commitInfo = {};
      for (const action of actions) {
        state.apply(action);
        if (action.commitInfo && typeof action.commitInfo === "object") {
          commitInfo = action.commitInfo;
        }
      }
      history.push({ version: versions[i], commitInfo });
    });
  }

  const { protocol, metadata } = state;
  if (!protocol || !metadata) {
    throw new Error(
      `Delta log of "${table}" has no ${
        protocol ? "metaData" : "protocol"
      } action up to version ${target}`,
    );
  }
  if (options.checkFeatures !== false) {
    const refusal = readRefusal(protocol, metadata);
    if (refusal) throw new UnsupportedTableFeature(table, refusal);
  }
  return {
    table,
    version: target,
    protocol,
    metadata,
    files: [...state.files.values()],
    tombstones: [...state.tombstones.values()],
    txns: state.txns,
    domains: [...state.domains.values()],
    checkpointVersion: checkpoint?.version,
    history,
  };
}

/**
 * The latest committed version of `table` by listing its log, or null when it has none.
 *
 * @example
 * ```ts
 * import { localFs } from "./fs.ts";
 * const version = await latestVersion(localFs, "out/orders"); // e.g. 41, or null
 * ```
 */
export async function latestVersion(fs: DeltaFs, table: string): Promise<number | null> {
  return latestOf(await listLog(fs, logFolder(table)));
}

/**
 * The actions of commit `version` of `table`. Throws when the commit does not exist or a line
 * is malformed (naming the file and line).
 *
 * @example
 * ```ts
 * import { localFs } from "./fs.ts";
 * const actions = await readCommit(localFs, "out/orders", 3);
 * ```
 */
export async function readCommit(fs: DeltaFs, table: string, version: number): Promise<Action[]> {
  const path = joinPath(logFolder(table), commitFileName(version));
  let bytes: Uint8Array;
  try {
    bytes = await fs.readFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new Error(`Commit ${version} of Delta table "${table}" does not exist (${path})`, {
        cause: error,
      });
    }
    throw error;
  }
  return parseCommit(new TextDecoder().decode(bytes), path);
}

async function listLog(fs: DeltaFs, logDir: string): Promise<LogListing> {
  const commits = new Set<number>();
  const classic: Checkpoint[] = [];
  const parts = new Map<string, { version: number; total: number; files: Map<number, string> }>();
  for (const entry of await fs.list(logDir)) {
    if (!entry.isFile) continue;
    const commit = commitVersion(entry.name);
    if (commit !== null) {
      commits.add(commit);
      continue;
    }
    let match = CLASSIC_CHECKPOINT.exec(entry.name);
    if (match) {
      classic.push({ version: Number(match[1]), files: [entry.name] });
      continue;
    }
    match = MULTIPART_CHECKPOINT.exec(entry.name);
    if (match) {
      const version = Number(match[1]);
      const total = Number(match[3]);
      const key = `${version}/${total}`;
      const group = parts.get(key) ?? { version, total, files: new Map<number, string>() };
      group.files.set(Number(match[2]), entry.name);
      parts.set(key, group);
      continue;
    }
    match = V2_CHECKPOINT.exec(entry.name);
    // A UUID-named checkpoint is written whole, in one put: complete once listed.
    if (match) classic.push({ version: Number(match[1]), files: [entry.name] });
  }
  const checkpoints = [...classic];
  for (const group of parts.values()) {
    // A multi-part checkpoint counts only when every part is there.
    const files: string[] = [];
    for (let i = 1; i <= group.total; i++) {
      const file = group.files.get(i);
      if (file) files.push(file);
    }
    if (files.length === group.total) checkpoints.push({ version: group.version, files });
  }
  return { commits, checkpoints };
}

function latestOf(listing: LogListing): number | null {
  let latest: number | null = null;
  for (const v of listing.commits) if (latest === null || v > latest) latest = v;
  for (const c of listing.checkpoints) {
    if (latest === null || c.version > latest) latest = c.version;
  }
  return latest;
}

/**
 * Adds the checkpoint `_last_checkpoint` points at when the listing missed it (listings may
 * lag on some stores). A missing, malformed or stale `_last_checkpoint` is ignored: the
 * listing is the truth.
 */
async function addLastCheckpoint(fs: DeltaFs, logDir: string, listing: LogListing): Promise<void> {
  let hint: { version?: unknown; parts?: unknown; v2Checkpoint?: { path?: unknown } };
  try {
    hint = JSON.parse(
      new TextDecoder().decode(await fs.readFile(joinPath(logDir, "_last_checkpoint"))),
    );
  } catch {
    return;
  }
  const version = hint?.version;
  if (typeof version !== "number" || !Number.isInteger(version) || version < 0) return;
  if (listing.checkpoints.some((c) => c.version === version)) return;
  const prefix = commitFileName(version).slice(0, 20);
  const v2 = hint.v2Checkpoint?.path;
  const files = typeof v2 === "string" && V2_CHECKPOINT.exec(v2)?.[1] === prefix
    ? [v2]
    : typeof hint.parts === "number" && hint.parts > 1
    ? Array.from(
      { length: hint.parts },
      (_, i) =>
        `${prefix}.checkpoint.${String(i + 1).padStart(10, "0")}.${
          String(hint.parts).padStart(10, "0")
        }.parquet`,
    )
    : [`${prefix}.checkpoint.parquet`];
  for (const file of files) {
    if (await fs.stat(joinPath(logDir, file)) === null) return;
  }
  listing.checkpoints.push({ version, files });
}
