/**
 * The memory sink: tables kept in a {@link MemoryStore} in this process, with the same
 * commit semantics as Delta (atomic flushes, commit points, properties, replace), so tests
 * of the engine and the streaming server run in milliseconds and can inspect every commit.
 * It takes changes (`writeChanges`): kept as events with their commit and applied by primary
 * key when the table's rows are read, so tests read both the change feed and the state.
 *
 * @module
 */
import * as arrow from "apache-arrow";
import type {
  ChangeBatch,
  CommitPoint,
  FlushResult,
  Sink,
  StoredTable,
} from "../../lib/plugin/types.ts";
import { CommitConflict, PropertyConflict, SinkError } from "../../lib/plugin/sink_errors.ts";
import { guardSink } from "./_guard.ts";
import { defineSink } from "../../lib/plugin/define.ts";

/** One commit of a memory table. */
export interface MemoryCommit {
  /** Order of this commit among all commits of the store (across tables). */
  sequence: number;
  /** Batches this commit added. */
  batches: arrow.RecordBatch[];
  /**
   * Changes this commit made to rows, in order. They only touch rows inserted before them
   * (the sink contract), so the commit's state is its batches added, then its changes applied.
   */
  changes?: ChangeBatch[];
  /** The commit replaced the table's rows. */
  replace: boolean;
  /** The commit point, when the flush had one. */
  point?: { appId: string; tick: number };
  properties: Record<string, string>;
}

/** A table of a {@link MemoryStore}. */
export interface MemoryTable {
  schema: arrow.Schema;
  /** The column changes find rows by (set by the first commit with changes). */
  primaryKey?: string;
  commits: MemoryCommit[];
}

/** Tables of memory sinks; share one between sinks to see one "destination". */
export class MemoryStore {
  readonly tables = new Map<string, MemoryTable>();
  #sequence = 0;

  /** Records a commit, atomically; `primaryKey` is the column its changes find rows by. */
  commit(
    name: string,
    schema: arrow.Schema,
    commit: Omit<MemoryCommit, "sequence">,
    primaryKey?: string,
  ): number {
    let table = this.tables.get(name);
    if (!table) this.tables.set(name, table = { schema, commits: [] });
    if (primaryKey !== undefined && commit.changes?.length) table.primaryKey ??= primaryKey;
    table.commits.push({ ...commit, sequence: this.#sequence++ });
    return table.commits.length - 1;
  }

  /**
   * The rows of a table at a version (default: latest): in commit order, with the changes of
   * every commit applied (an updated row then comes where its new values were given).
   */
  rows(name: string, version?: number): arrow.Table {
    const table = this.#table(name);
    const commits = this.#current(table, version);
    if (!commits.some((c) => c.changes?.length)) {
      return new arrow.Table(table.schema, commits.flatMap((c) => c.batches));
    }
    return new arrow.Table(table.schema, applyChanges(name, table.primaryKey!, commits));
  }

  /** The changes of a table's commits up to a version (default: all), in order. */
  changes(name: string, version?: number): ChangeBatch[] {
    const table = this.#table(name);
    return table.commits.slice(0, (version ?? table.commits.length - 1) + 1)
      .flatMap((c) => c.changes ?? []);
  }

  #table(name: string): MemoryTable {
    const table = this.tables.get(name);
    if (!table) throw new Error(`Memory table "${name}" does not exist`);
    return table;
  }

  /** The commits whose rows the table holds at a version: those since its last replace. */
  #current(table: MemoryTable, version?: number): MemoryCommit[] {
    const upTo = table.commits.slice(0, (version ?? table.commits.length - 1) + 1);
    const last = upTo.findLastIndex((c) => c.replace);
    return upTo.slice(Math.max(last, 0));
  }

