import { assert, assertEquals, assertThrows } from "../../tests/_assert.ts";
import {
  add,
  floorDivide,
  modulo,
  multiply,
  negate,
  power,
  subtract,
  trueDivide,
  truthy,
  typeName,
} from "./operators.ts";
import { contains, equals, lessThan, order } from "./comparison.ts";
import { PyDate } from "./datetime_values.ts";
import { PyDict, PyFloat, tupleOf, type Value } from "./values.ts";
import { compileOk, run } from "../../tests/_expr_context.ts";
import { UNKNOWN_ENV } from "./compiled_node.ts";

Deno.test("floor division and modulo follow Python's signs", () => {
  assertEquals(floorDivide(7, -2), -4);
  assertEquals(floorDivide(-7, 2), -4);
  assertEquals(floorDivide(7, 2), 3);
  assertEquals(floorDivide(7.5, 2), new PyFloat(3));
  assertEquals(floorDivide(-7.5, 2), new PyFloat(-4));
  assertEquals(floorDivide(1, 0.1), new PyFloat(9)); // Python: 1 // 0.1 == 9.0
  assertEquals(modulo(-7, 3), 2);
  assertEquals(modulo(7, -3), -2);
  assertEquals(modulo(-7.5, 2), 0.5);
  assertEquals(modulo(6, 3), 0);
  assertThrows(() => floorDivide(1, 0), Error, "ZeroDivisionError");
  assertThrows(() => modulo(1, 0), Error, "Integer division or modulo by zero");
  assertEquals(modulo(-0.0 + 0.5, -1), -0.5);
  assertEquals(modulo(new PyFloat(5), -1), new PyFloat(-0));
});

Deno.test("true division always gives a float", () => {
  assertEquals(trueDivide(1, 2), 0.5);
  assertEquals(trueDivide(true, 2), 0.5);
  assertThrows(() => trueDivide(1, 0), Error, "Division by zero");
});

Deno.test("addition and repetition work on numbers, strings and lists", () => {
  assertEquals(add(1, 2), 3);
  assertEquals(add("a", "b"), "ab");
  assertEquals(add(true, 1), 2);
  assertEquals(add([1], [2]), [1, 2]);
  assertEquals(multiply("ab", 3), "ababab");
  assertEquals(multiply(2, "ab"), "abab");
  assertEquals(multiply([0], 2), [0, 0]);
  assertEquals(subtract(5, true), 4);
  assertThrows(
    () => add("a", 1),
    Error,
    "Cannot add str and int: convert the other value with str(...) first",
  );
  assertThrows(() => subtract("a", "b"), Error, "Cannot subtract str and str");
});

Deno.test("power follows Python", () => {
  assertEquals(power(2, 10), 1024);
  assertEquals(power(2, -1), 0.5);
  assertThrows(() => power(0, -1), Error, "ZeroDivisionError");
  assertThrows(() => power(-8, 1 / 3), Error, "complex number");
  assertThrows(() => power(new PyFloat(10), 400), Error, "OverflowError");
});

Deno.test("equality treats 1, 1.0 and True alike and compares containers by content", () => {
  assert(equals(1, 1.0));
  assert(equals(1, true));
  assert(!equals("1", 1));
  assert(!equals(null, 0));
  assert(equals([1, "a"], [1, "a"]));
  assert(equals(PyDict.of([["a", [1]]]), PyDict.of([["a", [1]]])));
  assert(!equals(PyDict.of([["a", 1]]), PyDict.of([["a", 1], ["b", 2]])));
  assert(!equals(tupleOf([1]), [1]));
  assert(equals(new Date(5), new Date(5)));
  assert(equals(PyDate.of(2024, 1, 2), PyDate.of(2024, 1, 2)));
  assert(!equals(PyDate.of(1970, 1, 1), new Date(0)));
});

Deno.test("ordering compares like types and refuses mixed ones", () => {
  assert(lessThan(1, 2));
  assert(lessThan("a", "b"));
  assert(lessThan(PyDate.of(2024, 1, 1), PyDate.of(2024, 1, 2)));
  assert(lessThan([1, 2], [1, 3]));
  assert(!lessThan(NaN, 1));
  assertEquals(order(false, 1), -1);
  assertThrows(() => lessThan("a", 1), Error, "Cannot compare str and int with `<`");
});

Deno.test("membership covers strings, lists and dict keys", () => {
  assert(contains("hello", "ell"));
  assert(contains([1, 2], 2.0));
  assert(contains(PyDict.of([["a", 1]]), "a"));
  assert(contains(PyDict.of([[1, 1]]), 1.0));
  assert(!contains(PyDict.of([["1", 1]]), 1));
  assert(!contains([], null));
  assertThrows(() => contains("abc", 1), Error, "needs a string on the left");
  assertThrows(() => contains(5, 1), Error, "not int");
});

