/**
 * Faker instances for Python locale names, drawing every random number from a source the
 * engine controls (the current cell's stream). Building a Faker is costly, so the engine
 * builds one per run and only moves its source per cell; `faker.seed()` is never called
 * on the hot path (it costs tens of microseconds). Its hottest paths are replaced by faster
 * ones with the same values (see faker_speed.ts).
 *
 * @module
 */
import { allLocales, Faker, type LocaleDefinition } from "@faker-js/faker";
import { type RewindableSource, speedUp } from "./faker_speed.ts";

const LOCALES = allLocales as Record<string, LocaleDefinition>;

/** faker-js locale names a Python locale name resolves to, most specific first. */
function localeChain(name: string): string[] | undefined {
  const normal = name.replace("-", "_");
  const language = normal.split("_")[0];
  const chain: string[] = [];
  if (normal in LOCALES) chain.push(normal);
  if (language !== normal && language in LOCALES) chain.push(language);
  if (chain.length === 0) return undefined;
  if (!chain.includes("en")) chain.push("en");
  chain.push("base");
  return chain;
}

/** Whether a Python locale name (`en_US`, `de_DE`, `fr`) is available. */
export function isKnownLocale(name: string): boolean {
  return localeChain(name) !== undefined;
}

/** Every locale faker-js has, by its faker-js name (`en_US`, `de`, `pt_BR`...). */
export function knownLocales(): string[] {
  return Object.keys(LOCALES).filter((l) => l !== "base");
}

/**
 * A source of uniform floats in [0, 1); one that can also mark and rewind its stream gets
 * faker-js's faster paths (see faker_speed.ts).
 */
export interface RandomSource {
  next(): number;
  mark?: RewindableSource["mark"];
  rewind?: RewindableSource["rewind"];
}

/**
 * A faker for a Python locale whose randomizer reads `source`.
 *
 * @throws {Error} For an unknown locale.
 */
export function createFaker(locale: string, source: RandomSource): Faker {
  const chain = localeChain(locale);
  if (!chain) {
    throw new Error(`Unknown locale "${locale}"; use a name like en_US, de_DE or fr_FR`);
  }
  const faker = new Faker({
    locale: chain.map((l) => LOCALES[l]),
    randomizer: { next: () => source.next(), seed: () => {} },
  });
  if (source.mark && source.rewind) speedUp(faker, source as RewindableSource);
  return faker;
}