  /** How many rows a table holds: rows added less rows deleted. */
  #count(table: MemoryTable): number {
    let rows = 0;
    for (const commit of this.#current(table)) {
      for (const batch of commit.batches) rows += batch.numRows;
      for (const changes of commit.changes ?? []) {
        rows -= changes.ops.filter((o) => o === "d").length;
      }
    }
    return rows;
  }

  /** What the table holds, as sinks report it. */
  inspect(name: string): StoredTable | null {
    const table = this.tables.get(name);
    if (!table) return null;
    const properties: Record<string, string> = {};
    const commits = new Map<string, number>();
    for (const commit of table.commits) {
      Object.assign(properties, commit.properties);
      if (commit.point) commits.set(commit.point.appId, commit.point.tick);
    }
    return {
      version: table.commits.length - 1,
      properties,
      commits,
      rows: this.#count(table),
      schema: table.schema,
    };
  }
}

/** Options of {@link createMemorySink}. */
export interface MemorySinkOptions {
  store: MemoryStore;
}

/**
 * Creates a sink writing into `options.store`. Each flush commits every table that has
 * batches (or, with a commit point, every table) in one step; nothing is visible before.
 */
export function createMemorySink(options: MemorySinkOptions): Sink {
  const { store } = options;
  const staged = new Map<string, {
    schema: arrow.Schema;
    appId?: string;
    primaryKey?: string;
    batches: arrow.RecordBatch[];
    changes: ChangeBatch[];
  }>();
  let replaceFirst = false;

  async function flush(point?: CommitPoint): Promise<FlushResult> {
    let version: number | undefined;
    if (point?.after !== undefined) {
      // Every table is checked before any commits: the flush is atomic.
      for (const [name, table] of staged) {
        const appId = table.appId ?? `tablestream:${name}`;
        const stored = store.inspect(name)?.commits.get(appId) ?? -1;
        if (stored !== point.after) throw new CommitConflict(name, appId, stored, point.after);
      }
    }
    for (const [name] of staged) {
      const held = store.inspect(name)?.properties ?? {};
      for (const [key, expected] of Object.entries(point?.expect ?? {})) {
        if ((held[key] ?? null) !== expected) {
          throw new PropertyConflict(name, key, held[key] ?? null);
        }
      }
    }
    for (const [name, table] of staged) {
      if (table.batches.length === 0 && table.changes.length === 0 && !point) continue;
      const exists = store.tables.has(name);
      version = store.commit(name, table.schema, {
        batches: table.batches,
        ...(table.changes.length ? { changes: table.changes } : {}),
        replace: point?.replace === true || (replaceFirst && exists),
        ...(point
          ? { point: { appId: table.appId ?? `tablestream:${name}`, tick: point.tick } }
          : {}),
        properties: { ...point?.properties },
      }, table.primaryKey);
      table.batches = [];
      table.changes = [];
    }
    replaceFirst = false;
    await Promise.resolve();
    return version === undefined ? {} : { version };
  }

  return guardSink("memory", {
    async open(tables, openOptions) {
      for (const table of tables) {
        const existing = store.tables.get(table.name);
        if (existing && openOptions.mode === "error") {
          throw new Error(`Memory table "${table.name}" already exists`);
        }
        if (existing && openOptions.mode === "append") {
          const difference = fieldsDifference(existing.schema, table.schema);
          if (difference) {
            throw new SinkError(`Memory table "${table.name}" ${difference}`, { healable: false });
          }
        }
        staged.set(table.name, {
          schema: table.schema,
          ...(table.appId ? { appId: table.appId } : {}),
          ...(table.primaryKey ? { primaryKey: table.primaryKey } : {}),
          batches: [],
          changes: [],
        });
      }
      replaceFirst = openOptions.mode === "overwrite";
      await Promise.resolve();
    },
    async write(table, batch) {
      staged.get(table.name)!.batches.push(batch);
      await Promise.resolve();
    },
    async writeChanges(table, changes) {
      staged.get(table.name)!.changes.push(changes);
      await Promise.resolve();
    },
    flush,
    async close() {
      await flush();
      for (const [name, table] of staged) {
        if (!store.tables.has(name)) {
          store.commit(name, table.schema, { batches: [], replace: false, properties: {} });
        }
      }
    },
    async discard() {
      for (const table of staged.values()) {
        table.batches = [];
        table.changes = [];
      }
      await Promise.resolve();
    },
    inspect: (table) => Promise.resolve(store.inspect(table)),
    commitPoints: (table) => Promise.resolve(store.inspect(table)?.commits ?? null),
    read(table, columns, readOptions) {
      return Promise.resolve(store.rows(table, readOptions?.version).select(columns));
    },
  });
}

