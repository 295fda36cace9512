/**
 * What the streaming server reports about each table: the numbers behind the terminal
 * status block, `/status` and `/metrics`.
 *
 * @module
 */
import { FAULT_KINDS, type FaultCounts } from "../engine/faults.ts";
import type { SinkMetric } from "../plugin/types.ts";

/** Where a table's loop is. */
export type TableStage =
  | "starting"
  | "running"
  /** Waiting for a parent's commit (`waitingFor` says which). */
  | "waiting"
  /** Its sink failed for a reason that can heal: retrying with back-off until it works. */
  | "waiting-for-sink"
  | "idle"
  /** Paused from the live page (`run --http-control`): commits nothing until resumed. */
  | "paused"
  | "done"
  | "failed"
  | "stopped";

/** One table's live numbers. */
export interface TableStatus {
  table: string;
  /** The sink's own figures (`Sink.metrics`), when it has some. */
  sinkMetrics?: readonly SinkMetric[];
  /** The sink writing it (`delta`, `postgres`...; `custom` for a sink given as a function). */
  sink: string;
  stage: TableStage;
  /**
   * Where the table is, in words: `running`, `waiting for customers tick 12`, `waiting for
   * sink since 2026-01-01T00:00:10Z: <last error>`, `failed: <error>`.
   */
  activity: string;
  /** What the table waits for, when waiting (e.g. `customers tick 12`). */
  waitingFor?: string;
  /** When the current wait for its sink began (wall clock, ms), while it waits. */
  sinkWaitSince?: number;
  /** How long it has waited for its sink, ms (0 when it is not waiting). */
  sinkWaitMs: number;
  /** `append`, `replace` or `static`. */
  policy: string;
  /** Configured rate (append tables): the mean of a shaped rate. */
  rowsPerMinute: number;
  /**
   * The rate the cadence asks for at the last tick's logical time (append tables): equal to
   * `rowsPerMinute` for a constant rate, the shape's rate there for a shaped one.
   */
  targetRowsPerMinute?: number;
  /**
   * Streamed rows committed per minute of wall-clock time, over the last minute: the cadence's
   * rate, without the initial `row_count` rows.
   */
  measuredRowsPerMinute: number;
  /** Rows in the table (what it had at start plus what this run and other writers added). */
  rows: number;
  /** Rows this process committed (never those another writer committed). */
  rowsWritten: number;
  /** Rows this process committed past the initial fill (tick 0), the cadence's rows. */
  streamedRows: number;
  /** Updates and deletes of existing rows this process committed (`changes:`). */
  changesWritten: number;
  /** Commits this process made. */
  commits: number;
  /**
   * Races its commits lost to other writers of the table before landing (Delta: a version
   * another writer took first; shards of one table race so), retried at once.
   */
  commitRetries: number;
  /** Commits that lost at least one such race. */
  commitConflicts: number;
  /**
   * Rows of ticks found already committed by another writer of the table (two servers on
   * one output): skipped, not written, and not part of `rowsWritten`.
   */
  skippedRows: number;
  /** Ticks found already committed by another writer. */
  skippedTicks: number;
  /** Table version after the last commit (Delta), if known. */
  version?: number;
  /** When this process last committed to the table (wall clock, ms). */
  lastCommitAt?: number;
  /**
   * Streamed rows committed in each of the last 60 wall-clock minutes, oldest first, the
   * current minute so far last (the live page's sparkline).
   */
  rateHistory?: number[];
  /** Last committed tick. */
  tick: number;
  /** Logical time of the last committed tick, ms. */
  tickTime?: number;
  /** How far the last committed tick lags behind the wall clock, ms (0 in fast-forward). */
  lagMs: number;
  /** Bytes of data files this run wrote. */
  bytesWritten: number;
  /** Failed attempts this run. */
  errors: number;
  /** Retries of failed commits this run (each after a back-off). */
  retries: number;
  lastError?: string;
  /**
   * What this process's commits injected on purpose, by kind (tables with `duplicates:`,
   * `event_time:`, `bad_values:` or `orphans:` only).
   */
  injected?: FaultCounts;
}

/** Where the server as a whole is. */
export type ServerPhase =
  /** Reading the tables back from their sinks (waiting for them, if they fail). */
  | "starting"
  /** Every table's loop is started. */
  | "running"
  /** Every loop has ended. */
  | "stopped";

/** The whole server's numbers. */
export interface ServerStatus {
  startedAt: string;
  fastForward: boolean;
  phase: ServerPhase;
  /** While starting: the sinks failed to answer for a reason that can heal, since when (ms). */
  startWaitSince?: number;
  /** While starting: the last such failure. */
  startError?: string;
  tables: TableStatus[];
}

