/**
 * Faker instances for Python locale names, drawing every random number from a source the
 * engine controls (the current cell's stream). Building a Faker is costly, so the engine
 * builds one per run and only moves its source per cell; `faker.seed()` is never called
 * on the hot path (it costs tens of microseconds). Its hottest paths are replaced by faster
 * ones with the same values (see faker_speed.ts).
 *
 * Only `en` and `en_US` are loaded with the program, from their own modules: faker-js's main
 * module holds every locale, and importing it costs about 140 ms and 14 MB of heap at every
 * start (of the process, and of every worker). Any other locale is loaded by
 * {@link loadLocale} (loading a config does it), from the main module, before a faker of it
 * is made. (One dynamic import per locale module would load less, but `deno run` checks each
 * npm specifier at start, which cost more than it saved.)
 *
 * @module
 */
import type { Faker, LocaleDefinition } from "@faker-js/faker";
import { faker as english } from "@faker-js/faker/locale/en";
import { faker as american } from "@faker-js/faker/locale/en_US";
import { LOCALE_NAMES } from "./faker_locales.ts";
import { type RewindableSource, speedUp } from "./faker_speed.ts";

/** faker-js's Faker class, taken from a locale's instance: the package's main module would
 * load every locale. */
const FakerClass = english.constructor as typeof Faker;

/** Each loaded locale's definitions, merged along its chain, by the chain's first name. */
const LOADED = new Map<string, LocaleDefinition>([
  ["en", english.rawDefinitions],
  ["en_US", american.rawDefinitions],
]);

/** faker-js locale names a Python locale name resolves to, most specific first. */
function localeChain(name: string): string[] | undefined {
  const normal = name.replace("-", "_");
  const language = normal.split("_")[0];
  const chain: string[] = [];
  if (LOCALE_NAMES.has(normal)) chain.push(normal);
  if (language !== normal && LOCALE_NAMES.has(language)) chain.push(language);
  if (chain.length === 0) return undefined;
  if (!chain.includes("en")) chain.push("en");
  chain.push("base");
  return chain;
}

/**
 * Loads a Python locale's data (`de_DE`, `fr`), once; later calls return at once.
 *
 * @throws {Error} For an unknown locale.
 */
export async function loadLocale(name: string): Promise<void> {
  const chain = localeChain(name);
  if (!chain) throw unknownLocale(name);
  if (LOADED.has(chain[0])) return;
  LOADED.set(chain[0], await loadDefinitions(chain));
}

async function loadDefinitions(chain: string[]): Promise<LocaleDefinition> {
  const { allLocales, Faker } = await import("@faker-js/faker");
  const parts = allLocales as Record<string, LocaleDefinition>;
  return new Faker({ locale: chain.map((l) => parts[l]) }).rawDefinitions;
}

function unknownLocale(name: string): Error {
  return new Error(`Unknown locale "${name}"; use a name like en_US, de_DE or fr_FR`);
}

/** Whether a Python locale name (`en_US`, `de_DE`, `fr`) is available. */
export function isKnownLocale(name: string): boolean {
  return localeChain(name) !== undefined;
}

/** Every locale faker-js has, by its faker-js name (`en_US`, `de`, `pt_BR`...). */
export function knownLocales(): string[] {
  return [...LOCALE_NAMES];
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
  if (!chain) throw unknownLocale(locale);
  const definitions = LOADED.get(chain[0]);
  if (!definitions) {
    throw new Error(
      `Locale "${locale}" is not loaded: await loadLocale("${locale}") before making its faker ` +
        "(loading a config does it)",
    );
  }
  const faker = new FakerClass({
    locale: definitions,
    randomizer: { next: () => source.next(), seed: () => {} },
  });
  if (source.mark && source.rewind) speedUp(faker, source as RewindableSource);
  return faker;
}
