/**
 * Actions a writer's commits are made of beside its data files: the `txn` that records an
 * application's progress (refusing a version already committed or a commit that no longer
 * follows its application's last one), the `remove` of an active file, and the actions that
 * rebuild a snapshot's state in a writer.
 *
 * @module
 */
import type { Action, Add, Remove } from "./actions.ts";
import { type TableState, TxnConflictError } from "./commit.ts";
import { rowIdsOf } from "./row_tracking.ts";
import type { Snapshot } from "./snapshot.ts";
import type { WriteOptions } from "./writer_options.ts";

/**
 * The `txn` action of a commit of `appId` on top of `state`: its `txnVersion`, by default the
 * application's last + 1. Fails with {@link TxnConflictError} when the version was committed
 * already, or when the commit expected another last version (`txnAfter`).
 */
export function txnAction(
  state: TableState,
  appId: string,
  options: Pick<WriteOptions, "txnVersion" | "txnAfter">,
  now: number,
): Action {
  const last = state.txns.get(appId)?.version;
  const version = options.txnVersion ?? (last ?? -1) + 1;
  if (options.txnAfter !== undefined && (last ?? -1) !== options.txnAfter) {
    throw new TxnConflictError(
      state.table,
      state.version,
      appId,
      last ?? -1,
      `holds txn version ${last ?? "none"} of "${appId}", not ${options.txnAfter} as this ` +
        "commit expected: another writer with the same application id committed",
    );
  }
  if (last !== undefined && version <= last) {
    throw new TxnConflictError(
      state.table,
      state.version,
      appId,
      last,
      `already has txn version ${last} of "${appId}"; version ${version} was committed before`,
    );
  }
  return { txn: { appId, version, lastUpdated: now } };
}

/** The `remove` of an active file (its deletion vector and row ids with it). */
export function removeOf(file: Add, now: number): Remove {
  return {
    path: file.path,
    deletionTimestamp: now,
    dataChange: true,
    extendedFileMetadata: true,
    partitionValues: file.partitionValues,
    size: file.size,
    // A remove reconciles with the add of the same (path, deletion vector) only.
    ...(file.deletionVector ? { deletionVector: file.deletionVector } : {}),
    ...rowIdsOf(file),
  };
}

/** The actions that rebuild a snapshot's state. */
export function snapshotActions(snapshot: Snapshot): Action[] {
  return [
    { protocol: snapshot.protocol },
    { metaData: snapshot.metadata },
    ...[...snapshot.txns.values()].map((txn) => ({ txn })),
    ...(snapshot.domains ?? []).map((domainMetadata) => ({ domainMetadata })),
    ...snapshot.tombstones.map((remove) => ({ remove })),
    ...snapshot.files.map((add) => ({ add })),
  ];
}
