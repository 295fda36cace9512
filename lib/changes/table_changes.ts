/**
 * A table's changes, tick by tick: which existing rows tick k deletes and updates, and their
 * values, as a pure function of (seed, table, tick) and the changes before it, which are
 * themselves pure: so the state after tick k is the replay of ticks 1..k, whoever replays it.
 *
 * Tick k (k >= 1) makes the deletes and updates its rates give it (lib/changes/rate.ts) among
 * the rows that exist before it (inserted by ticks 0..k-1) and are not deleted. Deletes are
 * drawn first, then updates, each from a random stream of its own for (table, kind, tick), by
 * the table's `pick` distribution; a row is changed at most once per tick, so an update never
 * touches a row deleted in the same tick or earlier. A tick with fewer live rows than changes
 * makes as many as there are rows (the rest are dropped, not carried).
 *
 * An update of a row recomputes its update columns (lib/engine/row_versions.ts) at version
 * n + 1 from the values of version n; the state keeps, per updated row, its version and the
 * update columns' values, and the deleted rows (lib/changes/deleted_rows.ts).
 *
 * Replay costs one random draw (a few on collisions) per change, plus for each update the
 * update columns' expressions and the insert values they read; memory is a bitmap bit per
 * row, 12 bytes per delete, and one entry per updated live row with its update columns'
 * values (a deleted row's entry is dropped).
 *
 * @module
 */
import type { ParentSource, TableGenerator } from "../engine/generator.ts";
import { CellRandom, streamKey } from "../engine/rng.ts";
import { RowVersions } from "../engine/row_versions.ts";
import type { Value } from "../expr/values.ts";
import type { Timeline } from "../stream/timeline.ts";
import { DeletedRows } from "./deleted_rows.ts";
import { ordinalDraw, pickFree } from "./pick.ts";
import { ChangeRate } from "./rate.ts";
import type { ChangeSpec } from "./spec.ts";

/** An updated row as the state keeps it. */
export interface RowChange {
  /** Its version: how many times it was updated. */
  version: number;
  /** Its update columns' stored values now, in {@link ChangeSpec.updateColumns} order. */
  values: Value[];
}

/** Where a table's changes are: after tick {@link tick}. Advanced by {@link TableChanges}. */
export class ChangeState {
  /** The last tick applied (0: none; tick 0 only inserts). */
  tick = 0;
  /** Every updated row that is not deleted, by row id. */
  readonly rows = new Map<number, RowChange>();
  /** The deleted rows, by ordinal (row id minus the timeline's first). */
  readonly deleted = new DeletedRows();
}

/** One update of a tick. */
export interface UpdateEvent {
  rowId: number;
  /** The version the update makes (1 for the row's first). */
  version: number;
  /** Its logical time, ms: `datetime.now()` of its update columns. */
  timeMs: number;
  /** The update columns' stored values before and after. */
  columnsBefore: Value[];
  columnsAfter: Value[];
  /** The whole row before and after, in the table's column order (when asked for). */
  rowBefore?: Value[];
  rowAfter?: Value[];
}

/** One delete of a tick. */
export interface DeleteEvent {
  rowId: number;
  /** The row's version when deleted. */
  version: number;
  /** Its logical time, ms. */
  timeMs: number;
  /** The update columns' last stored values. */
  columnsBefore: Value[];
  /** The whole row's last values (when asked for). */
  rowBefore?: Value[];
}

/** What one tick changed. */
export interface TickChanges {
  tick: number;
  /** In the order drawn, which is the order of their times. */
  deletes: DeleteEvent[];
  updates: UpdateEvent[];
}

/** Options of {@link TableChanges}. */
export interface TableChangesOptions {
  /** The run's seed. */
  seed: number;
  /** The table's generator, its spec placed on `timeline`. */
  table: TableGenerator;
  /** The table's timeline (an `append` one). */
  timeline: Timeline;
  changes: ChangeSpec;
}

/** Options of {@link TableChanges.advance}. */
export interface AdvanceOptions {
  /** Compute whole rows before and after (the sinks need them; replay does not). */
  rows?: boolean;
}

/** The change model of one table: advances a {@link ChangeState} one tick at a time. */
export class TableChanges {
  readonly spec: ChangeSpec;
  readonly timeline: Timeline;
  readonly #table: TableGenerator;
  readonly #versions: RowVersions;
  readonly #updates: ChangeRate;
  readonly #deletes: ChangeRate;
  readonly #updateKey: number;
  readonly #deleteKey: number;
  readonly #random = new CellRandom();
  /** Positions of the update columns in a whole row. */
  readonly #columnIndexes: number[];

  constructor(options: TableChangesOptions) {
    const { seed, table, timeline, changes } = options;
    if (timeline.spec.policy !== "append") {
      throw new Error(`Table "${table.name}" has changes, which need an append timeline`);
    }
    this.spec = changes;
    this.timeline = timeline;
    this.#table = table;
    this.#versions = new RowVersions(table, changes.updateColumns);
    const { startMs, intervalMs } = timeline.spec;
    this.#updates = new ChangeRate(changes.updatesPerMinute, startMs, intervalMs);
    this.#deletes = new ChangeRate(changes.deletesPerMinute, startMs, intervalMs);
    this.#updateKey = streamKey(seed, table.name, "changes", "update");
    this.#deleteKey = streamKey(seed, table.name, "changes", "delete");
    this.#columnIndexes = changes.updateColumns.map((name) => table.columnIndex(name));
  }

  /** The rate of updates (counts per tick, times). */
  get updates(): ChangeRate {
    return this.#updates;
  }

  /** The rate of deletes. */
  get deletes(): ChangeRate {
    return this.#deletes;
  }

