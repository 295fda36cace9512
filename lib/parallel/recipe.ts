/**
 * An engine as data: what a generation worker needs to rebuild, in its own isolate, the
 * engine of the main thread. Every cell is a pure function of the config, the run's inputs
 * and where each table's rows are placed, so an engine rebuilt from these facts computes
 * exactly the rows the original would.
 *
 * @module
 */
import { formatDiagnostics, loadConfig } from "../config/mod.ts";
import { Engine } from "../engine/engine.ts";
import { changeSpec, engineOptions, tableSpecs } from "../config/engine_specs.ts";
import { LoadedRows, type TransferredRows } from "../state/loaded_rows.ts";
import type { ParentFacts, TableRole } from "../stream/parent_source.ts";
import { changingParentSource } from "../changes/stream_parent.ts";
import type { Timeline, TimelineSpec } from "../stream/timeline.ts";
import { timelineOf } from "../stream/shaped_timeline.ts";

/** One table of an {@link EngineRecipe}. */
export interface TableRecipe {
  name: string;
  startRowId: number;
  rowCount: number;
  /** `run`: the table's timeline. */
  timeline?: TimelineSpec;
  /** `run`: what children see of the table (its role, and the rows it keeps). */
  parent?: { role: TableRole; prefix?: TransferredRows };
}

/** Everything that decides an engine's rows, as structured-clonable data. */
export interface EngineRecipe {
  /** The config file (workers load it, plugin files included). */
  configPath: string;
  seed: number;
  locale: string;
  /** The reference time, ms. */
  nowMs: number;
  /** The engine's tables, in its order. */
  tables: TableRecipe[];
}

/** The recipe of an engine built from the config at `configPath` (batch runs). */
export function recipeOf(engine: Engine, configPath: string): EngineRecipe {
  return {
    configPath,
    seed: engine.inputs.seed,
    locale: engine.inputs.locale,
    nowMs: engine.inputs.now.getTime(),
    tables: engine.tables().map((g) => ({
      name: g.name,
      startRowId: g.spec.startRowId,
      rowCount: g.spec.rowCount,
    })),
  };
}

/** The recipe entry of a planned streaming table: its placement and what children see. */
export function streamTableRecipe(
  facts: ParentFacts & { spec: { startRowId: number; rowCount: number } },
): TableRecipe {
  const prefix = facts.prefix;
  return {
    name: facts.name,
    startRowId: facts.spec.startRowId,
    rowCount: facts.spec.rowCount,
    ...(facts.timeline ? { timeline: facts.timeline.spec } : {}),
    parent: { role: facts.role, ...(prefix ? { prefix: prefix.transfer() } : {}) },
  };
}

/** Rebuilds the engine a recipe describes. */
export async function engineFromRecipe(recipe: EngineRecipe): Promise<Engine> {
  const { config, diagnostics } = await loadConfig(recipe.configPath);
  if (!config || diagnostics.some((d) => d.severity === "error")) {
    throw new Error(`Cannot load ${recipe.configPath}:\n${formatDiagnostics(diagnostics)}`);
  }
  const specs = new Map(tableSpecs(config).map((s) => [s.name, s]));
  const timelines = new Map<string, Timeline>();
  const chosen = recipe.tables.map((t) => {
    const spec = specs.get(t.name);
    if (!spec) throw new Error(`${recipe.configPath} has no table "${t.name}"`);
    spec.startRowId = t.startRowId;
    spec.rowCount = t.rowCount;
    if (t.timeline) {
      const timeline = timelineOf(t.timeline);
      timelines.set(t.name, timeline);
      spec.timeline = timeline;
    }
    return spec;
  });
  const engine = new Engine(
    chosen,
    { seed: recipe.seed, locale: recipe.locale, now: new Date(recipe.nowMs) },
    engineOptions(config),
  );
  for (const t of recipe.tables) {
    if (!t.parent) continue;
    const prefix = t.parent.prefix ? LoadedRows.received(t.parent.prefix) : undefined;
    const facts: ParentFacts = {
      name: t.name,
      role: t.parent.role,
      ...(prefix ? { prefix } : {}),
      ...(timelines.has(t.name) ? { timeline: timelines.get(t.name)! } : {}),
    };
    const table = config.tables.find((c) => c.name === t.name);
    engine.setParentSource(
      t.name,
      changingParentSource(facts, engine, table ? changeSpec(table) : undefined),
    );
  }
  return engine;
}
