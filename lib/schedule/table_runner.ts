/**
 * One table's loop: wait for the next tick, wait for the parent rows it may reference,
 * generate the tick's rows, hand them to the sink, commit with the tick as commit point.
 *
 * What a tick writes depends only on its number, never on when it runs, so the loop is free
 * to gather several due ticks into one commit (catching up, fast-forward): the rows are the
 * same, only the commits are fewer.
 *
 * @module
 */
import { GenerationError } from "../engine/generator.ts";
import { orderedBatches, type SourceChooser } from "../parallel/pool.ts";
import type { Logger } from "../output/log.ts";
import type { FlushResult, Sink, StoredTable } from "../plugin/types.ts";
import { encodeState, STATE_PROPERTY } from "../state/stream_state.ts";
import type { Clock } from "./clock.ts";
import type { TablePlan } from "./plan.ts";
import type { Progress } from "./progress.ts";
import { newTableStatus, type TableStatus } from "./status.ts";
import type { Timeline } from "./timeline.ts";

/** How failing writes are retried. */
export interface RetryOptions {
  /** Attempts per commit before the table is marked failed. */
  attempts: number;
  /** First back-off, doubled per failure up to `maxBackoffMs`. */
  backoffMs: number;
  maxBackoffMs: number;
}

/** Defaults of {@link RetryOptions}: about a minute of retrying. */
export const DEFAULT_RETRY: RetryOptions = { attempts: 6, backoffMs: 1_000, maxBackoffMs: 30_000 };

/** When a table's loop stops by itself. */
export interface StopConditions {
  /** Stop after this many ticks past the table's last tick at start. */
  ticks?: number;
  /** Stop after the last tick at or before this logical time, ms. */
  untilMs?: number;
  /** Fast-forward only: stop after this much logical time past the table's last tick, ms. */
  durationMs?: number;
}

/** A parent the loop may wait for. */
export interface ParentLink {
  plan: TablePlan;
  progress: Progress;
  /** Brings `progress` up to date from storage (parents written by another process). */
  poll?: () => Promise<void>;
}

/** What a runner needs. */
export interface RunnerDeps {
  plan: TablePlan;
  progress: Progress;
  parents: ParentLink[];
  /** A new sink for the table, opened (a fresh one after a failure). */
  openSink: () => Promise<Sink>;
  /** What storage holds for the table now. */
  inspect: () => Promise<StoredTable | null>;
  clock: Clock;
  fastForward: boolean;
  stop: StopConditions;
  /** Most rows one commit gathers from due ticks. */
  commitRows: number;
  /**
   * Live: ticks per commit. The loop sleeps until the last tick of each run of this many
   * (aligned to tick numbers) and commits the rows of all of them at once.
   */
  commitTicks: number;
  /** Rows per generated batch. */
  batchSize: number;
  /** Where batches are generated (this thread, or workers for large windows). */
  sources: SourceChooser;
  retry: RetryOptions;
  /** Waits `ms` of real time (back-off, polling); rejects when `signal` aborts. */
  sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  /** How often to look at a parent another process writes, ms. */
  pollMs: number;
  log: Logger;
}

/** The table could not be written; the others go on. */
export class TableFailed extends Error {
  constructor(table: string, reason: string, cause?: unknown) {
    super(`Table "${table}" stopped: ${reason}`, { cause });
    this.name = "TableFailed";
  }
}

/** The window of the measured rate, ms. */
const RATE_WINDOW_MS = 60_000;

/** A run of ticks committed together: ticks `first..last`. */
interface Window {
  first: number;
  last: number;
}

/** Runs one table's ticks. */
export class TableRunner {
  readonly plan: TablePlan;
  readonly status: TableStatus;
  readonly #deps: RunnerDeps;
  readonly #timeline: Timeline;
  #sink?: Sink;
  /** Whether the stream state still has to be recorded with the next commit. */
  #recordState: boolean;

