/**
 * What a restart needs to continue a table exactly: the stream state recorded with the
 * table (in Delta, the table property `tablestream.stream`, written in the same commit as
 * the table's first rows) and the fingerprint of the config that produced its rows.
 *
 * A table continues as before only when the fingerprint of its current config equals the
 * recorded one; otherwise its rows are kept and read back as a parent (a "prefix"), and new
 * rows follow under a new state.
 *
 * @module
 */

/** The table property holding the state. */
export const STATE_PROPERTY = "tablestream.stream";

/**
 * Bumped when a release changes the rows a config gives, so tables written by an older
 * generator continue under a new state instead of mixing two generators' rows.
 */
export const GENERATOR_VERSION = 1;

/** A table's stream state. */
export interface StreamState {
  /** Fingerprint of the config (and generator) that produces the table's rows. */
  fingerprint: string;
  /** Logical time of tick 0, ms since the epoch. */
  startMs: number;
  /** Logical time between ticks, ms. */
  tickIntervalMs: number;
  /** Row id of the first row generated under this state. */
  baseRowId: number;
  /** Rows the table had before this state began (kept, read back as a parent). */
  prefixRows: number;
  /** The table version holding exactly those rows, when there are any. */
  prefixVersion?: number;
  /**
   * The application id this state's commit points are recorded under, when it is not the
   * fingerprint's own ({@link appIdOf}): a config that comes back to a table after another
   * wrote it starts a new state whose ticks begin at 0 again, and the commit points of its
   * first state still hold that id, so the new state takes a fresh one.
   */
  appId?: string;
}

/** What decides a table's rows, besides the rows of the tables it reads from. */
export interface FingerprintInputs {
  seed: number;
  locale: string;
  tickIntervalMs: number;
  table: {
    name: string;
    rowCount: number;
    startRowId: number;
    policy: string;
    rowsPerMinute: number;
    columns: { name: string; data: unknown; type?: string; nullFraction: number }[];
    /** The table's `changes:` (rates, update columns, pick), when it has them. */
    changes?: unknown;
    /** The shape of its rate (`cadence:`'s daily, weekly, phases, bursts, jitter), if any. */
    rateShape?: unknown;
  };
}

/** A short stable hash of everything that decides a table's rows. */
export async function fingerprint(inputs: FingerprintInputs): Promise<string> {
  const text = JSON.stringify({ generator: GENERATOR_VERSION, ...inputs });
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest).slice(0, 8), (b) => b.toString(16).padStart(2, "0"))
    .join("");
}

/** The `txn` application id of a table's commits under a fingerprint. */
export function appIdOf(table: string, fingerprint: string): string {
  return `tablestream:${table}:${fingerprint}`;
}

/**
 * The application id of a new state of `fingerprint`: the fingerprint's own, or, when the
 * table already holds commit points under it (an earlier state of the same config), the
 * first of `<id>:2`, `<id>:3`... that it does not hold.
 */
export function freshAppId(
  table: string,
  fingerprint: string,
  taken: ReadonlyMap<string, number> | undefined,
): string {
  const base = appIdOf(table, fingerprint);
  if (!taken?.has(base)) return base;
  for (let n = 2;; n++) if (!taken.has(`${base}:${n}`)) return `${base}:${n}`;
}

/** The state as the text of the table property. */
export function encodeState(state: StreamState): string {
  return JSON.stringify({ format: 1, ...state });
}

/**
 * Reads a recorded state; undefined when there is none. A state that is not readable is
 * an error naming the table: guessing would risk duplicate or missing rows.
 */
export function decodeState(table: string, text: string | undefined): StreamState | undefined {
  if (text === undefined) return undefined;
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new Error(`Table "${table}" has an unreadable ${STATE_PROPERTY} property: ${text}`);
  }
  const whole = (key: string) => Number.isSafeInteger(raw[key]);
  if (
    raw.format !== 1 || typeof raw.fingerprint !== "string" || !whole("startMs") ||
    !whole("tickIntervalMs") || !whole("baseRowId") || !whole("prefixRows") ||
    (raw.prefixVersion !== undefined && !whole("prefixVersion")) ||
    (raw.appId !== undefined && typeof raw.appId !== "string")
  ) {
    throw new Error(
      `Table "${table}" has a ${STATE_PROPERTY} property this version of tablestream cannot ` +
        `read: ${text}`,
    );
  }
  return {
    fingerprint: raw.fingerprint,
    startMs: raw.startMs as number,
    tickIntervalMs: raw.tickIntervalMs as number,
    baseRowId: raw.baseRowId as number,
    prefixRows: raw.prefixRows as number,
    ...(raw.prefixVersion !== undefined ? { prefixVersion: raw.prefixVersion as number } : {}),
    ...(raw.appId !== undefined ? { appId: raw.appId as string } : {}),
  };
}
