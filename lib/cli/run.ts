/**
 * `run`: the streaming server. Keeps every table growing at its cadence until Ctrl+C or a
 * stop condition; resumes from the tables it finds.
 *
 * @module
 */
import { parseDuration } from "../config/mod.ts";
import { createLogger, LOG_FORMATS, type LogFormat, type Logger } from "../output/log.ts";
import { LiveBlock } from "../output/live_block.ts";
import { serveMonitoring } from "../schedule/http.ts";
import { ConfigError, StreamingServer } from "../schedule/server.ts";
import { statusLines } from "../schedule/status.ts";
import { CONFIG_OPTION, WORKERS_OPTION } from "./_options.ts";
import { SHARD_OPTIONS, shardOf } from "./_shard.ts";
import { formatShard } from "../stream/shard.ts";
import { InvalidConfig, timeOption } from "./_setup.ts";
import {
  choiceOption,
  type Command,
  type CommandIO,
  EXIT,
  intOption,
  listOption,
  optionalString,
  requiredOption,
  UsageError,
} from "./command.ts";

/** Reads a duration option like `10s`; throws UsageError naming the option. */
function durationOption(
  values: Record<string, string | boolean | undefined>,
  name: string,
): number | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const ms = parseDuration(String(raw));
  if (ms === undefined || ms <= 0) {
    throw new UsageError(`--${name} must be a duration like 10s, 500ms, 1m or 1h30m, got "${raw}"`);
  }
  return ms;
}

/** The `run` command. */
export const runCommand: Command = {
  name: "run",
  summary: "Keep every table growing at its cadence (the streaming server).",
  usage: "run --config F --output DIR [--tables a,b] [--fast-forward] [options]",
  options: {
    config: CONFIG_OPTION,
    output: {
      type: "string",
      short: "o",
      placeholder: "dir",
      description:
        "Output folder; each table is the Delta table DIR/<table> (default: the config's sinks)",
    },
    tables: {
      type: "string",
      short: "t",
      placeholder: "a,b",
      description: "Only these tables; the tables they read from are read from DIR",
    },
    seed: { type: "string", placeholder: "n", description: "Seed (overrides config.seed)" },
    "tick-interval": {
      type: "string",
      placeholder: "duration",
      description: "Logical time between ticks (overrides config.tick_interval)",
    },
    "start-time": {
      type: "string",
      placeholder: "iso",
      description: "Start time of tables this run creates (default: now)",
    },
    "fast-forward": {
      type: "boolean",
      description: "Run ticks back to back without waiting (backfill; logical time advances)",
    },
    ticks: { type: "string", placeholder: "n", description: "Stop after N ticks per table" },
    until: {
      type: "string",
      placeholder: "iso",
      description: "Stop after the last tick at or before this logical time",
    },
    duration: {
      type: "string",
      placeholder: "duration",
      description: "Stop after this long (logical time past each table's last tick when " +
        "fast-forwarding)",
    },
    "commit-rows": {
      type: "string",
      placeholder: "n",
      description: "Most rows one commit gathers from ticks that are due together",
      default: "10000",
    },
    "commit-interval": {
      type: "string",
      placeholder: "duration",
      description: "Live: least time between two commits of a table; rows of the ticks in " +
        "between are committed together (default: config.commit_interval, else 10s)",
    },
    workers: WORKERS_OPTION,
    "max-retry-time": {
      type: "string",
      placeholder: "duration",
      description: "Stop a table whose sink keeps failing this long (default: " +
        "config.max_retry_time, else wait without limit for errors that can heal: a " +
        "database restarting, a full disk)",
    },
    ...SHARD_OPTIONS,
    http: {
      type: "string",
      placeholder: "host:port",
      description: "Serve the live page at / and /metrics, /status, /health (liveness) and " +
        "/ready (every table flowing), e.g. 127.0.0.1:9464 (loopback unless a host is given)",
    },
    "http-control": {
      type: "boolean",
      description: "Let the live page pause and resume tables: each request must carry the " +
        "bearer token in TABLESTREAM_HTTP_TOKEN",
    },
    "log-format": {
      type: "string",
      placeholder: "format",
      description: "text or json (JSON lines)",
      default: "text",
    },
    "status-interval": {
      type: "string",
      placeholder: "duration",
      description: "How often to log every table's numbers when not on a terminal",
      default: "60s",
    },
  },
  async run(values, io) {
    const config = requiredOption(values, "config");
    const output = optionalString(values, "output");
    const logFormat: LogFormat = choiceOption(values, "log-format", LOG_FORMATS);
    const tables = listOption(values, "tables");
    const shard = shardOf(values, io);
    const live = io.isTerminal === true && logFormat === "text";
    let block: LiveBlock | undefined;
    const log: Logger = createLogger(
      (line) => block ? block.print(line) : io.stderr(line),
      { format: logFormat },
    );
    const server = new StreamingServer({
      config,
      ...(output !== undefined ? { output } : {}),
      ...(tables ? { tables } : {}),
      seed: intOption(values, "seed"),
      tickIntervalMs: durationOption(values, "tick-interval"),
      startTime: timeOption(values, "start-time"),
      fastForward: values["fast-forward"] === true,
      ticks: intOption(values, "ticks", { min: 0 }),
      until: timeOption(values, "until"),
      durationMs: durationOption(values, "duration"),
      commitRows: intOption(values, "commit-rows", { min: 1 }),
      commitIntervalMs: durationOption(values, "commit-interval"),
      workers: intOption(values, "workers", { min: 1 }),
      maxRetryTimeMs: durationOption(values, "max-retry-time"),
      ...(shard ? { shard } : {}),
      log,
    });
    if (shard) {
      log.info(`Shard ${formatShard(shard)}: writing shard ${shard.index}'s part of every table`, {
        shard: formatShard(shard),
      });
    }
    const statusEvery = durationOption(values, "status-interval")!;
    const onAbort = () => {
      log.info("Stopping: letting commits in flight finish (Ctrl+C again to quit at once)");
      server.stop();
    };
    io.signal?.addEventListener("abort", onAbort, { once: true });
    const controlToken = httpControlToken(values, io);
    const monitoring = typeof values.http === "string"
      ? await startMonitoring(server, values.http, log, controlToken)
      : undefined;
    const timer = setInterval(() => {
      if (block) block.redraw();
      else logStatus(server, log);
    }, live ? 1_000 : statusEvery);
    try {
      const started = server.start();
      started.catch(() => {}); // awaited below; ready rejects with the same error first
      await server.ready.then(() => {
        if (live) {
          block = new LiveBlock(io.stdout, () => statusLines(server.status(), Date.now()));
          block.redraw();
        }
      });
      const summary = await started;
      block?.redraw();
      block = undefined;
      return summary.failed.length ? EXIT.failure : EXIT.ok;
    } catch (error) {
      if (error instanceof ConfigError) {
        io.stderr(error.message);
        throw new InvalidConfig(config, error.message.split("error[").length - 1);
      }
      throw error;
    } finally {
      clearInterval(timer);
      io.signal?.removeEventListener("abort", onAbort);
      await monitoring?.close();
    }
  },
};