  constructor(deps: RunnerDeps) {
    this.#deps = deps;
    this.plan = deps.plan;
    this.#timeline = deps.plan.timeline!;
    this.#recordState = deps.plan.recordState;
    this.#startedAt = deps.clock.now();
    this.status = newTableStatus(
      deps.plan.name,
      deps.plan.policy,
      deps.plan.config.cadence.rowsPerMinute,
    );
    this.status.rows = deps.plan.stored?.rows ?? deps.plan.prefix?.count ?? 0;
    this.status.tick = deps.plan.lastTick;
    this.status.version = deps.plan.stored?.version;
    if (deps.plan.lastTick >= 0) this.status.tickTime = this.#timeline.tickTime(deps.plan.lastTick);
  }

  /** Runs until a stop condition, `signal`, or a failure; closes the sink. */
  async run(signal: AbortSignal): Promise<void> {
    const { plan, progress } = this.#deps;
    try {
      if (plan.lastTick < 0) {
        this.status.stage = "running";
        await this.#commit({ first: 0, last: 0 }, signal);
      }
      if (!this.#timeline.streams) {
        this.status.stage = "idle";
        progress.advance(Number.POSITIVE_INFINITY);
        return;
      }
      await this.#loop(signal);
      this.status.stage = signal.aborted ? "stopped" : "done";
      if (!signal.aborted) progress.finish(plan.name);
    } catch (error) {
      if (signal.aborted && isAbort(error, signal)) {
        this.status.stage = "stopped";
        return;
      }
      this.status.stage = "failed";
      this.status.lastError = message(error);
      const failure = error instanceof TableFailed
        ? error
        : new TableFailed(plan.name, message(error), error);
      progress.fail(failure);
      throw failure;
    } finally {
      await this.#closeSink();
    }
  }

  async #loop(signal: AbortSignal): Promise<void> {
    const { clock, fastForward, stop } = this.#deps;
    const startTick = Math.max(this.#deps.progress.tick, 0);
    const durationEnd = fastForward && stop.durationMs !== undefined
      ? this.#timeline.tickTime(startTick) + stop.durationMs
      : undefined;
    const beyond = (k: number) =>
      (stop.ticks !== undefined && k > startTick + stop.ticks) ||
      (stop.untilMs !== undefined && this.#timeline.tickTime(k) > stop.untilMs) ||
      (durationEnd !== undefined && this.#timeline.tickTime(k) > durationEnd);
    for (let k = startTick + 1; !beyond(k); k++) {
      signal.throwIfAborted();
      const due = this.#timeline.tickTime(fastForward ? k : this.#commitTick(k, beyond));
      if (!fastForward && clock.now() < due) {
        this.status.stage = "idle";
        await clock.sleepUntil(due, signal);
      }
      const window = this.#window(k, beyond);
      if (this.#rowsOf(window).count === 0 && this.plan.policy === "append") {
        // Nothing arrived: no commit. Children wait for rows, not ticks (completedBy).
        this.#deps.progress.advance(window.last);
        this.status.tick = window.last;
        this.status.tickTime = this.#timeline.tickTime(window.last);
      } else {
        await this.#commit(window, signal);
      }
      k = window.last;
    }
  }

  /**
   * The tick whose time a live commit starting at tick `k` waits for: the end of `k`'s run
   * of `commitTicks` ticks (numbered from tick 1), or the last tick before a stop.
   */
  #commitTick(k: number, beyond: (k: number) => boolean): number {
    // A replace table commits every tick: a child may look at any epoch, so each one must
    // be stored.
    const n = this.plan.policy === "append" ? this.#deps.commitTicks : 1;
    let last = Math.ceil(k / n) * n;
    while (last > k && beyond(last)) last--;
    return last;
  }

  /** Ticks `k..` that are due now and fit one commit. */
  #window(k: number, beyond: (k: number) => boolean): Window {
    const { clock, fastForward, commitRows } = this.#deps;
    let last = k;
    if (this.plan.policy === "append") {
      const first = this.#timeline.tickRows(k).first;
      while (
        !beyond(last + 1) &&
        (fastForward || clock.now() >= this.#timeline.tickTime(last + 1)) &&
        this.#timeline.rowsThrough(last + 1) - first <= commitRows
      ) last++;
    }
    return { first: k, last };
  }

  /** Waits until every parent has committed what rows of tick `k` may reference. */
  async #awaitParents(k: number, signal: AbortSignal): Promise<void> {
    const time = this.#timeline.tickTime(k);
    for (const parent of this.#deps.parents) {
      const timeline = parent.plan.timeline;
      if (!timeline || parent.plan.name === this.plan.name) continue;
      const needed = timeline.completedBy(time);
      if (needed < 0) {
        throw new TableFailed(
          this.plan.name,
          `its parent "${parent.plan.name}" starts at ${
            new Date(timeline.tickTime(0)).toISOString()
          }, after this table's tick ${k} at ${new Date(time).toISOString()}`,
        );
      }
      if (parent.progress.tick >= needed) continue;
      this.status.stage = "waiting";
      this.status.waitingFor = `${parent.plan.name} tick ${needed}`;
      try {
        if (parent.poll) {
          while (parent.progress.tick < needed) {
            await parent.poll();
            if (parent.progress.tick < needed) await this.#deps.sleep(this.#deps.pollMs, signal);
          }
        } else {
          await parent.progress.reached(needed, signal);
        }
      } catch (error) {
        if (signal.aborted) throw error;
        throw new TableFailed(this.plan.name, `its parent "${parent.plan.name}" failed`, error);
      } finally {
        delete this.status.waitingFor;
      }
    }
    this.status.stage = "running";
  }

