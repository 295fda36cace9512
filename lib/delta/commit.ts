/**
 * Atomic commits with optimistic concurrency (PROTOCOL.md, "Commit Protocol"; Delta's
 * storage docs): a commit is written under its version's name only if that name is free
 * (`DeltaFs.putIfAbsent`: a temporary file hard-linked on a local disk, a conditional PUT on
 * an object store), whole or not at all. Losing the race means another
 * writer committed first: its commits are read, checked for conflicts, and the commit is
 * prepared again for the next version, after a randomized back-off.
 *
 * @module
 */
import type { Action, CommitInfo } from "./actions.ts";
import { commitFileName, serializeCommit } from "./actions.ts";
import { type DeltaFs, joinPath, logFolder } from "./fs.ts";
import { readCommit } from "./log_reader.ts";
import { ReplayState } from "./snapshot.ts";
import { fileKey } from "./snapshot.ts";
import { conflictingDomain } from "./domains.ts";
import { ROW_TRACKING_DOMAIN } from "./row_tracking.ts";

/**
 * Domains a commit derives anew from the table it lands on when it is retried, so a winner's
 * change to them is no conflict: the row id high-water mark (see row_tracking.ts).
 */
const RECOMPUTED_DOMAINS: ReadonlySet<string> = new Set([ROW_TRACKING_DOMAIN]);

/** One encoder for every commit (a live run makes thousands). */
const UTF8 = new TextEncoder();

/** Written into every commitInfo as `engineInfo`. */
export const ENGINE_INFO = "tablestream/0.1.0";

/** The replay state a writer keeps in memory, at `version` (-1 before the table exists). */
export class TableState extends ReplayState {
  version = -1;
  /** Folders this process made or found under the table: made once, not per commit. */
  readonly folders = new Set<string>();
  /**
   * Whether another writer has committed to this table since this state was read (a race
   * lost, or a commit found on reading ahead): from then on each commit first reads ahead to
   * the log's end, so writers that take turns (shards) do not lose a race per commit. A
   * table with one writer never pays that read.
   */
  shared = false;
  /** The newest checkpoint this writer read the table from or wrote, if any. */
  lastCheckpoint?: number;
  constructor(readonly table: string) {
    super();
  }
}

/**
 * Makes a folder (and its parents) unless `state` knows it exists: a live run commits
 * thousands of times, and each `mkdir` is a system call.
 */
export async function ensureFolder(fs: DeltaFs, state: TableState, dir: string): Promise<void> {
  if (state.folders.has(dir)) return;
  await fs.mkdir(dir);
  state.folders.add(dir);
}

/** Another writer committed something this commit cannot be reconciled with. */
export class ConcurrentModificationError extends Error {
  /**
   * Whether retrying can succeed (read by the streaming server): a retry starts from the
   * table as the other writer left it, which usually takes the write, unless that writer
   * made the table into something this one cannot write (`healable` false).
   */
  readonly healable: boolean;

  constructor(table: string, version: number, what: string, healable = true) {
    super(`Commit to Delta table "${table}" failed: version ${version} ${what}`);
    this.name = "ConcurrentModificationError";
    this.healable = healable;
  }
}

/**
 * The table's `txn` of this writer's application id is not where this commit expected it:
 * another writer with the same application id committed (two servers on one output).
 * `txnVersion` is the version that writer committed (-1: none).
 */
export class TxnConflictError extends ConcurrentModificationError {
  constructor(
    table: string,
    version: number,
    readonly appId: string,
    readonly txnVersion: number,
    what: string,
  ) {
    super(table, version, what);
    this.name = "TxnConflictError";
  }
}

/** What to commit. */
export interface CommitRequest {
  /**
   * Builds the commit's actions (without commitInfo) against `state`. Called once per
   * attempt, after the winners of a lost race are applied to `state`; throws
   * {@link ConcurrentModificationError} when the commit no longer makes sense.
   */
  prepare(state: TableState): Action[];
  /** commitInfo `operation`, e.g. `WRITE`, `CREATE TABLE`, `OPTIMIZE`. */
  operation: string;
  operationParameters?: Record<string, unknown>;
  operationMetrics?: Record<string, unknown>;
  /** Whether the commit only adds files without reading the table (`isBlindAppend`). */
  isBlindAppend: boolean;
  /** commitInfo `tags`. */
  tags?: Record<string, string>;
}

/** Tuning of the retry loop. */
export interface CommitOptions {
  /** Attempts before giving up; 200 by default. */
  maxAttempts?: number;
  /** First back-off in ms, doubled per lost race up to `maxBackoffMs`; 2 by default. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** Current time in ms (commitInfo timestamps); `Date.now` by default. */
  now?: () => number;
}

/** A successful commit. */
export interface CommitResult {
  version: number;
  actions: Action[];
  /** Races lost before this commit landed. */
  retries: number;
}

