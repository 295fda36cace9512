import { assertEquals } from "../../tests/_assert.ts";
import { ByteOut, int64Reader } from "./byte_out.ts";

const text = (out: ByteOut) => new TextDecoder().decode(out.bytes.subarray(0, out.length));

Deno.test("ByteOut.digits: String(n) of every safe integer size, the array grown as needed", () => {
  const cases = [
    0,
    -0,
    1,
    9,
    10,
    99,
    100,
    -1,
    -10,
    2 ** 31 - 1,
    2 ** 31,
    -(2 ** 31),
    -(2 ** 31) - 1,
  ];
  cases.push(Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 999_999_999_999_999, 1e15);
  // Seeded: every digit count, both signs.
  let seed = 7;
  for (let i = 0; i < 20_000; i++) {
    seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0;
    const magnitude = 2 ** ((seed % 5300) / 100);
    cases.push(Math.floor((seed & 1 ? -1 : 1) * magnitude * ((seed >>> 8) / 2 ** 24)));
  }
  const out = new ByteOut(4);
  for (const n of cases) {
    out.length = 0;
    out.digits(n);
    assertEquals(text(out), String(n));
  }
  out.length = 0;
  for (const n of [12, -345, 6789]) out.digits(n);
  assertEquals(text(out), "12-3456789");
});

Deno.test("int64Reader: safe 64-bit integers as numbers, the rest undefined", () => {
  const values = new BigInt64Array([
    0n,
    -1n,
    4_294_967_296n,
    -4_294_967_297n,
    9_007_199_254_740_991n,
    -9_007_199_254_740_991n,
    9_007_199_254_740_992n,
    -9_007_199_254_740_992n,
    -(2n ** 63n),
  ]);
  const read = int64Reader(values.subarray(1));
  assertEquals(
    Array.from({ length: 8 }, (_, i) => read(i)),
    [
      -1,
      4_294_967_296,
      -4_294_967_297,
      9_007_199_254_740_991,
      -9_007_199_254_740_991,
      undefined,
      undefined,
      undefined,
    ],
  );
});

Deno.test("ByteOut.long: Avro's zigzag varint of small and large safe integers alike", () => {
  const out = new ByteOut(2);
  const decode = (from: number) => {
    let n = 0, scale = 1, at = from;
    for (;;) {
      const b = out.bytes[at++];
      n += (b & 0x7f) * scale;
      scale *= 128;
      if (!(b & 0x80)) break;
    }
    return { value: n % 2 === 0 ? n / 2 : -(n + 1) / 2, at };
  };
  const cases = [0, -1, 1, 63, -64, 64, 2 ** 30 - 1, -(2 ** 30), 2 ** 30, -(2 ** 30) - 1, 2 ** 31];
  cases.push(2 ** 50, 2 ** 40 + 3, -(2 ** 45), 4_294_967_295);
  for (const n of cases) out.long(n);
  let at = 0;
  for (const n of cases) {
    const read = decode(at);
    assertEquals(read.value, n);
    at = read.at;
  }
  assertEquals(at, out.length);
  assertEquals([...out.bytes.subarray(0, 4)], [0, 1, 2, 126]); // 0, -1, 1, 63
});
