import { assert, assertEquals, assertThrows } from "../../tests/_assert.ts";
import { diagnose, run } from "../../tests/_expr_context.ts";
import {
  bitLength,
  exactInt,
  floatToInt,
  intPower,
  intToFloat,
  intTrueDivide,
  parseIntDigits,
} from "./integers.ts";
import { MAX_INT_DIGITS, TooLargeError } from "./limits.ts";
import { PyFloat, pyRepr } from "./values.ts";

/**
 * Expressions and what CPython 3.11 gives for them, computed by hand with `python3`
 * (`str(v)` of ints, `repr(v)` of floats) and pasted here: the main suite needs no Python.
 */
const CPYTHON: [string, "int" | "float", string][] = [
  ["2**62 + 1", "int", "4611686018427387905"],
  ["2**64", "int", "18446744073709551616"],
  ["-(2**63)", "int", "-9223372036854775808"],
  ["2**63 - 1", "int", "9223372036854775807"],
  ["10**20 + 1", "int", "100000000000000000001"],
  ["9007199254740991 + 2", "int", "9007199254740993"],
  ["-9007199254740991 - 2", "int", "-9007199254740993"],
  ["3 * 3002399751580331", "int", "9007199254740993"],
  ["9999999999999999 * 9999999999999999", "int", "99999999999999980000000000000001"],
  ["(2**62 + 5) - 2**62", "int", "5"],
  ["(2**62 + 3) * (2**62 + 5)", "int", "21267647932558654003354401111904616463"],
  ["(2**70) // 3", "int", "393530540239137101141"],
  ["-(2**70) // 3", "int", "-393530540239137101142"],
  ["2**70 // -3", "int", "-393530540239137101142"],
  ["-7 // 2**70", "int", "-1"],
  ["(2**70) % 7", "int", "2"],
  ["-(2**70) % 7", "int", "5"],
  ["(2**70) % -7", "int", "-5"],
  ["-7 % 2**70", "int", "1180591620717411303417"],
  ["(-2)**63", "int", "-9223372036854775808"],
  ["(-3)**41", "int", "-36472996377170786403"],
  ["(2**64) ** 2", "int", "340282366920938463463374607431768211456"],
  ["0x1_0000_0000_0000_0000", "int", "18446744073709551616"],
  ["int(1e20)", "int", "100000000000000000000"],
  ["int(-1.5e300) % 1000", "int", "760"],
  ["int('123456789012345678901234567890')", "int", "123456789012345678901234567890"],
  ["int('-0x' + 'f'*20, 16)", "int", "-1208925819614629174706175"],
  ["int('0b1' + '0'*70, 0)", "int", "1180591620717411303424"],
  ["int('zz'*20, 36)", "int", "178689910246017054531432477289437798228285773001601743140683775"],
  ["abs(-2**64)", "int", "18446744073709551616"],
  ["sum([2**62, 2**62, 2**62])", "int", "13835058055282163712"],
  ["max(2**64, 3, 2**65)", "int", "36893488147419103232"],
  ["min(2**64, -2**64)", "int", "-18446744073709551616"],
  ["round(2**64 + 15, -1)", "int", "18446744073709551630"],
  ["round(2**64 + 25, -1)", "int", "18446744073709551640"],
  ["round(-123456789012345678901250, -2)", "int", "-123456789012345678901200"],
  ["round(9007199254740991, -16)", "int", "10000000000000000"],
  ["round(2.5e20)", "int", "250000000000000000000"],
  ["math.floor(1e20)", "int", "100000000000000000000"],
  ["math.ceil(-1e20)", "int", "-100000000000000000000"],
  ["math.factorial(25)", "int", "15511210043330985984000000"],
  [
    "math.factorial(100)",
    "int",
    "93326215443944152681699238856266700490715968264381621468592963895217599993229915608941463976156518286253697920827223758251185210916864000000000000000000000000",
  ],
  ["math.factorial(1000) % 1000007", "int", "323031"],
  ["math.comb(100, 50)", "int", "100891344545564193334812497256"],
  ["math.comb(10**400, 2) % 1000003", "int", "191776"],
  ["math.perm(30, 20)", "int", "73096577329197271449600000"],
  ["math.perm(25)", "int", "15511210043330985984000000"],
  ["math.gcd(2**80, 6**40)", "int", "1099511627776"],
  ["math.lcm(2**40, 3**30)", "int", "226379693794030958489370624"],
  ["math.isqrt(10**40 + 12345)", "int", "100000000000000000000"],
  ["math.isqrt((2**100 + 7)**2 - 1)", "int", "1267650600228229401496703205382"],
  ["math.prod([2**40, 2**40, 3])", "int", "3626777458843887524118528"],
  ["len(str(math.factorial(1000)))", "int", "2568"],
  ["len(str(10**4299))", "int", "4300"],
  ["(-1)**(2**70)", "int", "1"],
  ["2**70 / 3", "float", "3.935305402391371e+20"],
  ["(2**70 + 1) / 3", "float", "3.935305402391371e+20"],
  ["10**400 / 10**399", "float", "10.0"],
  ["-(2**60) / 7", "float", "-1.647030720866924e+17"],
  ["1 / 10**400", "float", "0.0"],
  ["(10**330 + 1) / 10**22", "float", "1e+308"],
  ["float(2**53 + 1)", "float", "9007199254740992.0"],
  ["float(2**53 + 3)", "float", "9007199254740996.0"],
  ["2**64 * 1.5", "float", "2.7670116110564327e+19"],
  ["2**64 + 0.5", "float", "1.8446744073709552e+19"],
  ["2**64 // 1.5", "float", "1.2297829382473034e+19"],
  ["2**64 % 1.5", "float", "1.0"],
  ["(2**70) ** -1", "float", "8.470329472543003e-22"],
  ["(2**64) ** 0.5", "float", "4294967296.0"],
  ["math.log(10**400)", "float", "921.0340371976182"],
  ["math.log2(2**2000)", "float", "2000.0"],
  ["math.sqrt(2**100)", "float", "1125899906842624.0"],
  ["math.fsum([2**64, 1.5])", "float", "1.8446744073709552e+19"],
  [
    "269384853758835270951365751911266908589540 / 9885278224986867749",
    "float",
    "2.7251115004321805e+22",
  ],
  ["14989557520658312529103 / 509779989066668749", "float", "29403.973953748085"],
  ["693564913678209890275255896 / 172635359671141244460003", "float", "4017.5136484171285"],
  ["231072718678887796135836408705539 / 549723767265980611", "float", "420343329574623.6"],
  ["3 / 10**320", "float", "3e-320"],
  ["7 / (3 * 2**1074)", "float", "1e-323"],
  ["(2**1075 + 1) / 2**2150", "float", "5e-324"],
  ["(2**1024 - 2**970 - 1) / 1", "float", "1.7976931348623157e+308"],
  ["-(10**400) // 3 % 1000", "int", "666"],
  ["2**1023 * 3 / 2**1023", "float", "3.0"],
];