/** A fresh status line for a table. */
export function newTableStatus(
  table: string,
  policy: string,
  rowsPerMinute: number,
  sink = "custom",
): TableStatus {
  return {
    table,
    sink,
    stage: "starting",
    activity: "starting",
    sinkWaitMs: 0,
    policy,
    rowsPerMinute,
    measuredRowsPerMinute: 0,
    rows: 0,
    rowsWritten: 0,
    streamedRows: 0,
    changesWritten: 0,
    commits: 0,
    commitRetries: 0,
    commitConflicts: 0,
    skippedRows: 0,
    skippedTicks: 0,
    tick: -1,
    lagMs: 0,
    bytesWritten: 0,
    errors: 0,
    retries: 0,
  };
}

/** A time as ISO text to the second (`2026-01-01T00:00:10Z`). */
function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** A table's {@link TableStatus.activity}: where it is, in words. */
export function describeActivity(t: TableStatus): string {
  switch (t.stage) {
    case "waiting":
      return t.waitingFor ? `waiting for ${t.waitingFor}` : "waiting";
    case "waiting-for-sink":
      return `waiting for sink since ${isoSeconds(t.sinkWaitSince ?? 0)}` +
        (t.lastError ? `: ${t.lastError}` : "");
    case "failed":
      return t.lastError ? `failed: ${t.lastError}` : "failed";
    default:
      return t.stage;
  }
}

/** Why the server is not ready (`/ready`): what is not flowing; empty when everything is. */
export function notReady(status: ServerStatus): {
  starting?: string;
  waiting: { table: string; since: string; error?: string }[];
  failed: { table: string; error?: string }[];
} {
  const waiting = status.tables.filter((t) => t.stage === "waiting-for-sink").map((t) => ({
    table: t.table,
    since: new Date(t.sinkWaitSince ?? 0).toISOString(),
    ...(t.lastError ? { error: t.lastError } : {}),
  }));
  const failed = status.tables.filter((t) => t.stage === "failed").map((t) => ({
    table: t.table,
    ...(t.lastError ? { error: t.lastError } : {}),
  }));
  const starting = status.phase !== "starting"
    ? undefined
    : status.startError
    ? `waiting for the sinks since ${isoSeconds(status.startWaitSince ?? 0)}: ${status.startError}`
    : "reading the tables back";
  return { ...(starting ? { starting } : {}), waiting, failed };
}

/** `tablestream_injected_total` by table and kind, for the tables that inject any. */
function injectedLines(status: ServerStatus): string[] {
  const tables = status.tables.filter((t) => t.injected);
  if (tables.length === 0) return [];
  const name = "tablestream_injected_total";
  return [
    `# HELP ${name} Imperfections committed on purpose by this process, by kind: late event ` +
    "times (rows), duplicates (rows), bad values and orphan keys (cells).",
    `# TYPE ${name} counter`,
    ...tables.flatMap((t) =>
      FAULT_KINDS.map((kind) =>
        `${name}{table="${label(t.table)}",kind="${kind}"} ${t.injected![kind]}`
      )
    ),
  ];
}

