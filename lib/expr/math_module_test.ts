import { assertEquals, assertThrows } from "../../tests/_assert.ts";
import { compileOk, diagnose, run } from "../../tests/_expr_context.ts";
import { UNKNOWN_ENV } from "./compiled_node.ts";
import { PyFloat } from "./values.ts";

Deno.test("math functions follow Python: floor/ceil/trunc give ints", () => {
  const f = (x: number) => new PyFloat(x);
  const cases: [string, unknown][] = [
    ["math.floor(-2.5)", -3],
    ["math.ceil(2.1)", 3],
    ["math.trunc(-2.7)", -2],
    ["math.sqrt(16)", f(4)],
    ["math.log(math.e)", f(1)],
    ["math.log(8, 2)", f(3)],
    ["math.log10(1000)", f(3)],
    ["math.pow(2, 10)", f(1024)],
    ["math.fabs(-1.5)", 1.5],
    ["math.hypot(3, 4)", f(5)],
    ["math.gcd(12, 18, 27)", 3],
    ["math.factorial(5)", 120],
    ["math.comb(5, 2)", 10],
    ["math.isclose(0.1 + 0.2, 0.3)", true],
    ["math.isnan(math.nan)", true],
    ["math.isinf(-math.inf)", true],
    ["math.fsum([0.5, 0.25])", 0.75],
    ["math.prod([2, 3, 4])", 24],
    ["round(math.degrees(math.pi))", 180],
    ["math.copysign(3, -0.0)", f(-3)],
    ["math.fmod(-7, 3)", f(-1)],
    ["round(math.tau, 4)", 6.2832],
  ];
  for (const [source, expected] of cases) assertEquals(run(source), expected, source);
  assertEquals(
    compileOk("math.floor(x)", ["x"]).inferType({ ...UNKNOWN_ENV, column: () => "float" }),
    "int",
  );
  assertEquals(
    compileOk("math.sqrt(x)", ["x"]).inferType({ ...UNKNOWN_ENV, column: () => "int" }),
    "float",
  );
});

Deno.test("math domain errors and wrong arguments are reported", () => {
  // Literal arguments are computed when the config is checked, so the error comes then.
  assertEquals(diagnose("math.sqrt(-1)")[0].code, "bad-value");
  assertEquals(diagnose("math.log(0)")[0].code, "bad-value");
  assertThrows(() => run("math.sqrt(x)", { values: { x: -1 } }), Error, "math domain error");
  assertEquals(diagnose("math.flor(2.5)")[0].hint, "did you mean `math.floor()`?");
  assertEquals(diagnose("math.pi()")[0].code, "bad-expression");
});

Deno.test("string constants and capwords", () => {
  assertEquals(run("string.ascii_uppercase"), "ABCDEFGHIJKLMNOPQRSTUVWXYZ");
  assertEquals(run("string.digits + string.hexdigits[-6:]"), "0123456789ABCDEF");
  assertEquals(run("len(string.punctuation)"), 32);
  assertEquals(run("string.capwords('hello   big WORLD')"), "Hello Big World");
  assertEquals(run("string.capwords('a-b-c', '-')"), "A-B-C");
  const code = run('"".join(random.choices(string.ascii_uppercase + string.digits, k=8))');
  assertEquals(typeof code === "string" && /^[A-Z0-9]{8}$/.test(code), true);
});

Deno.test("math's integer functions are exact at any size", () => {
  const cases: [string, unknown][] = [
    ["math.factorial(20)", 2432902008176640000n],
    ["math.factorial(18)", 6402373705728000],
    ["math.perm(5)", 120],
    ["math.perm(5, 2)", 20],
    ["math.perm(5, 7)", 0],
    ["math.comb(5, 7)", 0],
    ["math.comb(70, 35)", 112186277816662845432n],
    ["math.gcd(0, 2**70)", 2n ** 70n],
    ["math.gcd(-2**70, 12)", 4],
    ["math.lcm(4, 6)", 12],
    ["math.lcm(0, 5)", 0],
    ["math.isqrt(0)", 0],
    ["math.isqrt(99)", 9],
    ["math.isqrt(2**54 - 1)", 2 ** 27 - 1],
    ["math.isqrt(2**54)", 2 ** 27],
    ["math.floor(2**70)", 2n ** 70n],
    ["math.trunc(-1e20)", -(10n ** 20n)],
    ["math.prod([2**40, 2**40])", 2n ** 80n],
  ];
  for (const [source, expected] of cases) assertEquals(run(source), expected, source);
  assertThrows(() => run("math.factorial(n)", { values: { n: -1 } }), Error, "negative");
  assertThrows(() => run("math.isqrt(n)", { values: { n: -4 } }), Error, "negative");
  assertThrows(() => run("math.log(-x)", { values: { x: 10n ** 400n } }), Error, "domain error");
  assertThrows(() => run("math.sqrt(x)", { values: { x: 10n ** 400n } }), Error, "OverflowError");
  assertEquals(diagnose("math.factorial(10**6)")[0].code, "too-large");
});
