/**
 * Faster paths through faker-js for what a table of `fake.*` columns calls most, each giving
 * exactly faker-js's values: the same draws from the randomizer, in the same order (a test
 * holds every faker-js method to faker-js's own values). On such a table they halve the time.
 *
 * - Locale patterns (`{{person.last_name.generic}} {{location.street_suffix}}`): faker-js's
 *   `helpers.fake` searches the pattern, parses each `{{...}}` expression and looks its path up
 *   again at every call; {@link compilePatterns} does that once per pattern.
 * - `number.int`, under nearly every value: without the option parsing and checks of each call.
 * - `internet.username` (and `email`, which calls it): faker-js transliterates every user name
 *   (Unicode normalisation, a character map); an ASCII one only loses quotes and spaces.
 *
 * @module
 */
import type { Faker } from "@faker-js/faker";
import type { StreamMark } from "./rng.ts";

/** What the faster paths draw from: the faker's own randomizer, and a way back in it. */
export interface RewindableSource {
  next(): number;
  /** Where the stream is now. */
  mark(): StreamMark;
  /** Back to a position, so that the same draws follow. */
  rewind(mark: StreamMark): void;
}

/** Installs every faster path on a faker whose randomizer reads `source`. */
export function speedUp(faker: Faker, source: RewindableSource): void {
  compilePatterns(faker);
  fastInt(faker, source);
  fastUsername(faker, source);
}

type IntOptions = number | {
  min?: number;
  max?: number;
  multipleOf?: number;
  distributor?: unknown;
};

/**
 * `number.int` as faker-js computes it (`floor(next() * span + min)`, one draw, none for a
 * single value); other options and bad ranges go to faker-js, which handles or rejects them.
 */
function fastInt(faker: Faker, source: RewindableSource): void {
  const number = faker.number as { int(options?: IntOptions): number };
  const original = number.int.bind(number);
  number.int = (options) => {
    let min = 0;
    let max = Number.MAX_SAFE_INTEGER;
    if (typeof options === "number") max = options;
    else if (options !== undefined) {
      if (options.multipleOf !== undefined || options.distributor !== undefined) {
        return original(options);
      }
      min = options.min ?? min;
      max = options.max ?? max;
    }
    const low = Math.ceil(min);
    const high = Math.floor(max);
    if (low === high) return low;
    if (!(low < high)) return original(options);
    return Math.floor(source.next() * (high - low + 1) + low);
  };
}

/** Whether text is all ASCII (control characters too, which faker-js passes through). */
function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}

/**
 * `internet.username` drawing what faker-js draws (first and last name unless given, `.` or
 * `_`, a number up to 99, one of the forms); an ASCII result, which faker-js's transliteration
 * leaves alone but for quotes and spaces, is finished here. Anything else is redone by faker-js
 * from the same place in the stream.
 */
function fastUsername(faker: Faker, source: RewindableSource): void {
  type Options = { firstName?: string; lastName?: string };
  const internet = faker.internet as { username(options?: Options): string };
  const original = internet.username.bind(internet);
  internet.username = (options = {}) => {
    const mark = source.mark();
    const { firstName = faker.person.firstName(), lastName = faker.person.lastName() } = options;
    const separator = faker.helpers.arrayElement([".", "_"]);
    const number = faker.number.int(99);
    const forms = [
      () => `${firstName}${separator}${lastName}${number}`,
      () => `${firstName}${separator}${lastName}`,
    ];
    if (!options.lastName) forms.push(() => `${firstName}${number}`);
    const name = faker.helpers.arrayElement(forms)();
    if (isAscii(name)) return name.replaceAll("'", "").replaceAll(" ", "");
    source.rewind(mark);
    return original(options);
  };
}

/** Fills a compiled pattern; `fallback` is faker-js's own `fake`, for what it must finish. */
type Filler = (fallback: (text: string) => string) => string;

/** Patterns kept per faker at most: locale data has a few hundred; computed ones stay out. */
const MAX_PATTERNS = 4096;

