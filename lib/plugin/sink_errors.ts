/**
 * What a sink's failure means to the streaming server: whether it can heal by itself (a
 * database restarting, a full disk being cleaned, a network coming back), so `run` waits for
 * the sink, or cannot (a schema mismatch, bad credentials, a constraint violation), so the
 * table stops at once; and whether the ticks it tried to commit were already committed by
 * another writer of the same table.
 *
 * An error says itself whether it can heal with a boolean `healable` property (on it or on
 * any error of its `cause` chain); {@link SinkError} is the convenient way to throw one.
 * Errors that say nothing are judged by {@link classifyError} from what they carry: Node and
 * Deno error codes, PostgreSQL's SQLSTATE, HTTP statuses.
 *
 * @module
 */

/** An error of a sink that knows whether retrying the write can succeed later. */
export class SinkError extends Error {
  /** Whether the failure can heal by itself, so a later retry may succeed. */
  readonly healable: boolean;

  /**
   * @example
   * ```ts
   * throw new SinkError("The service answered 503", { healable: true });
   * throw new SinkError("The API key was refused", { healable: false, cause: error });
   * ```
   */
  constructor(message: string, options: { healable: boolean; cause?: unknown }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "SinkError";
    this.healable = options.healable;
  }
}

/**
 * A flush was refused because the table's commit point (under its application id) is not
 * the tick the writer expected (`CommitPoint.after`): another writer committed to the table
 * in between. Nothing of the refused flush is committed.
 */
export class CommitConflict extends Error {
  /**
   * @param table The table's name.
   * @param appId The application id the commit points are recorded under.
   * @param storedTick The tick the table is at under `appId` (-1: none).
   * @param expectedTick The tick the writer expected it at.
   */
  constructor(
    readonly table: string,
    readonly appId: string,
    readonly storedTick: number,
    readonly expectedTick?: number,
  ) {
    super(
      `Table "${table}" is at tick ${storedTick} of "${appId}"` +
        (expectedTick === undefined
          ? ""
          : `, not at tick ${expectedTick} as this writer expected`) +
        ": another writer commits to it",
    );
    this.name = "CommitConflict";
  }
}

/**
 * A flush's `expect`ed table properties were not what the table holds (another writer set
 * them first): nothing was committed. It does not heal by retrying the same flush: the writer
 * reads the table again and follows what it holds.
 */
export class PropertyConflict extends Error {
  readonly healable = false;

  /**
   * @param table The table's name.
   * @param property The property that differs.
   * @param found What the table holds (null: not set).
   */
  constructor(
    readonly table: string,
    readonly property: string,
    readonly found: string | null,
  ) {
    super(
      `Table "${table}" holds ${property} = ${found ?? "(not set)"}, not what this writer ` +
        "expected: another writer set it first",
    );
    this.name = "PropertyConflict";
  }
}

/** Whether an error can heal, and why it was judged so. */
export interface Verdict {
  /** A retry may succeed once the cause goes away. */
  healable: boolean;
  /** Whether something in the error was recognized (false: the default for unknown errors). */
  recognized: boolean;
  /** Why, for messages: `ECONNREFUSED`, `SQLSTATE 28P01 (invalid authorization)`... */
  reason: string;
}

/** Node's (libuv's) error codes of failures that pass: the network, the disk, the server. */
const HEALABLE_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTCONN",
  "EHOSTUNREACH",
  "EHOSTDOWN",
  "ENETUNREACH",
  "ENETDOWN",
  "ENETRESET",
  "EAI_AGAIN", // a name server that did not answer in time
  "ENOTFOUND", // a name that does not resolve yet (a database container not started)
  "EAGAIN",
  "EBUSY",
  "EINTR",
  "ENOSPC",
  "EDQUOT",
  "EIO", // on a network file system, the server going away
  "ESTALE", // NFS: the server restarted
  "EMFILE",
  "ENFILE",
  "ENOBUFS",
  "ENOMEM",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_SOCKET",
]);

/** Codes of failures no retry fixes: permissions, wrong paths, a read-only file system. */
const PERMANENT_CODES = new Set([
  "EACCES",
  "EPERM",
  "EROFS",
  "ENOTDIR",
  "EISDIR",
  "ENAMETOOLONG",
  "ELOOP",
  "ERR_INVALID_ARG_TYPE",
  "ERR_INVALID_ARG_VALUE",
]);

/** `Deno.errors` classes (by name) of failures that pass. */
const HEALABLE_DENO_ERRORS = new Set([
  "ConnectionRefused",
  "ConnectionReset",
  "ConnectionAborted",
  "NotConnected",
  "AddrNotAvailable",
  "BrokenPipe",
  "TimedOut",
  "Interrupted",
  "WriteZero",
  "UnexpectedEof",
  "Busy",
  "NetworkUnreachable",
]);

/** `Deno.errors` classes of failures no retry fixes. */
const PERMANENT_DENO_ERRORS = new Set([
  "PermissionDenied",
  "NotCapable",
  "IsADirectory",
  "NotADirectory",
  "FilesystemLoop",
  "InvalidData",
  "NotSupported",
]);

/**
 * PostgreSQL SQLSTATEs (docs: "PostgreSQL Error Codes") of failures that pass: the
 * connection (class 08), resources such as a full disk or too many connections (53), the
 * server shutting down, crashing or starting (57P01-57P03), a serialization failure or
 * deadlock (40001, 40P01), a lock not available (55P03), an I/O error (58030), a canceled
 * statement (57014), and a read-only transaction (25006: the old primary of a failover).
 */
