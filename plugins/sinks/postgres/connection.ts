/**
 * Connections to the server: client settings (URL, host..., PG* variables), timeouts and
 * keep-alive, one query at a time, and errors described with the server's detail and hint.
 *
 * @module
 */
// @ts-types="@types/pg"
import type pg from "pg";

/**
 * The driver, loaded at the first connection rather than with the program: every generation
 * worker loads the sinks' modules with the config, and importing `pg` cost each about 13 ms
 * though a worker never connects. The specifier is a string literal, so `deno compile` embeds
 * the driver all the same.
 */
let driver: typeof pg | undefined;

async function loadDriver(): Promise<typeof pg> {
  driver ??= ((await import("pg")) as unknown as { default: typeof pg }).default;
  return driver;
}

// ---------------------------------------------------------------------------------------
// Connections.

/** One connection and what happened to it. */
export interface Connection {
  query(text: string, values?: unknown[]): Promise<pg.QueryResult>;
  raw: pg.Client;
  /** Ends the session politely (pending results first). */
  end(): Promise<void>;
  /** Drops the connection; the server rolls back an open transaction. */
  close(): Promise<void>;
}

/** Every value arrives as PostgreSQL's text; the sink converts exactly what it selected. */
export const TEXT_TYPES = {
  getTypeParser: () => (value: string) => value,
} as unknown as pg.CustomTypesConfig;

export function clientConfig(options: PostgresSinkOptions): pg.ClientConfig {
  const target = options.url !== undefined ? { connectionString: options.url } : {
    ...(options.host !== undefined ? { host: options.host } : {}),
    ...(options.port !== undefined ? { port: options.port } : {}),
    ...(options.user !== undefined ? { user: options.user } : {}),
    ...(options.password !== undefined ? { password: options.password } : {}),
    ...(options.database !== undefined ? { database: options.database } : {}),
  };
  return {
    ...target,
    application_name: options.applicationName ?? "tablestream",
    types: TEXT_TYPES,
    // A server that vanished without closing its connections (a failover, a network cut)
    // must fail the attempt, so the streaming server retries, rather than hang it forever.
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
  };
}

/** The server, for messages: host, port and database, never the password. */
export function describeServer(options: PostgresSinkOptions): string {
  if (options.url !== undefined) {
    try {
      const url = new URL(options.url);
      const host = url.hostname || Deno.env.get("PGHOST") || "localhost";
      return `${host}:${url.port || 5432}${url.pathname || "/"}`;
    } catch {
      return "the server of the connection URL";
    }
  }
  const env = (name: string) => Deno.env.get(name);
  const host = options.host ?? env("PGHOST") ?? "localhost";
  const port = options.port ?? env("PGPORT") ?? 5432;
  const database = options.database ?? env("PGDATABASE") ?? options.user ?? env("PGUSER") ?? "";
  return `${host}:${port}/${database}`;
}

export async function connect(options: PostgresSinkOptions, where: string): Promise<Connection> {
  const client = new (await loadDriver()).Client(clientConfig(options));
  let failure: Error | undefined;
  // A connection that dies while idle reports here; without a listener it would crash us.
  client.on("error", (error: Error) => void (failure ??= error));
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => {});
    throw new Error(`Cannot connect to PostgreSQL at ${where}: ${describeError(error)}`, {
      cause: error,
    });
  }
  return {
    raw: client,
    query(text, values) {
      if (failure) return Promise.reject(failure);
      return client.query(text, values);
    },
    end: () => client.end(),
    async close() {
      // end() waits for the server's goodbye; a dead or stuck server must not stall us.
      const ended = client.end().catch(() => {});
      let timer: ReturnType<typeof setTimeout> | undefined;
      const late = new Promise<"late">((resolve) => (timer = setTimeout(resolve, 1_000, "late")));
      if (await Promise.race([ended, late]) === "late") {
        (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection
          ?.stream?.destroy();
        await ended;
      }
      clearTimeout(timer);
    },
  };
}

/**
 * Runs `fn` on a connection of its own, closed afterwards: `inspect` and `read` need no
 * `open`, and the sink they are called on may never be closed.
 */
export async function withConnection<T>(
  options: PostgresSinkOptions,
  where: string,
  what: string,
  fn: (db: Connection) => Promise<T>,
): Promise<T> {
  const db = await connect(options, where);
  try {
    return await fn(db);
  } catch (error) {
    // The server's and the driver's errors get context; the sink's own messages have it.
    // connect() loaded the driver.
    const foreign = error instanceof driver!.DatabaseError ||
      (error instanceof Error && "code" in error);
    if (!foreign) throw error;
    throw new Error(`Cannot ${what}: ${describeError(error)}`, { cause: error });
  } finally {
    await db.close();
  }
}

/** The rows of a query as arrays of text. */
export async function rows(db: Connection, text: string, values?: unknown[]): Promise<Row[]> {
  const result = await db.raw.query({ text, values, rowMode: "array" });
  return result.rows as Row[];
}

/** A driver or server error as one line: message, detail, hint and where it happened. */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const e = error as Error & { detail?: string; hint?: string; where?: string };
  return [e.message, e.detail, e.hint && `hint: ${e.hint}`, e.where]
    .filter(Boolean)
    .join("; ");
}

// ---------------------------------------------------------------------------------------
// Tables and rows.

/** Options of `createPostgresSink`: where the server is and where the tables go. */
export interface PostgresSinkOptions {
  /**
   * A connection URL, `postgres://user:password@host:port/database?sslmode=...`. Without it
   * (and without `host`...), libpq's `PGHOST`, `PGPORT`, `PGUSER`, `PGPASSWORD` and
   * `PGDATABASE` environment variables apply, as for `psql`.
   */
  url?: string;
  host?: string;
  port?: number;
  user?: string;
  password?: string;
  database?: string;
  /** The schema of the tables and of the progress table; created when missing. Default `public`. */
  schema?: string;
  /** The table recording each table's last commit point. Default `tablestream_progress`. */
  progressTable?: string;
  /** `application_name` of the sink's connections, as `pg_stat_activity` shows them. */
  applicationName?: string;
  /** The application id of a table's commit points when its {@link SinkTable} has none. */
  appId?: (table: string) => string;
}

/** Default schema of the tables. */
export const DEFAULT_SCHEMA = "public";
/** Default name of the progress table. */
export const DEFAULT_PROGRESS_TABLE = "tablestream_progress";

/** How long connecting may take before the attempt fails (and is retried). */
export const CONNECT_TIMEOUT_MS = 30_000;

/** A row of a query, every value as PostgreSQL's text (or null). */
export type Row = (string | null)[];
