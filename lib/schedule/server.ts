/**
 * The streaming server: keeps every table growing at its own cadence, forever or until a
 * stop condition, without breaking a join, duplicating a row or losing one.
 *
 * @module
 */
import { loadLocale } from "../engine/faker.ts";
import { formatDiagnostics, loadConfig } from "../config/mod.ts";
import type { Config } from "../config/mod.ts";
import { changeSpec, DEFAULT_SEED, engineOptions, parentsOf } from "../config/engine_specs.ts";
import { sinkPlan } from "../config/sink_plan.ts";
import type { TableGenerator } from "../engine/generator.ts";
import { Engine } from "../engine/engine.ts";
import { sinkTableOf } from "../engine/spec.ts";
import { diagramOf, toSvg } from "../diagram/mod.ts";
import { cellText, columnCells } from "../output/cell_text.ts";
import { injectedFields, injectionOf } from "./injected.ts";
import { changingParentSource } from "../changes/stream_parent.ts";
import { defaultWorkers } from "../parallel/pool.ts";
import { sourceChooser } from "../parallel/handoff.ts";
import { type EngineRecipe, streamTableRecipe } from "../parallel/recipe.ts";
import { type Logger, silentLogger } from "../output/log.ts";
import type { Sink } from "../plugin/types.ts";
import { type Clock, sleep as realSleep, systemClock } from "./clock.ts";
import { planTables, schemaDifference, type TablePlan } from "./plan.ts";
import { planStart } from "./shard_startup.ts";
import { Progress } from "./progress.ts";
import {
  describeActivity,
  type ServerPhase,
  type ServerStatus,
  type TableStatus,
} from "./status.ts";
import { DEFAULT_RETRY, nextRetryWait, type RetryOptions, waitedFor } from "./retry.ts";
import { formatDuration } from "../config/duration.ts";
import { classifyError } from "../plugin/sink_errors.ts";
import { shardAppId, shardCompleteThrough, shardsCompleteThrough } from "../stream/shard.ts";
import { type ParentLink, type StopConditions, TableFailed, TableRunner } from "./table_runner.ts";
import { changeFeedOf, checkChangeSinks } from "./change_feed.ts";

export {
  ConfigError,
  DEFAULT_COMMIT_INTERVAL_MS,
  type RunSummary,
  type StreamingServerOptions,
} from "./server_options.ts";
import {
  ConfigError,
  DEFAULT_COMMIT_INTERVAL_MS,
  type RunSummary,
  type StreamingServerOptions,
} from "./server_options.ts";

/**
 * Runs the tables of a config continuously.
 *
 * @example
 * ```ts
 * const server = new StreamingServer({ config: "examples/streaming_config.yaml", output: "out" });
 * const done = server.start();      // resolves when stopped
 * Deno.addSignalListener("SIGINT", () => server.stop());
 * const summary = await done;
 * ```
 */
export class StreamingServer {
  readonly #options: StreamingServerOptions;
  readonly #controller = new AbortController();
  readonly #clock: Clock;
  readonly #log: Logger;
  #runners: TableRunner[] = [];
  /** What the live page draws and previews, once the tables are planned. */
  #page?: { engine: Engine; diagramSvg: string };
  #phase: ServerPhase = "starting";
  /** While starting: since when (ms) the sinks fail for a reason that can heal, and how. */
  #startWait?: { since: number; error: string };
  #started?: Promise<RunSummary>;
  #startedAt = new Date();
  #readyResolve!: () => void;
  #readyReject!: (error: unknown) => void;
  /** Resolves once every table is planned and its loop started; rejects if start-up fails. */
  readonly ready: Promise<void>;

  constructor(options: StreamingServerOptions) {
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.#log = options.log ?? silentLogger;
    this.ready = new Promise((resolve, reject) => {
      this.#readyResolve = resolve;
      this.#readyReject = reject;
    });
    this.ready.catch(() => {}); // start() reports the same failure
  }

