import { assertEquals, assertThrows } from "../../tests/_assert.ts";
import { sliceOf, subscriptOf } from "./subscript.ts";
import { PyDict } from "./values.ts";

Deno.test("indexing lists, strings and dicts", () => {
  assertEquals(subscriptOf([1, 2, 3], 0), 1);
  assertEquals(subscriptOf([1, 2, 3], -1), 3);
  assertEquals(subscriptOf("héllo", 1), "é");
  assertEquals(subscriptOf("a😀b", 2), "b");
  assertEquals(subscriptOf(PyDict.of([["k", 5]]), "k"), 5);
  assertEquals(subscriptOf(PyDict.of([[1, "one"]]), 1.0), "one");
  assertThrows(() => subscriptOf([1], 1), Error, "List index 1 is out of range (length 1)");
  assertThrows(() => subscriptOf(new PyDict(), "x"), Error, "Key 'x' is not in the dict");
  assertThrows(() => subscriptOf(5, 0), Error, "cannot be indexed");
});

Deno.test("slices follow Python", () => {
  assertEquals(sliceOf("hello", 1, 3, null), "el");
  assertEquals(sliceOf("hello", null, -1, null), "hell");
  assertEquals(sliceOf("hello", null, null, -1), "olleh");
  assertEquals(sliceOf([1, 2, 3, 4, 5], null, null, 2), [1, 3, 5]);
  assertEquals(sliceOf([1, 2, 3, 4, 5], -2, null, null), [4, 5]);
  assertEquals(sliceOf([1, 2, 3, 4, 5], 3, 0, -1), [4, 3, 2]);
  assertEquals(sliceOf([1, 2, 3], 10, 20, null), []);
  assertThrows(() => sliceOf([1], null, null, 0), Error, "step cannot be zero");
});