/**
 * Commits `request` to the table `state` describes and advances `state` to the new
 * version. Never overwrites a commit file; a crash at any point leaves at worst a stray
 * temporary file in `_delta_log/.tmp/` (on a local disk), which readers ignore.
 */
export async function commit(
  fs: DeltaFs,
  state: TableState,
  request: CommitRequest,
  options: CommitOptions = {},
): Promise<CommitResult> {
  const maxAttempts = options.maxAttempts ?? 200;
  const now = options.now ?? Date.now;
  const existed = state.metadata !== undefined;
  const logDir = logFolder(state.table);
  const txnId = crypto.randomUUID();
  if (state.shared && existed) {
    await catchUp(fs, state, request.prepare(state), existed, { toEnd: true });
  }
  for (let attempt = 0; attempt < maxAttempts; attempt++) {
    const version = state.version + 1;
    const actions = request.prepare(state);
    const info: CommitInfo = {
      timestamp: now(),
      operation: request.operation,
      operationParameters: request.operationParameters ?? {},
      ...(version > 0 ? { readVersion: version - 1 } : {}),
      isolationLevel: "Serializable",
      isBlindAppend: request.isBlindAppend,
      ...(request.operationMetrics ? { operationMetrics: request.operationMetrics } : {}),
      engineInfo: ENGINE_INFO,
      txnId,
      ...(request.tags ? { tags: request.tags } : {}),
    };
    // commitInfo first: required with in-commit timestamps, harmless otherwise.
    const all: Action[] = [{ commitInfo: info }, ...actions];
    const bytes = UTF8.encode(serializeCommit(all));
    if (await fs.putIfAbsent(joinPath(logDir, commitFileName(version)), bytes)) {
      for (const action of actions) state.apply(action);
      state.version = version;
      return { version, actions: all, retries: attempt };
    }
    state.shared = true;
    await catchUp(fs, state, actions, existed);
    await backoff(attempt, options);
  }
  throw new Error(
    `Commit to Delta table "${state.table}" failed: other writers won ${maxAttempts} races in a row`,
  );
}

/**
 * Applies every commit after `state.version`, failing on a conflict with `ours`. After a lost
 * race the next version exists; reading ahead (`toEnd`), it may not.
 */
async function catchUp(
  fs: DeltaFs,
  state: TableState,
  ours: readonly Action[],
  existed: boolean,
  options: { toEnd?: boolean } = {},
): Promise<void> {
  const ourTxns = new Set(ours.flatMap((a) => a.txn ? [a.txn.appId] : []));
  const ourRemoves = new Set(ours.flatMap((a) => a.remove ? [fileKey(a.remove)] : []));
  const first = state.version + 1;
  for (let version = first;; version++) {
    let winner: Action[];
    try {
      winner = await readCommit(fs, state.table, version);
    } catch (error) {
      // The first one exists (it beat us); after it, a missing version is the end of the log.
      if ((version > first || options.toEnd) && isMissing(error)) return;
      throw error;
    }
    // Another writer of our application id says the most (which ticks it took), so it is
    // found before any other conflict of the same commit.
    const sameApp = winner.find((a) => a.txn && ourTxns.has(a.txn.appId))?.txn;
    if (sameApp) {
      throw new TxnConflictError(
        state.table,
        version,
        sameApp.appId,
        sameApp.version,
        `was written by another writer with the same application id "${sameApp.appId}"`,
      );
    }
    for (const action of winner) {
      // A table created concurrently is fine: prepare() checks it matches what we write.
      if (existed && (action.metaData || action.protocol)) {
        throw new ConcurrentModificationError(
          state.table,
          version,
          `changed the table's ${action.metaData ? "metadata" : "protocol"}; retry the write`,
        );
      }
      const domain = conflictingDomain(ours, [action], RECOMPUTED_DOMAINS);
      if (domain !== undefined) {
        throw new ConcurrentModificationError(
          state.table,
          version,
          `changed the metadata domain "${domain}", which this commit changes too`,
        );
      }
      if (action.remove && ourRemoves.has(fileKey(action.remove))) {
        throw new ConcurrentModificationError(
          state.table,
          version,
          `removed ${action.remove.path}, which this commit removes too`,
        );
      }
      state.apply(action);
    }
    state.version = version;
  }
}

function isMissing(error: unknown): boolean {
  return (error as Error)?.cause instanceof Deno.errors.NotFound;
}

/** Sleeps a random time up to the attempt's exponential back-off, so racers spread out. */
function backoff(attempt: number, options: CommitOptions): Promise<void> {
  const base = options.backoffMs ?? 2;
  const cap = options.maxBackoffMs ?? 250;
  const limit = Math.min(cap, base * 2 ** Math.min(attempt, 20));
  const ms = limit / 2 + Math.random() * limit / 2;
  return new Promise((resolve) => setTimeout(resolve, ms));
}
