/**
 * What a commit of `run` injects on purpose (docs/traffic.md): it writes the window's
 * duplicates after its rows, and counts the imperfections of everything the commit holds, so
 * the counts go with the commit (`CommitPoint.injected`) and into the status. Both are pure
 * functions of the window's ticks, so a restart counts what it writes again the same way.
 *
 * @module
 */
import type { TableGenerator } from "../engine/generator.ts";
import { addFaults, FAULT_KINDS, type FaultCounts, noFaults } from "../engine/faults.ts";
import type { Sink } from "../plugin/types.ts";
import { Duplicates } from "../stream/duplicates.ts";
import type { OrdinalRange } from "../stream/shard.ts";
import type { TablePlan } from "./plan.ts";
import { yieldToEventLoop } from "./write_rows.ts";

/** A table's injected imperfections, per commit. */
export class Injection {
  readonly #generator: TableGenerator;
  readonly #duplicates?: Duplicates;
  readonly #baseRowId: number;

  constructor(generator: TableGenerator, duplicates: Duplicates | undefined, baseRowId: number) {
    this.#generator = generator;
    this.#duplicates = duplicates;
    this.#baseRowId = baseRowId;
  }

  /**
   * Writes the duplicates ticks `first..last` deliver (after the rows), in batches of
   * `batchSize`, and returns what the commit holds: the imperfections of its rows (`ranges`
   * of ordinals, in `epoch`) and of its duplicates, and how many duplicates.
   */
  async write(
    sink: Sink,
    window: { first: number; last: number; ranges: readonly OrdinalRange[]; epoch: number },
    batchSize: number,
  ): Promise<FaultCounts> {
    const rowIds = this.#duplicates?.rowIdsIn(window.first, window.last) ?? [];
    const counts = this.#count(window, rowIds);
    const change = this.#duplicates?.spec.change;
    for (let i = 0; i < rowIds.length; i += batchSize) {
      const some = rowIds.slice(i, i + batchSize);
      await sink.write(this.#generator.name, this.#generator.duplicateBatch(some, change));
      await yieldToEventLoop();
    }
    return counts;
  }

  /** What a commit of ticks `first..last` writing `ranges` in `epoch` holds. */
  count(
    window: { first: number; last: number; ranges: readonly OrdinalRange[]; epoch: number },
  ): FaultCounts {
    return this.#count(window, this.#duplicates?.rowIdsIn(window.first, window.last) ?? []);
  }

  #count(
    window: { ranges: readonly OrdinalRange[]; epoch: number },
    rowIds: readonly number[],
  ): FaultCounts {
    const counts = noFaults();
    const faults = this.#generator.faults;
    for (const { first, count } of window.ranges) {
      faults.count(this.#baseRowId + first, count, window.epoch, counts);
    }
    const again = noFaults();
    for (const rowId of rowIds) faults.countRow(rowId, 0, again);
    again.duplicate = rowIds.length;
    addFaults(counts, again);
    return counts;
  }
}

/** Injected counts as log fields: `injected_late`, `injected_duplicate`... (none without). */
export function injectedFields(injected?: FaultCounts): Record<string, number> {
  const fields: Record<string, number> = {};
  if (injected) { for (const kind of FAULT_KINDS) fields[`injected_${kind}`] = injected[kind]; }
  return fields;
}

/** The injection of a table that has imperfections (undefined for one without). */
export function injectionOf(
  plan: TablePlan,
  generator: TableGenerator,
  seed: number,
): Injection | undefined {
  const spec = plan.spec.duplicates;
  if (!generator.faults.any && !spec) return undefined;
  const timeline = plan.timeline!;
  const split = plan.split;
  const index = plan.shards?.index;
  const duplicates = spec
    ? new Duplicates(spec, timeline, {
      seed,
      table: plan.name,
      ...(split && index !== undefined
        ? { own: (first, end) => split.ranges(index, first, end) }
        : {}),
    })
    : undefined;
  return new Injection(generator, duplicates, timeline.spec.baseRowId);
}