const MEMORY_STORES = new Map<string, MemoryStore>();

/** The memory store of a name, shared by every memory sink of this process that names it. */
export function namedMemoryStore(name: string): MemoryStore {
  let store = MEMORY_STORES.get(name);
  if (!store) MEMORY_STORES.set(name, store = new MemoryStore());
  return store;
}

/** Tables in this process's memory, for tests and embedding. */
export const memorySink = defineSink({
  name: "memory",
  summary: "Tables kept in this process's memory (for tests and embedding); resumable.",
  options: {
    store: {
      type: "string",
      default: "default",
      description: "Name of the in-memory store; sinks naming the same store share it",
    },
  },
  create: ({ store }) => createMemorySink({ store: namedMemoryStore(store) }),
});

/** How a stored table's fields differ from the ones given, or undefined when they match. */
function fieldsDifference(stored: arrow.Schema, given: arrow.Schema): string | undefined {
  const spell = (schema: arrow.Schema) =>
    schema.fields.map((f) => `${f.name}: ${f.type}`).join(", ");
  const same = stored.fields.length === given.fields.length &&
    stored.fields.every((f, i) =>
      f.name === given.fields[i].name && arrow.util.compareTypes(f.type, given.fields[i].type)
    );
  return same ? undefined : `has the columns (${spell(stored)}), not (${spell(given)})`;
}

/**
 * The rows of `commits` with their changes applied by `key`: each row's latest values, taken
 * as slices of the batches that hold them (an inserted batch, or a change's `after`). Refuses
 * a change of a row the table does not hold (an engine or sink contract bug).
 */
function applyChanges(
  table: string,
  key: string,
  commits: readonly MemoryCommit[],
): arrow.RecordBatch[] {
  const sources: arrow.RecordBatch[] = [];
  const live = new Map<string, { batch: arrow.RecordBatch; index: number }>();
  const keyAt = (batch: arrow.RecordBatch, i: number) => String(batch.getChild(key)!.get(i));
  for (const commit of commits) {
    for (const batch of commit.batches) {
      sources.push(batch);
      for (let i = 0; i < batch.numRows; i++) live.set(keyAt(batch, i), { batch, index: i });
    }
    for (const changes of commit.changes ?? []) {
      sources.push(changes.after);
      changes.ops.forEach((op, i) => {
        const id = keyAt(changes.before, i);
        if (!live.has(id)) {
          throw new Error(
            `Memory table "${table}": tick ${changes.ticks[i]} ${
              op === "d" ? "deletes" : "updates"
            } the row with ${key} ${id}, which the table does not hold`,
          );
        }
        if (op === "d") live.delete(id);
        else live.set(id, { batch: changes.after, index: i });
      });
    }
  }
  const kept = new Map<arrow.RecordBatch, Set<number>>();
  for (const { batch, index } of live.values()) {
    if (!kept.has(batch)) kept.set(batch, new Set());
    kept.get(batch)!.add(index);
  }
  const out: arrow.RecordBatch[] = [];
  for (const batch of sources) {
    const rows = kept.get(batch);
    if (!rows) continue;
    for (let start = 0; start < batch.numRows;) {
      if (!rows.has(start)) {
        start++;
        continue;
      }
      let end = start;
      while (end < batch.numRows && rows.has(end)) end++;
      out.push(batch.slice(start, end));
      start = end;
    }
  }
  return out;
}