  /** A state before any change (after tick 0). */
  newState(): ChangeState {
    return new ChangeState();
  }

  /** The state after tick `k`, replayed from tick 1. */
  stateAt(k: number): ChangeState {
    const state = this.newState();
    this.replay(state, k);
    return state;
  }

  /** Applies ticks up to `k` to `state` (nothing when it is there already). */
  replay(state: ChangeState, k: number): void {
    while (state.tick < k) this.advance(state);
  }

  /** Applies tick `state.tick + 1` to `state` and returns what it changed. */
  advance(state: ChangeState, options: AdvanceOptions = {}): TickChanges {
    const k = state.tick + 1;
    const base = this.timeline.spec.baseRowId;
    // The rows inserted by ticks before this one; every deleted row is among them.
    const n = this.timeline.rowsThrough(k - 1);
    const taken = new Set<number>();
    const isTaken = (o: number) => taken.has(o) || state.deleted.has(o);
    const free = () => n - state.deleted.count - taken.size;

    const deleted: number[] = [];
    const deleteCount = this.#deletes.at(k);
    if (deleteCount > 0 && n > 0) {
      const draw = ordinalDraw(this.spec.pick, n);
      this.#random.reset(this.#deleteKey, k);
      for (let i = 0; i < deleteCount; i++) {
        const o = pickFree(draw, this.#random, n, free(), isTaken);
        if (o === undefined) break;
        taken.add(o);
        deleted.push(o);
      }
    }
    const updated: number[] = [];
    const updateCount = this.#updates.at(k);
    if (updateCount > 0 && n > 0) {
      const draw = ordinalDraw(this.spec.pick, n);
      this.#random.reset(this.#updateKey, k);
      for (let i = 0; i < updateCount; i++) {
        const o = pickFree(draw, this.#random, n, free(), isTaken);
        if (o === undefined) break;
        taken.add(o);
        updated.push(o);
      }
    }

    const at = this.timeline.tickTime(k);
    const firstDelete = this.#deletes.through(k - 1);
    const deletes = deleted.map((o, i): DeleteEvent => {
      const rowId = base + o;
      const kept = state.rows.get(rowId);
      const columnsBefore = kept?.values ?? this.#versions.insertValues(rowId);
      const event: DeleteEvent = {
        rowId,
        version: kept?.version ?? 0,
        timeMs: this.#deletes.time(firstDelete + i),
        columnsBefore,
      };
      if (options.rows) event.rowBefore = this.#wholeRow(rowId, columnsBefore);
      state.rows.delete(rowId);
      state.deleted.add(o, k);
      return event;
    });
    const firstUpdate = this.#updates.through(k - 1);
    const updates = updated.map((o, i): UpdateEvent => {
      const rowId = base + o;
      const kept = state.rows.get(rowId);
      const version = (kept?.version ?? 0) + 1;
      const columnsBefore = kept?.values ?? this.#versions.insertValues(rowId);
      const timeMs = this.#updates.time(firstUpdate + i);
      const columnsAfter = this.#versions.update({
        rowId,
        version,
        before: columnsBefore,
        nowMs: timeMs,
        atMs: at,
      });
      const event: UpdateEvent = { rowId, version, timeMs, columnsBefore, columnsAfter };
      if (options.rows) {
        event.rowBefore = this.#wholeRow(rowId, columnsBefore);
        event.rowAfter = this.#wholeRow(rowId, columnsAfter);
      }
      state.rows.set(rowId, { version, values: columnsAfter });
      return event;
    });
    state.tick = k;
    return { tick: k, deletes, updates };
  }

  /** The row as inserted, with its update columns' values replaced by `columns`. */
  #wholeRow(rowId: number, columns: readonly Value[]): Value[] {
    const row = this.#versions.insertRow(rowId);
    this.#columnIndexes.forEach((index, i) => row[index] = columns[i]);
    return row;
  }

  /** A row's current version and update columns' values in `state` (version 0: as inserted). */
  current(state: ChangeState, rowId: number): RowChange | undefined {
    if (this.isDeleted(state, rowId, state.tick)) return undefined;
    return state.rows.get(rowId) ??
      { version: 0, values: this.#versions.insertValues(rowId) };
  }

  /**
   * Whether row `rowId` is deleted by tick `k` (at it or before), `state` being at `k` or
   * later. Rows outside the timeline (before its first id) are never deleted.
   */
  isDeleted(state: ChangeState, rowId: number, k: number): boolean {
    if (k > state.tick) {
      throw new Error(
        `The change state of table "${this.#table.name}" is at tick ${state.tick}, not ${k}: replay it first`,
      );
    }
    const ordinal = rowId - this.timeline.spec.baseRowId;
    return ordinal >= 0 && state.deleted.deletedBy(ordinal, k);
  }

  /**
   * What children see of this table with its deletes: `source` (whose index `kept + o` is the
   * timeline's ordinal o, after `kept` rows that never change) with {@link ParentSource.alive}
   * false for a row whose delete is visible at the child's time, so children stop picking it.
   * `state` is this view's own: it is replayed as far as children look.
   */
  parentView(source: ParentSource, state: ChangeState, kept = 0): ParentSource {
    const base = this.timeline.spec.baseRowId;
    return {
      count: (at) => source.count(at),
      value: (column, index, at) => source.value(column, index, at),
      columnType: (column) => source.columnType(column),
      alive: (index, at) => {
        if (index < kept) return true;
        const k = this.timeline.tickAt(at);
        if (k < 1) return true;
        this.replay(state, k);
        return !this.isDeleted(state, base + index - kept, k);
      },
    };
  }
}
