import { allLocales, Faker, type LocaleDefinition } from "@faker-js/faker";
import { assert, assertEquals } from "../../tests/_assert.ts";
import { createFaker, loadLocale } from "./faker.ts";
import { compilePatterns } from "./faker_speed.ts";
import { CellRandom } from "./rng.ts";

const LOCALES = allLocales as Record<string, LocaleDefinition>;
const REF_DATE = "2026-01-01T00:00:00Z";

/** A faker-js faker of a locale chain on its own stream, its dates fixed. */
function plainFaker(chain: string[], random: CellRandom): Faker {
  const faker = new Faker({
    locale: chain.map((l) => LOCALES[l]),
    randomizer: { next: () => random.next(), seed: () => {} },
  });
  // Dates and ULIDs read the clock otherwise.
  faker.setDefaultRefDate(REF_DATE);
  return faker;
}

/**
 * faker-js's faker and tablestream's (every faster path on) for a Python locale, on two
 * streams that always hold the same numbers.
 */
function twins(locale: string, chain: string[]) {
  const streams = [new CellRandom(), new CellRandom()];
  const plain = plainFaker(chain, streams[0]);
  const fast = createFaker(locale, streams[1]);
  fast.setDefaultRefDate(REF_DATE);
  return {
    plain,
    fast,
    /** Runs `call` on both from the same place of the stream: both outcomes, both next draws. */
    both(seed: number, cell: number, call: (faker: Faker) => unknown): [string, string] {
      return [plain, fast].map((faker, i) => {
        streams[i].reset(seed, cell);
        const result = outcome(() => call(faker));
        return `${result} then ${streams[i].next()}`;
      }) as [string, string];
    },
  };
}

/** A call's outcome as comparable text: its value, or the error it threw. */
function outcome(call: () => unknown): string {
  try {
    const value = call();
    return value instanceof Date ? value.toISOString() : JSON.stringify(value) ?? String(value);
  } catch (error) {
    return `throws ${(error as Error).message}`;
  }
}

/** Every method of faker's modules that takes no argument, as `module.method`. */
function methods(faker: Faker): string[] {
  const skip = new Set(["faker", "constructor", "helpers", "rawDefinitions", "definitions"]);
  const names: string[] = [];
  for (const module of Object.keys(faker)) {
    const value = (faker as unknown as Record<string, unknown>)[module];
    if (skip.has(module) || typeof value !== "object" || value === null) continue;
    const proto = Object.getPrototypeOf(value);
    for (const method of Object.getOwnPropertyNames(proto)) {
      const fn = (value as Record<string, unknown>)[method];
      if (!skip.has(method) && typeof fn === "function" && fn.length === 0) {
        names.push(`${module}.${method}`);
      }
    }
  }
  return names;
}

/** Python locales and the faker-js chains createFaker makes of them. */
const LOCALE_CHAINS: [string, string[]][] = [
  ["en_US", ["en_US", "en", "base"]],
  ["de", ["de", "en", "base"]],
  ["ja", ["ja", "en", "base"]],
  // Cyrillic and Greek names: user names that faker-js must transliterate.
  ["ru", ["ru", "en", "base"]],
  ["el", ["el", "en", "base"]],
];
for (const [locale] of LOCALE_CHAINS) await loadLocale(locale);

Deno.test("the faster paths give every value faker-js gives, in several locales", () => {
  const warn = console.warn;
  console.warn = () => {}; // deprecated methods announce themselves on every call
  try {
    for (const [locale, chain] of LOCALE_CHAINS) {
      const { plain, both } = twins(locale, chain);
      const names = methods(plain);
      assert(names.length > 150, `${names.length} methods`);
      for (const name of names) {
        const [module, method] = name.split(".");
        const call = (faker: Faker) =>
          (faker as unknown as Record<string, Record<string, () => unknown>>)[module][method]();
        for (let cell = 0; cell < 25; cell++) {
          const [want, got] = both(7, cell, call);
          assertEquals(got, want, `${locale} ${name} cell ${cell}`);
        }
      }
    }
  } finally {
    console.warn = warn;
  }
});

Deno.test("number.int and internet.username take faker-js's options as faker-js does", () => {
  const ascii = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join("");
  const calls: [string, (faker: Faker) => unknown][] = [
    ["int()", (f) => f.number.int()],
    ["int(99)", (f) => f.number.int(99)],
    ["int(5..5)", (f) => f.number.int({ min: 5, max: 5 })],
    ["int(1.5..9.2)", (f) => f.number.int({ min: 1.5, max: 9.2 })],
    ["int(-10..10)", (f) => f.number.int({ min: -10, max: 10 })],
    ["int(20..10)", (f) => f.number.int({ min: 20, max: 10 })],
    ["int(1.2..1.8)", (f) => f.number.int({ min: 1.2, max: 1.8 })],
    ["int(multipleOf)", (f) => f.number.int({ max: 100, multipleOf: 5 })],
    ["username(ascii)", (f) => f.internet.username({ firstName: ascii, lastName: "x" })],
    ["username(first)", (f) => f.internet.username({ firstName: "Zoë" })],
    ["username(last)", (f) => f.internet.username({ lastName: "O'Brien Smith" })],
    ["username(empty last)", (f) => f.internet.username({ firstName: "A", lastName: "" })],
    ["email(names)", (f) => f.internet.email({ firstName: "Jürgen", lastName: "Čapek" })],
  ];
  for (const [locale, chain] of LOCALE_CHAINS.slice(0, 4)) {
    const { both } = twins(locale, chain);
    for (const [what, call] of calls) {
      for (let cell = 0; cell < 30; cell++) {
        const [want, got] = both(11, cell, call);
        assertEquals(got, want, `${locale} ${what} cell ${cell}`);
      }
    }
  }
});

Deno.test("compiled patterns fill what faker-js's fake fills, and leave it the rest", () => {
  const streams = [new CellRandom(), new CellRandom()];
  const [plain, compiled] = streams.map((random) => plainFaker(["en_US", "en", "base"], random));
  const count = compilePatterns(compiled);
  const patterns = [
    "{{person.firstName}} {{person.lastName}}",
    "{{person.last_name.generic}}, {{location.city_prefix}}!",
    ["{{location.street}}", "{{company.name}} Inc"],
    "no placeholder",
    "{{number.int(10)}} calls go to faker-js",
    "{Brace} {{person.firstName}}",
    "{{Person.firstName}} is not a placeholder",
    "{{unknown.path}}",
  ];
  for (const pattern of patterns) {
    for (let cell = 0; cell < 40; cell++) {
      const [want, got] = [plain, compiled].map((faker, i) => {
        streams[i].reset(3, cell);
        return outcome(() => faker.helpers.fake(pattern as string));
      });
      assertEquals(got, want, `${pattern}`);
    }
  }
  // Locale patterns go through the compiled path, not faker-js's.
  for (let cell = 0; cell < 40; cell++) {
    streams[1].reset(5, cell);
    compiled.location.streetAddress();
    compiled.company.name();
  }
  assert(count() >= 5, `${count()} patterns compiled`);
});
