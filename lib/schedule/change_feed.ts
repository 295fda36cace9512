/**
 * The changes of a table with `changes:` as `run` writes them: tick k's updates and deletes
 * (lib/changes/) handed to the sink as a {@link ChangeBatch} after the rows of the ticks before
 * k and before tick k's rows, in the same commit as those rows.
 *
 * The change state lives here, on the writer's thread: changes are few next to inserts, and
 * one state advanced in tick order gives the same changes whatever the commits and workers.
 * Ticks advanced but not yet committed are kept, so a commit that is retried (the sink
 * healing, another writer racing) writes exactly the changes the first try computed.
 *
 * @module
 */
import { type ChangeState, TableChanges, type TickChanges } from "../changes/table_changes.ts";
import { changeSpec } from "../config/engine_specs.ts";
import type { TableConfig } from "../config/mod.ts";
import type { TableGenerator } from "../engine/generator.ts";
import type { Value } from "../expr/values.ts";
import type { ChangeBatch, ChangeOp, Sink } from "../plugin/types.ts";
import type { Shard } from "../stream/shard.ts";
import type { TablePlan } from "./plan.ts";
import type { WriteRows } from "./write_rows.ts";

/**
 * Refuses, before anything is read or written, a run whose tables with `changes:` could not
 * write them: a sink without `writeChanges`, or shards (each would change rows the others
 * write, in commits of their own).
 */
export function checkChangeSinks(
  tables: readonly TableConfig[],
  options: { sinkFor: (table: string) => Sink; sinkName: (table: string) => string; shard?: Shard },
): void {
  for (const table of tables) {
    if (!table.changes) continue;
    if (options.shard) {
      throw new Error(
        `Table "${table.name}" has \`changes:\`, which shards (--shard) do not write yet: its ` +
          "updates and deletes touch rows of every shard; run it without --shard",
      );
    }
    if (!options.sinkFor(table.name).writeChanges) {
      throw new Error(
        `Table "${table.name}" has \`changes:\` but its sink (${
          options.sinkName(table.name)
        }) does not write updates and deletes; give the table a sink that does (delta, jsonl, ` +
          "kafka, postgres, memory), " +
          "or remove its `changes:` to stream inserts only",
      );
    }
  }
}

/** The change feed of a planned table this process writes, when it has `changes:`. */
export function changeFeedOf(
  plan: TablePlan,
  generator: TableGenerator,
  seed: number,
): ChangeFeed | undefined {
  const changes = changeSpec(plan.config);
  if (!changes || plan.policy !== "append") return undefined;
  const model = new TableChanges({ seed, table: generator, timeline: plan.timeline!, changes });
  return new ChangeFeed(model, generator, plan.lastTick);
}

/** One change of a batch, before it is laid out in columns. */
interface Entry {
  op: ChangeOp;
  tick: number;
  timeMs: number;
  version: number;
  rowId: number;
  before: Value[];
  after: Value[] | null;
}

/** A run of consecutive ticks' rows (`first`, `count`: timeline ordinals) or changes. */
type Step =
  | { kind: "rows"; first: number; count: number }
  | { kind: "changes"; ticks: TickChanges[] };

/** A table's change stream in `run`: its state, and what each commit hands the sink. */
export class ChangeFeed {
  readonly changes: TableChanges;
  readonly #generator: TableGenerator;
  readonly #state: ChangeState;
  /** Ticks applied to the state but not committed yet, by tick. */
  readonly #pending = new Map<number, TickChanges>();

  /**
   * A feed after `committedTick` (-1: nothing committed): its state is replayed from tick 1
   * to there, which costs a draw per change since the table began.
   */
  constructor(changes: TableChanges, generator: TableGenerator, committedTick: number) {
    this.changes = changes;
    this.#generator = generator;
    this.#state = changes.stateAt(Math.max(committedTick, 0));
  }

