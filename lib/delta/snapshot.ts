/**
 * The state of a Delta table at one version, as log replay produces it.
 *
 * @module
 */
import type {
  Action,
  Add,
  CommitInfo,
  DomainMetadata,
  Metadata,
  Protocol,
  Remove,
  Txn,
} from "./actions.ts";
import { decodePath } from "./actions.ts";

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
  /**
   * Removed files not added again (tombstones), which checkpoints keep until the retention
   * period ends so that VACUUM does not delete files a reader of an older version needs.
   */
  tombstones: Remove[];
  /** Latest txn per appId. */
  txns: Map<string, Txn>;
  /**
   * The table's metadata domains (PROTOCOL.md, "Domain Metadata"): the latest of each, removed
   * ones dropped. Writers keep every one, understood or not.
   */
  domains?: DomainMetadata[];
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

/** The table needs a feature this reader (or writer) does not implement; nothing is done. */
export class UnsupportedTableFeature extends Error {
  /** The table stays as it is, so no retry helps (read by the streaming server). */
  readonly healable = false;

  constructor(table: string, what: string, verb = "read") {
    super(`Cannot ${verb} Delta table "${table}": ${what}`);
    this.name = "UnsupportedTableFeature";
  }
}

/** Replay state: reconciles actions in log order (PROTOCOL.md, "Action Reconciliation"). */
export class ReplayState {
  protocol?: Protocol;
  metadata?: Metadata;
  readonly txns = new Map<string, Txn>();
  readonly files = new Map<string, Add>();
  readonly tombstones = new Map<string, Remove>();
  /** Latest `domainMetadata` per domain; a removed domain is gone. */
  readonly domains = new Map<string, DomainMetadata>();

  apply(action: Action): void {
    if (action.protocol) this.protocol = action.protocol;
    if (action.metaData) this.metadata = action.metaData;
    if (action.txn) this.txns.set(action.txn.appId, action.txn);
    const domain = action.domainMetadata;
    if (domain) {
      if (domain.removed) this.domains.delete(domain.domain);
      else this.domains.set(domain.domain, domain);
    }
    if (action.add) {
      const key = fileKey(action.add);
      // A re-added file moves to the end: files stay in the order they were (last) added.
      this.files.delete(key);
      this.files.set(key, action.add);
      this.tombstones.delete(key);
    }
    if (action.remove) {
      const key = fileKey(action.remove);
      this.files.delete(key);
      this.tombstones.set(key, action.remove);
    }
  }
}

/** The reconciliation key of a file action: its decoded path and deletion vector id. */
export function fileKey(file: Add | Remove): string {
  let path = file.path;
  try {
    path = decodePath(path);
  } catch {
    // A path that is not valid percent-encoding is compared as written.
  }
  const dv = file.deletionVector as
    | { storageType?: string; pathOrInlineDv?: string; offset?: number | null }
    | null
    | undefined;
  if (!dv) return path;
  const offset = dv.offset === null || dv.offset === undefined ? "" : `@${dv.offset}`;
  return `${path}\u0000${dv.storageType ?? ""}${dv.pathOrInlineDv ?? ""}${offset}`;
}
