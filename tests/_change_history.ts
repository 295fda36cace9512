/**
 * A small history of a table with changes, for the sinks' change-stream tests: the rows and
 * change batches of three ticks, written through any sink in the order the engine calls it
 * (each tick's changes, then its rows, then a flush with its commit point), and the state it
 * leaves (row id -> version) worked out by hand, independently of any sink.
 *
 * @module
 */
import type { ChangeBatch, ChangeOp, Sink } from "../lib/plugin/types.ts";
import { SAMPLE_SCHEMA, sampleName, sampleRows } from "./_batches.ts";

/** A change of the history in plain terms: the row, what happened, its version after. */
export interface PlainChange {
  op: ChangeOp;
  id: number;
  /** The row's version after the change (a delete: its last version). */
  version: number;
  /** The row's version before the change. */
  from: number;
}

/** One tick of the history: its changes, then the ids of the rows it inserts. */
export interface HistoryTick {
  tick: number;
  changes: PlainChange[];
  inserts: number[];
}

/** The history: tick 0 inserts, ticks 1 and 2 update and delete rows and insert more. */
export const HISTORY: readonly HistoryTick[] = [
  { tick: 0, changes: [], inserts: [0, 1, 2, 3, 4, 5, 6, 7] },
  {
    tick: 1,
    changes: [
      { op: "u", id: 2, version: 1, from: 0 },
      { op: "d", id: 3, version: 0, from: 0 },
      { op: "u", id: 6, version: 1, from: 0 },
    ],
    inserts: [8, 9, 10],
  },
  {
    tick: 2,
    changes: [
      { op: "u", id: 2, version: 2, from: 1 },
      { op: "u", id: 9, version: 1, from: 0 },
      { op: "d", id: 0, version: 0, from: 0 },
      { op: "d", id: 6, version: 1, from: 1 },
    ],
    inserts: [11, 12],
  },
];

/** The schema of the history's table (that of `sampleBatch`), keyed by `id`. */
export const HISTORY_TABLE = {
  name: "orders",
  schema: SAMPLE_SCHEMA,
  primaryKey: "id",
  changes: true,
} as const;

/** The logical time of change `i` of a tick. */
export function changeTime(tick: number, i: number): number {
  return 1_700_000_000_000 + tick * 10_000 + i;
}

/** A tick's changes as a {@link ChangeBatch} of Arrow batches with explicit types. */
export function changeBatchOf(tick: number, changes: readonly PlainChange[]): ChangeBatch {
  return {
    ops: changes.map((c) => c.op),
    ticks: changes.map(() => tick),
    timesMs: changes.map((_, i) => changeTime(tick, i)),
    versions: changes.map((c) => c.version),
    before: sampleRows(changes.map((c) => ({ id: c.id, version: c.from }))),
    after: sampleRows(changes.map((c) => c.op === "d" ? null : { id: c.id, version: c.version })),
  };
}

/**
 * Writes ticks of the history through a sink opened on {@link HISTORY_TABLE}: each tick's
 * changes, its rows, and a flush with its commit point (`flush` replaces that last step).
 */
export async function writeHistory(
  sink: Sink,
  options: {
    ticks?: readonly HistoryTick[];
    table?: string;
    flush?: (tick: number) => Promise<unknown>;
  } = {},
): Promise<void> {
  const table = options.table ?? HISTORY_TABLE.name;
  for (const tick of options.ticks ?? HISTORY) {
    if (tick.changes.length > 0) {
      await sink.writeChanges!(table, changeBatchOf(tick.tick, tick.changes));
    }
    await sink.write(table, sampleRows(tick.inserts.map((id) => ({ id }))));
    await (options.flush ? options.flush(tick.tick) : sink.flush({ tick: tick.tick }));
  }
}

/** The state after ticks of the history, worked out from its plain terms: id -> version. */
export function historyState(ticks: readonly HistoryTick[] = HISTORY): Map<number, number> {
  const state = new Map<number, number>();
  for (const tick of ticks) {
    for (const change of tick.changes) {
      if (change.op === "d") state.delete(change.id);
      else state.set(change.id, change.version);
    }
    for (const id of tick.inserts) state.set(id, 0);
  }
  return state;
}

/** What a row of the history's state holds in the columns a test checks. */
export function expectedRow(
  id: number,
  version: number,
): { id: number; n: number | null; name: string | null } {
  return { id, n: id % 5 === 0 ? null : id * 1000 + version, name: sampleName(id, version) };
}

/** A Debezium event as a replay reads it. */
export interface ReplayEvent {
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  op: string;
}

/**
 * Replays Debezium events into the table's state (id -> row), as a consumer would: `c` adds a
 * row that must not exist, `u` replaces one whose `before` must equal what the replay holds,
 * `d` removes it, checked the same way. Throws on any event that does not fit.
 */
export function replayEvents(events: readonly ReplayEvent[]): Map<number, Record<string, unknown>> {
  const state = new Map<number, Record<string, unknown>>();
  for (const [i, event] of events.entries()) {
    const row = event.op === "d" ? event.before : event.after;
    const id = Number(row?.id);
    const held = state.get(id);
    if (event.op === "c") {
      if (held || event.before !== null) throw new Error(`Event ${i}: insert of held row ${id}`);
      state.set(id, event.after!);
      continue;
    }
    if (JSON.stringify(held) !== JSON.stringify(event.before)) {
      throw new Error(`Event ${i}: before of row ${id} is not what the replay holds`);
    }
    if (event.op === "u") state.set(id, event.after!);
    else if (event.op === "d" && event.after === null) state.delete(id);
    else throw new Error(`Event ${i}: unknown op ${event.op}`);
  }
  return state;
}

/** The checked columns of a replayed state, by id, for comparing with {@link historyState}. */
export function stateColumns(
  state: ReadonlyMap<number, Record<string, unknown>>,
): Map<number, { id: number; n: number | null; name: string | null }> {
  return new Map(
    [...state].map(([id, row]) => [id, {
      id: Number(row.id),
      n: row.n as number | null,
      name: row.name as string | null,
    }]),
  );
}

/** {@link historyState} in the columns of {@link stateColumns}. */
export function expectedColumns(
  ticks: readonly HistoryTick[] = HISTORY,
): Map<number, { id: number; n: number | null; name: string | null }> {
  return new Map([...historyState(ticks)].map(([id, v]) => [id, expectedRow(id, v)]));
}
