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
import { GenerationError } from "../engine/generation_error.ts";
import { formatDuration } from "../config/duration.ts";
import type { FlushResult, Sink, SinkMetric } from "../plugin/types.ts";
import { classifyError, type CommitConflict, findCommitConflict } from "../plugin/sink_errors.ts";
import { encodeState, STATE_PROPERTY } from "../state/stream_state.ts";
import type { TablePlan } from "./plan.ts";
import { nextRetryWait, waitedFor } from "./retry.ts";
import { newTableStatus, type TableStatus } from "./status.ts";
import type { Timeline } from "../stream/timeline.ts";
import type { OrdinalRange } from "../stream/shard.ts";
import { RateMeter } from "./rate_meter.ts";
import { PauseGate } from "./pause.ts";
import { rowWriter } from "./write_rows.ts";
import { addFaults, type FaultCounts, noFaults } from "../engine/faults.ts";

export {
  type ParentLink,
  type RunnerDeps,
  type StopConditions,
  TableFailed,
} from "./runner_deps.ts";
import { lastTickBefore, pastStop, type RunnerDeps, TableFailed } from "./runner_deps.ts";

/** A run of ticks committed together: ticks `first..last`. */
interface Window {
  first: number;
  last: number;
}

/** A run of failed commits of one window that can heal: since when, how many retries. */
interface SinkWait {
  since: number;
  retries: number;
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
  /**
   * The last tick committed to the table under its application id, by anyone: each commit
   * asks the sink to check the table is still there (`CommitPoint.after`), so a tick another
   * writer committed meanwhile is found, not written twice. Ticks without rows make no
   * commit, so this lags behind `progress` over them.
   */
  #lastCommitted: number;
  /** Whether the warning that another writer shares the table was logged. */
  #warnedShared = false;
  /** A flush is under way: a failure now may come after its commit landed. */
  #flushing = false;
  /** Streamed rows per minute, as committed. */
  readonly #rate: RateMeter;
  /** Paused from the live page: the loop waits on it between commits. */
  readonly pause = new PauseGate();