  /** The changes of tick `k` (>= 1), computed once until committed. */
  tick(k: number): TickChanges {
    const kept = this.#pending.get(k);
    if (kept) return kept;
    if (k <= this.#state.tick) {
      throw new Error(
        `The changes of table "${this.#generator.name}" are past tick ${k} (at ${this.#state.tick}): ` +
          "a committed tick cannot be written again",
      );
    }
    // Ticks another writer committed meanwhile: applied, never written by this one.
    this.changes.replay(this.#state, k - 1);
    const made = this.changes.advance(this.#state, { rows: true });
    this.#pending.set(k, made);
    return made;
  }

  /** Whether ticks `first..last` change any row. */
  changesIn(first: number, last: number): boolean {
    for (let k = Math.max(first, 1); k <= last; k++) {
      const t = this.tick(k);
      if (t.deletes.length + t.updates.length > 0) return true;
    }
    return false;
  }

  /** How many changes ticks `first..last` make, of those computed and not settled yet. */
  countIn(first: number, last: number): number {
    let n = 0;
    for (let k = first; k <= last; k++) {
      const t = this.#pending.get(k);
      n += t ? t.deletes.length + t.updates.length : 0;
    }
    return n;
  }

  /**
   * Ticks through `tick` need no writing any more (committed by this writer or another, or
   * with nothing to commit): forgets what they made.
   */
  settled(tick: number): void {
    for (const k of this.#pending.keys()) if (k <= tick) this.#pending.delete(k);
  }

  /**
   * Writes ticks `first..last` to `sink` in tick order: each tick's changes, then its rows,
   * consecutive rows written as one range and consecutive ticks' changes as one batch.
   * Resolves with how many changes were written.
   */
  async write(
    window: { first: number; last: number },
    sink: Sink,
    writeRows: WriteRows,
  ): Promise<number> {
    let written = 0;
    for (const step of this.#steps(window.first, window.last)) {
      if (step.kind === "rows") {
        await writeRows(step.first, step.count);
        continue;
      }
      const batch = this.batch(step.ticks);
      written += batch.ops.length;
      await sink.writeChanges!(this.#generator.name, batch);
    }
    return written;
  }

  /** The window as alternating runs of rows and of changes, in the order they are written. */
  #steps(first: number, last: number): Step[] {
    const timeline = this.changes.timeline;
    const steps: Step[] = [];
    for (let k = first; k <= last; k++) {
      const made = k >= 1 ? this.tick(k) : undefined;
      if (made && made.deletes.length + made.updates.length > 0) {
        const previous = steps.at(-1);
        if (previous?.kind === "changes") previous.ticks.push(made);
        else steps.push({ kind: "changes", ticks: [made] });
      }
      const rows = timeline.tickRows(k);
      if (rows.count === 0) continue;
      const previous = steps.at(-1);
      if (previous?.kind === "rows") previous.count += rows.count;
      else steps.push({ kind: "rows", first: rows.first, count: rows.count });
    }
    return steps;
  }

  /**
   * Ticks' changes as one {@link ChangeBatch}: by tick, and within a tick by time (a tick's
   * deletes and updates each come in time order; at the same time, deletes first, as drawn).
   */
  batch(ticks: readonly TickChanges[]): ChangeBatch {
    const width = this.#generator.spec.columns.length;
    const nulls: Value[] = new Array(width).fill(null);
    const entries: Entry[] = [];
    for (const t of ticks) {
      const deletes = t.deletes.map((d): Entry => ({
        op: "d",
        tick: t.tick,
        timeMs: d.timeMs,
        version: d.version,
        rowId: d.rowId,
        before: d.rowBefore!,
        after: null,
      }));
      const updates = t.updates.map((u): Entry => ({
        op: "u",
        tick: t.tick,
        timeMs: u.timeMs,
        version: u.version,
        rowId: u.rowId,
        before: u.rowBefore!,
        after: u.rowAfter!,
      }));
      entries.push(...mergeByTime(deletes, updates));
    }
    const ids = entries.map((e) => e.rowId);
    return {
      ops: entries.map((e) => e.op),
      ticks: entries.map((e) => e.tick),
      timesMs: entries.map((e) => e.timeMs),
      versions: entries.map((e) => e.version),
      before: this.#generator.rowsBatch(entries.map((e) => e.before), ids),
      after: this.#generator.rowsBatch(entries.map((e) => e.after ?? nulls), ids),
    };
  }
}

/** Two lists each in time order, merged in time order (`a` first at equal times). */
function mergeByTime(a: Entry[], b: Entry[]): Entry[] {
  const out: Entry[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && a[i].timeMs <= b[j].timeMs)) out.push(a[i++]);
    else out.push(b[j++]);
  }
  return out;
}
