/**
 * Python Faker's methods, by their Python names and parameter names, on @faker-js/faker.
 *
 * Each entry says its parameters in Python's positional order (the compiler maps positional
 * and keyword arguments onto them and rejects unknown ones), its result type, and how to
 * produce the value from the faker it is handed (whose randomizer reads the cell's stream)
 * and from `ctx` (the cell's stream and the logical now). Values have Python Faker's kinds:
 * dates are {@link PyDate}, datetimes JS Dates in UTC.
 *
 * @module
 */
import type { Faker } from "@faker-js/faker";
import type { RandomSource } from "./host.ts";
import { strftime } from "./datetime_text.ts";
import { exactInt, type Int } from "./integers.ts";
import { checkIntBits } from "./limits.ts";
import { cardNumber, cardType, securityCode } from "./fake_cards.ts";
import { dateArgument, timeArgument } from "./relative_time.ts";
import {
  AwareDatetime,
  isDict,
  PyDate,
  PyFloat,
  pyStr,
  PyTimezone,
  type StaticType,
  type Value,
} from "./values.ts";

/** What a fake method may read besides its faker. */
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

type Args = Record<string, Value>;

const DAY_MS = 86_400_000;
const ASCII_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

function num(args: Args, name: string, fallback: number): number {
  const v = args[name];
  if (v === undefined || v === null) return fallback;
  if (typeof v === "number") return v;
  if (v instanceof PyFloat) return v.value;
  if (typeof v === "bigint") return Number(v); // beyond every bound of these arguments
  if (typeof v === "boolean") return v ? 1 : 0;
  throw new TypeError(`${name} must be a number, got ${JSON.stringify(pyStr(v))}`);
}

/** An int argument, exact at any size (`fake.random_int(0, 10**20)`). */
function int(args: Args, name: string, fallback: number): Int {
  const v = args[name];
  if (typeof v === "number" || typeof v === "bigint") return v;
  return num(args, name, fallback);
}

/**
 * `min + step × k` for a uniform `k` such that the result is at most `max` (Python Faker's
 * `randrange(min, max + 1, step)`): on numbers as it always was while the range is exact in
 * them, else exactly.
 */
function steppedInt(random: RandomSource, min: Int, max: Int, step: Int, fn: string): Int {
  if (typeof min === "number" && typeof max === "number" && typeof step === "number") {
    const width = max - min;
    if (width <= Number.MAX_SAFE_INTEGER) {
      return min + random.int(0, Math.floor(width / step)) * step;
    }
  }
  return exactSteppedInt(random, min, max, step, fn);
}

function exactSteppedInt(random: RandomSource, min: Int, max: Int, step: Int, fn: string): Int {
  const [first, by] = [BigInt(min), BigInt(step)];
  if (by <= 0n) throw new RangeError(`${fn}: step must be positive`);
  const count = (BigInt(max) - first) / by + 1n;
  return exactInt(first + by * random.below(count), `fake.${fn}()`);
}

function optNum(args: Args, name: string): number | undefined {
  const v = args[name];
  return v === undefined || v === null ? undefined : num(args, name, 0);
}

function text(args: Args, name: string, fallback: string): string {
  const v = args[name];
  return v === undefined || v === null ? fallback : String(v);
}

function flag(args: Args, name: string, fallback: boolean): boolean {
  const v = args[name];
  return v === undefined || v === null ? fallback : Boolean(v);
}

/** A method without parameters. */
function plain(returns: StaticType, call: (faker: Faker, ctx: FakeContext) => Value): FakeMethod {
  return { params: [], returns, call: (faker, _args, ctx) => call(faker, ctx) };
}

