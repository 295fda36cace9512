/**
 * Start-up of the streaming server: what each table is and where it continues from, read
 * back from what the sink stored.
 *
 * - A table that does not exist yet starts a new stream state at the run's start time.
 * - A table whose recorded state has the fingerprint of its current config continues from
 *   its last committed tick: no duplicate, no gap.
 * - A table that exists but was written by something else (another tool, `generate`, an
 *   older config) keeps its rows: they are read back, only the columns children need, and
 *   new rows follow after its largest id under a new state ("adopted").
 * - A parent that this process does not run is either followed (its state matches the
 *   config: its rows are recomputed and its progress polled) or read once as it is.
 *
 * @module
 */
import * as arrow from "apache-arrow";
import type { Config, TableConfig } from "../config/mod.ts";
import { changeSpec, parentsOf, tableSpecs } from "../config/engine_specs.ts";
import type { TableSpec } from "../engine/spec.ts";
import type { Sink, StoredTable } from "../plugin/types.ts";
import type { PluginRegistry } from "../plugin/registry.ts";
import { resolveDistributionOptions } from "../plugin/distribution_options.ts";
import { LoadedRows } from "../state/loaded_rows.ts";
import {
  appIdOf,
  decodeState,
  fingerprint,
  freshAppId,
  STATE_PROPERTY,
  type StreamState,
} from "../state/stream_state.ts";
import type { TickPolicy, Timeline, TimelineSpec } from "../stream/timeline.ts";
import { timelineOf } from "../stream/shaped_timeline.ts";
import { streamKey } from "../engine/rng.ts";
import type { TableRole } from "../stream/parent_source.ts";
import { arrowToDeltaSchema } from "../delta/schema.ts";
import { formatShard, type Shard, shardAppId, shardingOf, ShardSplit } from "../stream/shard.ts";

export type { TableRole } from "../stream/parent_source.ts";

/** Everything the server knows about a table at start-up. */
export interface TablePlan {
  name: string;
  config: TableConfig;
  /** The engine's view: row ids from the state's base, rows placed on the timeline. */
  spec: TableSpec;
  role: TableRole;
  policy: TickPolicy;
  /**
   * Application id of this process's commits to the table (a shard's own id when sharded;
   * for a followed table, the id its progress is read under).
   */
  appId: string;
  /** The id of the table's state without a shard (what shards' ids are made from). */
  baseAppId: string;
  /**
   * How many shards write the table, when shards do, and which one this process is (absent
   * for a table it follows).
   */
  shards?: { count: number; index?: number };
  /** Which rows each shard writes (set with the timeline when `shards` is). */
  split?: ShardSplit;
  /** The state rows are generated under (absent for `fixed` tables). */
  state?: StreamState;
  /** The state is new and is recorded with the table's next commit. */
  recordState: boolean;
  /** The last tick committed under the state; -1 when none is. */
  lastTick: number;
  timeline?: Timeline;
  /** Rows kept from before the state (adopted tables) or all rows (`fixed` tables). */
  prefix?: LoadedRows;
  /** What the sink had stored, if the table existed. */
  stored?: StoredTable;
  /** Notes for the log (a start time kept, a table adopted...). */
  notes: string[];
}

/** Inputs of {@link planTables}. */
export interface PlanOptions {
  /** Tables this process writes; all by default. */
  tables?: readonly string[];
  seed: number;
  tickIntervalMs: number;
  /** Start time of tables that start a new state in this run, ms. */
  startMs: number;
  /** The sink that stores a table (its `inspect` and `read` are used); called per use. */
  sinkFor: (table: string) => Sink;
  /** Where the tables are, for messages (e.g. the output folder). */
  where: string;
  /**
   * This process's shard: it writes its part of each table under its own application id
   * (a `replace` table is written whole by shard 0 and followed by the others).
   */
  shard?: Shard;
}

/** The policy a table's config gives its ticks. */
export function tickPolicy(table: TableConfig): TickPolicy {
  if (table.updatePolicy === "disabled" || !table.cadence.enabled) return "static";
  return table.updatePolicy === "replace" ? "replace" : "append";
}

/** A table's rate shape on its timeline, with the key of its random draws. */
export function shapeOf(
  table: TableConfig,
  seed: number,
): Pick<TimelineSpec, "shape" | "shapeKey"> {
  const shape = table.cadence.shape;
  return shape ? { shape, shapeKey: streamKey(seed, table.name, "cadence") } : {};
}