const HEALABLE_SQLSTATES = new Set([
  "57P01",
  "57P02",
  "57P03",
  "57014",
  "40001",
  "40P01",
  "55P03",
  "58000",
  "58030",
  "25006",
]);
const HEALABLE_SQLSTATE_CLASSES = new Set(["08", "53"]);

/**
 * SQLSTATE classes no retry fixes: data (22), constraints (23), authorization (28), a
 * missing database or schema (3D, 3F), syntax, undefined objects and privileges (42), a
 * feature not supported (0A), configuration (F0), and the database being dropped (57P04).
 */
const PERMANENT_SQLSTATE_CLASSES = new Set(["0A", "22", "23", "28", "2B", "3D", "3F", "42", "F0"]);

/** What one error of a chain says by itself, if anything. */
function judge(error: object): Verdict | undefined {
  const e = error as {
    healable?: unknown;
    name?: unknown;
    code?: unknown;
    status?: unknown;
    statusCode?: unknown;
    errors?: unknown;
  };
  if (typeof e.healable === "boolean") {
    return { healable: e.healable, recognized: true, reason: "as the sink says" };
  }
  if (typeof e.code === "string") {
    const verdict = judgeCode(e.code);
    if (verdict) return verdict;
  }
  if (typeof e.name === "string") {
    if (HEALABLE_DENO_ERRORS.has(e.name)) {
      return { healable: true, recognized: true, reason: `Deno.errors.${e.name}` };
    }
    if (PERMANENT_DENO_ERRORS.has(e.name)) {
      return { healable: false, recognized: true, reason: `Deno.errors.${e.name}` };
    }
  }
  const status = typeof e.status === "number" ? e.status : e.statusCode;
  if (typeof status === "number" && status >= 400 && status <= 599) return judgeHttp(status);
  if (Array.isArray(e.errors)) return judgeAll(e.errors);
  return undefined;
}

function judgeCode(code: string): Verdict | undefined {
  if (HEALABLE_CODES.has(code)) return { healable: true, recognized: true, reason: code };
  if (PERMANENT_CODES.has(code)) return { healable: false, recognized: true, reason: code };
  if (!/^[0-9A-Z]{5}$/.test(code)) return undefined;
  const sqlClass = code.slice(0, 2);
  const reason = `SQLSTATE ${code}`;
  if (HEALABLE_SQLSTATES.has(code) || HEALABLE_SQLSTATE_CLASSES.has(sqlClass)) {
    return { healable: true, recognized: true, reason };
  }
  if (code === "57P04" || PERMANENT_SQLSTATE_CLASSES.has(sqlClass)) {
    return { healable: false, recognized: true, reason };
  }
  return undefined;
}

/** 408, 425, 429 and 5xx pass (except 501 and 505: the server will never do it); other 4xx do not. */
function judgeHttp(status: number): Verdict {
  const healable = status === 408 || status === 425 || status === 429 ||
    (status >= 500 && status !== 501 && status !== 505);
  return { healable, recognized: true, reason: `HTTP ${status}` };
}

/** An AggregateError (a connection tried on several addresses): healable if any part is. */
function judgeAll(errors: unknown[]): Verdict | undefined {
  const verdicts = errors.map((e) => classifyKnown(e)).filter((v) => v !== undefined);
  return verdicts.find((v) => v.healable) ?? verdicts[0];
}

/** The verdict of the outermost error of the chain that says something, if one does. */
function classifyKnown(error: unknown): Verdict | undefined {
  const seen = new Set<unknown>();
  for (let e = error; e !== null && typeof e === "object" && !seen.has(e); e = causeOf(e)) {
    seen.add(e);
    const verdict = judge(e);
    if (verdict) return verdict;
  }
  return undefined;
}

function causeOf(error: object): unknown {
  return (error as { cause?: unknown }).cause;
}

/**
 * Whether a sink's error can heal, from the outermost error of its `cause` chain that says
 * something: its own `healable` property (a sink's word wins), a Node or Deno error code,
 * a `Deno.errors` class, a PostgreSQL SQLSTATE, an HTTP status (`status` or `statusCode`).
 *
 * An error that says nothing counts as healable: commits are atomic and record their tick,
 * so a retry can never duplicate or half-write rows, while stopping a long-running server's
 * table is final; and common transient failures carry no code at all (`fetch`'s "fetch
 * failed" TypeError, node-postgres' "Connection terminated unexpectedly"). The server shows
 * the wait (status, `/ready`, metrics, a warning per retry), and `--max-retry-time` bounds
 * it for those who prefer a failure. Sinks mark what they know cannot heal.
 *
 * @example
 * ```ts
 * classifyError(Object.assign(new Error("refused"), { code: "ECONNREFUSED" })).healable; // true
 * classifyError(Object.assign(new Error("auth"), { code: "28P01" })).healable; // false
 * ```
 */
export function classifyError(error: unknown): Verdict {
  return classifyKnown(error) ??
    { healable: true, recognized: false, reason: "not recognized, so retried" };
}

/** The {@link CommitConflict} in an error's cause chain, if there is one. */
export function findCommitConflict(error: unknown): CommitConflict | undefined {
  const seen = new Set<unknown>();
  for (let e = error; e !== null && typeof e === "object" && !seen.has(e); e = causeOf(e)) {
    seen.add(e);
    if (e instanceof CommitConflict) return e;
  }
  return undefined;
}
