import { assert, assertEquals, assertNotEquals } from "../../tests/_assert.ts";
import { xoroshiro128plusFromState } from "pure-rand/generator/xoroshiro128plus";
import { CellRandom, firstUint32, firstUnit, hashString, mix2, streamKey } from "./rng.ts";

Deno.test("a reset stream repeats exactly", () => {
  const a = new CellRandom(), b = new CellRandom();
  a.reset(123, 456);
  const first = [a.next(), a.int(1, 6), a.nextUint32()];
  a.next();
  b.reset(123, 456);
  assertEquals([b.next(), b.int(1, 6), b.nextUint32()], first);
});

Deno.test("neighbouring rows and keys give unrelated streams", () => {
  const r = new CellRandom();
  const firsts = new Set<number>();
  for (let row = 0; row < 1000; row++) {
    r.reset(1, row);
    firsts.add(r.nextUint32());
  }
  for (let key = 0; key < 1000; key++) {
    r.reset(key, 5);
    firsts.add(r.nextUint32());
  }
  assert(firsts.size > 1990);
});

Deno.test("floats are in [0, 1) and ints honour inclusive bounds", () => {
  const r = new CellRandom();
  r.reset(9, 9);
  let sum = 0;
  const seen = new Set<number>();
  for (let i = 0; i < 10000; i++) {
    const x = r.next();
    assert(x >= 0 && x < 1);
    sum += x;
    seen.add(r.int(-2, 2));
  }
  assert(Math.abs(sum / 10000 - 0.5) < 0.02);
  assertEquals([...seen].sort(), [-1, -2, 0, 1, 2].sort());
});

Deno.test("large and negative row ids are distinct streams", () => {
  const r = new CellRandom();
  r.reset(1, 2 ** 40);
  const a = r.nextUint32();
  r.reset(1, 2 ** 40 + 1);
  const b = r.nextUint32();
  r.reset(1, -1);
  const c = r.nextUint32();
  assertNotEquals(a, b);
  assertNotEquals(a, c);
});

Deno.test("stream keys depend on seed and names", () => {
  assertNotEquals(streamKey(1, "t", "c"), streamKey(2, "t", "c"));
  assertNotEquals(streamKey(1, "t", "c"), streamKey(1, "tc"));
  assertEquals(hashString("abc"), hashString("abc"));
});

Deno.test("the generator is exactly pure-rand's xoroshiro128+ from the same state", () => {
  const ours = new CellRandom();
  for (
    const [key, rowId] of [[0, 0], [1, 1], [0xdeadbeef, -7], [42, 2 ** 40 + 3], [7, 2 ** 53 - 1]]
  ) {
    // The state words as reset derives them, handed to pure-rand.
    const lo = rowId | 0;
    const hi = Math.floor(rowId / 4294967296) | 0;
    const a = mix2(key, lo);
    const b = mix2(a, hi);
    const c = mix2(b, 0x6a09e667);
    const d = mix2(c, 0xbb67ae85);
    const reference = xoroshiro128plusFromState([a | 0, b | 0, c | 0, (d | 1) | 0]);
    ours.reset(key, rowId);
    for (let i = 0; i < 100; i++) assertEquals(ours.nextUint32(), reference.next() >>> 0);
  }
});

Deno.test("a marked stream rewinds to the same draws, before and after its first draw", () => {
  const random = new CellRandom();
  random.reset(9, 4);
  const fresh = random.mark(); // not seeded yet
  const first = [random.next(), random.next()];
  const middle = random.mark();
  const rest = [random.next(), random.nextUint32()];
  random.rewind(middle);
  assertEquals([random.next(), random.nextUint32()], rest);
  random.rewind(fresh);
  assertEquals([random.next(), random.next()], first);
});

Deno.test("bits(k) draws k bits, the first word the most significant", () => {
  const r = new CellRandom();
  r.reset(4, 2);
  const words = [r.nextUint32(), r.nextUint32(), r.nextUint32()];
  r.reset(4, 2);
  assertEquals(
    r.bits(70),
    (BigInt(words[0] >>> 26) << 64n) | (BigInt(words[1]) << 32n) | BigInt(words[2]),
  );
  r.reset(4, 2);
  assertEquals(r.bits(32), BigInt(words[0]));
  assertEquals(r.bits(0), 0n);
});

Deno.test("below(n) is uniform in [0, n) for any n", () => {
  const r = new CellRandom();
  r.reset(5, 5);
  assertEquals(r.below(1n), 0n);
  const counts = [0, 0, 0];
  for (let i = 0; i < 3000; i++) counts[Number(r.below(3n))]++;
  assert(counts.every((c) => c > 900 && c < 1100), String(counts));
  const n = 3n * 2n ** 100n;
  for (let i = 0; i < 200; i++) {
    const x = r.below(n);
    assert(x >= 0n && x < n);
  }
});

/** `int` as it was written with `%`: the values every stored row was drawn with. */
function intByModulo(random: CellRandom, min: number, max: number): number {
  const span = max - min + 1;
  if (span > 2 ** 32) return min + Math.floor(random.next() * span);
  const limit = 2 ** 32 - (2 ** 32 % span);
  let x = random.nextUint32();
  while (x >= limit) x = random.nextUint32();
  return min + (x % span);
}

Deno.test("int(min, max) draws what the modulo form drew, for every kind of span", () => {
  const a = new CellRandom();
  const b = new CellRandom();
  const spans = [1, 2, 3, 9, 1001, 100_001, 2 ** 31 - 1, 2 ** 31, 2 ** 31 + 1, 3 * 2 ** 30];
  spans.push(2 ** 32 - 1, 2 ** 32, 2 ** 32 + 1, 2 ** 40 + 3, 1.5, 7.25);
  for (const span of spans) {
    for (const min of [0, -50_000, 2 ** 33]) {
      for (let row = 0; row < 2_000; row++) {
        a.reset(0xc0ffee, row);
        b.reset(0xc0ffee, row);
        const max = min + span - 1;
        assertEquals(a.int(min, max), intByModulo(b, min, max), `span ${span}, row ${row}`);
      }
    }
  }
});

Deno.test("a stream's first word and first float without a generator are the generator's", () => {
  const r = new CellRandom();
  const rows = [0, 1, 2, -1, -(2 ** 40) - 3, 2 ** 32 - 1, 2 ** 32, 2 ** 52 + 7];
  for (let i = 0; i < 2000; i++) rows.push(i * 7919 + 13);
  for (const key of [0, 1, 0x7fffffff, -0x80000000, mix2(3, 4)]) {
    for (const row of rows) {
      r.reset(key, row);
      assertEquals(firstUint32(key, row), r.nextUint32(), `word of ${key}, ${row}`);
      r.reset(key, row);
      assertEquals(firstUnit(key, row), r.next(), `float of ${key}, ${row}`);
    }
  }
});