  constructor(deps: RunnerDeps) {
    this.#deps = deps;
    this.plan = deps.plan;
    this.#timeline = deps.plan.timeline!;
    this.#recordState = deps.plan.recordState;
    this.#lastCommitted = deps.plan.lastTick;
    this.#rate = new RateMeter(deps.clock.now());
    this.status = newTableStatus(
      deps.plan.name,
      deps.plan.policy,
      deps.plan.config.cadence.rowsPerMinute,
      deps.sinkName,
    );
    this.status.rows = deps.plan.stored?.rows ?? deps.plan.prefix?.count ?? 0;
    this.status.tick = deps.plan.lastTick;
    this.status.version = deps.plan.stored?.version;
    if (deps.injection) this.status.injected = noFaults();
    if (deps.plan.lastTick >= 0) this.#reachedTick(deps.plan.lastTick);
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
    const beyond = pastStop(stop, startTick, (k) => this.#timeline.tickTime(k), fastForward);
    if (fastForward) {
      // What this backfill will write, when it stops: workers start only when they pay.
      const last = lastTickBefore(stop, startTick, beyond);
      this.#deps.sources.expect(
        last === undefined ? undefined : this.#rowsOf({ first: startTick + 1, last }).count,
      );
    }
    for (let k = startTick + 1; !beyond(k); k++) {
      signal.throwIfAborted();
      const due = fastForward
        ? this.#timeline.tickTime(k)
        : this.#timeline.tickTime(this.#commitTick(k, beyond)) + (this.#deps.commitOffsetMs ?? 0);
      if (!fastForward && clock.now() < due) {
        this.status.stage = "idle";
        await clock.sleepUntil(due, signal);
      }
      if (this.pause.paused) {
        this.status.stage = "paused";
        await this.pause.wait(signal);
        this.status.stage = "running";
      }
      const window = this.#window(k, beyond);
      if (
        this.#rowsOf(window).count === 0 && this.plan.policy === "append" &&
        !this.#deps.changes?.changesIn(window.first, window.last)
      ) {
        // (A shard whose blocks are elsewhere in these ticks writes nothing either: children
        // know from the split that it has nothing to add there.)
        // Nothing arrived or changed: no commit. Children wait for rows, not ticks.
        this.#deps.changes?.settled(window.last);
        this.#deps.progress.advance(window.last);
        this.#reachedTick(window.last);
        k = window.last;
      } else {
        // Past the window when another writer committed further than it.
        k = Math.max(window.last, await this.#commit(window, signal));
      }
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
      // A shard's commit holds about 1/N of the window's rows.
      const limit = commitRows * (this.plan.shards?.count ?? 1);
      while (
        !beyond(last + 1) &&
        (fastForward || clock.now() >= this.#timeline.tickTime(last + 1)) &&
        this.#timeline.rowsThrough(last + 1) - first <= limit
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
            await parent.poll(needed);
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

  /**
   * Generates and commits a window of ticks. A failure that can heal is retried with
   * back-off for as long as it lasts (or the longest retry time); one that cannot stops the
   * table. Ticks another writer committed meanwhile are skipped. Resolves with the last
   * tick now committed (past the window when another writer is further).
   */
  async #commit(window: Window, signal: AbortSignal): Promise<number> {
    await this.#awaitParents(window.last, signal);
    let wait: SinkWait | undefined;
    for (;;) {
      try {
        const { rows, result, injected } = await this.#commitOnce(window);
        this.#committed(window, rows, result, injected);
        this.#sinkBack(wait, window);
        return window.last;
      } catch (error) {
        // Only a flush can have committed; before it, what storage holds is another's.
        const flushed = this.#flushing;
        this.#flushing = false;
        await this.#abortSink();
        if (error instanceof GenerationError) {
          throw new TableFailed(this.plan.name, error.message, error); // retrying gives the same
        }
        const conflict = findCommitConflict(error);
        if (conflict) {
          const reached = await this.#committedByOthers(conflict, window);
          if (reached >= window.last) {
            this.#sinkBack(wait, window);
            return reached;
          }
          window = { first: reached + 1, last: window.last }; // the rest is still ours to write
          continue;
        }
        this.status.errors++;
        this.status.lastError = message(error);
        if (flushed && await this.#landed(window.last)) {
          // The commit made it before the failure (e.g. closing the sink failed after it).
          const injected = this.#deps.injection?.count({ ...window, ...this.#rowsOf(window) });
          this.#committed(
            window,
            this.#rowsOf(window).count + (injected?.duplicate ?? 0),
            {},
            injected,
          );
          this.#sinkBack(wait, window);
          return window.last;
        }
        wait = await this.#waitForSink(error, window, wait, signal);
      }
    }
  }

  /**
   * After a failed commit of `window`: stops the table when the error cannot heal or the
   * longest retry time is spent; otherwise shows the wait and sleeps the back-off.
   */
  async #waitForSink(
    error: unknown,
    window: Window,
    wait: SinkWait | undefined,
    signal: AbortSignal,
  ): Promise<SinkWait> {
    const { retry, log, clock } = this.#deps;
    const table = this.plan.name;
    const verdict = classifyError(error);
    if (!verdict.healable) {
      throw new TableFailed(
        table,
        `its sink failed to commit tick ${window.last} with an error that cannot heal ` +
          `(${verdict.reason}): ${message(error)}`,
        error,
      );
    }
    const now = clock.now();
    wait ??= { since: now, retries: 0 };
    const delay = nextRetryWait(wait.retries + 1, wait.since, now, retry);
    if (delay === undefined) {
      throw new TableFailed(
        table,
        `its sink kept failing for ${waitedFor(now - wait.since)}, past the longest ` +
          `retry time (max_retry_time ${formatDuration(retry.maxRetryTimeMs!)}); tick ` +
          `${window.last} is not committed; last error: ${message(error)}`,
        error,
      );
    }
    const fields = {
      table,
      sink: this.status.sink,
      attempt: wait.retries + 1,
      retry_in_ms: delay,
      waiting_s: Math.round((now - wait.since) / 1000),
      error: message(error),
    };
    if (wait.retries === 0) {
      log.warn(
        `Table "${table}" is waiting for its sink: committing tick ${window.last} failed ` +
          `(${verdict.reason}); retrying with back-off until it works` +
          (retry.maxRetryTimeMs === undefined
            ? ""
            : `, for at most ${formatDuration(retry.maxRetryTimeMs)}`),
        fields,
      );
    } else {
      log.warn(`Table "${table}": commit of tick ${window.last} failed again; retrying`, fields);
    }
    wait.retries++;
    this.status.stage = "waiting-for-sink";
    this.status.sinkWaitSince = wait.since;
    await this.#deps.sleep(delay, signal);
    // Counted as it happens (a stop during the back-off retries nothing); the table still
    // waits for its sink until a commit goes through.
    this.status.retries++;
    return wait;
  }

  /** The sink took a commit after a wait: says so once and clears the wait. */
  #sinkBack(wait: SinkWait | undefined, window: Window): void {
    delete this.status.sinkWaitSince;
    if (this.status.stage === "waiting-for-sink") this.status.stage = "running";
    if (!wait) return;
    const waited = this.#deps.clock.now() - wait.since;
    this.#deps.log.info(
      `Table "${this.plan.name}": its sink is back after ${waitedFor(waited)} ` +
        `(${wait.retries} retries); tick ${window.last} is committed, catching up`,
      { table: this.plan.name, sink: this.status.sink, waited_s: Math.round(waited / 1000) },
    );
  }

