/**
 * From a validated config to what the engine needs.
 *
 * @module
 */
import type { Config, TableConfig } from "./model.ts";
import type { ChangeSpec, PickSpec } from "../changes/spec.ts";
import { builtinRegistry } from "./plugins.ts";
import type { RunInputs, TableSpec } from "../engine/spec.ts";
import type { EngineOptions } from "../engine/engine.ts";

/** The engine's plugins from a checked config: its distributions. */
export function engineOptions(config: Config): EngineOptions {
  return {
    distributions: (config.plugins ?? builtinRegistry()).distributions(),
    ...(config.parentCacheMb !== undefined
      ? { parentCacheBytes: config.parentCacheMb * 1024 * 1024 }
      : {}),
  };
}

/** The seed used when neither the config nor the command line gives one. */
export const DEFAULT_SEED = 0;

/** The engine's view of every table of a validated config. */
export function tableSpecs(config: Config): TableSpec[] {
  return config.tables.map((table) => ({
    name: table.name,
    startRowId: table.startRowId,
    rowCount: table.rowCount,
    primaryKey: table.primaryKey,
    ...(table.partitionBy ? { partitionBy: table.partitionBy } : {}),
    ...(table.clusterBy ? { clusterBy: table.clusterBy } : {}),
    ...(table.tableProperties ? { properties: table.tableProperties } : {}),
    ...(table.duplicates ? { duplicates: table.duplicates } : {}),
    columns: table.columns.map((column) => {
      if (!column.expr) {
        throw new Error(`Column "${column.name}" of table "${table.name}" was not compiled`);
      }
      return {
        name: column.name,
        expr: column.expr,
        type: column.type,
        nullFraction: column.nullFraction,
        ...(column.eventTime ? { eventTime: column.eventTime } : {}),
        ...(column.badValues ? { badValues: column.badValues } : {}),
        ...(column.orphans ? { orphans: column.orphans } : {}),
      };
    }),
  }));
}

/**
 * The change model's view of a table's `changes:` (undefined without them). A `half_life` in
 * time becomes rows at the table's insert rate: rows arrive evenly, so that many rows are
 * that much younger.
 */
export function changeSpec(table: TableConfig): ChangeSpec | undefined {
  const changes = table.changes;
  if (!changes) return undefined;
  const { distribution, param, halfLife } = changes.pick;
  let pick: PickSpec = { distribution: "uniform" };
  if (distribution === "zipf") pick = { distribution, param: param! };
  if (distribution === "recent") {
    if (halfLife === undefined) {
      throw new Error(`The changes of table "${table.name}" pick \`recent\` without a half-life`);
    }
    const rows = "rows" in halfLife
      ? halfLife.rows
      : halfLife.ms * table.cadence.rowsPerMinute / 60_000;
    pick = { distribution, halfLifeRows: Math.max(rows, Number.MIN_VALUE) };
  }
  return {
    updatesPerMinute: changes.updatesPerMinute,
    deletesPerMinute: changes.deletesPerMinute,
    updateColumns: changes.updateColumns,
    pick,
  };
}

/** Overrides of a run's inputs from the command line. */
export interface InputOverrides {
  seed?: number;
  now?: Date;
}

/**
 * The run's inputs: seed and reference time from the command line, else the config, else
 * the default seed and the given wall-clock time (the one place a run reads the clock).
 */
export function runInputs(config: Config, overrides: InputOverrides, wallClock: Date): RunInputs {
  return {
    seed: overrides.seed ?? config.seed ?? DEFAULT_SEED,
    locale: config.locale,
    now: overrides.now ?? config.referenceTime ?? wallClock,
  };
}

/** Tables a table reads from (by foreign_key or copy_from_fk), directly. */
export function parentsOf(spec: TableSpec): Set<string> {
  const parents = new Set<string>();
  for (const column of spec.columns) {
    for (const fk of column.expr.foreignKeys) parents.add(fk.table);
    for (const copy of column.expr.copies) parents.add(copy.table);
  }
  parents.delete(spec.name);
  return parents;
}

/**
 * The tables to write for `roots`, with every table they read from, parents first (the
 * config order breaks ties). Assumes the config has no foreign-key cycles (validation).
 */
export function withAncestors(specs: readonly TableSpec[], roots: readonly string[]): string[] {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const order: string[] = [];
  const visit = (name: string, path: string[]): void => {
    if (order.includes(name)) return;
    if (path.includes(name)) {
      throw new Error(`Foreign keys form a cycle: ${[...path, name].join(" -> ")}`);
    }
    const spec = byName.get(name);
    if (!spec) throw new Error(`Unknown table "${name}"`);
    for (const parent of parentsOf(spec)) visit(parent, [...path, name]);
    order.push(name);
  };
  for (const root of roots) visit(root, []);
  return order;
}
