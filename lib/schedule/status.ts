/**
 * What the streaming server reports about each table: the numbers behind the terminal
 * status block, `/status` and `/metrics`.
 *
 * @module
 */

/** Where a table's loop is. */
export type TableStage =
  | "starting"
  | "running"
  | "waiting"
  | "retrying"
  | "idle"
  | "done"
  | "failed"
  | "stopped";

/** One table's live numbers. */
export interface TableStatus {
  table: string;
  stage: TableStage;
  /** What the table waits for, when waiting (e.g. `customers tick 12`). */
  waitingFor?: string;
  /** `append`, `replace` or `static`. */
  policy: string;
  /** Configured rate (append tables). */
  rowsPerMinute: number;
  /**
   * Streamed rows committed per minute of wall-clock time, over the last minute: the cadence's
   * rate, without the initial `row_count` rows.
   */
  measuredRowsPerMinute: number;
  /** Rows in the table (what it had at start plus what this run added). */
  rows: number;
  /** Rows this run committed. */
  rowsWritten: number;
  /** Rows this run committed past the initial fill (tick 0), the cadence's rows. */
  streamedRows: number;
  /** Commits this run made. */
  commits: number;
  /** Table version after the last commit (Delta), if known. */
  version?: number;
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
  lastError?: string;
}

/** The whole server's numbers. */
export interface ServerStatus {
  startedAt: string;
  fastForward: boolean;
  tables: TableStatus[];
}

/** A fresh status line for a table. */
export function newTableStatus(table: string, policy: string, rowsPerMinute: number): TableStatus {
  return {
    table,
    stage: "starting",
    policy,
    rowsPerMinute,
    measuredRowsPerMinute: 0,
    rows: 0,
    rowsWritten: 0,
    streamedRows: 0,
    commits: 0,
    tick: -1,
    lagMs: 0,
    bytesWritten: 0,
    errors: 0,
  };
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
}

const METRICS: MetricSpec[] = [
  {
    name: "tablestream_rows_total",
    type: "counter",
    help: "Rows committed by this run.",
    value: (t) => t.rowsWritten,
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
    name: "tablestream_commits_total",
    type: "counter",
    help: "Commits made by this run.",
    value: (t) => t.commits,
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
    help: "1 when the table stopped after repeated failures.",
    value: (t) => t.stage === "failed" ? 1 : 0,
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
      lines.push(`${metric.name}{table="${label(table.table)}"} ${value}`);
    }
  }
  return lines.join("\n") + "\n";
}

const compact = new Intl.NumberFormat("en-US");

/** The terminal status block: a header and one aligned line per table. */
export function statusLines(status: ServerStatus, now: number): string[] {
  const rows = status.tables.map((t) => [
    t.table,
    t.stage + (t.waitingFor ? ` (${t.waitingFor})` : ""),
    compact.format(t.rows),
    compact.format(Math.round(t.measuredRowsPerMinute)),
    t.policy === "append" ? `${compact.format(t.rowsPerMinute)}/min` : t.policy,
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
