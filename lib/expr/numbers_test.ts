import { assertEquals, assertThrows } from "../../tests/_assert.ts";
import { pyRound, roundHalfEven, roundInt, toFloat, toIndex, toInt } from "./numbers.ts";

Deno.test("round ties go to the even neighbour", () => {
  assertEquals([0.5, 1.5, 2.5, 3.5, -0.5, -1.5, -2.5, 2.4, 2.6].map(roundHalfEven), [
    0,
    2,
    2,
    4,
    0,
    -2,
    -2,
    2,
    3,
  ]);
  assertEquals(pyRound(2.5, null), 2);
  assertEquals(pyRound(3.5, 0), 4);
});

Deno.test("round with ndigits rounds the exact binary value", () => {
  assertEquals(pyRound(2.675, 2), 2.67); // 2.675 is 2.67499999... in binary
  assertEquals(pyRound(0.125, 2), 0.12); // exact tie: to even
  assertEquals(pyRound(0.375, 2), 0.38);
  assertEquals(pyRound(1.005, 2), 1); // 1.00499999...
  assertEquals(pyRound(-2.675, 2), -2.67);
  assertEquals(pyRound(3.14159, 3), 3.142);
  assertEquals(pyRound(123.456, 1), 123.5);
  assertEquals(pyRound(1234, -2), 1200);
  assertEquals(pyRound(1250, -2), 1200);
  assertEquals(pyRound(1350, -2), 1400);
  assertEquals(pyRound(5, 2), 5);
  assertEquals(pyRound(1e300, 2), 1e300);
  assertEquals(pyRound(123456789.123456, 5), 123456789.12346);
  assertThrows(() => pyRound(Infinity, null), Error, "Cannot round");
});

Deno.test("int() truncates numbers and parses strings", () => {
  assertEquals(toInt(-3.7), -3);
  assertEquals(toInt(3.7), 3);
  assertEquals(toInt(true), 1);
  assertEquals(toInt(" 42 "), 42);
  assertEquals(toInt("-1_000"), -1000);
  assertEquals(toInt("ff", 16), 255);
  assertEquals(toInt("0x1f", 0), 31);
  assertThrows(() => toInt("1.5"), Error, "Cannot convert '1.5' to int");
  assertThrows(() => toInt(null), Error, "needs a number or a string");
});

Deno.test("float() parses Python float text", () => {
  assertEquals(toFloat("1.5"), 1.5);
  assertEquals(toFloat(" 1e3 "), 1000);
  assertEquals(toFloat("-inf"), -Infinity);
  assertEquals(Number.isNaN(toFloat("nan")), true);
  assertEquals(toFloat(".5"), 0.5);
  assertThrows(() => toFloat("abc"), Error, "Cannot convert");
  assertThrows(() => toFloat("0x10"), Error, "Cannot convert");
  assertThrows(() => toFloat(""), Error, "Cannot convert");
});

Deno.test("int() and round() are exact beyond 2^53", () => {
  assertEquals(toInt(1e20), 10n ** 20n);
  assertEquals(toInt(-1e20), -(10n ** 20n));
  assertEquals(toInt(2n ** 64n), 2n ** 64n);
  assertEquals(toInt("-9007199254740993"), -9007199254740993n);
  assertEquals(toInt("0x" + "f".repeat(16), 0), 2n ** 64n - 1n);
  assertEquals(toInt("1" + "0".repeat(60), 2), 2n ** 60n);
  assertEquals(toInt("-0"), 0);
  assertEquals(toIndex(2n ** 64n), 2 ** 64);
  assertThrows(() => toInt("9".repeat(4301)), Error, "4,301 digits");
  assertEquals(toFloat(2n ** 64n), 2 ** 64);
  assertThrows(() => toFloat(10n ** 400n), Error, "OverflowError");
  assertEquals(roundInt(2n ** 64n, -1), 18446744073709551620n);
  assertEquals(roundInt(25, -1), 20); // ties to even
  assertEquals(roundInt(35, -1), 40);
  assertEquals(roundInt(-(2n ** 64n), -30), 0);
  assertEquals(roundInt(2n ** 64n, 2), 2n ** 64n);
  assertEquals(pyRound(5.5, -400), 0); // no 10^400 is built
  assertEquals(pyRound(5.5, 10 ** 9), 5.5);
});
