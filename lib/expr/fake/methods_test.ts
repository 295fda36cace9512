import { assert, assertEquals, assertThrows } from "../../../tests/_assert.ts";
import { externalTest, tablefakerCorpus } from "../../../tests/_external.ts";
import { createFaker } from "../../engine/faker.ts";
import { CellRandom } from "../../engine/rng.ts";
import { directFakerCall } from "./direct.ts";
import { FAKE_METHODS } from "./methods.ts";
import { luhnValid } from "./cards.ts";
import { parseOffset, timeArgument, TimeArgumentError } from "../relative_time.ts";
import { AwareDatetime, PyDate, PyTimedelta, PyTimezone } from "../datetime_values.ts";
import { typeOfValue, type Value } from "../values.ts";

const NOW = new Date("2026-03-15T10:30:00Z");
const DAY = 86_400_000;

function context(key = 1) {
  const random = new CellRandom();
  const faker = createFaker("en_US", random);
  let row = 0;
  return {
    faker,
    ctx: { now: NOW, random },
    /** Calls a method with fresh randomness per call. */
    call(name: string, args: Record<string, Value> = {}): Value {
      random.reset(key, row++);
      return FAKE_METHODS[name].call(faker, args, { now: NOW, random });
    },
  };
}

function many(name: string, args: Record<string, Value> = {}, n = 300): Value[] {
  const c = context();
  return Array.from({ length: n }, () => c.call(name, args));
}

