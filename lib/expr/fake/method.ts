/**
 * The shape of a Python Faker method ({@link FakeMethod}: Python's parameter names, the
 * result's type, how to produce it), the readers of its arguments, and the draws that many
 * methods share (patterns, uuid4, stepped ints, words and elements), every one from the
 * cell's stream.
 *
 * @module
 */
import type { Faker } from "@faker-js/faker";
import type { RandomSource } from "../host.ts";
import { exactInt, type Int } from "../integers.ts";
import { isDict, PyFloat, pyStr, type StaticType, type Value } from "../values.ts";

export interface FakeContext {
  now: Date;
  random: RandomSource;
}

/** One Python Faker method. */
export interface FakeMethod {
  /** Python Faker parameter names in positional order (positional args map onto these). */
  params: readonly string[];
  /** Static type of the result. */
  returns: StaticType;
  /** `args` holds only the arguments the user gave, by Python name. */
  call(faker: Faker, args: Record<string, Value>, ctx: FakeContext): Value;
}

/** The arguments a call gave, by Python name. */
export type Args = Record<string, Value>;

/** Python's `string.ascii_letters`. */
export const ASCII_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

/** A number argument, or `fallback` when absent or None. */
export function num(args: Args, name: string, fallback: number): number {
  const v = args[name];
  if (v === undefined || v === null) return fallback;
  if (typeof v === "number") return v;
  if (v instanceof PyFloat) return v.value;
  if (typeof v === "bigint") return Number(v); // beyond every bound of these arguments
  if (typeof v === "boolean") return v ? 1 : 0;
  throw new TypeError(`${name} must be a number, got ${JSON.stringify(pyStr(v))}`);
}

/** An int argument, exact at any size (`fake.random_int(0, 10**20)`). */
export function int(args: Args, name: string, fallback: number): Int {
  const v = args[name];
  if (typeof v === "number" || typeof v === "bigint") return v;
  return num(args, name, fallback);
}

/**
 * `min + step × k` for a uniform `k` such that the result is at most `max` (Python Faker's
 * `randrange(min, max + 1, step)`): on numbers as it always was while the range is exact in
 * them, else exactly.
 */
export function steppedInt(random: RandomSource, min: Int, max: Int, step: Int, fn: string): Int {
  if (typeof min === "number" && typeof max === "number" && typeof step === "number") {
    const width = max - min;
    if (width <= Number.MAX_SAFE_INTEGER) {
      return min + random.int(0, Math.floor(width / step)) * step;
    }
  }
  return exactSteppedInt(random, min, max, step, fn);
}

/** {@link steppedInt} on exact ints, for ranges beyond safe numbers. */
export function exactSteppedInt(
  random: RandomSource,
  min: Int,
  max: Int,
  step: Int,
  fn: string,
): Int {
  const [first, by] = [BigInt(min), BigInt(step)];
  if (by <= 0n) throw new RangeError(`${fn}: step must be positive`);
  const count = (BigInt(max) - first) / by + 1n;
  return exactInt(first + by * random.below(count), `fake.${fn}()`);
}

/** A number argument, or undefined when absent or None. */
export function optNum(args: Args, name: string): number | undefined {
  const v = args[name];
  return v === undefined || v === null ? undefined : num(args, name, 0);
}

/** A text argument, or `fallback` when absent or None. */
export function text(args: Args, name: string, fallback: string): string {
  const v = args[name];
  return v === undefined || v === null ? fallback : String(v);
}

/** A boolean argument, or `fallback` when absent or None. */
export function flag(args: Args, name: string, fallback: boolean): boolean {
  const v = args[name];
  return v === undefined || v === null ? fallback : Boolean(v);
}

/** A method without parameters. */
export function plain(
  returns: StaticType,
  call: (faker: Faker, ctx: FakeContext) => Value,
): FakeMethod {
  return { params: [], returns, call: (faker, _args, ctx) => call(faker, ctx) };
}

