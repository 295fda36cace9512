/**
 * The PostgreSQL sink: each table a PostgreSQL table in one schema, loaded with
 * `COPY ... FROM STDIN`, one transaction per flush. A flush's commit point is an upsert of
 * the table's row in a progress table inside the same transaction, so a crash before COMMIT
 * leaves neither rows nor progress, and a restart resumes exactly once.
 *
 * Talks to the server through node-postgres (`pg`) and `pg-copy-streams`.
 *
 * @module
 */
import { DEFAULT_PROGRESS_TABLE, DEFAULT_SCHEMA, type PostgresSinkOptions } from "./connection.ts";
import { arrowFieldOf, columnDefinition, INT8_COMMENT, pgType, quoteIdent } from "./types.ts";
import { copyInto } from "./copy_encode.ts";
import { readRows } from "./decode.ts";
import {
  connect,
  type Connection,
  describeError,
  describeServer,
  rows,
  withConnection,
} from "./connection.ts";
import { columnDifference, storedColumns } from "./catalog.ts";
import { progressRows } from "./progress.ts";
import { applyChanges } from "./changes.ts";
import * as arrow from "apache-arrow";
import type {
  ChangeBatch,
  CommitPoint,
  FlushResult,
  Sink,
  SinkOpenOptions,
  SinkReadOptions,
  SinkTable,
  StoredTable,
} from "../../../lib/plugin/types.ts";
import { guardSink } from "../_guard.ts";
import { CommitConflict, SinkError } from "../../../lib/plugin/sink_errors.ts";

/**
 * Rows a table keeps in memory before they are copied into the open transaction, so memory
 * stays bounded however much one flush writes.
 */
export const SPILL_ROWS = 50_000;

/** What the first commit of this sink must do to a stored table before adding rows. */
export type Setup = "create" | "recreate" | "empty" | "none";

export interface TableState {
  table: SinkTable;
  /** `"schema"."table"`. */
  target: string;
  appId: string;
  setup: Setup;
  /** Batches not yet copied to the server. */
  buffered: arrow.RecordBatch[];
  bufferedRows: number;
  /** Locked and set up in the open transaction. */
  prepared: boolean;
  /** The open transaction emptied the table (created, recreated or deleted its rows). */
  emptied: boolean;
  /** The temporary table holding rows copied early in the open transaction, if any. */
  stage?: string;
  /** The open transaction updated or deleted rows of the table. */
  changed: boolean;
  /** Commits this sink made to the table. */
  commits: number;
}

/**
 * Creates a sink writing each table into PostgreSQL. `open` checks every table first: a new
 * one is created (from the Arrow schema, with its primary key) in the first commit; an
 * existing one must have the same columns and types (mode `append`), or no rows (mode
 * `error`), or is replaced in the first commit (mode `overwrite`: rows deleted, or the
 * table recreated when its columns differ). Each flush is one transaction over every
 * table with rows (every table, with a commit point); `replace` commit points delete the
 * old rows in it.
 *
 * @example
 * ```ts
 * const sink = createPostgresSink({ url: "postgres://app@localhost/shop", schema: "fake" });
 * await sink.open([{ name: "users", schema, primaryKey: "id" }], { mode: "append" });
 * await sink.write("users", batch);
 * await sink.flush({ tick: 1 }); // rows and progress row, one transaction
 * await sink.close();
 * ```
 */
