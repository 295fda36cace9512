import { assert, assertEquals, assertThrows } from "../../tests/_assert.ts";
import { datetimeAt, PyDate, PyTime, PyTimedelta } from "./datetime_values.ts";
import {
  floatValue,
  PyDict,
  PyFloat,
  pyRepr,
  pyStr,
  rangeOf,
  strRepr,
  tupleOf,
  typeNameOf,
  typeOfValue,
} from "./values.ts";

Deno.test("a plain number is an int when whole; a whole float or a NaN is boxed", () => {
  assertEquals(floatValue(2.5), 2.5);
  assertEquals(floatValue(3), new PyFloat(3));
  assertEquals(floatValue(-0), new PyFloat(-0));
  assert(floatValue(NaN) instanceof PyFloat);
  assertEquals([typeOfValue(3), typeOfValue(2.5), typeOfValue(new PyFloat(3))], [
    "int",
    "float",
    "float",
  ]);
  assertEquals([pyStr(3), pyStr(new PyFloat(3)), pyStr(1e16), pyStr(new PyFloat(1e16))], [
    "3",
    "3.0",
    "10000000000000000", // a plain whole number is an int
    "1e+16",
  ]);
});

Deno.test("strings repr with Python's quotes and escapes", () => {
  assertEquals(strRepr("a"), "'a'");
  assertEquals(strRepr("it's"), `"it's"`);
  assertEquals(strRepr(`it's "x"`), `'it\\'s "x"'`);
  assertEquals(strRepr("a\nb\t\\"), "'a\\nb\\t\\\\'");
  assertEquals(strRepr("\x00\x7f\xa0\u200b"), "'\\x00\\x7f\\xa0\\u200b'");
  assertEquals(strRepr("é😀"), "'é😀'");
});

Deno.test("containers, dates and durations repr as Python's", () => {
  assertEquals(pyRepr([1, new PyFloat(2), "a"]), "[1, 2.0, 'a']");
  assertEquals(pyRepr(tupleOf([1])), "(1,)");
  assertEquals(pyRepr(tupleOf([])), "()");
  assertEquals(pyRepr(rangeOf([0, 1], 0, 2, 1)), "range(0, 2)");
  assertEquals(pyRepr(PyDict.of([[1, "a"], ["b", null]])), "{1: 'a', 'b': None}");
  assertEquals(pyRepr(PyDate.of(2024, 2, 29)), "datetime.date(2024, 2, 29)");
  assertEquals(
    pyRepr(datetimeAt(Date.UTC(2024, 2, 5, 14, 7, 9, 123), 456)),
    "datetime.datetime(2024, 3, 5, 14, 7, 9, 123456)",
  );
  assertEquals(pyRepr(new PyTime(9, 30, 0, 0)), "datetime.time(9, 30)");
  assertEquals(pyRepr(PyTimedelta.fromParts(1, 5, 0)), "datetime.timedelta(days=1, seconds=5)");
  assertEquals(typeNameOf(tupleOf([])), "tuple");
});

Deno.test("dict keys are keyed as Python keys them", () => {
  const d = PyDict.of([[1, "int"], [new PyFloat(1), "float"], [true, "bool"], ["1", "str"]]);
  assertEquals(d.size, 2);
  assertEquals(d.keys(), [1, "1"]); // the first key stays, the last value wins
  assertEquals(d.get(true), "bool");
  assertEquals(PyDict.of([[tupleOf([1, 2]), "p"]]).get(tupleOf([new PyFloat(1), 2])), "p");
  assertThrows(() => PyDict.of([[[1], "x"]]), Error, "unhashable type: 'list'");
});

Deno.test("durations are exact past 2^53 microseconds", () => {
  const td = PyTimedelta.fromParts(999_999_999, 0, 0);
  assertEquals([td.days, td.seconds, td.microseconds], [999_999_999, 0, 0]);
  assertEquals(td.totalMicrosExact(), 86_399_999_913_600_000_000n);
  assertThrows(() => PyTimedelta.fromParts(1_000_000_000, 0, 0), Error, "OverflowError");
});