  /**
   * Another writer committed the table up to `conflict.storedTick` while this one tried
   * `window`: those ticks are counted apart (skipped, not written), the warning that two
   * writers share the table is logged once, and the tick reached is returned.
   */
  async #committedByOthers(conflict: CommitConflict, window: Window): Promise<number> {
    const table = this.plan.name;
    const stored = conflict.storedTick;
    if (stored <= this.#lastCommitted) {
      throw new TableFailed(
        table,
        `its commit point went back to tick ${stored} while this process had committed tick ` +
          `${this.#lastCommitted}: the table was restored or rewritten by another writer; ` +
          "restart to read it back",
        conflict,
      );
    }
    if (this.#recordState) await this.#checkOthersState(stored);
    const skipped = { first: this.#lastCommitted + 1, last: stored };
    const rows = this.#rowsOf(skipped).count;
    const s = this.status;
    s.rows = this.plan.policy === "replace" ? rows : s.rows + rows;
    s.skippedRows += rows;
    s.skippedTicks += skipped.last - skipped.first + 1;
    this.#reachedTick(Math.max(s.tick, stored));
    this.#lastCommitted = stored;
    this.#recordState = false;
    this.#deps.changes?.settled(stored);
    this.#deps.progress.advance(stored);
    if (!this.#warnedShared) {
      this.#warnedShared = true;
      this.#deps.log.warn(
        `Table "${table}": ticks ${skipped.first}..${stored} were already committed by ` +
          `another writer: two writers share the table (two servers on one output?); this ` +
          `one skips what the other commits and counts it apart ("skipped: already ` +
          `committed by another writer")`,
        { table, app_id: conflict.appId, tick: window.last, stored_tick: stored },
      );
    }
    return stored;
  }

  /**
   * This process has not recorded its stream state yet, and another writer committed
   * first: its ticks are this process's only if it recorded the same state (start time,
   * first row id...), else the rows would not follow on.
   */
  async #checkOthersState(stored: number): Promise<void> {
    const theirs = (await this.#deps.inspect())?.properties[STATE_PROPERTY];
    const ours = encodeState(this.plan.state!);
    if (theirs === ours) return;
    throw new TableFailed(
      this.plan.name,
      `another writer started the table at the same time, under another stream state ` +
        `(it committed up to tick ${stored}); restart this process to follow its state`,
    );
  }