export function createPostgresSink(options: PostgresSinkOptions): Sink {
  const schema = options.schema ?? DEFAULT_SCHEMA;
  const progressName = options.progressTable ?? DEFAULT_PROGRESS_TABLE;
  const progress = `${quoteIdent(schema)}.${quoteIdent(progressName)}`;
  const appIdOf = options.appId ?? ((table: string) => `tablestream:${table}`);
  const where = describeServer(options);
  const qualified = (table: string) => `${quoteIdent(schema)}.${quoteIdent(table)}`;
  const named = (table: string) => `PostgreSQL table ${qualified(table)} (${where})`;

  const states = new Map<string, TableState>();
  let client: Connection | undefined;
  let inTransaction = false;
  let stages = 0;

  async function begin(): Promise<Connection> {
    if (!inTransaction) {
      await client!.query("BEGIN");
      inTransaction = true;
    }
    return client!;
  }

  /** Locks a table against other writers for the transaction and sets it up once. */
  async function prepare(state: TableState): Promise<void> {
    if (state.prepared) return;
    const db = await begin();
    await db.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", [
      `tablestream ${state.target}`,
    ]);
    const { table, target } = state;
    const create = async () => {
      const keys = table.primaryKey ? [`PRIMARY KEY (${quoteIdent(table.primaryKey)})`] : [];
      const columns = table.schema.fields.map(columnDefinition);
      await db.query(`CREATE TABLE ${target} (${[...columns, ...keys].join(", ")})`);
      for (const field of table.schema.fields) {
        if (arrow.DataType.isInt(field.type) && field.type.bitWidth === 8) {
          // smallint is also what int16 becomes; the comment keeps int8 for readers.
          await db.query(
            `COMMENT ON COLUMN ${target}.${quoteIdent(field.name)} IS '${INT8_COMMENT}'`,
          );
        }
      }
    };
    switch (state.setup) {
      case "create":
        await create().catch((error) => {
          if ((error as { code?: string }).code !== "42P07") throw error;
          // Another writer created it since `open` looked: a retry opens it as it is now.
          throw new SinkError(
            `${named(table.name)} was created by another writer meanwhile`,
            { healable: true, cause: error },
          );
        });
        // Progress of an earlier table of that name (dropped since) is not this table's.
        await db.query(`DELETE FROM ${progress} WHERE table_name = $1`, [table.name]);
        break;
      case "recreate":
        await db.query(`DROP TABLE ${target}`);
        await create();
        break;
      case "empty":
        // DELETE, not TRUNCATE: readers keep seeing the old rows until the commit instead of
        // waiting for the transaction's exclusive lock.
        await db.query(`DELETE FROM ${target}`);
        break;
    }
    state.prepared = true;
    state.emptied = state.setup !== "none";
  }

  /** Copies a table's buffered batches into the open transaction (a stage when needed). */
  async function spill(state: TableState): Promise<number> {
    if (state.bufferedRows === 0) return 0;
    await prepare(state);
    let into = state.target;
    if (!state.emptied) {
      // A `replace` point may still come with this flush: keep the rows beside the table.
      if (!state.stage) {
        const stage = quoteIdent(`tablestream_stage_${++stages}`);
        const columns = state.table.schema.fields.map(columnDefinition).join(", ");
        await client!.query(`CREATE TEMPORARY TABLE ${stage} (${columns}) ON COMMIT DROP`);
        state.stage = stage;
      }
      into = `pg_temp.${state.stage}`;
    }
    const bytes = await copyInto(client!, into, state.table.schema, state.buffered);
    state.buffered = [];
    state.bufferedRows = 0;
    return bytes;
  }

  /** Moves a table's staged rows into it; later rows are copied straight into the table. */
  async function unstage(state: TableState): Promise<void> {
    if (state.stage) {
      const columns = state.table.schema.fields.map((f) => quoteIdent(f.name)).join(", ");
      await client!.query(
        `INSERT INTO ${state.target} (${columns}) SELECT ${columns} FROM pg_temp.${state.stage}`,
      );
      await client!.query(`DROP TABLE pg_temp.${state.stage}`);
      state.stage = undefined;
    }
    state.emptied = true;
  }

  /**
   * Applies changes in the open transaction, after every row written before them: those rows
   * go into the table first (out of any stage), so the changes find them.
   */
  async function change(state: TableState, changes: ChangeBatch): Promise<void> {
    await prepare(state);
    state.changed = true;
    await unstage(state);
    await spill(state);
    await applyChanges(client!, {
      target: state.target,
      stage: quoteIdent(`tablestream_changes_${++stages}`),
      table: state.table,
      changes,
    });
  }

  /** The statement that records a commit and returns the table's new version. */
  const RECORD = `
    INSERT INTO ${progress} AS p (table_name, app_id, tick, version, properties, committed_at)
    VALUES ($1, $2, $3,
      (SELECT CASE WHEN $5 THEN 0 ELSE coalesce(max(version), 0) + 1 END
         FROM ${progress} WHERE table_name = $1),
      $4::jsonb, now())
    ON CONFLICT (table_name, app_id) DO UPDATE SET
      tick = coalesce(EXCLUDED.tick, p.tick),
      version = EXCLUDED.version,
      properties = p.properties || EXCLUDED.properties,
      committed_at = EXCLUDED.committed_at
    RETURNING version`;

  /** Commits, in one transaction, every table with rows or setup pending (all, with a point). */
  async function commit(point: CommitPoint | undefined, closing: boolean): Promise<FlushResult> {
    const touched = [...states.values()].filter((s) =>
      point || s.bufferedRows > 0 || s.prepared ||
      (closing && s.commits === 0 && s.setup !== "none")
    );
    if (touched.length === 0) return {};
    let bytes = 0;
    let version: number | undefined;
    const what = point ? `tick ${point.tick}` : "rows";
    let current: TableState | undefined;
    try {
      for (const state of touched) {
        current = state;
        await prepare(state); // holds the table's lock: the check below stays true to COMMIT
        if (point?.after !== undefined) await checkCommitPoint(state, point.after);
        if (point?.replace && state.changed) {
          throw new SinkError(
            `${named(state.table.name)}: a replace point cannot follow changes of rows in ` +
              "one commit; a table with changes needs update_policy append",
            { healable: false },
          );
        }
        if (point?.replace && !state.emptied) {
          await client!.query(`DELETE FROM ${state.target}`);
        }
        await unstage(state); // what remains to copy goes straight into the table
        bytes += await spill(state);
        const [[recorded]] = await rows(client!, RECORD, [
          state.table.name,
          state.appId,
          point ? String(point.tick) : null,
          JSON.stringify(point?.properties ?? {}),
          state.setup === "create",
        ]);
        version = Number(recorded);
      }
      current = undefined;
      const result = await client!.query("COMMIT");
      inTransaction = false;
      // A transaction that failed earlier answers COMMIT with ROLLBACK.
      if (result.command !== "COMMIT") throw new Error("the transaction was rolled back");
    } catch (error) {
      const table = current ? named(current.table.name) : `PostgreSQL (${where})`;
      throw new Error(`Cannot commit ${what} to ${table}: ${describeError(error)}`, {
        cause: error,
      });
    }
    for (const state of touched) {
      state.commits++;
      state.setup = "none";
      state.prepared = false;
      state.emptied = false;
      state.changed = false;
    }
    return { bytes, ...(version !== undefined ? { version } : {}) };
  }

  /**
   * Refuses the commit when the table's progress row is not at `after`: another writer of
   * the same application id committed since this one looked (two servers on one schema).
   */
  async function checkCommitPoint(state: TableState, after: number): Promise<void> {
    const found = await rows(
      client!,
      `SELECT tick FROM ${progress} WHERE table_name = $1 AND app_id = $2`,
      [state.table.name, state.appId],
    );
    const stored = found.length === 0 || found[0][0] === null ? -1 : Number(found[0][0]);
    if (stored !== after) throw new CommitConflict(state.table.name, state.appId, stored, after);
  }

  /** Checks a table against what is stored, before anything is written. */
  async function planTable(db: Connection, table: SinkTable, mode: SinkOpenOptions["mode"]) {
    if (table.name === progressName) {
      throw new SinkError(
        `Table "${table.name}" has the name of the PostgreSQL sink's progress table; ` +
          "rename the table or choose another progress table",
        { healable: false },
      );
    }
    try {
      for (const field of table.schema.fields) pgType(field); // unsupported types fail here
    } catch (error) {
      throw new SinkError((error as Error).message, { healable: false, cause: error });
    }
    const pk = table.primaryKey;
    if (pk !== undefined && !table.schema.fields.some((f) => f.name === pk)) {
      throw new SinkError(`Table "${table.name}" has no column "${pk}" for its primary key`, {
        healable: false,
      });
    }
    if (table.changes && pk === undefined) {
      throw new SinkError(
        `Table "${table.name}" has changes but no primary key to update and delete its rows ` +
          "by; mark a column with is_primary_key: true",
        { healable: false },
      );
    }
    const stored = await storedColumns(db, schema, table.name);
    let setup: Setup = "create";
    if (stored.length > 0) {
      const difference = columnDifference(stored, table.schema);
      if (mode === "error") {
        const [[any]] = await rows(db, `SELECT EXISTS (SELECT 1 FROM ${qualified(table.name)})`);
        if (any === "t") {
          throw new SinkError(
            `${named(table.name)} already has rows; use --mode append to add rows to it or ` +
              "--mode overwrite to replace them",
            { healable: false },
          );
        }
      }
      if (difference && mode !== "overwrite") {
        throw new SinkError(
          `${named(table.name)} does not match the rows to write: ${difference} ` +
            "(--mode overwrite replaces the table, or choose another schema)",
          { healable: false },
        );
      }
      setup = difference ? "recreate" : mode === "overwrite" ? "empty" : "none";
    }
    return {
      table,
      target: qualified(table.name),
      appId: table.appId ?? appIdOf(table.name),
      setup,
      buffered: [],
      bufferedRows: 0,
      prepared: false,
      emptied: false,
      changed: false,
      commits: 0,
    } satisfies TableState;
  }

  /** Creates the schema and the progress table when missing, in a transaction of its own. */
  async function ensureProgressTable(db: Connection): Promise<void> {
    const [[exists]] = await rows(db, "SELECT to_regclass($1) IS NOT NULL", [progress]);
    if (exists === "t") return;
    await db.query("BEGIN");
    try {
      await db.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", [
        `tablestream ${progress}`,
      ]);
      const [[schemaExists]] = await rows(
        db,
        "SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1)",
        [schema],
      );
      if (schemaExists !== "t") await db.query(`CREATE SCHEMA ${quoteIdent(schema)}`);
      await db.query(`CREATE TABLE IF NOT EXISTS ${progress} (
        table_name text NOT NULL,
        app_id text NOT NULL,
        tick bigint,
        version bigint NOT NULL,
        properties jsonb NOT NULL DEFAULT '{}',
        committed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (table_name, app_id))`);
      await db.query(
        `COMMENT ON TABLE ${progress} IS 'tablestream: the last commit point of each table and application'`,
      );
      await db.query("COMMIT");
    } catch (error) {
      await db.query("ROLLBACK").catch(() => {});
      throw new Error(`Cannot create ${progress} (${where}): ${describeError(error)}`, {
        cause: error,
      });
    }
  }

  return guardSink("postgres", {
    async open(tables, openOptions) {
      client = await connect(options, where);
      openOptions.signal?.throwIfAborted();
      await ensureProgressTable(client);
      // Check every table before writing to any, so a refusal writes nothing.
      const planned: TableState[] = [];
      for (const table of tables) {
        openOptions.signal?.throwIfAborted();
        planned.push(await planTable(client, table, openOptions.mode));
      }
      for (const state of planned) states.set(state.table.name, state);
    },
    async write(table, batch) {
      if (batch.numRows === 0) return;
      const state = states.get(table.name)!;
      state.buffered.push(batch);
      state.bufferedRows += batch.numRows;
      if (state.bufferedRows < SPILL_ROWS) return;
      try {
        await spill(state);
      } catch (error) {
        throw new Error(
          `Cannot copy rows into ${named(table.name)}: ${describeError(error)}`,
          { cause: error },
        );
      }
    },
    async writeChanges(table, changes) {
      try {
        await change(states.get(table.name)!, changes);
      } catch (error) {
        if (error instanceof SinkError) throw error;
        throw new Error(
          `Cannot apply ${changes.ops.length} changes to ${named(table.name)}: ${
            describeError(error)
          }`,
          { cause: error },
        );
      }
    },
    flush: (point) => commit(point, false),
    async close() {
      await commit(undefined, true);
      const db = client;
      client = undefined;
      await db?.end();
    },
    async discard() {
      for (const state of states.values()) {
        state.buffered = [];
        state.bufferedRows = 0;
        state.prepared = false;
        state.changed = false;
        state.stage = undefined;
      }
      const db = client;
      client = undefined;
      inTransaction = false;
      // Closing the connection rolls back whatever transaction is open on the server.
      await db?.close();
    },
    inspect(table) {
      return withConnection(options, where, `inspect ${named(table)}`, async (db) => {
        await db.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
        const columns = await storedColumns(db, schema, table);
        if (columns.length === 0) return null;
        const recorded = await progressRows(db, progress, table);
        const properties: Record<string, string> = {};
        const commits = new Map<string, number>();
        let version = 0;
        for (const row of recorded) {
          Object.assign(properties, row.properties);
          if (row.tick !== null) commits.set(row.appId, row.tick);
          version = Math.max(version, row.version);
        }
        const [[count]] = await rows(db, `SELECT count(*) FROM ${qualified(table)}`);
        await db.query("COMMIT");
        return {
          version,
          properties,
          commits,
          rows: Number(count),
          schema: new arrow.Schema(columns.map(arrowFieldOf)),
        } satisfies StoredTable;
      });
    },
    read(table, columns, readOptions?: SinkReadOptions) {
      return withConnection(options, where, `read ${named(table)}`, async (db) => {
        await db.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
        const stored = await storedColumns(db, schema, table);
        if (stored.length === 0) throw new Error(`${named(table)} does not exist`);
        if (readOptions?.version !== undefined) {
          const versions = (await progressRows(db, progress, table)).map((r) => r.version);
          const latest = Math.max(0, ...versions);
          if (readOptions.version !== latest) {
            throw new Error(
              `Cannot read version ${readOptions.version} of ${named(table)}: PostgreSQL keeps ` +
                `only the latest rows (version ${latest})`,
            );
          }
        }
        const fields = columns.map((name) => {
          const column = stored.find((c) => c.name === name);
          if (!column) {
            throw new Error(
              `${named(table)} has no column "${name}" (its columns: ${
                stored.map((c) => c.name).join(", ")
              })`,
            );
          }
          return arrowFieldOf(column);
        });
        const result = await readRows(db, qualified(table), fields);
        await db.query("COMMIT");
        return result;
      });
    },
  });
}