/** The fingerprint of what decides a table's rows under `seed` and the tick interval. */
export function tableFingerprint(
  config: Config,
  table: TableConfig,
  seed: number,
  tickIntervalMs: number,
): Promise<string> {
  return fingerprint({
    seed,
    locale: config.locale,
    tickIntervalMs,
    table: {
      name: table.name,
      rowCount: table.rowCount,
      startRowId: table.startRowId,
      policy: tickPolicy(table),
      rowsPerMinute: table.cadence.rowsPerMinute,
      columns: table.columns.map((c) => ({
        name: c.name,
        data: c.data,
        type: c.type,
        nullFraction: c.nullFraction,
        // Only when set, as `changes` below.
        ...(c.eventTime ? { eventTime: c.eventTime } : {}),
        ...(c.badValues ? { badValues: c.badValues } : {}),
        ...(c.orphans ? { orphans: c.orphans } : {}),
      })),
      // Only when set: the fingerprints of tables without changes stay what they were.
      ...(table.changes ? { changes: changeSpec(table) } : {}),
      ...(table.duplicates ? { duplicates: table.duplicates } : {}),
      // The same for a constant rate: only a shaped one adds its shape.
      ...(table.cadence.shape ? { rateShape: table.cadence.shape } : {}),
    },
  });
}

/**
 * Columns of each table that other tables read: keys, copied columns, and the columns
 * their distributions read (weighted_parent's attribute).
 */
function referencedColumns(
  specs: readonly TableSpec[],
  plugins: PluginRegistry | undefined,
): Map<string, Set<string>> {
  const needed = new Map<string, Set<string>>();
  const add = (table: string, column: string) => {
    if (!needed.has(table)) needed.set(table, new Set());
    needed.get(table)!.add(column);
  };
  for (const spec of specs) {
    for (const column of spec.columns) {
      for (const fk of column.expr.foreignKeys) {
        add(fk.table, fk.column);
        const plugin = plugins?.get("distribution", fk.distribution);
        if (!plugin?.parentColumns) continue;
        const { options } = resolveDistributionOptions(plugin, fk);
        for (const name of plugin.parentColumns(options)) add(fk.table, name);
      }
      for (const copy of column.expr.copies) add(copy.table, copy.column);
    }
  }
  return needed;
}

/** Whether the config sets `start_row_id` for the table (else new keys follow the largest). */
function explicitStartRowId(config: Config, index: number): boolean {
  return config.sourceMap.node(["tables", index, "start_row_id"]) !== undefined;
}

/**
 * How the stored columns differ from what the config generates, or undefined; `filled`
 * stored columns (the sink fills them itself) may be missing from the config.
 */
export function schemaDifference(
  stored: arrow.Schema,
  ours: arrow.Schema,
  filled: readonly string[] = [],
): string | undefined {
  for (const field of ours.fields) {
    const theirs = stored.fields.find((f) => f.name === field.name);
    if (!theirs) return `it has no column "${field.name}"`;
    if (!arrow.util.compareTypes(theirs.type, field.type) && !utcToWallClock(theirs, field)) {
      return `its column "${field.name}" is ${typeName(theirs.type)}, the config makes ${
        typeName(field.type)
      }`;
    }
  }
  const extra = stored.fields.find((f) =>
    !filled.includes(f.name) && !ours.fields.some((o) => o.name === f.name)
  );
  return extra ? `it has column "${extra.name}", which the config does not make` : undefined;
}

/**
 * Whether a stored `timestamp_ntz` column takes the config's UTC timestamps: as their UTC
 * wall-clock time, the same ticks (the Delta writer writes them so: column_mapping.ts).
 */
function utcToWallClock(stored: arrow.Field, ours: arrow.Field): boolean {
  const [a, b] = [stored.type, ours.type];
  return arrow.DataType.isTimestamp(a) && !a.timezone && arrow.DataType.isTimestamp(b) &&
    b.timezone === "UTC" && a.unit === b.unit;
}

/** A column type as users know it: its Spark SQL name (as Delta writes it), else Arrow's. */
function typeName(type: arrow.DataType): string {
  if (arrow.DataType.isTimestamp(type)) return type.timezone ? "timestamp" : "timestamp_ntz";
  try {
    const field = new arrow.Field("x", type);
    const name = JSON.parse(arrowToDeltaSchema(new arrow.Schema([field]))).fields[0].type;
    return typeof name === "string" ? name : String(type);
  } catch {
    return String(type);
  }
}

interface Visit {
  name: string;
  role: TableRole;
  stored: StoredTable | null;
  state?: StreamState;
  fingerprint: string;
}

/**
 * Plans every table this run needs: the ones it writes and, recursively, the tables their
 * rows are computed from.
 */