  /**
   * The ordinals and epoch the window writes (a shard's part of them): its ranges, their
   * rows, and how many of them are initial rows (tick 0's).
   */
  #rowsOf(
    window: Window,
  ): { ranges: OrdinalRange[]; count: number; initial: number; epoch: number } {
    if (this.plan.policy === "replace") {
      const count = this.plan.config.rowCount;
      return { ranges: [{ first: 0, count }], count, initial: 0, epoch: window.last };
    }
    // rowsThrough(0) is the initial rows, so tick 0 needs no case of its own.
    const first = this.#timeline.tickRows(window.first).first;
    const end = this.#timeline.rowsThrough(window.last);
    const initialEnd = this.#timeline.rowsThrough(0);
    const split = this.plan.split;
    const index = this.plan.shards?.index;
    if (!split || index === undefined) {
      const initial = Math.max(0, Math.min(end, initialEnd) - first);
      return { ranges: [{ first, count: end - first }], count: end - first, initial, epoch: 0 };
    }
    const ranges = split.ranges(index, first, end);
    const count = ranges.reduce((n, r) => n + r.count, 0);
    const initial = split.rowsIn(index, first, Math.min(end, initialEnd));
    return { ranges, count, initial, epoch: 0 };
  }

  async #commitOnce(
    window: Window,
  ): Promise<{ rows: number; result: FlushResult; injected?: FaultCounts }> {
    const { batchSize, sources } = this.#deps;
    const { ranges, count: total, epoch } = this.#rowsOf(window);
    const sink = this.#sink ??= await this.#deps.openSink();
    const source = await sources.forRows(total);
    const writeRows = rowWriter(sink, source, {
      table: this.plan.name,
      baseRowId: this.#timeline.spec.baseRowId,
      epoch,
      batchSize,
    });
    // A table with changes writes each tick's changes before its rows (change_feed.ts).
    if (this.#deps.changes) await this.#deps.changes.write(window, sink, writeRows);
    else for (const { first, count } of ranges) await writeRows(first, count);
    // Duplicates follow the rows; the counts of what the commit holds go with it.
    const injected = await this.#deps.injection?.write(
      sink,
      { ...window, ranges, epoch },
      batchSize,
    );
    const properties = this.#recordState
      ? { [STATE_PROPERTY]: encodeState(this.plan.state!) }
      : undefined;
    this.#flushing = true;
    const result = await sink.flush({
      tick: window.last,
      after: this.#lastCommitted,
      ...(this.plan.policy === "replace" ? { replace: true } : {}),
      ...(properties ? { properties } : {}),
      ...(injected ? { injected } : {}),
    }) ?? {};
    this.#flushing = false;
    return { rows: total + (injected?.duplicate ?? 0), result, injected };
  }

  /** Streamed rows per minute committed over the last minute of wall-clock time. */
  measuredRate(now: number): number {
    return this.#rate.rate(now);
  }

  /** Streamed rows committed in each of the last 60 wall-clock minutes, oldest first. */
  rateHistory(now: number): number[] {
    return this.#rate.history(now);
  }

  /**
   * The last `n` rows committed to the table (by anyone, up to the last tick known committed):
   * their first row id, count and epoch, or undefined before any. A shard's rows are spread
   * over the table among the other shards': none are given for it.
   */
  latestRows(n: number): { firstRowId: number; count: number; epoch: number } | undefined {
    const tick = this.#lastCommitted;
    if (tick < 0 || this.plan.shards) return undefined;
    const timeline = this.#timeline;
    const replace = this.plan.policy === "replace";
    const total = replace ? timeline.tickRows(tick).count : timeline.rowsThrough(tick);
    const count = Math.min(n, total);
    if (count === 0) return undefined;
    return {
      firstRowId: timeline.spec.baseRowId + total - count,
      count,
      epoch: replace ? tick : 0,
    };
  }

  #committed(window: Window, rows: number, result: FlushResult, injected?: FaultCounts): void {
    if (injected) addFaults(this.status.injected ??= noFaults(), injected);
    this.#recordState = false;
    this.status.changesWritten += this.#deps.changes?.countIn(window.first, window.last) ?? 0;
    this.#deps.changes?.settled(window.last);
    this.#lastCommitted = window.last;
    const s = this.status;

    s.rows = this.plan.policy === "replace" ? rows : s.rows + rows;
    s.rowsWritten += rows;
    // The initial fill (tick 0's `row_count` rows) is no part of the cadence's rate.
    s.streamedRows += rows - this.#rowsOf(window).initial;
    s.commitRetries += result.retries ?? 0;
    if ((result.retries ?? 0) > 0) s.commitConflicts++;
    s.commits++;
    this.#reachedTick(window.last);
    if (result.version !== undefined) s.version = result.version;
    s.lastCommitAt = this.#deps.clock.now();
    s.bytesWritten += result.bytes ?? 0;
    this.#deps.progress.advance(window.last);
    this.#rate.record(this.#deps.clock.now(), s.streamedRows);
  }

  /** The status at tick k: its logical time and the rate the cadence asks for then. */
  #reachedTick(k: number): void {
    const time = this.#timeline.tickTime(k);
    this.status.tick = k;
    this.status.tickTime = time;
    if (this.plan.policy === "append") {
      this.status.targetRowsPerMinute = this.#timeline.rateAt(time);
    }
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

  /** The open sink's own figures (the last ones read while none is open). */
  sinkMetrics(): readonly SinkMetric[] | undefined {
    const now = this.#sink?.metrics?.();
    if (now) this.#lastSinkMetrics = now;
    return this.#lastSinkMetrics;
  }
  #lastSinkMetrics?: readonly SinkMetric[];

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

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function isAbort(error: unknown, signal: AbortSignal): boolean {
  return error === signal.reason || (error instanceof DOMException && error.name === "AbortError");
}
