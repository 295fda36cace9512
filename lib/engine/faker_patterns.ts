/**
 * faker-js fills its locale patterns (`{{person.last_name.generic}} {{location.street_suffix}}`)
 * with `helpers.fake`, which searches the pattern, parses each `{{...}}` expression and looks
 * its path up again at every call: on a table of `fake.*` columns that was a third of the time.
 * {@link compilePatterns} gives a faker a `helpers.fake` that does that work once per pattern
 * and then only draws: the same draws, in the same order, as faker-js's own, so every value
 * stays what faker-js gives (a test holds the two to each other).
 *
 * @module
 */
import type { Faker } from "@faker-js/faker";

/** Fills a compiled pattern; `fallback` is faker-js's own `fake`, for what it must finish. */
type Filler = (fallback: (text: string) => string) => string;

/** Patterns kept per faker at most: locale data has a few hundred; computed ones stay out. */
const MAX_PATTERNS = 4096;

/**
 * Replaces `faker.helpers.fake` with one that compiles each pattern on first use. Patterns it
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