export async function planTables(config: Config, options: PlanOptions): Promise<TablePlan[]> {
  const specs = tableSpecs(config);
  const byName = new Map(specs.map((s) => [s.name, s]));
  const configs = new Map(config.tables.map((t, i) => [t.name, { table: t, index: i }]));
  const runHere = new Set(options.tables ?? specs.map((s) => s.name));
  const sinkOf = (
    table: string,
  ): Required<Pick<Sink, "inspect" | "read">> & Pick<Sink, "readBatches"> => {
    const sink = options.sinkFor(table);
    if (!sink.inspect || !sink.read) {
      throw new Error(
        `The sink of table "${table}" cannot be resumed: it does not read back what it wrote, ` +
          "so `run` could not continue the table exactly after a restart; give the table a " +
          "resumable sink (delta, postgres, memory), or write it with `generate`",
      );
    }
    return sink as Required<Pick<Sink, "inspect" | "read">> & Pick<Sink, "readBatches">;
  };

  // Pass 1: which tables take part, and how, from what is stored.
  const visits = new Map<string, Visit>();
  const visit = async (name: string, childOf?: string): Promise<void> => {
    if (visits.has(name)) return;
    const { table } = configs.get(name)!;
    const fp = await tableFingerprint(config, table, options.seed, options.tickIntervalMs);
    const stored = await sinkOf(name).inspect(name);
    const recorded = stored ? decodeState(name, stored.properties[STATE_PROPERTY]) : undefined;
    const ours = recorded?.fingerprint === fp ? recorded : undefined;
    let role: TableRole = "run";
    if (!runHere.has(name)) {
      if (!stored) {
        throw new Error(
          `Table "${name}" (read by "${childOf}") is not run by this process and ` +
            `${options.where}/${name} does not exist; run it first (add it to --tables, or ` +
            "start the process that writes it)",
        );
      }
      role = ours ? "follow" : "fixed";
    }
    visits.set(name, { name, role, stored, state: ours, fingerprint: fp });
    if (role === "fixed") return; // stored rows are read as they are: no parents needed
    for (const parent of parentsOf(byName.get(name)!)) await visit(parent, name);
  };
  for (const name of runHere) await visit(name);

  // Pass 2: read back the rows each table keeps, with only the columns its children read.
  const computed = specs.filter((s) => visits.get(s.name) && visits.get(s.name)!.role !== "fixed");
  const referenced = referencedColumns(computed, config.plugins);
  const plans: TablePlan[] = [];
  for (const spec of specs) {
    const v = visits.get(spec.name);
    if (!v) continue;
    const { table, index } = configs.get(spec.name)!;
    const plan: TablePlan = {
      name: spec.name,
      config: table,
      spec,
      role: v.role,
      policy: tickPolicy(table),
      appId: appIdOf(spec.name, v.fingerprint),
      baseAppId: appIdOf(spec.name, v.fingerprint),
      recordState: false,
      lastTick: -1,
      ...(v.stored ? { stored: v.stored } : {}),
      notes: [],
    };
    const columns = [...referenced.get(spec.name) ?? []];
    const read = async (version?: number, rows?: number) => {
      const wanted = new Set(columns);
      if (spec.primaryKey) wanted.add(spec.primaryKey);
      const present = new Set(v.stored!.schema.fields.map((f) => f.name));
      const missing = columns.filter((c) => !present.has(c));
      if (missing.length) {
        throw new Error(
          `Table "${spec.name}" at ${options.where}/${spec.name} has no column ${
            missing.map((c) => `"${c}"`).join(", ")
          }, which other tables of the config read (its columns: ${[...present].join(", ")})`,
        );
      }
      const names = [...wanted].filter((c) => present.has(c));
      const sink = sinkOf(spec.name);
      const load = async (at: { version?: number }) => {
        if (sink.readBatches) {
          // A file at a time into the compact form: a large parent is never held whole.
          const { schema, batches } = await sink.readBatches(spec.name, names, at);
          return await LoadedRows.fromBatches(spec.name, schema, batches, spec.primaryKey);
        }
        return new LoadedRows(spec.name, await sink.read(spec.name, names, at), spec.primaryKey);
      };
      if (version === undefined) return await load({});
      try {
        return await load({ version });
      } catch (error) {
        // A sink without old versions (PostgreSQL): the kept rows are the first ones in key
        // order, since the rows generated after them continue after their largest key.
        if (rows === undefined || !spec.primaryKey) throw error;
        return (await load({})).first(rows);
      }
    };

    if (v.role === "fixed") {
      plan.prefix = await read();
      plans.push(plan);
      continue;
    }
    if (v.state) {
      plan.state = v.state;
      if (v.state.appId) plan.appId = v.state.appId;
      plan.baseAppId = plan.appId;
      placeShard(plan, v.stored!, options);
      plan.lastTick = v.stored!.commits.get(plan.appId) ?? -1;
      if (v.state.prefixRows > 0 && !v.stored?.writeRefusal) {
        plan.prefix = await read(v.state.prefixVersion, v.state.prefixRows);
      }
      if (options.startMs !== v.state.startMs) {
        plan.notes.push(`keeps its start time ${new Date(v.state.startMs).toISOString()}`);
      }
    } else {
      plan.recordState = true;
      let baseRowId = table.startRowId;
      let prefixRows = 0;
      let prefixVersion: number | undefined;
      // A replace table's rows are replaced at its first tick: nothing is kept. A table the
      // sink refuses to write is stopped at start (the server names why): its rows are not
      // needed, and may not be readable (data files missing).
      if (v.stored && plan.policy !== "replace" && !v.stored.writeRefusal) {
        plan.prefix = await read(v.stored.version);
        prefixRows = plan.prefix.count;
        prefixVersion = v.stored.version;
        const largest = spec.primaryKey ? plan.prefix.maxInteger(spec.primaryKey) : undefined;
        if (!explicitStartRowId(config, index) && largest !== undefined) baseRowId = largest + 1;
        plan.notes.push(
          `keeps its ${prefixRows} existing rows (version ${prefixVersion}); new rows start at ` +
            `row id ${baseRowId}`,
        );
      }
      // An earlier state of this config left commit points under its id: this state's
      // ticks start at 0 again, so they are recorded under a fresh one.
      plan.appId = freshAppId(spec.name, v.fingerprint, v.stored?.commits);
      plan.baseAppId = plan.appId;
      plan.state = {
        fingerprint: v.fingerprint,
        startMs: options.startMs,
        tickIntervalMs: options.tickIntervalMs,
        baseRowId,
        prefixRows,
        ...(prefixVersion !== undefined ? { prefixVersion } : {}),
        ...(plan.appId !== appIdOf(spec.name, v.fingerprint) ? { appId: plan.appId } : {}),
      };
    }
    const state = plan.state!;
    plan.timeline = timelineOf({
      startMs: state.startMs,
      intervalMs: state.tickIntervalMs,
      initialRows: table.rowCount,
      rowsPerMinute: table.cadence.rowsPerMinute,
      policy: plan.policy,
      baseRowId: state.baseRowId,
      ...shapeOf(table, options.seed),
    });
    spec.startRowId = state.baseRowId;
    spec.timeline = plan.timeline;
    if (plan.recordState) placeShard(plan, v.stored ?? undefined, options);
    if (plan.shards) plan.split = new ShardSplit(plan.timeline, plan.shards.count);
    plans.push(plan);
  }
  return plans;
}

