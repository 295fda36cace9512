import { assert, assertEquals, assertNotEquals, assertThrows } from "../../tests/_assert.ts";
import { createFaker, isKnownLocale, knownLocales } from "./faker.ts";
import { CellRandom } from "./rng.ts";

Deno.test("faker draws only from the source it is given", () => {
  const random = new CellRandom();
  const faker = createFaker("en_US", random);
  random.reset(5, 10);
  const a = [faker.person.fullName(), faker.internet.email(), faker.number.int(100)];
  random.reset(5, 10);
  assertEquals([faker.person.fullName(), faker.internet.email(), faker.number.int(100)], a);
  random.reset(5, 11);
  assertNotEquals(faker.person.fullName() + faker.internet.email(), `${a[0]}${a[1]}`);
});

Deno.test("Python locale names resolve to faker-js locales", () => {
  for (const name of ["en_US", "de_DE", "fr_FR", "ja_JP", "pt_BR", "en_GB", "de"]) {
    assert(isKnownLocale(name), name);
  }
  assert(!isKnownLocale("xx_YY"));
  assert(knownLocales().includes("en_US"));
  const random = new CellRandom();
  random.reset(1, 1);
  const german = createFaker("de_DE", random).location.country();
  assert(german.length > 0);
  assertThrows(() => createFaker("klingon", random), Error, "Unknown locale");
});
