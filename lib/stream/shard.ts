/**
 * Shards: N processes that each make a disjoint part of the same rows, together exactly the
 * rows one process makes. Every cell is a pure function of (seed, table, column, row id,
 * tick), so a shard only has to know which row ids are its own.
 *
 * The split:
 *
 * - **Initial rows** (`generate`'s `row_count` rows, and tick 0 of `run`): contiguous ranges,
 *   shard i taking ordinals `[floor(i·R/N), floor((i+1)·R/N))`. One sequential range per
 *   shard makes large files whose key statistics do not overlap, and a shard's progress is
 *   one number (the rows it committed).
 * - **Streamed rows** (`run`'s ticks after 0): blocks interleaved on the row sequence, block b
 *   (of {@link ShardSplit.blockRows} rows, about a tick's rows over N) going to shard b mod N.
 *   Every shard then writes about 1/N of every tick (one or two contiguous pieces), at any
 *   rate: a split of each tick into N parts would leave most shards empty when a tick has fewer
 *   rows than shards (1 row/min in 10 s ticks), and rotating it by tick number aliases with
 *   periodic rates (a row every 6th tick never reaches half of 8 shards). A shard's commit
 *   point stays the tick, the same for all shards, so a child knows from each parent shard's
 *   last tick which parent rows exist.
 *
 * @module
 */
import type { Timeline } from "./timeline.ts";

/** One process's part of a sharded run: shard `index` (0-based) of `count`. */
export interface Shard {
  index: number;
  count: number;
}

/** Parses `i/N` (0 <= i < N); throws a message naming `where` and the rule. */
export function parseShard(text: string, where: string): Shard {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = match ? Number(match[1]) : Number.NaN;
  const count = match ? Number(match[2]) : Number.NaN;
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(count) || count < 1) {
    throw new Error(`${where} must be i/N with N >= 1 and 0 <= i < N (e.g. 0/4), got "${text}"`);
  }
  if (index >= count) {
    throw new Error(
      `${where} is ${index}/${count}: shard indexes of ${count} shards are 0 to ${count - 1}`,
    );
  }
  return { index, count };
}

/** `i/N`, as users write it. */
export function formatShard(shard: Shard): string {
  return `${shard.index}/${shard.count}`;
}

/** The `txn` application id of a shard's commits: `<base>:shard-<i>-of-<N>`. */
export function shardAppId(base: string, shard: Shard): string {
  return `${base}:shard-${shard.index}-of-${shard.count}`;
}

/** The base id and shard of a shard's application id; undefined for any other id. */
export function parseShardAppId(appId: string): { base: string; shard: Shard } | undefined {
  const match = /^(.*):shard-(\d+)-of-(\d+)$/.exec(appId);
  if (!match) return undefined;
  const shard = { index: Number(match[2]), count: Number(match[3]) };
  if (!(shard.index < shard.count)) return undefined;
  return { base: match[1], shard };
}

/**
 * How the application ids of `commits` that belong to `base` are sharded: `unsharded` (the
 * base id itself), a shard count, or `mixed` (both, or several counts); undefined when none
 * belongs to it.
 */
export function shardingOf(
  base: string,
  commits: Iterable<string>,
): { kind: "unsharded" } | { kind: "sharded"; count: number } | { kind: "mixed" } | undefined {
  const counts = new Set<number>();
  let plain = false;
  for (const appId of commits) {
    if (appId === base) plain = true;
    const parsed = parseShardAppId(appId);
    if (parsed?.base === base) counts.add(parsed.shard.count);
  }
  if (plain && counts.size === 0) return { kind: "unsharded" };
  if (!plain && counts.size === 1) return { kind: "sharded", count: [...counts][0] };
  if (!plain && counts.size === 0) return undefined;
  return { kind: "mixed" };
}

/** A range of ordinals: `[first, first + count)`. */
export interface OrdinalRange {
  first: number;
  count: number;
}

/** Shard i's contiguous part of `total` items: `[floor(i·total/N), floor((i+1)·total/N))`. */
export function contiguousShare(total: number, shard: Shard): OrdinalRange {
  const at = (i: number) => Number((BigInt(i) * BigInt(total)) / BigInt(shard.count));
  const first = at(shard.index);
  return { first, count: at(shard.index + 1) - first };
}