/** Python's bothify/lexify/numerify placeholders, drawn from the cell's stream. */
function fillPattern(pattern: string, letters: string, random: RandomSource): string {
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

const HEX = "0123456789abcdef";

/**
 * faker-js's `string.uuid()` (version 4) from the same numbers of the cell's stream, which its
 * faker also reads: the 30 `x` digits in order, then the variant digit (8 to b), each drawn as
 * faker-js's `number.hex` draws it, without its 31 option objects and calls.
 */
function uuid4(random: RandomSource): string {
  let digits = "";
  for (let i = 0; i < 30; i++) digits += HEX[Math.floor(random.next() * 16)];
  const variant = HEX[Math.floor(random.next() * 4 + 8)];
  return `${digits.slice(0, 8)}-${digits.slice(8, 12)}-4${digits.slice(12, 15)}-${variant}` +
    `${digits.slice(15, 18)}-${digits.slice(18)}`;
}

function numerifyOnly(pattern: string, random: RandomSource): string {
  return fillPattern(pattern.replaceAll("?", "\u0000"), "", random).replaceAll("\u0000", "?");
}

function lexifyOnly(pattern: string, letters: string, random: RandomSource): string {
  let out = "";
  for (const ch of pattern) out += ch === "?" ? letters[random.int(0, letters.length - 1)] : ch;
  return out;
}

/** Uniform datetime in [start, end] (ms), as Python's `date_time_between`. */
function timeBetween(start: number, end: number, random: RandomSource): Date {
  if (end < start) throw new RangeError("end_date is before start_date");
  return new Date(start + Math.floor(random.next() * (end - start + 1)));
}

/** Uniform date in [start, end] (days), as Python's `date_between`. */
function dateBetween(start: number, end: number, random: RandomSource): PyDate {
  if (end < start) throw new RangeError("end_date is before start_date");
  return new PyDate(random.int(start, end));
}

function todayDays(now: Date): number {
  return Math.floor(now.getTime() / DAY_MS);
}

/** Bounds of the current year/month/decade/century around `now`, in ms. */
function periodStart(now: Date, period: "year" | "month" | "decade" | "century"): number {
  const y = now.getUTCFullYear();
  switch (period) {
    case "year":
      return Date.UTC(y, 0, 1);
    case "month":
      return Date.UTC(y, now.getUTCMonth(), 1);
    case "decade":
      return Date.UTC(y - (y % 10), 0, 1);
    case "century":
      return Date.UTC(y - (y % 100), 0, 1);
  }
}

function periodEnd(now: Date, period: "year" | "month" | "decade" | "century"): number {
  const y = now.getUTCFullYear();
  switch (period) {
    case "year":
      return Date.UTC(y + 1, 0, 1) - 1;
    case "month":
      return Date.UTC(y, now.getUTCMonth() + 1, 1) - 1;
    case "decade":
      return Date.UTC(y - (y % 10) + 10, 0, 1) - 1;
    case "century":
      return Date.UTC(y - (y % 100) + 100, 0, 1) - 1;
  }
}

/** `date_time_this_<period>(before_now=True, after_now=False)`. */
function thisPeriod(period: "year" | "month" | "decade" | "century", asDate: boolean): FakeMethod {
  const [before, after] = asDate ? ["before_today", "after_today"] : ["before_now", "after_now"];
  return {
    params: asDate ? [before, after] : [before, after, "tzinfo"],
    returns: asDate ? "date" : "datetime",
    call(_faker, args, ctx) {
      const now = ctx.now.getTime();
      const b = flag(args, before, true), a = flag(args, after, false);
      const start = b ? periodStart(ctx.now, period) : now;
      const end = a ? periodEnd(ctx.now, period) : now;
      const t = timeBetween(Math.min(start, end), end, ctx.random);
      return asDate ? PyDate.fromDate(t) : inZone(t, args.tzinfo);
    },
  };
}

/** Python's `sys.float_info.dig`: decimal digits a float holds exactly. */
const FLOAT_DIGITS = 15;

/** Python Faker's `random_number(digits)`: 0 to 10^digits - 1, not padded. */
function randomNumber(digits: number, random: RandomSource): number {
  return random.int(0, 10 ** digits - 1);
}

/** `_safe_random_int`: an int in [min, max), the missing bound 0..9999 away from the other. */
function safeRandomInt(
  min: number | undefined,
  max: number | undefined,
  positive: boolean,
  random: RandomSource,
): number {
  let lo = min ?? max! - random.int(0, 9999);
  const hi = max ?? lo + random.int(0, 9999);
  if (positive) lo = Math.max(lo, 0);
  if (lo === hi) return safeRandomInt(min, (max ?? hi) + 1, positive, random);
  const top = Math.trunc(hi - 1) < Math.trunc(lo) ? Math.trunc(hi) : Math.trunc(hi - 1);
  return random.int(Math.trunc(lo), top);
}

/**
 * Python Faker's `pyfloat`, step by step: `"{sign}{left}.{right}"` where `left` has at most
 * `left_digits` digits and `right` is a random number below 10^`right_digits` (so
 * `right_digits=2` gives `.5` for 5 and `.05` never, as in Faker), bounded by `min_value` and
 * `max_value` when given. The digits left unset are chosen as Faker chooses them.
 */
function pyfloat(args: Args, random: RandomSource): number {
  let left = optNum(args, "left_digits");
  let right = optNum(args, "right_digits");
  const positive = flag(args, "positive", false);
  const min = optNum(args, "min_value");
  const max = optNum(args, "max_value");
  if ((left !== undefined && left < 0) || (right !== undefined && right < 0)) {
    throw new RangeError("pyfloat: a float cannot have fewer than 0 digits");
  }
  if (left === 0 && right === 0) {
    throw new RangeError("pyfloat: left_digits and right_digits are both 0");
  }
  if (min !== undefined && max !== undefined && min >= max) {
    throw new RangeError("pyfloat: min_value must be less than max_value");
  }
  if (positive && min !== undefined && min <= 0) {
    throw new RangeError("pyfloat: positive=True needs a positive min_value");
  }
  for (const bound of [max, min]) {
    if (left !== undefined && bound && Math.ceil(Math.log10(Math.abs(bound))) > left) {
      throw new RangeError("pyfloat: min_value and max_value must fit within left_digits");
    }
  }
  if (left === undefined && right === undefined) {
    const needed = Math.max(
      1,
      Math.ceil(Math.log10(Math.max(Math.abs(max || 1), Math.abs(min || 1)))),
    );
    right = random.int(1, FLOAT_DIGITS - needed);
  }
  if (left === undefined) left = Math.max(1, FLOAT_DIGITS - right!);
  if (right === undefined) right = Math.max(1, FLOAT_DIGITS - left);
  if (left + right > FLOAT_DIGITS) {
    throw new RangeError(
      `pyfloat: asking for too many digits (${left} + ${right} > ${FLOAT_DIGITS})`,
    );
  }
  let sign = "";
  let whole: number;
  if (min !== undefined || max !== undefined) {
    let lo = min, hi = max;
    if (max === undefined) hi = 10 ** left;
    if (min === undefined) lo = -(10 ** left);
    if (max !== undefined && max < 0) hi = hi! + 1;
    if (min !== undefined && min < 0) lo = lo! + 1;
    whole = safeRandomInt(lo, hi, positive, random);
  } else {
    sign = positive ? "+" : random.int(0, 1) ? "-" : "+";
    whole = randomNumber(left, random);
  }
  let result = Number(`${sign}${whole}.${randomNumber(right, random)}`);
  const unit = right ? Number(`0.${"0".repeat(right - 1)}1`) : 0;
  if (positive && result === 0) result = right ? unit : Number.EPSILON;
  if (right) {
    result = Math.max(Math.min(result, 10 ** left - unit), -(10 ** left + unit));
  } else {
    result = Math.max(Math.min(result, 10 ** left - 1), -(10 ** left + 1));
  }
  // Faker pulls a value outside the bounds back in by a random part of their span.
  const span = min !== undefined && max !== undefined ? max - min : 0;
  if (max !== undefined && result > max) result = max - random.next() * span;
  if (min !== undefined && result < min) result = min + random.next() * span;
  return result;
}

const US_PHONE_FORMATS = [
  "###-###-####",
  "(###)###-####",
  "###.###.####",
  "+1-###-###-####",
  "###-###-####x###",
  "(###)###-####x####",
  "001-###-###-####x###",
];

/** `date_between`-like: a date between two date arguments with Python Faker's defaults. */
function dateRange(from: string, fromDefault: string, to: string, toDefault: string): FakeMethod {
  return {
    params: [from, to],
    returns: "date",
    call: (_f, a, ctx) =>
      dateBetween(
        dateArgument(a[from] ?? fromDefault, ctx.now, from),
        dateArgument(a[to] ?? toDefault, ctx.now, to),
        ctx.random,
      ),
  };
}

/** A datetime in time zone `tzinfo` when one is given (Python Faker's `tzinfo=` argument). */
function inZone(moment: Date, tzinfo: Value | undefined): Date {
  return tzinfo instanceof PyTimezone ? new AwareDatetime(moment.getTime(), tzinfo) : moment;
}

/** `date_time_between`-like: a datetime between two time arguments. */
function timeRange(from: string, fromDefault: string, to: string, toDefault: string): FakeMethod {
  return {
    params: [from, to, "tzinfo"],
    returns: "datetime",
    call: (_f, a, ctx) =>
      inZone(
        timeBetween(
          timeArgument(a[from] ?? fromDefault, ctx.now, from),
          timeArgument(a[to] ?? toDefault, ctx.now, to),
          ctx.random,
        ),
        a.tzinfo,
      ),
  };
}

/** Words from `ext_word_list` when given (Python Faker's argument), else faker's lorem words. */
function pickWords(
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
function aroundCount(n: number, random: RandomSource): number {
  return Math.max(1, Math.floor((n * random.int(60, 140)) / 100));
}

/** `random_elements` and friends: `length` picks, with or without repeats. */
function elementsOf(a: Args, random: RandomSource, unique: boolean): Value[] {
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
function nearby(asDate: boolean, future: boolean): FakeMethod {
  const param = future ? "end_date" : "start_date";
  const fallback = future ? "+30d" : "-30d";
  return {
    params: [param, "tzinfo"],
    returns: asDate ? "date" : "datetime",
    call(_f, a, ctx) {
      const far = a[param] ?? fallback;
      if (asDate) {
        const today = todayDays(ctx.now), other = dateArgument(far, ctx.now, param);
        return future
          ? dateBetween(today + 1, other, ctx.random)
          : dateBetween(other, today - 1, ctx.random);
      }
      const now = ctx.now.getTime(), other = timeArgument(far, ctx.now, param);
      const moment = future
        ? timeBetween(now + 1000, other, ctx.random)
        : timeBetween(other, now - 1000, ctx.random);
      return inZone(moment, a.tzinfo);
    },
  };
}

/** A moment between the Unix epoch and `end_datetime` (default now), as Python Faker's. */
function sinceEpoch(a: Args, ctx: FakeContext): Date {
  return timeBetween(0, timeArgument(a.end_datetime ?? "now", ctx.now, "end_datetime"), ctx.random);
}

/** A random moment formatted with `pattern` (or a fixed format when there is no parameter). */
function formattedMoment(params: readonly string[], format: string): FakeMethod {
  return {
    params,
    returns: "str",
    call: (_f, a, ctx) => strftime(sinceEpoch(a, ctx), text(a, "pattern", format)),
  };
}

/** Every supported Python Faker method, by Python name. */
export const FAKE_METHODS: Readonly<Record<string, FakeMethod>> = {
  // person
  name: plain("str", (f) => f.person.fullName()),
  name_male: plain("str", (f) => f.person.fullName({ sex: "male" })),
  name_female: plain("str", (f) => f.person.fullName({ sex: "female" })),
  first_name: plain("str", (f) => f.person.firstName()),
  first_name_male: plain("str", (f) => f.person.firstName("male")),
  first_name_female: plain("str", (f) => f.person.firstName("female")),
  last_name: plain("str", (f) => f.person.lastName()),
  last_name_male: plain("str", (f) => f.person.lastName("male")),
  last_name_female: plain("str", (f) => f.person.lastName("female")),
  prefix: plain("str", (f) => f.person.prefix()),
  suffix: plain("str", (f) => f.person.suffix()),
  job: plain("str", (f) => f.person.jobTitle()),
  ssn: plain("str", (_f, ctx) => fillPattern("%##-##-####", "", ctx.random)),
  // address
  address: plain(
    "str",
    (f) =>
      `${f.location.streetAddress(true)}\n${f.location.city()}, ${
        f.location.state({ abbreviated: true })
      } ${f.location.zipCode()}`,
  ),
  street_address: plain("str", (f) => f.location.streetAddress()),
  street_name: plain("str", (f) => f.location.street()),
  building_number: plain("str", (f) => f.location.buildingNumber()),
  secondary_address: plain("str", (f) => f.location.secondaryAddress()),
  city: plain("str", (f) => f.location.city()),
  state: plain("str", (f) => f.location.state()),
  state_abbr: plain("str", (f) => f.location.state({ abbreviated: true })),
  postcode: plain("str", (f) => f.location.zipCode("#####")),
  zipcode: plain("str", (f) => f.location.zipCode("#####")),
  country: plain("str", (f) => f.location.country()),
  country_code: {
    params: ["representation"],
    returns: "str",
    call(f, a) {
      const representation = text(a, "representation", "alpha-2");
      if (representation !== "alpha-2" && representation !== "alpha-3") {
        throw new RangeError('country_code: representation must be "alpha-2" or "alpha-3"');
      }
      return f.location.countryCode(representation);
    },
  },
  zipcode_plus4: plain(
    "str",
    (f) => `${f.location.zipCode("#####")}-${f.location.zipCode("####")}`,
  ),
  timezone: plain("str", (f) => f.location.timeZone()),
  am_pm: plain("str", (_f, ctx) => (ctx.random.int(0, 1) ? "PM" : "AM")),
  currency_name: plain("str", (f) => f.finance.currencyName()),
  latitude: plain("float", (f) => f.location.latitude()),
  longitude: plain("float", (f) => f.location.longitude()),
  // phone
  phone_number: plain(
    "str",
    (_f, ctx) =>
      fillPattern(US_PHONE_FORMATS[ctx.random.int(0, US_PHONE_FORMATS.length - 1)], "", ctx.random),
  ),
  // internet
  email: {
    params: ["safe", "domain"],
    returns: "str",
    call(f, a) {
      if (a.domain !== undefined && a.domain !== null) {
        return `${f.internet.username().toLowerCase()}@${pyStr(a.domain)}`;
      }
      return flag(a, "safe", true)
        ? f.internet.email().toLowerCase()
        : f.internet.email({ provider: f.internet.domainName() }).toLowerCase();
    },
  },
  safe_email: plain("str", (f) => f.internet.exampleEmail().toLowerCase()),
  free_email: plain(
    "str",
    (f) =>
      f.internet.email({
        provider: f.helpers.arrayElement(["gmail.com", "yahoo.com", "hotmail.com"]),
      }).toLowerCase(),
  ),
  company_email: plain(
    "str",
    (f) => f.internet.email({ provider: f.internet.domainName() }).toLowerCase(),
  ),
  user_name: plain("str", (f) => f.internet.username().toLowerCase()),
  domain_name: {
    params: ["levels"],
    returns: "str",
    call(f, a) {
      const levels = num(a, "levels", 1);
      if (levels < 1) throw new RangeError("domain_name: levels must be at least 1");
      const words = Array.from({ length: levels - 1 }, () => f.internet.domainWord());
      return [...words, f.internet.domainName()].join(".");
    },
  },
  domain_word: plain("str", (f) => f.internet.domainWord()),
  tld: plain("str", (f) => f.internet.domainSuffix()),
  hostname: {
    params: ["levels"],
    returns: "str",
    call: (f, a) =>
      [
        f.helpers.arrayElement(["web", "db", "srv", "mail", "lt", "email", "desktop", "laptop"]) +
        "-" + String(f.number.int({ min: 1, max: 99 })).padStart(2, "0"),
        ...Array.from({ length: num(a, "levels", 1) - 1 }, () => f.internet.domainWord()),
        f.internet.domainName(),
      ].join("."),
  },
  port_number: plain("int", (_f, ctx) => ctx.random.int(0, 65535)),
  url: plain("str", (f) => `https://www.${f.internet.domainName()}/`),
  uri: plain("str", (f) => `https://${f.internet.domainName()}/${f.lorem.slug(2)}`),
  slug: plain("str", (f) => f.lorem.slug(3)),
  ipv4: {
    params: ["network", "address_class", "private"],
    returns: "str",
    call(f, a) {
      if (a.private === true) return f.internet.ipv4({ network: "private-a" });
      return f.internet.ipv4() + (flag(a, "network", false) ? "/32" : "");
    },
  },
  ipv4_private: plain("str", (f) => f.internet.ipv4({ network: "private-a" })),
  ipv4_public: plain("str", (f) => {
    // Redraw the rare private or reserved address, as Faker excludes them.
    for (;;) {
      const ip = f.internet.ipv4();
      if (
        !/^(10\.|127\.|0\.|169\.254\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.|22[4-9]\.|2[3-5]\d\.)/
          .test(ip)
      ) {
        return ip;
      }
    }
  }),
  ipv6: plain("str", (f) => f.internet.ipv6()),
  mac_address: plain("str", (f) => f.internet.mac()),
  user_agent: plain("str", (f) => f.internet.userAgent()),
  password: {
    params: ["length", "special_chars", "digits", "upper_case", "lower_case"],
    returns: "str",
    call: (f, a) => f.internet.password({ length: num(a, "length", 10) }),
  },
  // company
  company: plain("str", (f) => f.company.name()),
  company_suffix: plain(
    "str",
    (f) => f.helpers.arrayElement(["Inc", "LLC", "Ltd", "Group", "PLC"]),
  ),
  catch_phrase: plain("str", (f) => f.company.catchPhrase()),
  bs: plain("str", (f) => f.company.buzzPhrase()),
  // lorem
  word: {
    params: ["ext_word_list", "part_of_speech"],
    returns: "str",
    call: (f, a, ctx) => pickWords(f, 1, a.ext_word_list, ctx.random)[0],
  },
  words: {
    params: ["nb", "ext_word_list", "part_of_speech", "unique"],
    returns: "list",
    call(f, a, ctx) {
      const nb = num(a, "nb", 3);
      if (!flag(a, "unique", false) || a.ext_word_list === undefined || a.ext_word_list === null) {
        return pickWords(f, nb, a.ext_word_list, ctx.random);
      }
      return elementsOf({ elements: a.ext_word_list, length: nb }, ctx.random, true);
    },
  },
  sentence: {
    params: ["nb_words", "ext_word_list", "variable_nb_words"],
    returns: "str",
    call(f, a, ctx) {
      const n = num(a, "nb_words", 6);
      if (n <= 0) return "";
      const count = flag(a, "variable_nb_words", true) ? aroundCount(n, ctx.random) : n;
      const words = pickWords(f, count, a.ext_word_list, ctx.random).join(" ");
      return words.charAt(0).toUpperCase() + words.slice(1) + ".";
    },
  },
  sentences: {
    params: ["nb", "ext_word_list"],
    returns: "list",
    call: (f, a) => Array.from({ length: num(a, "nb", 3) }, () => f.lorem.sentence()),
  },
  paragraph: {
    params: ["nb_sentences", "variable_nb_sentences", "ext_word_list"],
    returns: "str",
    call: (f, a) => f.lorem.paragraph(num(a, "nb_sentences", 3)),
  },
  paragraphs: {
    params: ["nb", "ext_word_list"],
    returns: "list",
    call: (f, a) => Array.from({ length: num(a, "nb", 3) }, () => f.lorem.paragraph()),
  },
  text: {
    params: ["max_nb_chars", "ext_word_list"],
    returns: "str",
    call: (f, a) => f.lorem.text().slice(0, num(a, "max_nb_chars", 200)),
  },
  // numbers and Python types
  random_int: {
    params: ["min", "max", "step"],
    returns: "int",
    call(_f, a, ctx) {
      const min = int(a, "min", 0), max = int(a, "max", 9999), step = int(a, "step", 1);
      if (max < min) throw new RangeError(`random_int: max ${max} is less than min ${min}`);
      if (typeof min === "number" && typeof max === "number" && typeof step === "number") {
        // Numbers as they always were drawn (the common case); larger ints exactly.
        const width = max - min;
        if (width <= Number.MAX_SAFE_INTEGER) {
          return min + ctx.random.int(0, Math.floor(width / step)) * step;
        }
      }
      return exactSteppedInt(ctx.random, min, max, step, "random_int");
    },
  },
  random_digit: plain("int", (_f, ctx) => ctx.random.int(0, 9)),
  random_digit_not_null: plain("int", (_f, ctx) => ctx.random.int(1, 9)),
  random_number: {
    params: ["digits", "fix_len"],
    returns: "int",
    call(_f, a, ctx) {
      const digits = optNum(a, "digits") ?? ctx.random.int(1, 9);
      const fixed = flag(a, "fix_len", false);
      if (digits <= 15) {
        if (fixed) return ctx.random.int(10 ** (digits - 1), 10 ** digits - 1);
        return ctx.random.int(0, 10 ** digits - 1);
      }
      // 16 digits and more are past 2^53: drawn exactly, within the bound on ints.
      checkIntBits(Math.floor(digits * Math.log2(10)) - 1, "fake.random_number()");
      const top = 10n ** BigInt(digits);
      const low = fixed ? top / 10n : 0n;
      return exactInt(low + ctx.random.below(top - low), "fake.random_number()");
    },
  },
  pyint: {
    params: ["min_value", "max_value", "step"],
    returns: "int",
    call(_f, a, ctx) {
      const min = int(a, "min_value", 0), max = int(a, "max_value", 9999);
      return steppedInt(ctx.random, min, max, int(a, "step", 1), "pyint");
    },
  },
  pyfloat: {
    params: ["left_digits", "right_digits", "positive", "min_value", "max_value"],
    returns: "float",
    call: (_f, a, ctx) => pyfloat(a, ctx.random),
  },
  pydecimal: {
    params: ["left_digits", "right_digits", "positive", "min_value", "max_value"],
    returns: "float",
    call: (_f, a, ctx) => pyfloat(a, ctx.random),
  },
  pybool: {
    params: ["truth_probability"],
    returns: "bool",
    call: (_f, a, ctx) => ctx.random.next() * 100 < num(a, "truth_probability", 50),
  },
  boolean: {
    params: ["chance_of_getting_true"],
    returns: "bool",
    call: (_f, a, ctx) => ctx.random.next() * 100 < num(a, "chance_of_getting_true", 50),
  },
  pystr: {
    params: ["min_chars", "max_chars", "prefix", "suffix"],
    returns: "str",
    call(_f, a, ctx) {
      const max = num(a, "max_chars", 20), min = optNum(a, "min_chars");
      const n = min === undefined ? max : ctx.random.int(min, max);
      return text(a, "prefix", "") + lexifyOnly("?".repeat(n), ASCII_LETTERS, ctx.random) +
        text(a, "suffix", "");
    },
  },
  // patterns
  bothify: {
    params: ["text", "letters"],
    returns: "str",
    call: (_f, a, ctx) =>
      fillPattern(text(a, "text", "## ??"), text(a, "letters", ASCII_LETTERS), ctx.random),
  },
  numerify: {
    params: ["text"],
    returns: "str",
    call: (_f, a, ctx) => numerifyOnly(text(a, "text", "###"), ctx.random),
  },
  lexify: {
    params: ["text", "letters"],
    returns: "str",
    call: (_f, a, ctx) =>
      lexifyOnly(text(a, "text", "????"), text(a, "letters", ASCII_LETTERS), ctx.random),
  },
  random_letter: plain("str", (_f, ctx) => ASCII_LETTERS[ctx.random.int(0, 51)]),
  random_element: {
    params: ["elements"],
    returns: "any",
    call: (_f, a, ctx) =>
      elementsOf({ elements: a.elements ?? null, length: 1 }, ctx.random, false)[0],
  },
  random_elements: {
    params: ["elements", "length", "unique", "use_weighting"],
    returns: "list",
    call: (_f, a, ctx) => elementsOf(a, ctx.random, flag(a, "unique", false)),
  },
  random_choices: {
    params: ["elements", "length"],
    returns: "list",
    call: (_f, a, ctx) => elementsOf(a, ctx.random, false),
  },
  random_sample: {
    params: ["elements", "length"],
    returns: "list",
    call: (_f, a, ctx) => elementsOf(a, ctx.random, true),
  },
  random_letters: {
    params: ["length"],
    returns: "list",
    call: (_f, a, ctx) =>
      Array.from({ length: num(a, "length", 16) }, () => ASCII_LETTERS[ctx.random.int(0, 51)]),
  },
  null_boolean: plain("bool", (_f, ctx) => [null, true, false][ctx.random.int(0, 2)]),
  hexify: {
    params: ["text", "upper"],
    returns: "str",
    call(_f, a, ctx) {
      const digits = flag(a, "upper", false) ? "0123456789ABCDEF" : "0123456789abcdef";
      let out = "";
      for (const ch of text(a, "text", "^^^^")) {
        out += ch === "^" ? digits[ctx.random.int(0, 15)] : ch;
      }
      return out;
    },
  },
  // identifiers and codes
  uuid4: plain("str", (_f, ctx) => uuid4(ctx.random)),
  uuid: plain("str", (_f, ctx) => uuid4(ctx.random)),
  md5: plain("str", (f) => f.string.hexadecimal({ length: 32, casing: "lower", prefix: "" })),
  sha1: plain("str", (f) => f.string.hexadecimal({ length: 40, casing: "lower", prefix: "" })),
  sha256: plain("str", (f) => f.string.hexadecimal({ length: 64, casing: "lower", prefix: "" })),
  color_name: plain("str", (f) => f.color.human()),
  hex_color: plain("str", (f) => f.color.rgb()),
  currency_code: plain("str", (f) => f.finance.currencyCode()),
  iban: plain("str", (f) => f.finance.iban()),
  isbn10: isbn(10),
  isbn13: isbn(13),
  isbn: isbn(13),
  ean13: plain("str", (_f, ctx) => ean13(ctx.random)),
  license_plate: plain("str", (f) => f.vehicle.vrm()),
  credit_card_number: {
    params: ["card_type"],
    returns: "str",
    call: (_f, a, ctx) => cardNumber(cardType(a.card_type, ctx.random), ctx.random),
  },
  credit_card_provider: {
    params: ["card_type"],
    returns: "str",
    call: (_f, a, ctx) => cardType(a.card_type, ctx.random).name,
  },
  credit_card_security_code: {
    params: ["card_type"],
    returns: "str",
    call: (_f, a, ctx) => securityCode(cardType(a.card_type, ctx.random), ctx.random),
  },
  credit_card_expire: {
    params: ["start", "end", "date_format"],
    returns: "str",
    call(_f, a, ctx) {
      const start = timeArgument(a.start ?? "now", ctx.now, "start");
      const end = timeArgument(a.end ?? "+10y", ctx.now, "end");
      return strftime(timeBetween(start, end, ctx.random), text(a, "date_format", "%m/%y"));
    },
  },
  file_name: plain("str", (f) => f.system.commonFileName()),
  file_extension: plain("str", (f) => f.system.commonFileExt()),
  mime_type: plain("str", (f) => f.system.mimeType()),
  // dates and times
  date_between: dateRange("start_date", "-30y", "end_date", "today"),
  date_time_between: timeRange("start_date", "-30y", "end_date", "now"),
  date_between_dates: dateRange("date_start", "today", "date_end", "today"),
  date_time_between_dates: timeRange("datetime_start", "now", "datetime_end", "now"),
  date_of_birth: {
    params: ["tzinfo", "minimum_age", "maximum_age"],
    returns: "date",
    call(_f, a, ctx) {
      const min = num(a, "minimum_age", 0), max = num(a, "maximum_age", 115);
      if (max < min) throw new RangeError("maximum_age is less than minimum_age");
      const y = ctx.now.getUTCFullYear(), m = ctx.now.getUTCMonth(), d = ctx.now.getUTCDate();
      const latest = Math.floor(Date.UTC(y - min, m, d) / DAY_MS);
      const earliest = Math.floor(Date.UTC(y - max - 1, m, d) / DAY_MS) + 1;
      return dateBetween(earliest, latest, ctx.random);
    },
  },
  past_date: nearby(true, false),
  future_date: nearby(true, true),
  past_datetime: nearby(false, false),
  future_datetime: nearby(false, true),
  date_this_year: thisPeriod("year", true),
  date_this_month: thisPeriod("month", true),
  date_this_decade: thisPeriod("decade", true),
  date_this_century: thisPeriod("century", true),
  date_time_this_year: thisPeriod("year", false),
  date_time_this_month: thisPeriod("month", false),
  date_time_this_decade: thisPeriod("decade", false),
  date_time_this_century: thisPeriod("century", false),
  date_time: {
    params: ["tzinfo", "end_datetime"],
    returns: "datetime",
    call: (_f, a, ctx) => inZone(sinceEpoch(a, ctx), a.tzinfo),
  },
  date_object: {
    params: ["end_datetime"],
    returns: "date",
    call: (_f, a, ctx) => PyDate.fromDate(sinceEpoch(a, ctx)),
  },
  date: formattedMoment(["pattern", "end_datetime"], "%Y-%m-%d"),
  time: formattedMoment(["pattern", "end_datetime"], "%H:%M:%S"),
  iso8601: formattedMoment(["tzinfo", "end_datetime", "sep", "timespec"], "%Y-%m-%dT%H:%M:%S"),
  unix_time: {
    params: ["end_datetime", "start_datetime"],
    returns: "int",
    call: (_f, a, ctx) =>
      Math.floor(
        timeBetween(
          timeArgument(a.start_datetime ?? 0, ctx.now, "start_datetime"),
          timeArgument(a.end_datetime ?? "now", ctx.now, "end_datetime"),
          ctx.random,
        ).getTime() / 1000,
      ),
  },
  year: formattedMoment([], "%Y"),
  month: formattedMoment([], "%m"),
  month_name: formattedMoment([], "%B"),
  day_of_month: formattedMoment([], "%d"),
  day_of_week: formattedMoment([], "%A"),
};

/** `isbn10` / `isbn13(separator="-")`. */
function isbn(variant: 10 | 13): FakeMethod {
  return {
    params: ["separator"],
    returns: "str",
    call: (f, a) => f.commerce.isbn({ variant, separator: text(a, "separator", "-") }),
  };
}

function ean13(random: RandomSource): string {
  let digits = "";
  let sum = 0;
  for (let i = 0; i < 12; i++) {
    const d = random.int(0, 9);
    digits += d;
    sum += i % 2 ? d * 3 : d;
  }
  return digits + ((10 - (sum % 10)) % 10);
}

/** faker-js modules reachable as `faker.<module>.<method>(...)`. */
const DIRECT_MODULES = new Set([
  "airline",
  "animal",
  "book",
  "color",
  "commerce",
  "company",
  "database",
  "datatype",
  "date",
  "finance",
  "food",
  "git",
  "hacker",
  "helpers",
  "image",
  "internet",
  "location",
  "lorem",
  "music",
  "number",
  "person",
  "phone",
  "science",
  "string",
  "system",
  "vehicle",
  "word",
]);

/** For `faker.<module>.<method>(...)`: the faker-js function at that path, or undefined. */
export function directFakerCall(
  faker: Faker,
  path: readonly string[],
): ((args: unknown[], options: Record<string, unknown> | undefined) => Value) | undefined {
  if (path.length !== 2 || !DIRECT_MODULES.has(path[0])) return undefined;
  const module = (faker as unknown as Record<string, Record<string, unknown>>)[path[0]];
  const method = path[1];
  if (
    method.startsWith("_") || method === "constructor" || typeof module?.[method] !== "function"
  ) {
    return undefined;
  }
  return (args, options) => {
    const fn = module[method] as (...a: unknown[]) => unknown;
    const result = fn.apply(module, options ? [...args, options] : args);
    return toValue(result);
  };
}

/** faker-js results as expression values (bigints exact ints, unknown objects text). */
function toValue(result: unknown): Value {
  if (result === undefined || result === null) return null;
  if (typeof result === "bigint") return exactInt(result, "faker");
  if (
    typeof result === "string" || typeof result === "number" || typeof result === "boolean" ||
    result instanceof Date
  ) return result;
  if (Array.isArray(result)) return result.map(toValue);
  return JSON.stringify(result);
}
