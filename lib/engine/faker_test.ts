import { assert, assertEquals, assertNotEquals, assertThrows } from "../../tests/_assert.ts";
import { allLocales, Faker, type LocaleDefinition } from "@faker-js/faker";
import { createFaker, isKnownLocale, knownLocales, loadLocale } from "./faker.ts";
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

Deno.test("Python locale names resolve to faker-js locales", async () => {
  for (const name of ["en_US", "de_DE", "fr_FR", "ja_JP", "pt_BR", "en_GB", "de"]) {
    assert(isKnownLocale(name), name);
  }
  assert(!isKnownLocale("xx_YY"));
  assert(knownLocales().includes("en_US"));
  const random = new CellRandom();
  random.reset(1, 1);
  await loadLocale("de_DE");
  const german = createFaker("de_DE", random).location.country();
  assert(german.length > 0);
  assertThrows(() => createFaker("klingon", random), Error, "Unknown locale");
});

Deno.test("a faker of a locale not loaded yet is refused, naming loadLocale; unknown ones fail to load", async () => {
  const random = new CellRandom();
  // en_US and en come with the program; nothing else does until loaded.
  createFaker("en_US", random);
  assertThrows(() => createFaker("yo_NG", random), Error, 'await loadLocale("yo_NG")');
  await loadLocale("yo_NG");
  assert(createFaker("yo_NG", random).location.city().length > 0);
  let error: unknown;
  await loadLocale("klingon").catch((e) => error = e);
  assert(String(error).includes('Unknown locale "klingon"'), String(error));
});

/** A locale's definitions as they were made before locales were loaded one by one. */
function fromAllLocales(name: string): LocaleDefinition {
  const all = allLocales as Record<string, LocaleDefinition>;
  const language = name.split("_")[0];
  const chain = [name, ...(language !== name && language in all ? [language] : [])];
  if (!chain.includes("en")) chain.push("en");
  return new Faker({ locale: [...chain, "base"].map((l) => all[l]) }).rawDefinitions;
}

Deno.test("every locale loaded on its own has the data it had from faker-js's whole bundle", async () => {
  const all = Object.keys(allLocales).filter((l) => l !== "base").sort();
  assertEquals([...knownLocales()].sort(), all, "faker_locales.ts lists faker-js's locales");
  for (const name of all) {
    await loadLocale(name);
    const random = new CellRandom();
    const loaded = createFaker(name, random).rawDefinitions;
    assertEquals(JSON.stringify(loaded), JSON.stringify(fromAllLocales(name)), name);
  }
});
