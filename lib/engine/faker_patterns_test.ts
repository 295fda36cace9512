import { allLocales, Faker, type LocaleDefinition } from "@faker-js/faker";
import { assert, assertEquals } from "../../tests/_assert.ts";
import { compilePatterns } from "./faker_patterns.ts";
import { CellRandom } from "./rng.ts";

const LOCALES = allLocales as Record<string, LocaleDefinition>;

/** Two fakers of a locale on two random streams that always hold the same numbers. */
function twins(locale: string[]) {
  const streams = [new CellRandom(), new CellRandom()];
  const make = (random: CellRandom) =>
    new Faker({
      locale: locale.map((l) => LOCALES[l]),
      randomizer: { next: () => random.next(), seed: () => {} },
    });
  const [plain, compiled] = streams.map(make);
  // Dates and ULIDs read the clock otherwise.
  for (const faker of [plain, compiled]) faker.setDefaultRefDate("2026-01-01T00:00:00Z");
  const count = compilePatterns(compiled);
  return {
    plain,
    compiled,
    count,
    reset(seed: number, cell: number) {
      for (const stream of streams) stream.reset(seed, cell);
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

Deno.test("compiled patterns give every faker-js value faker-js gives, in several locales", () => {
  const warn = console.warn;
  console.warn = () => {}; // deprecated methods announce themselves on every call
  try {
    for (const locale of [["en_US", "en", "base"], ["de", "en", "base"], ["ja", "en", "base"]]) {
      const { plain, compiled, count, reset } = twins(locale);
      const names = methods(plain);
      assert(names.length > 150, `${names.length} methods`);
      for (const name of names) {
        const [module, method] = name.split(".");
        const call = (faker: Faker) => () =>
          ((faker as unknown as Record<string, Record<string, () => unknown>>)[module][method])();
        for (let cell = 0; cell < 25; cell++) {
          reset(7, cell);
          const want = outcome(call(plain));
          reset(7, cell);
          assertEquals(outcome(call(compiled)), want, `${locale[0]} ${name} cell ${cell}`);
        }
      }
      // The locale's patterns went through the compiled path, not faker-js's.
      assert(count() > 40, `${locale[0]}: ${count()} patterns compiled`);
    }
  } finally {
    console.warn = warn;
  }
});

Deno.test("compiled patterns fill what faker-js's fake fills, and leave it the rest", () => {
  const { plain, compiled, reset } = twins(["en_US", "en", "base"]);
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
      reset(3, cell);
      const want = outcome(() => plain.helpers.fake(pattern as string));
      reset(3, cell);
      assertEquals(outcome(() => compiled.helpers.fake(pattern as string)), want, `${pattern}`);
    }
  }
});