/**
 * Replaces `faker.helpers.fake` with one that compiles each pattern on first use: a third of
 * the time of a table of `fake.*` columns went to faker-js's parsing. Patterns it
 * does not compile (a `(` call in an expression, a brace outside a `{{...}}`, a path through a
 * function or a list) and values that hold braces are left to faker-js's own `fake`.
 * Returns how many patterns it has compiled so far, for tests.
 */
export function compilePatterns(faker: Faker): () => number {
  const helpers = faker.helpers as { fake(pattern: string | readonly string[]): string };
  const original = helpers.fake.bind(helpers);
  const compiled = new Map<string, Filler | null>();
  helpers.fake = (pattern) => {
    // As faker-js does: a list is one draw of a pattern first.
    const text = typeof pattern === "string" ? pattern : faker.helpers.arrayElement(pattern);
    let filler = compiled.get(text);
    if (filler === undefined) {
      filler = compilePattern(faker, text);
      if (compiled.size < MAX_PATTERNS) compiled.set(text, filler);
    }
    return filler === null ? original(text) : filler(original);
  };
  return () => [...compiled.values()].filter((filler) => filler !== null).length;
}

const PLACEHOLDER = /{{[a-z]/;
const BRACE = /[{}]/;

/**
 * A pattern as literals and expressions, filled left to right as faker-js's `fake` fills it
 * (it substitutes the first `{{...}}`, then searches the result again from the start, which
 * for values without braces is the next placeholder); null when it must be left to faker-js.
 */
function compilePattern(faker: Faker, text: string): Filler | null {
  const literals: string[] = [];
  const values: (() => unknown)[] = [];
  /** The pattern's text after each placeholder, to hand to faker-js when a value has braces. */
  const tails: string[] = [];
  let rest = text;
  for (;;) {
    const start = rest.search(PLACEHOLDER);
    const end = start === -1 ? -1 : rest.indexOf("}}", start);
    if (start === -1 || end === -1) {
      if (BRACE.test(rest)) return null;
      literals.push(rest);
      break;
    }
    const literal = rest.slice(0, start);
    const expression = rest.slice(start + 2, end);
    if (BRACE.test(literal) || /[{}(]/.test(expression)) return null;
    const value = compileExpression(faker, expression);
    if (value === null) return null;
    literals.push(literal);
    values.push(value);
    rest = rest.slice(end + 2);
    tails.push(rest);
  }
  return (fallback) => {
    let out = literals[0];
    for (let i = 0; i < values.length; i++) {
      const value = String(values[i]());
      // A value holding a pattern is expanded next by faker-js, from here on.
      if (value.includes("{") || value.includes("}")) return fallback(out + value + tails[i]);
      out += value + literals[i + 1];
    }
    return out;
  };
}

/**
 * An expression `a.b.c` resolved as faker-js resolves it: from the faker and from its raw
 * locale data at once, step by step, keeping what exists. The path is fixed, so it is walked
 * once; what is left at the end is drawn from (a list) or called (a function) at each call,
 * as faker-js does: every list left is drawn from, in order, and the first result is used.
 * Null when the walk would draw or call on the way (faker-js then does it).
 */
function compileExpression(faker: Faker, expression: string): (() => unknown) | null {
  const parts = expression.split(".");
  if (parts.some((part) => part === "")) return null;
  let entries: unknown[] = [faker, faker.definitions.raw];
  for (let i = 0; i < parts.length; i++) {
    if (entries.some((entry) => typeof entry === "function")) return null;
    entries = entries
      .map((
        entry,
      ) => (typeof entry === "object" && entry !== null ? (entry as never)[parts[i]] : undefined))
      .filter((entry) => entry !== null && entry !== undefined);
    if (entries.length === 0) return null;
    if (i < parts.length - 1 && entries.some(Array.isArray)) return null;
  }
  const draw = (entry: unknown) => Array.isArray(entry) ? faker.helpers.arrayElement(entry) : entry;
  if (entries.length === 1) {
    const [entry] = entries;
    if (Array.isArray(entry)) return () => faker.helpers.arrayElement(entry);
    if (typeof entry === "function") return entry as () => unknown;
    return () => entry;
  }
  const final = entries;
  return () => {
    const first = final.map(draw)[0];
    return typeof first === "function" ? first() : first;
  };
}