  /** Generates and commits a window of ticks, retrying failed writes with back-off. */
  async #commit(window: Window, signal: AbortSignal): Promise<void> {
    await this.#awaitParents(window.last, signal);
    const { retry, log } = this.#deps;
    for (let attempt = 1;; attempt++) {
      try {
        const { rows, result } = await this.#commitOnce(window);
        this.#committed(window, rows, result);
        return;
      } catch (error) {
        await this.#abortSink();
        if (error instanceof GenerationError) {
          throw new TableFailed(this.plan.name, error.message, error); // retrying gives the same
        }
        this.status.errors++;
        this.status.lastError = message(error);
        if (await this.#landed(window.last)) {
          // The commit made it before the failure (e.g. closing the sink failed after it).
          this.#committed(window, this.#rowsOf(window).count, {});
          return;
        }
        if (attempt >= retry.attempts) {
          throw new TableFailed(
            this.plan.name,
            `${attempt} attempts to commit tick ${window.last} failed; last error: ${
              message(error)
            }`,
            error,
          );
        }
        const backoff = Math.min(retry.maxBackoffMs, retry.backoffMs * 2 ** (attempt - 1));
        log.warn(`Table "${this.plan.name}": commit of tick ${window.last} failed; retrying`, {
          table: this.plan.name,
          attempt,
          retry_in_ms: backoff,
          error: message(error),
        });
        this.status.stage = "retrying";
        await this.#deps.sleep(backoff, signal);
        this.status.stage = "running";
      }
    }
  }

  /** Ordinals and epoch the window writes. */
  #rowsOf(window: Window): { first: number; count: number; epoch: number } {
    if (this.plan.policy === "replace") {
      return { first: 0, count: this.plan.config.rowCount, epoch: window.last };
    }
    // rowsThrough(0) is the initial rows, so tick 0 needs no case of its own.
    const first = this.#timeline.tickRows(window.first).first;
    const end = this.#timeline.rowsThrough(window.last);
    return { first, count: end - first, epoch: 0 };
  }

  async #commitOnce(window: Window): Promise<{ rows: number; result: FlushResult }> {
    const { batchSize, sources } = this.#deps;
    const { first, count, epoch } = this.#rowsOf(window);
    const sink = this.#sink ??= await this.#deps.openSink();
    const firstRowId = this.#timeline.spec.baseRowId + first;
    const source = await sources.forRows(count);
    const range = { table: this.plan.name, firstRowId, count, epoch, batchSize };
    for await (const batch of orderedBatches(source, range)) {
      await sink.write(this.plan.name, batch);
      // Generation is synchronous: between batches, let signals, HTTP and other tables run.
      await yieldToEventLoop();
    }
    const properties = this.#recordState
      ? { [STATE_PROPERTY]: encodeState(this.plan.state!) }
      : undefined;
    const result = await sink.flush({
      tick: window.last,
      ...(this.plan.policy === "replace" ? { replace: true } : {}),
      ...(properties ? { properties } : {}),
    }) ?? {};
    return { rows: count, result };
  }

  /** Wall-clock times and running streamed-row totals of recent commits (the measured rate). */
  #recent: { at: number; rows: number }[] = [];
  /** The streamed-row total before the oldest of `#recent`. */
  #baseline = 0;
  /** When this runner began (wall clock), the rate's earliest start. */
  readonly #startedAt: number;

  /** Streamed rows per minute committed over the last minute of wall-clock time. */
  measuredRate(now: number): number {
    const recent = this.#prune(now);
    // Over the last minute, or since the run began when it is younger: a rate meter, not the
    // difference of two commits (the first commit of a window may hold a catch-up burst).
    const since = Math.max(now - RATE_WINDOW_MS, this.#startedAt);
    const before = this.#baseline;
    const last = recent.at(-1)?.rows ?? before;
    return (last - before) * 60_000 / Math.max(now - since, 1);
  }

  /** Drops commits older than the rate's window; the rest. */
  #prune(now: number): { at: number; rows: number }[] {
    const cutoff = now - RATE_WINDOW_MS;
    while (this.#recent.length > 0 && this.#recent[0].at <= cutoff) {
      this.#baseline = this.#recent.shift()!.rows;
    }
    return this.#recent;
  }

  #committed(window: Window, rows: number, result: FlushResult): void {
    this.#recordState = false;
    const s = this.status;

    s.rows = this.plan.policy === "replace" ? rows : s.rows + rows;
    s.rowsWritten += rows;
    // The initial fill (tick 0's `row_count` rows) is no part of the cadence's rate.
    s.streamedRows += window.first <= 0 && this.plan.policy !== "replace"
      ? rows - this.#timeline.rowsThrough(0)
      : rows;
    s.commits++;
    s.tick = window.last;
    s.tickTime = this.#timeline.tickTime(window.last);
    if (result.version !== undefined) s.version = result.version;
    s.bytesWritten += result.bytes ?? 0;
    this.#deps.progress.advance(window.last);
    const now = this.#deps.clock.now();
    this.#recent.push({ at: now, rows: s.streamedRows });
    this.#prune(now); // bounded without status calls
  }

  /** Whether `tick` is committed, as the sink reads it back (false when that fails too). */
  async #landed(tick: number): Promise<boolean> {
    try {
      const stored = await this.#deps.inspect();
      return (stored?.commits.get(this.plan.appId) ?? -1) >= tick;
    } catch {
      return false;
    }
  }

  async #abortSink(): Promise<void> {
    const sink = this.#sink;
    this.#sink = undefined;
    await sink?.abort?.().catch(() => {});
  }

  async #closeSink(): Promise<void> {
    const sink = this.#sink;
    this.#sink = undefined;
    if (!sink) return;
    try {
      await sink.close();
    } catch (error) {
      this.#deps.log.warn(`Table "${this.plan.name}": closing its sink failed`, {
        table: this.plan.name,
        error: message(error),
      });
    }
  }
}

/** Waits one turn of the event loop (a macrotask), not just the microtask queue. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function isAbort(error: unknown, signal: AbortSignal): boolean {
  return error === signal.reason || (error instanceof DOMException && error.name === "AbortError");
}