externalTest({
  name: "every fake method used by the tablefaker corpus exists",
  need: tablefakerCorpus(),
  fn: async (corpus) => {
    const used = new Set<string>();
    for (const name of corpus.names) {
      const text = await Deno.readTextFile(corpus.path(name));
      for (const m of text.matchAll(/fake\.(?:unique\.)?(\w+)\(/g)) used.add(m[1]);
    }
    used.delete("school_district"); // a community provider: needs a plugin
    assert(used.size > 30);
    for (const name of used) assert(name in FAKE_METHODS, `fake.${name} is missing`);
  },
});

Deno.test("every method runs without arguments and returns its declared type", () => {
  const c = context();
  for (const [name, method] of Object.entries(FAKE_METHODS)) {
    for (let i = 0; i < 5; i++) {
      const value = c.call(name);
      const actual = typeOfValue(value);
      const ok = method.returns === "any" || actual === method.returns ||
        (method.returns === "float" && actual === "int") ||
        (name === "null_boolean" && actual === "none");
      assert(ok, `fake.${name}() returned ${actual}, declared ${method.returns}`);
    }
  }
});

Deno.test("the same stream position gives the same value", () => {
  const a = context(), b = context();
  for (
    const name of [
      "email",
      "name",
      "date_between",
      "pyfloat",
      "bothify",
      "sentence",
      "phone_number",
    ]
  ) {
    assertEquals(a.call(name), b.call(name), name);
  }
});

Deno.test("formats look like Python Faker's", () => {
  for (const e of many("email")) {
    assert(/^[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]+$/.test(e as string), String(e));
  }
  for (const p of many("phone_number")) assert(/^[\d()+.x-]{10,}$/.test(p as string), String(p));
  for (const z of many("postcode")) assert(/^\d{5}$/.test(z as string), String(z));
  for (const s of many("state_abbr")) assert(/^[A-Z]{2}$/.test(s as string), String(s));
  for (const b of many("bothify", { text: "??-########" })) {
    assert(/^[A-Za-z]{2}-\d{8}$/.test(b as string), String(b));
  }
  for (const x of many("credit_card_expire", { start: "now", end: "+5y", date_format: "%m/%y" })) {
    assert(/^(0[1-9]|1[0-2])\/(2[6-9]|3[01])$/.test(x as string), String(x));
  }
  for (const n of many("credit_card_number")) assert(/^\d{12,19}$/.test(n as string), String(n));
  for (const s of many("sentence", { nb_words: 8 })) {
    // Python Faker's randomize_nb_elements: int(8 * 60..140 / 100) words.
    const words = (s as string).split(" ").length;
    assert(words >= 4 && words <= 11 && (s as string).endsWith("."), String(s));
  }
});

Deno.test("pyfloat honours digit counts and sign", () => {
  for (const v of many("pyfloat", { left_digits: 3, right_digits: 2, positive: true })) {
    const x = v as number;
    assert(x > 0 && x < 1000, String(x));
    assertEquals(Math.round(x * 100) / 100, x);
  }
  const signed = many("pyfloat", { left_digits: 2, right_digits: 1 });
  assert(signed.some((x) => (x as number) < 0) && signed.some((x) => (x as number) > 0));
  for (const v of many("pyfloat", { min_value: 5, max_value: 6, right_digits: 3 })) {
    assert((v as number) >= 5 && (v as number) <= 6);
  }
});

Deno.test("random_int is inclusive and honours step", () => {
  const values = new Set(many("random_int", { min: 1, max: 3 }));
  assertEquals([...values].sort(), [1, 2, 3]);
  for (const v of many("random_int", { min: 0, max: 100, step: 25 })) {
    assert((v as number) % 25 === 0);
  }
});

Deno.test("dates fall in their relative ranges around the logical now", () => {
  const today = Math.floor(NOW.getTime() / DAY);
  for (const d of many("date_between", { start_date: "-30d", end_date: "today" })) {
    assert(d instanceof PyDate && d.days >= today - 30 && d.days <= today, String(d));
  }
  for (const d of many("date_between", { start_date: "today", end_date: "+15d" })) {
    assert((d as PyDate).days >= today && (d as PyDate).days <= today + 15);
  }
  for (const t of many("date_time_between", { start_date: "-1y", end_date: "now", tzinfo: null })) {
    assert(t instanceof Date && t <= NOW && t.getTime() >= NOW.getTime() - 366 * DAY);
  }
  for (const d of many("date_of_birth", { minimum_age: 18, maximum_age: 30 })) {
    const born = (d as PyDate).toDate();
    let age = NOW.getUTCFullYear() - born.getUTCFullYear();
    const before = NOW.getUTCMonth() < born.getUTCMonth() ||
      (NOW.getUTCMonth() === born.getUTCMonth() && NOW.getUTCDate() < born.getUTCDate());
    if (before) age--;
    assert(age >= 18 && age <= 30, `${born.toISOString()} is ${age}`);
  }
  for (const t of many("date_time_this_decade", { before_now: true, after_now: false })) {
    assert((t as Date).getUTCFullYear() >= 2020 && (t as Date) <= NOW);
  }
});

Deno.test("time arguments: offsets, keywords, dates and mistakes", () => {
  assertEquals(parseOffset("-30d"), -30 * DAY);
  assertEquals(parseOffset("+1y2M"), 365.25 * DAY + 2 * 30.42 * DAY);
  assertEquals(parseOffset("+2h30m"), 2.5 * 3_600_000);
  assertEquals(parseOffset("soon"), null);
  assertEquals(timeArgument("now", NOW, "x"), NOW.getTime());
  assertEquals(timeArgument("today", NOW, "x"), Date.UTC(2026, 2, 15));
  assertEquals(timeArgument(PyDate.of(2020, 1, 2), NOW, "x"), Date.UTC(2020, 0, 2));
  assertEquals(timeArgument("2020-01-02", NOW, "x"), Date.UTC(2020, 0, 2));
  assertThrows(
    () => timeArgument("yesterday-ish", NOW, "start_date"),
    TimeArgumentError,
    "start_date",
  );
});

Deno.test("faker.<module>.<method> reaches faker-js with an options object", () => {
  const c = context();
  const int = directFakerCall(c.faker, ["number", "int"])!;
  c.ctx.random.reset(3, 3);
  const v = int([], { min: 5, max: 7 }) as number;
  assert(v >= 5 && v <= 7);
  assertEquals(directFakerCall(c.faker, ["number", "nope"]), undefined);
  assertEquals(directFakerCall(c.faker, ["rawDefinitions", "person"]), undefined);
  assertEquals(directFakerCall(c.faker, ["number", "constructor"]), undefined);
});

Deno.test("pyfloat draws its digits as Python Faker does", () => {
  const values = many(
    "pyfloat",
    { left_digits: 4, right_digits: 2, positive: true },
    2000,
  ) as number[];
  for (const x of values) {
    assert(x > 0 && x < 10000, String(x));
    // The fraction is Faker's random_number(2) printed unpadded: .5 or .57, never .05.
    assert(!/\.0\d/.test(String(x)), `pyfloat gave ${x}`);
    assertEquals(Math.round(x * 100) / 100, x);
  }
  assert(values.some((x) => /\.\d$/.test(String(x))), "one-digit fractions occur");
  for (const x of many("pyfloat") as number[]) {
    const digits = String(Math.abs(x)).replace(".", "").replace(/^0+/, "").length;
    assert(Number.isFinite(x) && digits <= 15, String(x));
  }
  for (const x of many("pyfloat", { right_digits: 0, left_digits: 2 }) as number[]) {
    assert(Number.isInteger(x) && Math.abs(x) < 100, String(x));
  }
  assertThrows(() => many("pyfloat", { left_digits: 0, right_digits: 0 }, 1), RangeError);
  assertThrows(
    () => many("pyfloat", { left_digits: 10, right_digits: 10 }, 1),
    RangeError,
    "too many digits",
  );
  assertThrows(() => many("pyfloat", { min_value: 5, max_value: 5 }, 1), RangeError);
});

Deno.test("credit cards have their type's prefix, length, Luhn digit and security code", () => {
  for (const n of many("credit_card_number") as string[]) assert(luhnValid(n), n);
  for (const n of many("credit_card_number", { card_type: "amex" }) as string[]) {
    assert(/^3[47]\d{13}$/.test(n) && luhnValid(n), n);
  }
  for (const n of many("credit_card_number", { card_type: "visa13" }) as string[]) {
    assert(/^4\d{12}$/.test(n), n);
  }
  for (const n of many("credit_card_number", { card_type: "mastercard" }) as string[]) {
    assert(/^(5[1-5]|222[1-9])\d{12,14}$/.test(n) && n.length === 16, n);
  }
  assertEquals(many("credit_card_provider", { card_type: "diners" }, 1), [
    "Diners Club / Carte Blanche",
  ]);
  for (const c of many("credit_card_security_code", { card_type: "amex" }) as string[]) {
    assert(/^\d{4}$/.test(c), c);
  }
  for (const c of many("credit_card_security_code", { card_type: "visa" }) as string[]) {
    assert(/^\d{3}$/.test(c), c);
  }
  assertThrows(
    () => many("credit_card_number", { card_type: "amx" }, 1),
    Error,
    "Unknown card_type",
  );
  assertEquals(luhnValid("4111111111111111"), true);
  assertEquals(luhnValid("4111111111111112"), false);
});

Deno.test("Python Faker's arguments are honoured: ext_word_list, domain, tzinfo, representation", () => {
  const words = ["alpha", "beta"];
  for (const w of many("word", { ext_word_list: words })) assert(words.includes(w as string));
  for (const s of many("sentence", { nb_words: 4, ext_word_list: words }) as string[]) {
    assert(/^(Alpha|Beta)( (alpha|beta))*\.$/.test(s), s);
  }
  for (const e of many("email", { domain: "example.com" }) as string[]) {
    assert(/^[a-z0-9._-]+@example\.com$/.test(e), e);
  }
  const zone = new PyTimezone(120);
  for (const t of many("date_time_between", { start_date: "-1d", tzinfo: zone })) {
    assert(t instanceof AwareDatetime && t.tz === zone);
  }
  for (const c of many("country_code", { representation: "alpha-3" }) as string[]) {
    assert(/^[A-Z]{3}$/.test(c), c);
  }
  for (const l of many("random_elements", { elements: [1, 2, 3, 4], length: 3, unique: true })) {
    assertEquals(new Set(l as number[]).size, 3);
  }
  for (const h of many("hexify", { text: "MAC ^^:^^", upper: true }) as string[]) {
    assert(/^MAC [0-9A-F]{2}:[0-9A-F]{2}$/.test(h), h);
  }
  const after = many("date_between", { start_date: PyTimedelta.fromMicros(-86_400_000_000) }, 1);
  assert(after[0] instanceof PyDate);
});

Deno.test("uuid4 is faker-js's string.uuid(), drawn from the same numbers", () => {
  const { faker, ctx } = context();
  for (let row = 0; row < 500; row++) {
    ctx.random.reset(3, row);
    const want = faker.string.uuid();
    ctx.random.reset(3, row);
    const got = FAKE_METHODS.uuid4.call(faker, {}, ctx);
    assertEquals(got, want, `row ${row}`);
    // The cell's stream is left where faker-js leaves it.
    const next = ctx.random.next();
    ctx.random.reset(3, row);
    faker.string.uuid();
    assertEquals(next, ctx.random.next(), `row ${row}: the stream after`);
  }
});