/** Prometheus label value escaping (backslash, quote, newline). */
function label(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

interface MetricSpec {
  name: string;
  type: "counter" | "gauge";
  help: string;
  value: (t: TableStatus) => number | undefined;
  /** Labels the sink too (the metrics about waiting for it). */
  sinkLabel?: boolean;
}

const METRICS: MetricSpec[] = [
  {
    name: "tablestream_rows_total",
    type: "counter",
    help: "Rows committed by this process (not those another writer committed).",
    value: (t) => t.rowsWritten,
  },
  {
    name: "tablestream_changes_total",
    type: "counter",
    help: "Updates and deletes of existing rows committed by this process (changes:).",
    value: (t) => t.changesWritten,
  },
  {
    name: "tablestream_skipped_rows_total",
    type: "counter",
    help: "Rows of ticks found already committed by another writer of the table: skipped.",
    value: (t) => t.skippedRows,
  },
  {
    name: "tablestream_table_rows",
    type: "gauge",
    help: "Rows in the table.",
    value: (t) => t.rows,
  },
  {
    name: "tablestream_rows_per_minute",
    type: "gauge",
    help: "Streamed rows (the initial row_count left out) committed per minute over the last " +
      "minute of wall-clock time.",
    value: (t) => t.measuredRowsPerMinute,
  },
  {
    name: "tablestream_target_rows_per_minute",
    type: "gauge",
    help: "Rows per minute the cadence asks for at the table's logical time (a rate shape's " +
      "current rate; the configured rate when constant).",
    value: (t) => t.policy === "append" ? t.targetRowsPerMinute ?? t.rowsPerMinute : undefined,
  },
  {
    name: "tablestream_commits_total",
    type: "counter",
    help: "Commits made by this process.",
    value: (t) => t.commits,
  },
  {
    name: "tablestream_commit_retries_total",
    type: "counter",
    help: "Races this process's commits lost to other writers of the table (shards), retried.",
    value: (t) => t.commitRetries,
  },
  {
    name: "tablestream_errors_total",
    type: "counter",
    help: "Failed write attempts.",
    value: (t) => t.errors,
  },
  {
    name: "tablestream_bytes_written_total",
    type: "counter",
    help: "Bytes of data files written by this run.",
    value: (t) => t.bytesWritten,
  },
  {
    name: "tablestream_tick_lag_seconds",
    type: "gauge",
    help: "How far the last committed tick is behind the wall clock.",
    value: (t) => t.lagMs / 1000,
  },
  {
    name: "tablestream_last_tick",
    type: "gauge",
    help: "The last committed tick.",
    value: (t) => t.tick,
  },
  {
    name: "tablestream_table_version",
    type: "gauge",
    help: "The table's version after the last commit.",
    value: (t) => t.version,
  },
  {
    name: "tablestream_table_failed",
    type: "gauge",
    help: "1 when the table stopped: an error that cannot heal, or --max-retry-time spent.",
    value: (t) => t.stage === "failed" ? 1 : 0,
  },
  {
    name: "tablestream_sink_wait_seconds",
    type: "gauge",
    help: "How long the table has waited for its sink to accept a commit (0 when it is not " +
      "waiting).",
    value: (t) => t.sinkWaitMs / 1000,
    sinkLabel: true,
  },
  {
    name: "tablestream_sink_retries_total",
    type: "counter",
    help: "Commits retried after the sink failed for a reason that can heal.",
    value: (t) => t.retries,
    sinkLabel: true,
  },
];

/** The Prometheus text exposition of a server's status. */
export function prometheusText(status: ServerStatus): string {
  const lines: string[] = [];
  for (const metric of METRICS) {
    lines.push(`# HELP ${metric.name} ${metric.help}`, `# TYPE ${metric.name} ${metric.type}`);
    for (const table of status.tables) {
      const value = metric.value(table);
      if (value === undefined || !Number.isFinite(value)) continue;
      const sink = metric.sinkLabel ? `,sink="${label(table.sink)}"` : "";
      lines.push(`${metric.name}{table="${label(table.table)}"${sink}} ${value}`);
    }
  }
  lines.push(...injectedLines(status));
  // The sinks' own figures (Kafka's records, bytes, errors, in flight), by name.
  const own = new Map<string, { help: string; type: string; lines: string[] }>();
  for (const table of status.tables) {
    for (const m of table.sinkMetrics ?? []) {
      if (!/^[a-z_][a-z0-9_]*$/.test(m.name) || !Number.isFinite(m.value)) continue;
      const name = `tablestream_sink_${m.name}`;
      const entry = own.get(name) ?? own.set(name, { help: m.help, type: m.type, lines: [] })
        .get(name)!;
      entry.lines.push(
        `${name}{table="${label(table.table)}",sink="${label(table.sink)}"} ${m.value}`,
      );
    }
  }
  for (const [name, entry] of own) {
    lines.push(`# HELP ${name} ${entry.help}`, `# TYPE ${name} ${entry.type}`, ...entry.lines);
  }
  return lines.join("\n") + "\n";
}

const compact = new Intl.NumberFormat("en-US");

/** A table's target rate: `600/min`, or a shaped rate's current one and its mean. */
function targetText(t: TableStatus): string {
  if (t.policy !== "append") return t.policy;
  const target = t.targetRowsPerMinute ?? t.rowsPerMinute;
  const now = `${compact.format(Math.round(target * 100) / 100)}/min`;
  return target === t.rowsPerMinute ? now : `${now} (mean ${compact.format(t.rowsPerMinute)})`;
}

/** The terminal status block: a header and one aligned line per table. */
export function statusLines(status: ServerStatus, now: number): string[] {
  const rows = status.tables.map((t) => [
    t.table,
    t.stage === "waiting-for-sink"
      ? `waiting for sink since ${isoSeconds(t.sinkWaitSince ?? 0)}`
      : t.stage + (t.waitingFor ? ` (${t.waitingFor})` : ""),
    compact.format(t.rows),
    compact.format(Math.round(t.measuredRowsPerMinute)),
    targetText(t),
    t.version === undefined ? "-" : `v${t.version}`,
    t.tickTime === undefined ? "-" : new Date(t.tickTime).toISOString().replace(".000Z", "Z"),
    t.lastError ? t.lastError.slice(0, 60) : "",
  ]);
  const header = [
    "table",
    "status",
    "rows",
    "rows/min",
    "target",
    "version",
    "logical time",
    "last error",
  ];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd();
  const up = Math.round((now - Date.parse(status.startedAt)) / 1000);
  return [
    `tablestream run: ${status.tables.length} tables, up ${up} s${
      status.fastForward ? ", fast-forward" : ""
    }`,
    line(header),
    ...rows.map(line),
  ];
}
