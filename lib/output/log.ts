/**
 * A small structured logger: plain lines for people, JSON lines for log collectors.
 *
 * @module
 */

/** How log lines are written. */
export type LogFormat = "text" | "json";

/** Every {@link LogFormat}. */
export const LOG_FORMATS: readonly LogFormat[] = ["text", "json"];

/** Severity of a log line. */
export type LogLevel = "info" | "warn" | "error";

/** Fields attached to a log line. */
export type LogFields = Record<string, string | number | boolean | undefined>;

/** Writes log lines. */
export interface Logger {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

/** A logger that drops everything (the library's default). */
export const silentLogger: Logger = { info() {}, warn() {}, error() {} };

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  format?: LogFormat;
  /** Wall clock for timestamps. */
  now?: () => number;
}

/**
 * A logger writing one line per call to `write`: `2026-01-01T00:00:00.000Z info message
 * key=value` as text, or `{"time":...,"level":"info","msg":"...",...}` as JSON.
 */
export function createLogger(write: (line: string) => void, options: LoggerOptions = {}): Logger {
  const format = options.format ?? "text";
  const now = options.now ?? Date.now;
  const line = (level: LogLevel, message: string, fields: LogFields = {}) => {
    const time = new Date(now()).toISOString();
    const defined = Object.entries(fields).filter(([, v]) => v !== undefined);
    if (format === "json") {
      write(JSON.stringify({ time, level, msg: message, ...Object.fromEntries(defined) }) + "\n");
      return;
    }
    const extra = defined.map(([k, v]) => `${k}=${quote(String(v))}`).join(" ");
    write(`${time} ${level.padEnd(5)} ${message}${extra ? " " + extra : ""}\n`);
  };
  return {
    info: (message, fields) => line("info", message, fields),
    warn: (message, fields) => line("warn", message, fields),
    error: (message, fields) => line("error", message, fields),
  };
}

/** Quotes a text field value that has spaces or quotes, so lines stay parseable. */
function quote(value: string): string {
  return /[\s"=]/.test(value) || value === "" ? JSON.stringify(value) : value;
}