/**
 * Sets a table's shard: the id this process commits under and its split, from the run's
 * shard (tables it writes) or from how the stored table is sharded (tables it follows).
 * Refuses a table that shards of another count, or an unsharded run, wrote under the same
 * state: their rows are split otherwise, so going on would duplicate and miss rows.
 */
function placeShard(plan: TablePlan, stored: StoredTable | undefined, options: PlanOptions): void {
  const base = plan.baseAppId;
  const found = stored ? shardingOf(base, stored.commits.keys()) : undefined;
  const where = `Table "${plan.name}" at ${options.where}/${plan.name}`;
  if (plan.role === "follow") {
    if (found?.kind !== "sharded") return;
    // A replace table is written whole by shard 0.
    if (plan.policy === "replace") plan.appId = shardAppId(base, { index: 0, count: found.count });
    else plan.shards = { count: found.count };
    return;
  }
  const shard = options.shard;
  if (found?.kind === "mixed") {
    throw new Error(`${where} holds commits of shards of several counts under one state`);
  }
  if (!shard) {
    if (found?.kind === "sharded") {
      throw new Error(
        `${where} is written by ${found.count} shards; run it with --shard i/${found.count} ` +
          "(each of 0.." + (found.count - 1) + "), or write an unsharded run to another --output",
      );
    }
    return;
  }
  if (found?.kind === "unsharded" || (found?.kind === "sharded" && found.count !== shard.count)) {
    const by = found.kind === "unsharded" ? "an unsharded run" : `${found.count} shards`;
    throw new Error(
      `${where} is written by ${by}, not ${shard.count} shards: shards of another count ` +
        "split the rows otherwise, so the count cannot change while a table streams; run " +
        (found.kind === "unsharded" ? "it without --shard" : `--shard i/${found.count}`) +
        `, or write ${shard.count} shards (--shard ${formatShard(shard)}) to another --output`,
    );
  }
  if (plan.policy === "replace") {
    // Replaced whole every tick, by shard 0: shards replacing parts of it would show readers
    // a mix of epochs. The others follow it.
    plan.appId = shardAppId(base, { index: 0, count: shard.count });
    if (shard.index !== 0) plan.role = "follow";
    return;
  }
  plan.appId = shardAppId(base, shard);
  plan.shards = { count: shard.count, index: shard.index };
}