Deno.test("ints beyond 2^53 compute exactly what CPython computes", () => {
  for (const [source, kind, expected] of CPYTHON) {
    const value = run(source);
    if (kind === "int") {
      assert(
        typeof value === "bigint" || Number.isSafeInteger(value),
        `${source}: ${String(value)} is not an exact int`,
      );
      assertEquals(String(value), expected, source);
    } else {
      assertEquals(pyRepr(value), expected, source);
    }
  }
});

Deno.test("an int is a number while safe and a bigint beyond, in either direction", () => {
  assertEquals(run("2**53 - 1"), 9007199254740991);
  assertEquals(run("2**53"), 9007199254740992n);
  assertEquals(run("2**53 - 1 + 1"), 9007199254740992n);
  assertEquals(run("(2**53 + 1) - 2"), 9007199254740991); // back to a number
  assertEquals(run("2**64 // 2**60"), 16);
  assertEquals(run("(2**64) % 10"), 6);
  assertEquals(run("-(2**53 + 1) + 2**53"), -1);
  assertEquals(exactInt(-(2n ** 53n) + 1n, "t"), -9007199254740991);
  assertEquals(exactInt(2n ** 53n, "t"), 2n ** 53n);
  assertEquals(floatToInt(-0.5), 0);
  assertEquals(floatToInt(1e20), 10n ** 20n);
  assertThrows(() => floatToInt(Infinity), Error, "Cannot convert float inf to an int");
});

Deno.test("an int with a float gives a float, and one too large for a float fails as Python's OverflowError", () => {
  assertEquals(run("2**64 * 1.5"), new PyFloat(2 ** 64 * 1.5));
  assertEquals(run("x * 1.5", { values: { x: 2n ** 64n } }), new PyFloat(2 ** 64 * 1.5));
  assertEquals(run("x + y", { values: { x: 2n ** 64n, y: 0.5 } }), new PyFloat(2 ** 64));
  assertEquals(run("x * y", { values: { x: 2n ** 64n, y: 2n } }), 2n ** 65n);
  assertThrows(() => run("x * 1.5", { values: { x: 10n ** 400n } }), Error, "OverflowError");
  assertThrows(() => run("float(x)", { values: { x: 10n ** 400n } }), Error, "OverflowError");
  assertThrows(() => run("x / 3", { values: { x: 10n ** 400n } }), Error, "OverflowError");
  assertEquals(diagnose("10**400 * 1.5")[0].code, "bad-value");
  assertEquals(intToFloat(2n ** 53n + 1n), 2 ** 53); // ties to even, as Python rounds
  assertEquals(intToFloat(2n ** 53n + 3n), 2 ** 53 + 4);
  assertThrows(() => intToFloat(2n ** 1024n - 2n ** 970n), Error, "OverflowError");
  assertEquals(intToFloat(2n ** 1024n - 2n ** 970n - 1n), Number.MAX_VALUE);
});