/** Python's bothify/lexify/numerify placeholders, drawn from the cell's stream. */
export function fillPattern(pattern: string, letters: string, random: RandomSource): string {
  let out = "";
  for (const ch of pattern) {
    switch (ch) {
      case "#":
        out += String(random.int(0, 9));
        break;
      case "%":
        out += String(random.int(1, 9));
        break;
      case "!":
        out += random.int(0, 1) ? String(random.int(0, 9)) : "";
        break;
      case "@":
        out += random.int(0, 1) ? String(random.int(1, 9)) : "";
        break;
      case "?":
        out += letters[random.int(0, letters.length - 1)];
        break;
      default:
        out += ch;
    }
  }
  return out;
}

/** Hex digits, lower case. */
export const HEX = "0123456789abcdef";

/**
 * faker-js's `string.uuid()` (version 4) from the same numbers of the cell's stream, which its
 * faker also reads: the 30 `x` digits in order, then the variant digit (8 to b), each drawn as
 * faker-js's `number.hex` draws it, without its 31 option objects and calls.
 */
export function uuid4(random: RandomSource): string {
  let digits = "";
  for (let i = 0; i < 30; i++) digits += HEX[Math.floor(random.next() * 16)];
  const variant = HEX[Math.floor(random.next() * 4 + 8)];
  return `${digits.slice(0, 8)}-${digits.slice(8, 12)}-4${digits.slice(12, 15)}-${variant}` +
    `${digits.slice(15, 18)}-${digits.slice(18)}`;
}

/** Python Faker's `numerify`: `#` placeholders only. */
export function numerifyOnly(pattern: string, random: RandomSource): string {
  return fillPattern(pattern.replaceAll("?", "\u0000"), "", random).replaceAll("\u0000", "?");
}

/** Python Faker's `lexify`: `?` placeholders only, from `letters`. */
export function lexifyOnly(pattern: string, letters: string, random: RandomSource): string {
  let out = "";
  for (const ch of pattern) out += ch === "?" ? letters[random.int(0, letters.length - 1)] : ch;
  return out;
}

export function pickWords(
  f: Faker,
  count: number,
  list: Value | undefined,
  random: RandomSource,
): string[] {
  if (list === undefined || list === null) return f.lorem.words(count).split(" ");
  const words = Array.isArray(list) ? list.map((w) => pyStr(w)) : [];
  if (words.length === 0) throw new TypeError("ext_word_list must be a non-empty list of words");
  return Array.from({ length: count }, () => words[random.int(0, words.length - 1)]);
}

/** Python Faker's `randomize_nb_elements`: `n` scaled by 60..140 %, at least 1. */
export function aroundCount(n: number, random: RandomSource): number {
  return Math.max(1, Math.floor((n * random.int(60, 140)) / 100));
}

/** `random_elements` and friends: `length` picks, with or without repeats. */
export function elementsOf(a: Args, random: RandomSource, unique: boolean): Value[] {
  const e = a.elements ?? ["a", "b", "c"];
  const items = Array.isArray(e) ? e : isDict(e) ? e.keys() : typeof e === "string" ? [...e] : null;
  if (!items || items.length === 0) throw new TypeError("elements must be a non-empty list");
  const length = optNum(a, "length") ?? random.int(1, items.length);
  if (unique && length > items.length) {
    throw new RangeError(`Sample larger than population: ${length} > ${items.length}`);
  }
  const pool = [...items];
  return Array.from(
    { length },
    () =>
      unique
        ? pool.splice(random.int(0, pool.length - 1), 1)[0]
        : items[random.int(0, items.length - 1)],
  );
}

/**
 * `past_date`, `future_date`, `past_datetime`, `future_datetime`: a moment between now and
 * `start_date` (past, default 30 days ago) or `end_date` (future, default in 30 days), not
 * today (dates) or within a second of now (datetimes), as Python Faker's.
 */