Deno.test("truthiness and type names are Python's", () => {
  const falsy: Value[] = [null, false, 0, "", [], new PyDict(), new PyFloat(0), new PyFloat(-0)];
  for (const value of falsy) assert(!truthy(value), String(value));
  const truthyValues: Value[] = [true, 1, -1, "0", [0], PyDict.of([["a", 0]]), new Date(0)];
  for (const yes of [...truthyValues, new PyDate(0), NaN, new PyFloat(NaN)]) assert(truthy(yes));
  const values: Value[] = [null, true, 1, 1.5, "s", [], new PyDict(), new Date(), new PyDate(0)];
  assertEquals(values.map(typeName), [
    "NoneType",
    "bool",
    "int",
    "float",
    "str",
    "list",
    "dict",
    "datetime",
    "date",
  ]);
});

Deno.test("int operations leave the float fast path exactly where a result passes 2^53", () => {
  const big = 2 ** 52;
  assertEquals(add(big, big - 1), 2 ** 53 - 1); // still safe: a number
  assertEquals(add(big, big), 2n ** 53n);
  assertEquals(add(2 ** 53 - 1, 2), 9007199254740993n); // the float sum would be ...992
  assertEquals(subtract(-(2 ** 53 - 1), 2), -9007199254740993n);
  assertEquals(multiply(3, 3002399751580331), 9007199254740993n);
  assertEquals(power(3, 33), 5559060566555523); // a safe power stays a number
  assertEquals(power(3, 34), 16677181699666569n);
  assertEquals(power(-2, 63), -(2n ** 63n));
  // A float operand keeps float arithmetic: its result is a float (boxed when whole).
  assertEquals(add(new PyFloat(2 ** 53), 1), new PyFloat(2 ** 53));
  assertEquals(multiply(new PyFloat(1e15), 0.5), new PyFloat(5e14));
  assertEquals(multiply(1.5, 2 ** 52), new PyFloat(1.5 * 2 ** 52));
  assertEquals(add(0.5, 0.5), new PyFloat(1));
  assertEquals(add(NaN, 1), new PyFloat(NaN));
  assertEquals(multiply(Infinity, 2), Infinity);
  assertEquals(multiply(0, -3), 0); // an int zero has no sign
  assert(!Object.is(multiply(0, -3), -0));
});

Deno.test("bigint operands combine as Python's ints", () => {
  const big = 2n ** 64n;
  assertEquals(add(big, 1), big + 1n);
  assertEquals(add(true, big), big + 1n);
  assertEquals(subtract(big, big), 0);
  assertEquals(multiply(big, -1), -big);
  assertEquals(floorDivide(-big, 3), -6148914691236517206n);
  assertEquals(modulo(-big, 3), 2);
  assertEquals(trueDivide(big, 2 ** 32), new PyFloat(2 ** 32));
  assertEquals(power(big, -1), 2 ** -64);
  assertEquals(negate(big), -big);
  assertEquals(equals(big, 2 ** 64), true);
  assertEquals(equals(big + 1n, 2 ** 64), false);
  assertEquals(lessThan(big, 2 ** 64 + 4096), true);
  assertEquals(order(-big, 1), -1);
  assertEquals(typeName(big), "int");
  assertEquals(truthy(big), true);
  assertEquals(multiply("ab", big - big + 2n), "abab");
  assertThrows(() => multiply("ab", big), Error, "would make a str");
  assertThrows(() => add("a", big), Error, "Cannot add str and int");
});

Deno.test("a whole float stays a float at run time, from a literal, a column or an operation", () => {
  assertEquals(run("1e15 * 1e15"), new PyFloat(1e30));
  assertEquals(run("x * 1e15", { values: { x: new PyFloat(1e15) } }), new PyFloat(1e30));
  assertEquals(run("x * 1e15", { values: { x: 1000000000000000 } }), new PyFloat(1e30));
  assertEquals(run("2.0 ** 70"), new PyFloat(2 ** 70));
  assertEquals(run("2**70 + 0.0"), new PyFloat(2 ** 70));
  assertEquals(run("2**70 // 1.0"), new PyFloat(2 ** 70));
  assertEquals(run("2**70 % 1.0"), new PyFloat(0));
  assertEquals(run("2**70 - 1.0"), new PyFloat(2 ** 70));
  assertEquals(run("str(x)", { values: { x: new PyFloat(20) } }), "20.0");
  assertEquals(run("f'{x} EUR'", { values: { x: new PyFloat(20) } }), "20.0 EUR");
  assertEquals(run("str(max(3, 2.5))"), "3");
  assertEquals(run("'%.1f' % 2.0 ** 60"), "1152921504606846976.0");
  assertEquals(compileOk("2**70 * 1.5").inferType(UNKNOWN_ENV), "float");
  assertEquals(compileOk("2**70 * 3").inferType(UNKNOWN_ENV), "int");
  assertEquals(compileOk("2 ** -(2**70)").inferType(UNKNOWN_ENV), "float");
});
