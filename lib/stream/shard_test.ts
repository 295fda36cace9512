import { assert, assertEquals, assertThrows } from "../../tests/_assert.ts";
import { Timeline, type TimelineSpec } from "./timeline.ts";
import {
  contiguousShare,
  parseShard,
  parseShardAppId,
  shardAppId,
  shardingOf,
  shardsCompleteThrough,
  ShardSplit,
} from "./shard.ts";

function timeline(spec: Partial<TimelineSpec>): Timeline {
  return new Timeline({
    startMs: Date.UTC(2026, 0, 1),
    intervalMs: 10_000,
    initialRows: 0,
    rowsPerMinute: 60,
    policy: "append",
    baseRowId: 1,
    ...spec,
  });
}

Deno.test("parseShard reads i/N and says what is wrong", () => {
  assertEquals(parseShard("3/8", "--shard"), { index: 3, count: 8 });
  assertEquals(parseShard(" 0 / 1 ", "--shard"), { index: 0, count: 1 });
  assertThrows(() => parseShard("8/8", "--shard"), Error, "shard indexes of 8 shards are 0 to 7");
  assertThrows(() => parseShard("1/0", "--shard"), Error, "must be i/N");
  assertThrows(() => parseShard("a/2", "TABLESTREAM_SHARD"), Error, "TABLESTREAM_SHARD must be");
  assertThrows(() => parseShard("-1/2", "--shard"), Error, "must be i/N");
});

Deno.test("shard application ids name their shard and read back", () => {
  const id = shardAppId("tablestream:orders:abc", { index: 2, count: 7 });
  assertEquals(id, "tablestream:orders:abc:shard-2-of-7");
  assertEquals(parseShardAppId(id), {
    base: "tablestream:orders:abc",
    shard: { index: 2, count: 7 },
  });
  assertEquals(parseShardAppId("tablestream:orders:abc"), undefined);
  const base = "tablestream:t:f";
  assertEquals(shardingOf(base, [base, "other"]), { kind: "unsharded" });
  assertEquals(shardingOf(base, [`${base}:shard-0-of-3`, `${base}:shard-2-of-3`]), {
    kind: "sharded",
    count: 3,
  });
  assertEquals(shardingOf(base, [`${base}:shard-0-of-3`, `${base}:shard-0-of-2`]), {
    kind: "mixed",
  });
  assertEquals(shardingOf(base, [base, `${base}:shard-0-of-2`]), { kind: "mixed" });
  assertEquals(shardingOf(base, ["tablestream:t:other:shard-0-of-2"]), undefined);
});

Deno.test("contiguous shares cover every row once, sizes within one of each other", () => {
  for (const total of [0, 1, 5, 7, 100, 1_000_003]) {
    for (const count of [1, 2, 3, 7, 8]) {
      let next = 0;
      for (let index = 0; index < count; index++) {
        const share = contiguousShare(total, { index, count });
        assertEquals(share.first, next);
        assert(Math.abs(share.count - total / count) < 1, `${total}/${count}`);
        next = share.first + share.count;
      }
      assertEquals(next, total);
    }
  }
});

const SPLITS: [string, Partial<TimelineSpec>][] = [
  ["60/min in 10 s ticks, 100 initial", { initialRows: 100 }],
  ["1/min in 10 s ticks, 5 initial", { rowsPerMinute: 1, initialRows: 5 }],
  ["2.5/min in 7 s ticks", { rowsPerMinute: 2.5, intervalMs: 7_000 }],
  ["10,000/min in 1 s ticks, 3 initial", {
    rowsPerMinute: 10_000,
    intervalMs: 1_000,
    initialRows: 3,
  }],
  ["a static table of 10", { policy: "static", initialRows: 10 }],
];

Deno.test("a split gives every ordinal to exactly one shard, whatever window is asked", () => {
  for (const [what, spec] of SPLITS) {
    const t = timeline(spec);
    for (const count of [1, 2, 3, 7, 8]) {
      const split = new ShardSplit(t, count);
      const end = t.rowsThrough(300);
      const owner = new Int32Array(end).fill(-1);
      for (let index = 0; index < count; index++) {
        // Windows of uneven sizes: the ranges of a window never depend on the window.
        for (let first = 0; first < end;) {
          const stop = Math.min(end, first + 1 + ((first * 7919) % 97));
          for (const r of split.ranges(index, first, stop)) {
            assert(r.count > 0 && r.first >= first && r.first + r.count <= stop, what);
            for (let o = r.first; o < r.first + r.count; o++) {
              assertEquals(owner[o], -1, `${what}, ${count} shards: ordinal ${o} twice`);
              owner[o] = index;
            }
          }
          first = stop;
        }
      }
      assertEquals(owner.indexOf(-1), -1, `${what}, ${count} shards: every ordinal has a shard`);
      for (let index = 0; index < count; index++) {
        for (const from of [0, 1, 2, 50, 101, end - 1]) {
          if (from < 0 || from >= end) continue;
          let expected = from;
          while (expected < end && owner[expected] !== index) expected++;
          const next = split.nextOwned(index, from);
          if (expected < end) {
            assertEquals(next, expected, `${what}: next of ${index} from ${from}`);
          } else assert(next >= end, `${what}: shard ${index} owns nothing in [${from}, ${end})`);
        }
      }
    }
  }
});

Deno.test("streamed rows are spread over the shards at any rate", () => {
  // 1 row a minute in 10 s ticks: one row every sixth tick, each to the next shard.
  const slow = timeline({ rowsPerMinute: 1 });
  const split = new ShardSplit(slow, 8);
  assertEquals(split.blockRows, 1);
  const rows = Array.from({ length: 8 }, (_, i) => split.rowsIn(i, 0, slow.rowsThrough(6 * 80)));
  assertEquals(rows, [10, 10, 10, 10, 10, 10, 10, 10]);
  // 60,000 a minute in 10 s ticks: each shard writes an eighth of every tick.
  const fast = timeline({ rowsPerMinute: 60_000 });
  const big = new ShardSplit(fast, 8);
  assertEquals(big.blockRows, 1250);
  for (let i = 0; i < 8; i++) assertEquals(big.ranges(i, 10_000, 20_000).length, 1);
});

Deno.test("shardsCompleteThrough is the last tick whose rows every shard committed", () => {
  for (const [what, spec] of SPLITS) {
    const t = timeline(spec);
    for (const count of [1, 3, 8]) {
      const split = new ShardSplit(t, count);
      const end = t.rowsThrough(200);
      for (let trial = 0; trial < 40; trial++) {
        const committed = Array.from({ length: count }, (_, j) => ((trial * 31 + j * 17) % 90) - 1);
        const through = shardsCompleteThrough(t, split, (j) => committed[j]);
        // By brute force: the first ordinal not yet committed, and the tick writing it.
        let missing = end;
        for (let o = 0; o < end; o++) {
          const j = [...Array(count).keys()].find((i) => split.rowsIn(i, o, o + 1) === 1)!;
          if (t.tickOf(o) > committed[j]) {
            missing = o;
            break;
          }
        }
        if (missing === end) {
          assert(through >= t.tickOf(end - 1), `${what}: all committed`);
        } else {
          assertEquals(through, t.tickOf(missing) - 1, `${what}, ${count} shards, ${committed}`);
        }
      }
    }
  }
});
