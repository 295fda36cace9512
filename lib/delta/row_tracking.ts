/**
 * Row tracking (PROTOCOL.md, "Row Tracking", "Writer Requirements for Row Tracking"): on a
 * table whose protocol has the `rowTracking` writer feature (and is not suspended), every
 * `add` a writer commits gets a `baseRowId` above the table's high-water mark, which the same
 * commit advances in the `delta.rowTracking` domain, and a `defaultRowCommitVersion` equal to
 * the commit's version. Both depend on the table the commit lands on, so they are assigned
 * when the commit is prepared: a commit retried at another version gets them anew.
 *
 * A file's default row ids are its `baseRowId` plus each row's position in the file, deleted
 * rows included: a file of `numRecords` rows takes `numRecords` ids.
 *
 * Files we rewrite (optimize, copy-on-write) get fresh row ids: we do not write the
 * materialized row id columns that would keep rows' stable ids (a "should" of the protocol),
 * and say so in the commit's `delta.rowTracking.preserved` tag.
 *
 * @module
 */
import type { Action, Add, DomainMetadata, Metadata, Protocol } from "./actions.ts";
import { domainAction, domainConfiguration } from "./domains.ts";
import { writerFeatures } from "./features.ts";

/** The domain that holds the row id high-water mark. */
export const ROW_TRACKING_DOMAIN = "delta.rowTracking";
/** The table property that turns row tracking on (stable row ids readers may rely on). */
export const ENABLE_ROW_TRACKING = "delta.enableRowTracking";
/** The commitInfo tag saying whether rewritten rows kept their stable row ids. */
export const ROW_TRACKING_PRESERVED = "delta.rowTracking.preserved";

/** Whether writers must assign row ids and commit versions to the files they add. */
export function assignsRowIds(protocol: Protocol | undefined, metadata?: Metadata): boolean {
  if (!protocol || !writerFeatures(protocol).includes("rowTracking")) return false;
  return metadata?.configuration?.["delta.rowTrackingSuspended"] !== "true";
}

/** The highest row id assigned so far in the table (-1: none). */
export function rowIdHighWaterMark(domains: ReadonlyMap<string, DomainMetadata>): number {
  const mark = domainConfiguration(domains, ROW_TRACKING_DOMAIN)?.rowIdHighWaterMark;
  return typeof mark === "number" && Number.isSafeInteger(mark) ? mark : -1;
}

/**
 * `adds` with row ids after the table's high-water mark and `version` as their commit
 * version, and the `domainMetadata` action that advances the mark past them. Each file must
 * say how many rows it holds (`numRecords`), or its ids could not be reserved.
 */
export function assignRowIds(
  adds: readonly Add[],
  domains: ReadonlyMap<string, DomainMetadata>,
  version: number,
): { adds: Add[]; domain?: Action } {
  if (adds.length === 0) return { adds: [] };
  let next = rowIdHighWaterMark(domains) + 1;
  const assigned = adds.map((add) => {
    const rows = recordCount(add);
    const withIds = { ...add, baseRowId: next, defaultRowCommitVersion: version };
    next += rows;
    return withIds;
  });
  return {
    adds: assigned,
    domain: domainAction(ROW_TRACKING_DOMAIN, { rowIdHighWaterMark: next - 1 }),
  };
}

/**
 * On a table that tracks rows, the commitInfo tag saying whether the rows a commit copies kept
 * their stable row ids: never when it rewrites files (`rewrites`), trivially otherwise.
 */
export function rowTrackingTags(
  table: { protocol?: Protocol; metadata?: Metadata },
  rewrites: boolean,
): { tags?: Record<string, string> } {
  if (!assignsRowIds(table.protocol, table.metadata)) return {};
  return { tags: { [ROW_TRACKING_PRESERVED]: String(!rewrites) } };
}

/** A file's row tracking fields, for the `remove` of it: those of its last add. */
export function rowIdsOf(file: Add): Pick<Add, "baseRowId" | "defaultRowCommitVersion"> {
  return {
    ...(typeof file.baseRowId === "number" ? { baseRowId: file.baseRowId } : {}),
    ...(typeof file.defaultRowCommitVersion === "number"
      ? { defaultRowCommitVersion: file.defaultRowCommitVersion }
      : {}),
  };
}

/** The table a commit lands on, as far as row tracking goes. */
export interface RowTrackingTarget {
  /** The protocol after the commit (a new table's is in the commit itself). */
  protocol?: Protocol;
  metadata?: Metadata;
  domains: ReadonlyMap<string, DomainMetadata>;
  /** The version of the commit. */
  version: number;
}

/**
 * The `add` actions of a commit's new files: with row ids (and the high-water mark's domain
 * action after them) on a table that tracks rows, as they are otherwise.
 */
export function addActions(adds: readonly Add[], target: RowTrackingTarget): Action[] {
  if (!assignsRowIds(target.protocol, target.metadata)) return adds.map((add) => ({ add }));
  const assigned = assignRowIds(adds, target.domains, target.version);
  return [...assigned.adds.map((add) => ({ add })), ...assigned.domain ? [assigned.domain] : []];
}

/**
 * A new table's properties, with the materialized row id and commit version column names
 * (named as Spark 4.0 names them) when they turn row tracking on: the protocol requires them
 * before `delta.enableRowTracking` may be true.
 */
export function withRowTrackingColumns(
  properties: Record<string, string>,
): Record<string, string> {
  if (properties[ENABLE_ROW_TRACKING] !== "true") return properties;
  return {
    "delta.rowTracking.materializedRowIdColumnName": `_row-id-col-${crypto.randomUUID()}`,
    "delta.rowTracking.materializedRowCommitVersionColumnName":
      `_row-commit-version-col-${crypto.randomUUID()}`,
    ...properties,
  };
}

/** The rows of a file from its stats; a file without them cannot take row ids. */
function recordCount(add: Add): number {
  let rows: unknown;
  try {
    rows = JSON.parse(add.stats ?? "{}").numRecords;
  } catch {
    rows = undefined;
  }
  if (typeof rows !== "number" || !Number.isSafeInteger(rows) || rows < 0) {
    throw new Error(
      `Cannot assign row ids to ${add.path}: its stats lack numRecords (row tracking needs it)`,
    );
  }
  return rows;
}