Deno.test("int / int is the exact quotient rounded once", () => {
  assertEquals(intTrueDivide(10n ** 400n, 10n ** 399n), 10);
  assertEquals(intTrueDivide(-(2n ** 60n), 7), -164703072086692400);
  assertEquals(intTrueDivide(1, 10n ** 400n), 0);
  assertEquals(intTrueDivide(2n ** 1075n + 1n, 2n ** 2150n), Number.MIN_VALUE);
  assertThrows(() => intTrueDivide(2n ** 1024n, 1), Error, "OverflowError");
  assertThrows(() => run("x / 0", { values: { x: 2n ** 64n } }), Error, "ZeroDivisionError");
  assertThrows(() => run("x // 0", { values: { x: 2n ** 64n } }), Error, "ZeroDivisionError");
  assertThrows(() => run("x % 0", { values: { x: 2n ** 64n } }), Error, "modulo by zero");
});

Deno.test("comparisons, equality and containers see exact values", () => {
  assertEquals(run("2**53 + 1 > 2.0**53"), true);
  assertEquals(run("2**53 + 1 == 2.0**53"), false);
  assertEquals(run("2**64 == 2.0**64"), true);
  assertEquals(run("2**64 != 2**64 + 1"), true);
  assertEquals(run("x < y", { values: { x: 2n ** 64n, y: 1e300 } }), true);
  assertEquals(run("sorted([2**64, 1, -2**70, 2.5])"), [-(2n ** 70n), 1, 2.5, 2n ** 64n]);
  assertEquals(run("2**64 in [1, 2**64]"), true);
  assertEquals(run("{2**64: 'a'}[2**64]"), "a");
  assertEquals(run("bool(2**64) and not (2**64 == 0)"), true);
  assertEquals(run("str(2**64).zfill(22)"), "0018446744073709551616");
});

Deno.test("ints past 4,300 digits are refused, before they are computed", () => {
  assertEquals(String(run("10**4299")).length, MAX_INT_DIGITS);
  assertEquals(run("len(str(-int('9' * 4300)))"), MAX_INT_DIGITS + 1); // the largest, negated
  const refused = [
    "10**4300",
    "10**4299 * 10",
    "-(10**4299) * 10",
    "2**20000",
    "math.factorial(1700)",
    "math.comb(10**6, 500000)",
    "math.perm(10**6)",
    "(10**2000) ** 3",
    "int('9' * 4301)",
    "9" + "9".repeat(MAX_INT_DIGITS),
  ];
  for (const source of refused) {
    const [error] = diagnose(source);
    assertEquals(error.code, "too-large", source);
    assert(error.message.includes("ints are limited to 4,300 digits"), error.message);
  }
  const started = performance.now();
  assertEquals(diagnose("10**10**10")[0].code, "too-large");
  assertEquals(diagnose("math.factorial(10**9)")[0].code, "too-large");
  assertThrows(() => intPower(3, 10n ** 30n), TooLargeError, "about 477,121,254,719,662,4");
  assert(performance.now() - started < 1000, "a refusal must not compute the int");
  // At run time, with the table, column and row added by the engine.
  assertThrows(() => run("x ** 5000", { values: { x: 10 } }), TooLargeError, "4,300 digits");
});

Deno.test("int literals and int() read every digit", () => {
  assertEquals(run("9000000000000000001"), 9000000000000000001n);
  assertEquals(run("-9223372036854775808"), -(2n ** 63n));
  assertEquals(run("0xffff_ffff_ffff_ffff"), 2n ** 64n - 1n);
  assertEquals(run("0o1" + "0".repeat(30)), 8n ** 30n);
  assertEquals(run("int(' -1_000_000_000_000_000_000 ')"), -(10n ** 18n));
  assertEquals(run("int('12345678901234567890', 0)"), 12345678901234567890n);
  assertEquals(parseIntDigits("0000000000000000000000001", 10), 1);
  assertEquals(parseIntDigits("z".repeat(12), 36), 36n ** 12n - 1n);
  const [error] = diagnose("1 + " + "7".repeat(5000));
  assertEquals(error.code, "too-large");
  assertEquals(error.span, { start: 4, end: 5004 });
  assert(error.message.includes("5,000 digits"), error.message);
});

Deno.test("bitLength counts the bits of an int's magnitude", () => {
  assertEquals([0, 1, 2, 255, 256, -256, 2 ** 40].map(bitLength), [0, 1, 2, 8, 9, 9, 41]);
  assertEquals(bitLength(2n ** 64n), 65);
  assertEquals(bitLength(-(2n ** 64n) + 1n), 64);
});
