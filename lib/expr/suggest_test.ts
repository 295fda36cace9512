import { assertEquals } from "../../tests/_assert.ts";
import { closestString, editDistance } from "./suggest.ts";

Deno.test("editDistance counts edits and swaps of neighbours", () => {
  assertEquals(editDistance("email", "email"), 0);
  assertEquals(editDistance("emial", "email"), 1);
  assertEquals(editDistance("nme", "name"), 1);
  assertEquals(editDistance("kitten", "sitting"), 3);
  assertEquals(editDistance("", "abc"), 3);
  assertEquals(editDistance("abc", ""), 3);
});

Deno.test("closestString suggests plausible typos only", () => {
  assertEquals(closestString("frist_name", ["id", "first_name", "email"]), "first_name");
  assertEquals(closestString("emial", ["name", "email", "address"]), "email");
  assertEquals(closestString("EMAIL", ["email"]), "email");
  assertEquals(closestString("x", ["id", "email"]), undefined);
  assertEquals(closestString("zzzzzz", ["email", "name"]), undefined);
  assertEquals(closestString("ab", ["abc", "abd"]), "abc", "ties keep the first candidate");
});

Deno.test("closestString completes abbreviations when no typo fits", () => {
  assertEquals(closestString("distrib", ["table", "distribution", "param"]), "distribution");
  assertEquals(
    closestString("date_time", ["date_time_between", "date_time_this_year"]),
    "date_time_between",
  );
  assertEquals(closestString("da", ["date_between"]), undefined);
});

Deno.test("closestString never suggests the name itself and honours maxDistance", () => {
  assertEquals(closestString("email", ["email"]), undefined);
  assertEquals(closestString("abcdef", ["uvwxyz"], { maxDistance: 10 }), "uvwxyz");
});