/** The part of `range` inside `[first, end)`, or undefined when they do not meet. */
function clip(range: OrdinalRange, first: number, end: number): OrdinalRange | undefined {
  const lo = Math.max(range.first, first);
  const hi = Math.min(range.first + range.count, end);
  return hi > lo ? { first: lo, count: hi - lo } : undefined;
}

/**
 * A table's timeline split among `count` shards (see the module doc): which ordinals each
 * shard writes. Ordinals count the timeline's rows (0 is its first row id).
 */
export class ShardSplit {
  readonly count: number;
  /** Rows of each interleaved block of streamed rows: about a tick's rows over the shards. */
  readonly blockRows: number;
  readonly #initial: number;
  readonly #streams: boolean;

  constructor(timeline: Timeline, count: number) {
    this.count = count;
    const spec = timeline.spec;
    this.#initial = spec.initialRows;
    this.#streams = spec.policy === "append" && timeline.streams;
    // Rows per tick, floored (fixed by the rate and interval, which the fingerprint holds):
    // the block size never changes while a table streams.
    const perTick = timeline.typicalTickRows();
    this.blockRows = Math.max(1, Math.floor(perTick / count));
  }

  /** Shard i's initial rows. */
  initialShare(index: number): OrdinalRange {
    return contiguousShare(this.#initial, { index, count: this.count });
  }

  /** The ordinals of `[first, end)` that shard `index` writes, in order. */
  ranges(index: number, first: number, end: number): OrdinalRange[] {
    const out: OrdinalRange[] = [];
    const initial = clip(this.initialShare(index), first, end);
    if (initial) out.push(initial);
    if (!this.#streams || end <= this.#initial) return out;
    const block = this.blockRows;
    const from = Math.max(first, this.#initial) - this.#initial;
    const to = end - this.#initial;
    for (let b = this.#firstBlockAtOrAfter(index, Math.floor(from / block)); b * block < to;) {
      const piece = clip({ first: b * block, count: block }, from, to)!;
      out.push({ first: piece.first + this.#initial, count: piece.count });
      b += this.count;
    }
    return out;
  }

  /** Rows of `[first, end)` that shard `index` writes. */
  rowsIn(index: number, first: number, end: number): number {
    return this.ranges(index, first, end).reduce((n, r) => n + r.count, 0);
  }

  /** The first ordinal at or after `from` that shard `index` writes; Infinity when none. */
  nextOwned(index: number, from: number): number {
    const initial = this.initialShare(index);
    if (from < initial.first + initial.count) {
      return initial.count > 0 ? Math.max(from, initial.first) : this.#nextStreamed(index, from);
    }
    return this.#nextStreamed(index, from);
  }

  #nextStreamed(index: number, from: number): number {
    if (!this.#streams) return Number.POSITIVE_INFINITY;
    const s = Math.max(from, this.#initial) - this.#initial;
    const b = Math.floor(s / this.blockRows);
    if (b % this.count === index) return this.#initial + s;
    return this.#initial + this.#firstBlockAtOrAfter(index, b) * this.blockRows;
  }

  /** The first block at or after `b` that belongs to shard `index`. */
  #firstBlockAtOrAfter(index: number, b: number): number {
    return b + (((index - b) % this.count) + this.count) % this.count;
  }
}

/**
 * The last tick through which every shard has committed all of its rows, given each shard's
 * last committed tick (-1 or absent: none): what children of a sharded table may reference.
 * A shard that has no rows in ticks after its last commit up to some tick is complete through
 * it, so shards whose blocks are empty lately do not hold children back.
 */
export function shardsCompleteThrough(
  timeline: Timeline,
  split: ShardSplit,
  committed: (index: number) => number,
): number {
  let through = Number.POSITIVE_INFINITY;
  for (let j = 0; j < split.count; j++) {
    through = Math.min(through, shardCompleteThrough(timeline, split, j, committed(j)));
  }
  return through;
}

/**
 * The last tick through which shard `index` has committed all of its rows, given its last
 * committed tick (-1: none): up to the tick before its next row (Infinity: it has no more).
 */
export function shardCompleteThrough(
  timeline: Timeline,
  split: ShardSplit,
  index: number,
  committed: number,
): number {
  const next = split.nextOwned(index, committed < 0 ? 0 : timeline.rowsThrough(committed));
  return next === Number.POSITIVE_INFINITY ? next : timeline.tickOf(next) - 1;
}
