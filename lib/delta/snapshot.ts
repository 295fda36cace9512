/**
 * The state of a Delta table at one version, as log replay produces it.
 *
 * @module
 */
import type { Add, CommitInfo, Metadata, Protocol, Txn } from "./actions.ts";

/** One entry of the table's history (like DESCRIBE HISTORY). */
export interface HistoryEntry {
  version: number;
  /** The commit's `commitInfo` (empty object when the commit had none). */
  commitInfo: CommitInfo;
}

/** A table's state at `version`. */
export interface Snapshot {
  /** The table's root folder. */
  table: string;
  version: number;
  protocol: Protocol;
  metadata: Metadata;
  /** Active data files, in the order they were added. */
  files: Add[];
  /** Latest txn per appId. */
  txns: Map<string, Txn>;
  /** Version of the checkpoint replay started from, if any. */
  checkpointVersion?: number;
  /**
   * Commit history of the versions replayed from JSON commits, oldest first (versions
   * covered only by a checkpoint have none).
   */
  history: HistoryEntry[];
}

/** The table is not a Delta table (no `_delta_log` with commits). */
export class NotADeltaTable extends Error {
  constructor(table: string) {
    super(`"${table}" is not a Delta table: it has no _delta_log commits`);
    this.name = "NotADeltaTable";
  }
}

/** The table needs a feature this reader does not implement; nothing is read. */
export class UnsupportedTableFeature extends Error {
  constructor(table: string, what: string) {
    super(`Cannot read Delta table "${table}": ${what}`);
    this.name = "UnsupportedTableFeature";
  }
}
