import { assert } from "../../tests/_assert.ts";
import { BUILTINS } from "./builtins.ts";
import { DATE_FUNCTIONS, DATETIME_FUNCTIONS } from "./datetime_module.ts";
import { MATH_CONSTANTS, MATH_FUNCTIONS } from "./math_module.ts";
import { CONSTRUCTORS } from "./modules.ts";
import { STRING_CONSTANTS, STRING_FUNCTIONS } from "./string_module.ts";
import { FAKE_METHODS } from "./fake/methods.ts";
import { METHODS } from "./methods.ts";
import { RANDOM_FUNCTIONS } from "./random_module.ts";

const DOCS = await Deno.readTextFile(new URL("../../docs/expressions.md", import.meta.url));

function assertDocumented(names: Iterable<string>, format: (name: string) => string): void {
  for (const name of names) {
    assert(DOCS.includes(format(name)), `docs/expressions.md does not mention ${format(name)}`);
  }
}

Deno.test("docs/expressions.md lists every function and method", () => {
  assertDocumented(Object.keys(BUILTINS), (name) => `${name}(`);
  assertDocumented(Object.keys(RANDOM_FUNCTIONS), (name) => `random.${name}(`);
  assertDocumented(Object.keys(DATETIME_FUNCTIONS), (name) => `datetime.${name}(`);
  assertDocumented(Object.keys(DATE_FUNCTIONS), (name) => `date.${name}(`);
  assertDocumented(Object.keys(CONSTRUCTORS), (name) => `${name}(`);
  assertDocumented(Object.keys(MATH_FUNCTIONS), (name) => `${name}(`);
  assertDocumented(Object.keys(MATH_CONSTANTS), (name) => `math.${name}`);
  assertDocumented(Object.keys(STRING_FUNCTIONS), (name) => `string.${name}(`);
  assertDocumented(Object.keys(STRING_CONSTANTS), (name) => `string.${name}`);
  for (const table of Object.values(METHODS)) {
    assertDocumented(Object.keys(table), (name) => `${name}(`);
  }
});

Deno.test("every fake method the docs show exists", () => {
  for (const match of DOCS.matchAll(/fake\.(?:unique\.)?(\w+)\(/g)) {
    if (match[1] === "emial") continue; // the documented typo in the errors table
    assert(
      Object.hasOwn(FAKE_METHODS, match[1]),
      `docs/expressions.md shows unknown fake.${match[1]}()`,
    );
  }
});
