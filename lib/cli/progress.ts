/**
 * `generate`'s progress: on a terminal one line per table, rewritten in place (rows, rows/s,
 * time left), as `run`'s live status; otherwise a plain line per table every `intervalMs`
 * (long runs only: a table done before the first interval prints nothing extra).
 *
 * @module
 */

/** What {@link progressReporter} writes to, and when it is. */
export interface ProgressOptions {
  write(text: string): void;
  /** Whether the output is a terminal (a line rewritten in place). */
  terminal: boolean;
  /** Plain lines at most this often (default 10 s); the terminal line 10 times a second. */
  intervalMs?: number;
  /** The clock, in ms (tests drive it). */
  now?: () => number;
}

/** Receives `generate`'s batches as they are written. */
export interface Progress {
  /** `done` of `total` rows of `table` are written. */
  onBatch(table: string, done: number, total: number): void;
  /** Ends the last line (on a terminal). */
  finish(): void;
}

/** A progress reporter (see the module's description). */
export function progressReporter(options: ProgressOptions): Progress {
  const now = options.now ?? (() => performance.now());
  const every = options.terminal ? 100 : options.intervalMs ?? 10_000;
  let table: string | undefined;
  let started = 0;
  let shown = 0;
  let open = false;
  return {
    onBatch(name, done, total) {
      const t = now();
      if (name !== table) {
        if (open) options.write("\n");
        open = false;
        table = name;
        started = t;
        shown = t;
      }
      const finished = done >= total;
      if (!(t - shown >= every || (finished && (options.terminal || open)))) return;
      shown = t;
      const line = progressLine(name, done, total, (t - started) / 1000);
      if (options.terminal) {
        options.write(`\r\x1b[2K${line}`);
        open = true;
        if (finished) {
          options.write("\n");
          open = false;
        }
      } else {
        options.write(line + "\n");
      }
    },
    finish() {
      if (open) options.write("\n");
      open = false;
    },
  };
}

/** `orders: 45,000 of 100,000 rows (45%), 52,300 rows/s, about 1 s left`. */
export function progressLine(table: string, done: number, total: number, seconds: number): string {
  const rate = seconds > 0 ? done / seconds : 0;
  const percent = total > 0 ? Math.floor(done / total * 100) : 100;
  const left = rate > 0 ? (total - done) / rate : undefined;
  const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
  return `  ${table}: ${fmt(done)} of ${fmt(total)} rows (${percent}%), ${fmt(rate)} rows/s` +
    (done < total && left !== undefined ? `, about ${formatSeconds(left)} left` : "");
}

function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${Math.ceil(seconds)} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(seconds / 3600)} h ${Math.round((seconds % 3600) / 60)} min`;
}