/**
 * The bearer token of `--http-control` (from TABLESTREAM_HTTP_TOKEN), or undefined without the
 * flag; the flag without `--http` or without a token is a usage error.
 */
function httpControlToken(
  values: Record<string, string | boolean | undefined>,
  io: CommandIO,
): string | undefined {
  if (values["http-control"] !== true) return undefined;
  if (typeof values.http !== "string") {
    throw new UsageError("--http-control needs --http host:port (the page it controls)");
  }
  const token = io.env?.("TABLESTREAM_HTTP_TOKEN");
  if (!token || token.length < 16) {
    throw new UsageError(
      "--http-control needs TABLESTREAM_HTTP_TOKEN set to a secret of at least 16 characters " +
        "(e.g. `export TABLESTREAM_HTTP_TOKEN=$(openssl rand -hex 24)`)",
    );
  }
  return token;
}

async function startMonitoring(
  server: StreamingServer,
  address: string,
  log: Logger,
  controlToken: string | undefined,
) {
  let monitoring;
  try {
    monitoring = serveMonitoring(server, address, controlToken ? { controlToken } : {});
  } catch (error) {
    throw new UsageError(`--http ${address}: ${(error as Error).message}`);
  }
  await Promise.resolve();
  const host = monitoring.hostname.includes(":") ? `[${monitoring.hostname}]` : monitoring.hostname;
  const url = `http://${host}:${monitoring.port}/`;
  log.info(
    `Live page at ${url} (${controlToken ? "with control" : "read-only"}); /metrics, /status, ` +
      "/health and /ready beside it",
    { http: `${monitoring.hostname}:${monitoring.port}`, url },
  );
  return monitoring;
}

/** One log line per table with its numbers. */
function logStatus(server: StreamingServer, log: Logger): void {
  for (const t of server.status().tables) {
    const waiting = t.stage === "waiting-for-sink";
    const fields = {
      table: t.table,
      rows: t.rows,
      commits: t.commits,
      tick: t.tick,
      version: t.version,
      lag_s: Math.round(t.lagMs / 1000),
      sink_wait_s: waiting ? Math.round(t.sinkWaitMs / 1000) : undefined,
      skipped_rows: t.skippedRows || undefined,
      error: waiting ? undefined : t.lastError,
    };
    if (waiting) log.warn(`Table "${t.table}" ${t.activity}`, fields);
    else log.info(`Table "${t.table}" ${t.activity}`, fields);
  }
}