  /** Starts every table; resolves when all loops ended (stop, stop conditions, failures). */
  start(): Promise<RunSummary> {
    this.#started ??= this.#run().catch((error) => {
      this.#readyReject(error);
      throw error;
    });
    return this.#started;
  }

  /** Stops scheduling, lets in-flight commits finish, and resolves when everything stopped. */
  async stop(): Promise<void> {
    this.#controller.abort(new DOMException("The server was stopped", "AbortError"));
    await this.#started?.catch(() => {});
  }

  /** Live numbers of every table this process writes. */
  status(): ServerStatus {
    const now = this.#clock.now();
    return {
      startedAt: this.#startedAt.toISOString(),
      fastForward: this.#options.fastForward ?? false,
      phase: this.#phase,
      ...(this.#startWait
        ? { startWaitSince: this.#startWait.since, startError: this.#startWait.error }
        : {}),
      tables: this.#runners.map((r) => {
        const status: TableStatus = {
          ...r.status,
          // Paused while it sleeps until its next tick: it will commit nothing when it wakes.
          ...(r.pause.paused && r.status.stage === "idle" ? { stage: "paused" as const } : {}),
          measuredRowsPerMinute: r.measuredRate(now),
          // Behind the wall clock by more than a tick: fast-forward is never "late".
          lagMs: this.#options.fastForward || r.status.tickTime === undefined
            ? 0
            : Math.max(0, now - r.status.tickTime - (r.plan.state?.tickIntervalMs ?? 0)),
          sinkWaitMs: r.status.sinkWaitSince === undefined
            ? 0
            : Math.max(0, now - r.status.sinkWaitSince),
          rateHistory: r.rateHistory(now),
        };
        const sinkMetrics = r.sinkMetrics();
        if (sinkMetrics) status.sinkMetrics = sinkMetrics;
        status.activity = describeActivity(status);
        return status;
      }),
    };
  }

  /**
   * The last `n` rows committed to a table, generated again (every row is a pure function of
   * its id and tick, so they are the committed ones), as text cells; undefined before its
   * first commit, for a shard, or for a table this process does not write.
   */
  latestRows(table: string, n = 5): { columns: string[]; rows: string[][] } | undefined {
    const runner = this.#runners.find((r) => r.plan.name === table);
    const range = runner?.latestRows(n);
    if (!range || !this.#page) return undefined;
    const batch = this.#page.engine.table(table).batch(range.firstRowId, range.count, range.epoch);
    const columns = columnCells(batch);
    return {
      columns: columns.map((c) => c.name),
      rows: Array.from(
        { length: batch.numRows },
        (_, i) => columns.map((c) => cellText(c.cell(i))),
      ),
    };
  }

  /** The config's tables and foreign keys as an SVG drawing, once the tables are planned. */
  diagramSvg(): string | undefined {
    return this.#page?.diagramSvg;
  }

  /** Pauses or resumes a table's loop; false when this process does not write the table. */
  setPaused(table: string, paused: boolean): boolean {
    const runner = this.#runners.find((r) => r.plan.name === table);
    if (!runner) return false;
    if (paused) runner.pause.pause();
    else runner.pause.resume();
    return true;
  }

  async #run(): Promise<RunSummary> {
    try {
      return await this.#runTables();
    } finally {
      this.#phase = "stopped";
    }
  }

  async #runTables(): Promise<RunSummary> {
    const options = this.#options;
    this.#startedAt = new Date(this.#clock.now());
    const config = await this.#loadConfig();
    const seed = options.seed ?? config.seed ?? DEFAULT_SEED;
    const tickIntervalMs = options.tickIntervalMs ?? config.tickIntervalMs;
    const tables = options.tables ?? config.tables.map((t) => t.name);
    for (const name of tables) {
      if (!config.tables.some((t) => t.name === name)) {
        throw new Error(`--tables names "${name}", which is not a table of the config`);
      }
    }
    // `let`: a shard whose tables another shard claimed first takes that shard's start time.
    let startMs = options.startTime?.getTime() ??
      Math.floor(this.#clock.now() / tickIntervalMs) * tickIntervalMs;
    const sinks = options.sink ? undefined : sinkPlan(config, { output: options.output });
    const sinkFor = options.sink ?? sinks!.sinkFor;
    const sinkName = (table: string) => sinks?.typeOf(table) ?? "custom";
    checkChangeSinks(config.tables.filter((t) => tables.includes(t.name)), {
      sinkFor,
      sinkName,
      ...(options.shard ? { shard: options.shard } : {}),
    });
    const retry: RetryOptions = {
      ...DEFAULT_RETRY,
      ...options.retry,
      maxRetryTimeMs: options.maxRetryTimeMs ?? options.retry?.maxRetryTimeMs ??
        config.maxRetryTimeMs,
    };
    // One sink per table reads back what is stored (never opened: inspect and read only).
    const inspectors = new Map<string, Sink>();
    const inspector = (table: string) => {
      let sink = inspectors.get(table);
      if (!sink) inspectors.set(table, sink = sinkFor(table));
      return sink;
    };
    const planOptions = {
      tables,
      seed,
      tickIntervalMs,
      startMs,
      sinkFor: inspector,
      where: options.output ?? "the sink",
      ...(options.shard ? { shard: options.shard } : {}),
    };
    await loadLocale(config.locale); // a config given as an object was not loaded from a file
    const newEngine = (plans: TablePlan[], at = startMs) =>
      new Engine(
        plans.map((p) => p.spec),
        { seed, locale: config.locale, now: new Date(at) },
        engineOptions(config),
      );
    const planned = await this.#whileSinksHeal(retry, () =>
      planStart(startMs, {
        ...(options.shard ? { shard: options.shard } : {}),
        plan: (at) => planTables(config, { ...planOptions, startMs: at }),
        newEngine: (plans, at) => newEngine(plans, at),
        sinkFor,
        blocked: (plan, generator) => this.#blocked(plan, generator, sinkName(plan.name)),
        signal: this.#controller.signal,
        log: this.#log,
      }));
    if (planned) startMs = planned.startMs;
    const plans = planned?.plans;
    if (!plans) {
      this.#readyResolve(); // stopped while waiting for the sinks: nothing to start
      return { tables: [], failed: [] };
    }
    const engine = newEngine(plans);
    for (const plan of plans) {
      const changes = changeSpec(plan.config);
      engine.setParentSource(plan.name, changingParentSource(plan, engine, changes));
    }
    this.#page = {
      engine,
      // Tables outside --tables and their parents are drawn with their declared types.
      diagramSvg: toSvg(
        diagramOf(
          config,
          (table) => plans.some((p) => p.name === table) ? engine.table(table).schema() : undefined,
        ),
      ),
    };
    for (const plan of plans.filter((p) => p.role === "run")) {
      for (const column of engine.table(plan.name).untypedColumns()) {
        this.#log.warn(
          `Table "${plan.name}": column \`${column}\`'s values are of a type only known when ` +
            "each row runs: it is a text column, where numbers, bools and dates are stored as " +
            "their `str()`; declare its `type:`",
          { table: plan.name, column, code: "untyped-column" },
        );
      }
    }
    const configPath = typeof options.config === "string" ? options.config : undefined;
    const recipe = (): EngineRecipe => ({
      configPath: configPath!,
      seed,
      locale: config.locale,
      nowMs: startMs,
      tables: plans.map((p) => streamTableRecipe(p)),
    });
    const sources = sourceChooser(engine, {
      workers: options.fastForward ? options.workers ?? defaultWorkers() : 1,
      // Defaulted workers start only once a backfill has kept this thread busy long enough.
      adaptive: options.workers === undefined,
      ...(configPath ? { recipe } : {}),
      onStart: (workers) => this.#log.info(`Generating in ${workers} workers`, { workers }),
    });

    const progress = new Map(plans.map((p) => [p.name, new Progress(progressAtStart(p))]));
    const byName = new Map(plans.map((p) => [p.name, p]));
    const stop: StopConditions = {
      ...(options.ticks !== undefined ? { ticks: options.ticks } : {}),
      ...(options.until ? { untilMs: options.until.getTime() } : {}),
      ...(options.durationMs !== undefined ? { durationMs: options.durationMs } : {}),
    };
    const fastForward = options.fastForward ?? false;
    const commitIntervalMs = options.commitIntervalMs ?? config.commitIntervalMs ??
      DEFAULT_COMMIT_INTERVAL_MS;
    const sleep = options.sleep ?? realSleep;
    const failed: RunSummary["failed"] = [];

    // What children see of a sharded parent: the tick through which all its shards committed.
    const allShards = new Map(
      plans.filter((p) => p.split).map((p) => [p.name, new Progress(progressAtStart(p))]),
    );
    const commitTicksOf = (plan: TablePlan) =>
      Math.max(1, Math.round(commitIntervalMs / plan.timeline!.spec.intervalMs));
    // Shard i of N commits i/N of a commit interval after the commit tick: N shards of a
    // table take turns at its log instead of racing for each version together.
    const commitOffset = (plan: TablePlan) =>
      plan.shards?.index === undefined || plan.policy !== "append" ? 0 : Math.floor(
        plan.shards.index * commitTicksOf(plan) * plan.timeline!.spec.intervalMs /
          plan.shards.count,
      );
    for (const plan of plans.filter((p) => p.role === "run")) {
      const generator = engine.table(plan.name);
      const changes = changeFeedOf(plan, generator, seed);
      const parents: ParentLink[] = [...parentsOf(plan.spec)].map((name) => {
        const parent = byName.get(name)!;
        const shards = allShards.get(name);
        if (shards) {
          return {
            plan: parent,
            progress: shards,
            poll: (needed) =>
              this.#pollShards(parent, inspector(name), { shards, needed }, progress.get(name)!),
          };
        }
        return {
          plan: parent,
          progress: progress.get(name)!,
          ...(parent.role === "follow"
            ? { poll: () => this.#pollProgress(parent, inspector(name), progress.get(name)!) }
            : {}),
        };
      });
      this.#runners.push(
        new TableRunner({
          plan,
          progress: progress.get(plan.name)!,
          parents,
          openSink: async () => {
            const sink = sinkFor(plan.name);
            await sink.open([
              sinkTableOf(plan.spec, generator.schema(), {
                appId: plan.appId,
                ...(changes ? { changes: true } : {}),
              }),
            ], { mode: "append", signal: this.#controller.signal });
            return sink;
          },
          inspect: () => inspector(plan.name).inspect!(plan.name),
          clock: this.#clock,
          fastForward,
          stop,
          commitRows: options.commitRows ?? 10_000,
          commitTicks: commitTicksOf(plan),
          commitOffsetMs: commitOffset(plan),
          batchSize: options.batchSize ?? 10_000,
          sources,
          retry,
          sinkName: sinkName(plan.name),
          sleep,
          pollMs: options.pollMs ?? (fastForward ? 50 : 1_000),
          log: this.#log,
          changes,
          injection: injectionOf(plan, generator, seed),
        }),
      );
    }
    this.#logPlans(plans);

    let durationTimer: ReturnType<typeof setTimeout> | undefined;
    if (!fastForward && options.durationMs !== undefined) {
      durationTimer = setTimeout(() => this.stop(), options.durationMs);
    }
    const signal = this.#controller.signal;
    const loops = this.#runners.map(async (runner) => {
      const why = this.#blocked(runner.plan, engine.table(runner.plan.name), runner.status.sink);
      if (why) {
        runner.status.stage = "failed";
        runner.status.lastError = why;
        const error = new TableFailed(runner.plan.name, why);
        progress.get(runner.plan.name)!.fail(error);
        throw error;
      }
      await runner.run(signal);
    });
    this.#phase = "running";
    this.#readyResolve();
    const results = await Promise.allSettled(loops);
    clearTimeout(durationTimer);
    sources.close();
    results.forEach((result, i) => {
      if (result.status === "rejected") {
        const table = this.#runners[i].plan.name;
        const error = result.reason instanceof Error
          ? result.reason.message
          : String(result.reason);
        failed.push({ table, error });
        this.#log.error(error, { table });
      }
    });
    const summary = { tables: this.status().tables, failed };
    for (const t of summary.tables) {
      this.#log.info(`Table "${t.table}" ${t.stage}`, {
        table: t.table,
        rows: t.rows,
        rows_written: t.rowsWritten,
        commits: t.commits,
        // Committed by another writer of the table, not by this process.
        skipped_rows: t.skippedRows || undefined,
        skipped_ticks: t.skippedTicks || undefined,
        retries: t.retries || undefined,
        // Races lost to other writers of the table (shards), each retried at once.
        commit_conflicts: t.commitConflicts || undefined,
        commit_retries: t.commitRetries || undefined,
        tick: t.tick,
        version: t.version,
        // Imperfections injected on purpose (duplicates:, event_time:, bad_values:, orphans:).
        ...injectedFields(t.injected),
      });
    }
    return summary;
  }

  /**
   * Runs `start` (reading the tables back), waiting out failures of the sinks that are
   * known to heal (a database restarting, a full disk) with the tables' back-off; undefined
   * when the server is stopped meanwhile. Unlike a running table's commits, an error that
   * is not recognized fails at once: nothing has worked yet, so a mistake (a missing parent,
   * a wrong path) is likelier than an outage.
   */
  async #whileSinksHeal<T>(retry: RetryOptions, start: () => Promise<T>): Promise<T | undefined> {
    const signal = this.#controller.signal;
    const sleep = this.#options.sleep ?? realSleep;
    for (let retries = 0;;) {
      if (signal.aborted) return undefined;
      try {
        const result = await start();
        this.#startWait = undefined;
        return result;
      } catch (error) {
        const verdict = classifyError(error);
        if (!verdict.recognized || !verdict.healable || signal.aborted) throw error;
        const now = this.#clock.now();
        this.#startWait ??= { since: now, error: "" };
        this.#startWait.error = (error as Error).message ?? String(error);
        const delay = nextRetryWait(++retries, this.#startWait.since, now, retry);
        if (delay === undefined) {
          throw new Error(
            `The sinks kept failing for ${waitedFor(now - this.#startWait.since)} at start, ` +
              `past the longest retry time (max_retry_time ${
                formatDuration(retry.maxRetryTimeMs!)
              }): ${this.#startWait.error}`,
            { cause: error },
          );
        }
        this.#log.warn("Cannot read the tables back from their sinks yet; retrying", {
          reason: verdict.reason,
          attempt: retries,
          retry_in_ms: delay,
          error: this.#startWait.error,
        });
        try {
          await sleep(delay, signal);
        } catch (aborted) {
          if (signal.aborted) return undefined;
          throw aborted;
        }
      }
    }
  }

  async #loadConfig(): Promise<Config> {
    const given = this.#options.config;
    if (typeof given !== "string") return given;
    const { config, diagnostics } = await loadConfig(given);
    const errors = diagnostics.filter((d) => d.severity === "error");
    if (!config || errors.length) throw new ConfigError(formatDiagnostics(diagnostics));
    return config;
  }

  /**
   * Why a stored table cannot take the config's rows, if it cannot: the sink refuses to write
   * to it (a table feature it does not implement: retrying would not help), or an adopted
   * table's columns differ.
   */
  #blocked(plan: TablePlan, generator: TableGenerator, sink: string): string | undefined {
    if (plan.spec.duplicates && plan.spec.primaryKey && sink === "postgres") {
      return `its \`duplicates:\` repeat keys of primary key "${plan.spec.primaryKey}", which ` +
        "PostgreSQL enforces; write the table to another sink, or remove `duplicates:`";
    }
    if (plan.stored?.writeRefusal) {
      return `${this.#options.output ?? "the sink"}/${plan.name} exists but tablestream does ` +
        `not write to it: ${plan.stored.writeRefusal}; write to another --output`;
    }
    if (!plan.stored || !plan.recordState) return undefined;
    const difference = schemaDifference(plan.stored.schema, generator.schema(), plan.stored.filled);
    if (!difference) return undefined;
    return `${this.#options.output ?? "the sink"}/${plan.name} exists but ${difference}; ` +
      "write to another --output, or remove the table to start it anew";
  }

  async #pollProgress(plan: TablePlan, sink: Sink, progress: Progress): Promise<void> {
    const commits = await commitPointsOf(sink, plan.name);
    const tick = commits?.get(plan.appId);
    if (tick !== undefined) progress.advance(tick);
  }

  /**
   * Brings what children see of a sharded parent up to date: the tick through which every
   * shard committed its rows, from the shards' commit points (this process's own shard
   * included: its commits are in storage too). A parent this process writes that failed
   * fails its children, as an unsharded one does.
   */
  async #pollShards(
    plan: TablePlan,
    sink: Sink,
    { shards, needed }: { shards: Progress; needed: number },
    own: Progress,
  ): Promise<void> {
    // Taken before reading: a shard that stopped had committed all it will before it did.
    const stopped = own.failure;
    const commits = await commitPointsOf(sink, plan.name);
    const count = plan.shards!.count;
    const committed = (index: number) =>
      commits?.get(shardAppId(plan.baseAppId, { index, count })) ?? -1;
    const through = shardsCompleteThrough(plan.timeline!, plan.split!, committed);
    shards.advance(through);
    const index = plan.shards!.index;
    if (shards.tick >= needed || plan.role !== "run" || index === undefined || !stopped) return;
    // This process's shard of the parent stopped: when it is what holds the children back,
    // nothing will release them.
    const ownThrough = shardCompleteThrough(plan.timeline!, plan.split!, index, committed(index));
    if (through >= ownThrough) throw stopped;
  }

  #logPlans(plans: TablePlan[]): void {
    for (const plan of plans) {
      const fields = { table: plan.name, role: plan.role, policy: plan.policy };
      if (plan.role === "fixed") {
        this.#log.info(
          `Table "${plan.name}" is read as stored (${plan.prefix?.count} rows)`,
          fields,
        );
        continue;
      }
      const state = plan.state!;
      const what = plan.lastTick >= 0
        ? `resumes after tick ${plan.lastTick}`
        : plan.stored && (state.prefixRows > 0 || plan.recordState)
        ? "is adopted"
        : "is new";
      this.#log.info(`Table "${plan.name}" ${what}${plan.role === "follow" ? " (followed)" : ""}`, {
        ...fields,
        start_time: new Date(state.startMs).toISOString(),
        rows_per_minute: plan.policy === "append" ? plan.config.cadence.rowsPerMinute : undefined,
      });
      for (const note of plan.notes) this.#log.info(`Table "${plan.name}" ${note}`, fields);
    }
  }
}

/** The last tick per application id: cheaply when the sink can, else from `inspect`. */
async function commitPointsOf(
  sink: Sink,
  table: string,
): Promise<ReadonlyMap<string, number> | undefined> {
  if (sink.commitPoints) return (await sink.commitPoints(table)) ?? undefined;
  return (await sink.inspect!(table))?.commits;
}

/** The tick a table is at when the run starts (Infinity: its rows never change). */
function progressAtStart(plan: TablePlan): number {
  if (plan.role === "fixed") return Number.POSITIVE_INFINITY;
  if (plan.lastTick >= 0 && !plan.timeline!.streams) return Number.POSITIVE_INFINITY;
  return plan.lastTick;
}
