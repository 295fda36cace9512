/**
 * The memory sink: tables kept in a {@link MemoryStore} in this process, with the same
 * commit semantics as Delta (atomic flushes, commit points, properties, replace), so tests
 * of the engine and the streaming server run in milliseconds and can inspect every commit.
 *
 * @module
 */
import * as arrow from "apache-arrow";
import type { CommitPoint, FlushResult, Sink, StoredTable } from "../../lib/plugin/types.ts";
import { CommitConflict, PropertyConflict, SinkError } from "../../lib/plugin/sink_errors.ts";
import { guardSink } from "./_guard.ts";
import { defineSink } from "../../lib/plugin/define.ts";

/** One commit of a memory table. */
export interface MemoryCommit {
  /** Order of this commit among all commits of the store (across tables). */
  sequence: number;
  /** Batches this commit added. */
  batches: arrow.RecordBatch[];
  /** The commit replaced the table's rows. */
  replace: boolean;
  /** The commit point, when the flush had one. */
  point?: { appId: string; tick: number };
  properties: Record<string, string>;
}

/** A table of a {@link MemoryStore}. */
export interface MemoryTable {
  schema: arrow.Schema;
  commits: MemoryCommit[];
}

/** Tables of memory sinks; share one between sinks to see one "destination". */
export class MemoryStore {
  readonly tables = new Map<string, MemoryTable>();
  #sequence = 0;

  /** Records a commit, atomically. */
  commit(name: string, schema: arrow.Schema, commit: Omit<MemoryCommit, "sequence">): number {
    let table = this.tables.get(name);
    if (!table) this.tables.set(name, table = { schema, commits: [] });
    table.commits.push({ ...commit, sequence: this.#sequence++ });
    return table.commits.length - 1;
  }

  /** The rows of a table at a version (default: latest), in commit order. */
  rows(name: string, version?: number): arrow.Table {
    const table = this.tables.get(name);
    if (!table) throw new Error(`Memory table "${name}" does not exist`);
    const upTo = version ?? table.commits.length - 1;
    let batches: arrow.RecordBatch[] = [];
    for (const commit of table.commits.slice(0, upTo + 1)) {
      batches = commit.replace ? [...commit.batches] : [...batches, ...commit.batches];
    }
    return new arrow.Table(table.schema, batches);
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
      rows: this.rows(name).numRows,
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
  const staged = new Map<
    string,
    { schema: arrow.Schema; appId?: string; batches: arrow.RecordBatch[] }
  >();
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
      if (table.batches.length === 0 && !point) continue;
      const exists = store.tables.has(name);
      version = store.commit(name, table.schema, {
        batches: table.batches,
        replace: point?.replace === true || (replaceFirst && exists),
        ...(point
          ? { point: { appId: table.appId ?? `tablestream:${name}`, tick: point.tick } }
          : {}),
        properties: { ...point?.properties },
      });
      table.batches = [];
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
          batches: [],
        });
      }
      replaceFirst = openOptions.mode === "overwrite";
      await Promise.resolve();
    },
    async write(table, batch) {
      staged.get(table.name)!.batches.push(batch);
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
      for (const table of staged.values()) table.batches = [];
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
