/**
 * Metadata domains (PROTOCOL.md, "Domain Metadata"): named configurations a table keeps in
 * `domainMetadata` actions. Writers keep every domain, understood or not (the snapshot and
 * our checkpoints carry them), change only the system domains they understand
 * (`delta.rowTracking`, row_tracking.ts; `delta.clustering` at creation), and treat two
 * commits that both write a domain as conflicting.
 *
 * @module
 */
import type { Action, DomainMetadata } from "./actions.ts";

/** The domain of a clustered table's clustering columns (PROTOCOL.md, "Clustered Table"). */
export const CLUSTERING_DOMAIN = "delta.clustering";

/**
 * A domain's `domainMetadata` action with a JSON configuration; `domainName` is in it as
 * Spark writes it.
 */
export function domainAction(domain: string, configuration: Record<string, unknown>): Action {
  return {
    domainMetadata: {
      domain,
      configuration: JSON.stringify({ ...configuration, domainName: domain }),
      removed: false,
    },
  };
}

/** The parsed JSON configuration of a domain, or undefined when absent or not JSON. */
export function domainConfiguration(
  domains: ReadonlyMap<string, DomainMetadata>,
  domain: string,
): Record<string, unknown> | undefined {
  const found = domains.get(domain);
  if (!found) return undefined;
  try {
    const parsed = JSON.parse(found.configuration);
    return parsed !== null && typeof parsed === "object" ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The `delta.clustering` domain of a table clustered by `columns` (physical names; a nested
 * column by its path), as Spark writes it: each column as the list of its path's parts.
 */
export function clusteringDomain(columns: readonly string[]): Action {
  return domainAction(CLUSTERING_DOMAIN, {
    clusteringColumns: columns.map((column) => column.split(".")),
  });
}

/** The writer features a clustered table needs. */
export const CLUSTERING_FEATURES: readonly string[] = ["clustering", "domainMetadata"];

/**
 * Refuses clustering a table that is partitioned (the protocol forbids both at once), and
 * clustering by a column twice.
 */
export function checkClusterBy(
  table: string,
  partitionBy: readonly string[],
  clusterBy: readonly string[],
): void {
  if (clusterBy.length === 0) return;
  if (partitionBy.length > 0) {
    throw new Error(
      `Delta table "${table}" cannot be both partitioned (${partitionBy.join(", ")}) and ` +
        `clustered (${clusterBy.join(", ")}): keep partition_by or cluster_by`,
    );
  }
  const twice = clusterBy.find((c, i) => clusterBy.indexOf(c) !== i);
  if (twice) throw new Error(`Delta table "${table}" is clustered by "${twice}" twice`);
}

/**
 * A clustered table's clustering columns (physical names, dotted paths), from its
 * `delta.clustering` domain: Spark writes each as a list of path parts, the protocol's
 * example as a string. Empty when the table is not clustered.
 */
export function clusteringColumns(domains: ReadonlyMap<string, DomainMetadata>): string[] {
  const columns = domainConfiguration(domains, CLUSTERING_DOMAIN)?.clusteringColumns;
  if (!Array.isArray(columns)) return [];
  return columns.map((column) => Array.isArray(column) ? column.join(".") : String(column));
}

/**
 * The domain a winning commit wrote that `ours` writes too (a conflict, per the protocol),
 * or undefined. `recomputed` domains are left out: this commit derives them again from the
 * table after the winner (the row id high-water mark), so both commits stay right.
 */
export function conflictingDomain(
  ours: readonly Action[],
  winner: readonly Action[],
  recomputed: ReadonlySet<string>,
): string | undefined {
  const written = new Set(
    ours.flatMap((a) => a.domainMetadata ? [a.domainMetadata.domain] : []),
  );
  for (const action of winner) {
    const domain = action.domainMetadata?.domain;
    if (domain !== undefined && written.has(domain) && !recomputed.has(domain)) return domain;
  }
  return undefined;
}
