/**
 * Runtime values of the expression language, each of one Python type, and their Python
 * text forms (`str()` and `repr()`).
 *
 * Numbers keep Python's int/float distinction at run time, without a cost on the common
 * cases:
 * - an int is a JS number while it is a safe integer, and a `bigint` beyond 2^53 (exact, as
 *   Python's ints are; see `integers.ts`);
 * - a float is a JS number that is not a whole number (`2.5`, `inf`, `nan`), or, when it
 *   is whole (`3.0`, `-0.0`, `1e16`), a {@link PyFloat} holding it.
 *
 * So a plain number is an int exactly when it is a whole number, and only the rare whole
 * float is boxed. Every float result goes through {@link floatValue}, which boxes it when it
 * is whole.
 *
 * Dates, datetimes, times, durations and time zones are in `datetime_values.ts`. Tuples,
 * ranges and dict views are arrays (so everything that reads a sequence reads them)
 * of their own classes, which print, compare and combine as Python's do; dicts are
 * {@link PyDict}s, keyed as Python keys them (`1`, `1.0` and `True` are one key).
 *
 * @module
 */
import { floatRepr } from "./float_repr.ts";
import { ExprRuntimeError } from "./runtime_error.ts";
import { PyObject } from "./py_object.ts";
import {
  AwareDatetime,
  microsOf,
  PyDate,
  PyTime,
  PyTimedelta,
  PyTimezone,
  wallClock,
} from "./datetime_values.ts";

/**
 * A float whose value is a whole number (`3.0`, `-0.0`, `1e16`), which a plain number would
 * make an int, or a NaN.
 */
export class PyFloat extends PyObject {
  readonly value: number;
  constructor(value: number) {
    super();
    this.value = value;
  }
}

/**
 * A float result as the evaluator holds it: the number itself, or a {@link PyFloat} when it
 * is a whole number, or NaN (a NaN is an object in Python too: `x in [x]` finds it by
 * identity, though `x == x` is false).
 */
export function floatValue(x: number): number | PyFloat {
  return Number.isInteger(x) || x !== x ? new PyFloat(x) : x;
}

/** Whether a value is a Python float. */
export function isFloat(value: Value): value is number | PyFloat {
  return value instanceof PyFloat || (typeof value === "number" && !Number.isInteger(value));
}

/**
 * A number's value as a JS number, for ints (safe ones), floats and bools; undefined for
 * anything else (a `bigint` included: its callers convert it as they need).
 */
export function numberOf(value: Value): number | undefined {
  if (typeof value === "number") return value;
  if (value instanceof PyFloat) return value.value;
  if (typeof value === "boolean") return value ? 1 : 0;
  return undefined;
}

/**
 * A tuple: an immutable sequence, printed with parentheses and never equal to a list. An
 * array, so everything that reads a sequence reads it; what arrays derive from it (`map`,
 * `slice`) are plain arrays, lists.
 */
export class PyTuple extends Array<Value> {
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }
}

/** The tuple of these items. */
export function tupleOf(items: readonly Value[]): PyTuple {
  const tuple = new PyTuple();
  for (let i = 0; i < items.length; i++) tuple.push(items[i]);
  return tuple;
}

/**
 * `range(start, stop, step)`: its ints (materialised, up to the bound of `range()`), and
 * the three numbers it prints as.
 */
export class PyRange extends Array<Value> {
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }
  start: Value = 0;
  stop: Value = 0;
  step: Value = 1;
}

/** The range of `items`, printed as `range(start, stop[, step])`. */
export function rangeOf(
  items: readonly Value[],
  start: Value,
  stop: Value,
  step: Value,
): PyRange {
  const range = new PyRange();
  for (let i = 0; i < items.length; i++) range.push(items[i]);
  range.start = start;
  range.stop = stop;
  range.step = step;
  return range;
}

/** What a dict view shows: `d.keys()`, `d.values()` or `d.items()`. */
export type DictViewKind = "keys" | "values" | "items";

/**
 * A dict's keys, values or items (pairs as tuples), as `d.keys()` gives them: readable as a
 * sequence (`len`, `in`, `list()`, `sorted()`), not indexable, printed `dict_keys([...])`.
 */
export class PyDictView extends Array<Value> {
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }
  kind: DictViewKind = "keys";
}

/** A view of `kind` holding `items`. */
export function dictViewOf(kind: DictViewKind, items: readonly Value[]): PyDictView {
  const view = new PyDictView();
  for (let i = 0; i < items.length; i++) view.push(items[i]);
  view.kind = kind;
  return view;
}

const NONE_KEY = "\u0000\u0001N";

/**
 * A dict key's identity, as Python hashes it: equal keys (`1`, `1.0`, `True`) have one
 * identity, a string is itself (prefixed only in the unlikely case that it starts with
 * `\0`, so that it cannot meet the encodings of other keys, which do).
 */
export function keyIdentity(key: Value): string | number | bigint {
  if (typeof key === "string") return key.charCodeAt(0) === 0 ? "\u0000" + key : key;
  if (typeof key === "number") return key;
  if (typeof key === "boolean") return key ? 1 : 0;
  if (typeof key === "bigint") return key;
  if (key === null) return NONE_KEY;
  if (key instanceof PyFloat) {
    return Number.isSafeInteger(key.value) || !Number.isFinite(key.value)
      ? key.value
      : BigInt(key.value);
  }
  if (key instanceof PyTuple) return "\u0000\u0001(" + key.map(keyText).join("\u0000,");
  if (key instanceof PyDate) return "\u0000\u0001D" + key.days;
  if (key instanceof Date) {
    return "\u0000\u0001T" + key.getTime() + "." + microsOf(key) +
      (key instanceof AwareDatetime ? "Z" : "");
  }
  if (key instanceof PyTimedelta) {
    return `\u0000\u0001d${key.days}.${key.seconds}.${key.microseconds}`;
  }
  if (key instanceof PyTimezone) return "\u0000\u0001z" + key.offsetSeconds;
  if (key instanceof PyTime) {
    // Aware times are equal at the same instant of their day.
    return "\u0000\u0001t" + (key.micros() - (key.tz?.offsetSeconds ?? 0) * 1_000_000) +
      (key.tz ? "Z" : "");
  }
  throw new UnhashableError(key);
}

function keyText(key: Value): string {
  const id = keyIdentity(key);
  return typeof id === "string" ? "s" + id : typeof id === "bigint" ? "n" + id : "n" + id;
}

/** A value that cannot be a dict key (a list or dict), as Python's TypeError says. */
export class UnhashableError extends ExprRuntimeError {
  constructor(key: Value) {
    super(
      `A ${typeNameOf(key)} cannot be a dict key (unhashable type: '${typeNameOf(key)}')`,
      "TypeError",
    );
    this.name = "UnhashableError";
  }
}

/**
 * A dict: entries in insertion order, keyed as Python keys them. Built once (a literal, a
 * method's result) and never changed after, as the language has no item assignment.
 */
export class PyDict extends PyObject {
  readonly #entries = new Map<string | number | bigint, [Value, Value]>();

  /** The dict of these pairs; a later pair with an equal key replaces the value, keeping the first key. */
  static of(pairs: Iterable<readonly [Value, Value]>): PyDict {
    const dict = new PyDict();
    for (const [key, value] of pairs) dict.set(key, value);
    return dict;
  }

  /** Adds or replaces an entry (while building the dict). */
  set(key: Value, value: Value): void {
    const id = keyIdentity(key);
    const entry = this.#entries.get(id);
    if (entry) entry[1] = value;
    else this.#entries.set(id, [key, value]);
  }

  /** The value of `key`, or undefined when absent. */
  get(key: Value): Value | undefined {
    return this.#entries.get(keyIdentity(key))?.[1];
  }

  /** Whether `key` is a key of the dict. */
  has(key: Value): boolean {
    return this.#entries.has(keyIdentity(key));
  }

  /** The number of entries. */
  get size(): number {
    return this.#entries.size;
  }

  /** The keys, in order. */
  keys(): Value[] {
    return [...this.#entries.values()].map((entry) => entry[0]);
  }

  /** The values, in order. */
  values(): Value[] {
    return [...this.#entries.values()].map((entry) => entry[1]);
  }

  /** The `[key, value]` pairs, in order. */
  entries(): [Value, Value][] {
    return [...this.#entries.values()].map(([k, v]) => [k, v]);
  }
}

/** Any value an expression can produce. Datetimes are JS `Date`s in UTC. */
export type Value =
  | null
  | boolean
  | number
  | bigint
  | string
  | PyFloat
  | Date
  | PyDate
  | PyTimedelta
  | PyTimezone
  | PyTime
  | PyDict
  | Value[];

/** Whether a value is a dict. */
export function isDict(value: Value): value is PyDict {
  return value instanceof PyDict;
}

/** Whether a value is a list (an array that is not a tuple, range or dict view). */
export function isList(value: Value): value is Value[] {
  return Array.isArray(value) && value.constructor === Array;
}

/**
 * What the checker knows about a value before running it. `any` means the type is only
 * known at run time.
 */
export type StaticType =
  | "int"
  | "float"
  | "str"
  | "bool"
  | "date"
  | "datetime"
  | "timedelta"
  | "timezone"
  | "time"
  | "none"
  | "list"
  | "tuple"
  | "dict"
  | "any";

/** Python's name of a value's type: `int`, `float`, `str`, `NoneType`, `tuple`... */
export function typeNameOf(value: Value): string {
  if (value === null) return "NoneType";
  switch (typeof value) {
    case "boolean":
      return "bool";
    case "number":
      return Number.isInteger(value) ? "int" : "float";
    case "bigint":
      return "int";
    case "string":
      return "str";
  }
  if (value instanceof PyFloat) return "float";
  if (Array.isArray(value)) {
    if (value instanceof PyTuple) return "tuple";
    if (value instanceof PyRange) return "range";
    if (value instanceof PyDictView) return "dict_" + value.kind;
    return "list";
  }
  if (value instanceof Date) return "datetime";
  if (value instanceof PyDate) return "date";
  if (value instanceof PyTimedelta) return "timedelta";
  if (value instanceof PyTimezone) return "timezone";
  if (value instanceof PyTime) return "time";
  return "dict";
}

/** Python's `str(datetime)`: `YYYY-MM-DD HH:MM:SS[.ffffff][+HH:MM]`. */
export function formatDateTime(d: Date): string {
  const local = wallClock(d);
  const iso = local.toISOString(); // 2024-01-02T03:04:05.678Z
  const micros = local.getUTCMilliseconds() * 1000 + microsOf(d);
  return iso.slice(0, 10) + " " + iso.slice(11, 19) +
    (micros ? "." + String(micros).padStart(6, "0") : "") +
    (d instanceof AwareDatetime ? d.tz.offsetText() : "");
}

/** Python's `str(x)` for our values. */
export function pyStr(value: Value): string {
  if (typeof value === "string") return value;
  if (typeof value === "number") {
    return Number.isInteger(value) ? String(value) : floatRepr(value);
  }
  if (value === null) return "None";
  if (value === true) return "True";
  if (value === false) return "False";
  if (typeof value === "bigint") return String(value);
  if (value instanceof PyFloat) return floatRepr(value.value);
  if (value instanceof Date) return formatDateTime(value);
  if (
    value instanceof PyDate || value instanceof PyTimedelta || value instanceof PyTimezone ||
    value instanceof PyTime
  ) {
    return value.toString();
  }
  return pyRepr(value);
}

/** Python's `repr(x)`: strings quoted, containers bracketed, dates as their constructor calls. */
export function pyRepr(value: Value): string {
  if (typeof value === "string") return strRepr(value);
  if (Array.isArray(value)) return sequenceRepr(value);
  if (value instanceof PyDict) {
    return "{" + value.entries().map(([k, v]) => pyRepr(k) + ": " + pyRepr(v)).join(", ") + "}";
  }
  if (value instanceof PyDate) {
    const d = value.toDate();
    return `datetime.date(${d.getUTCFullYear()}, ${d.getUTCMonth() + 1}, ${d.getUTCDate()})`;
  }
  if (value instanceof Date) return datetimeRepr(value);
  if (value instanceof PyTimedelta) return timedeltaRepr(value);
  if (value instanceof PyTime) {
    const fields = [value.hour, value.minute];
    if (value.second || value.microsecond) fields.push(value.second);
    if (value.microsecond) fields.push(value.microsecond);
    const zone = value.tz ? ", tzinfo=" + pyRepr(value.tz) : "";
    return `datetime.time(${fields.join(", ")}${zone})`;
  }
  if (value instanceof PyTimezone) {
    if (value.offsetSeconds === 0 && value.name === undefined) return "datetime.timezone.utc";
    const offset = timedeltaRepr(PyTimedelta.fromMicros(value.offsetSeconds * 1_000_000));
    return `datetime.timezone(${offset}${
      value.name === undefined ? "" : ", " + pyRepr(value.name)
    })`;
  }
  return pyStr(value);
}

function sequenceRepr(items: Value[]): string {
  const inner = items.map(pyRepr).join(", ");
  if (items instanceof PyTuple) return items.length === 1 ? `(${inner},)` : `(${inner})`;
  if (items instanceof PyRange) {
    const step = items.step === 1 ? "" : ", " + pyStr(items.step);
    return `range(${pyStr(items.start)}, ${pyStr(items.stop)}${step})`;
  }
  if (items instanceof PyDictView) return `dict_${items.kind}([${inner}])`;
  return `[${inner}]`;
}

/** Python's `repr(datetime)`: `datetime.datetime(2024, 3, 5, 14, 7[, 9[, 123456]])`. */
function datetimeRepr(d: Date): string {
  const w = wallClock(d);
  const fields = [
    w.getUTCFullYear(),
    w.getUTCMonth() + 1,
    w.getUTCDate(),
    w.getUTCHours(),
    w.getUTCMinutes(),
  ];
  const micros = w.getUTCMilliseconds() * 1000 + microsOf(d);
  if (w.getUTCSeconds() || micros) fields.push(w.getUTCSeconds());
  if (micros) fields.push(micros);
  const zone = d instanceof AwareDatetime ? ", tzinfo=" + pyRepr(d.tz) : "";
  return `datetime.datetime(${fields.join(", ")}${zone})`;
}

/** Python's `repr(timedelta)`: `datetime.timedelta(days=1, seconds=5)`. */
function timedeltaRepr(td: PyTimedelta): string {
  const parts = [["days", td.days], ["seconds", td.seconds], ["microseconds", td.microseconds]]
    .filter(([, n]) => n !== 0).map(([name, n]) => `${name}=${n}`);
  return `datetime.timedelta(${parts.length ? parts.join(", ") : "0"})`;
}

/** Characters that `repr` of a string writes as they are: printable ASCII but `\` and quotes. */
const PLAIN_ASCII = /^[\x20-\x21\x23-\x26\x28-\x5b\x5d-\x7e]*$/;

/** Characters Python does not print (`str.isprintable()` is false): written as escapes. */
const UNPRINTABLE = /[\p{C}\p{Z}]/u;

/**
 * Characters Unicode assigned after version 14.0, CPython 3.11's: unassigned to it, so its
 * `repr` escapes them, where JavaScript (a later Unicode) knows them as printable.
 */
const AFTER_UNICODE_14 =
  /[\u{897}\u{cf3}\u{ece}\u{1b4e}-\u{1b4f}\u{1b7f}\u{1c89}-\u{1c8a}\u{2427}-\u{2429}\u{2ffc}-\u{2fff}\u{31e4}-\u{31e5}\u{31ef}\u{a7cb}-\u{a7cd}\u{a7da}-\u{a7dc}\u{105c0}-\u{105f3}\u{10d40}-\u{10d65}\u{10d69}-\u{10d85}\u{10d8e}-\u{10d8f}\u{10ec2}-\u{10ec4}\u{10efc}-\u{10eff}\u{1123f}-\u{11241}\u{11380}-\u{11389}\u{1138b}\u{1138e}\u{11390}-\u{113b5}\u{113b7}-\u{113c0}\u{113c2}\u{113c5}\u{113c7}-\u{113ca}\u{113cc}-\u{113d5}\u{113d7}-\u{113d8}\u{113e1}-\u{113e2}\u{116d0}-\u{116e3}\u{11b00}-\u{11b09}\u{11bc0}-\u{11be1}\u{11bf0}-\u{11bf9}\u{11f00}-\u{11f10}\u{11f12}-\u{11f3a}\u{11f3e}-\u{11f5a}\u{1342f}\u{13439}-\u{13455}\u{13460}-\u{143fa}\u{16100}-\u{16139}\u{16d40}-\u{16d79}\u{18cff}\u{1b132}\u{1b155}\u{1cc00}-\u{1ccf9}\u{1cd00}-\u{1ceb3}\u{1d2c0}-\u{1d2d3}\u{1df25}-\u{1df2a}\u{1e030}-\u{1e06d}\u{1e08f}\u{1e4d0}-\u{1e4f9}\u{1e5d0}-\u{1e5fa}\u{1e5ff}\u{1f6dc}\u{1f774}-\u{1f776}\u{1f77b}-\u{1f77f}\u{1f7d9}\u{1f8b2}-\u{1f8bb}\u{1f8c0}-\u{1f8c1}\u{1fa75}-\u{1fa77}\u{1fa87}-\u{1fa89}\u{1fa8f}\u{1faad}-\u{1faaf}\u{1fabb}-\u{1fabf}\u{1fac6}\u{1face}-\u{1facf}\u{1fada}-\u{1fadc}\u{1fadf}\u{1fae8}-\u{1fae9}\u{1faf7}-\u{1faf8}\u{1fbcb}-\u{1fbef}\u{2b739}\u{2ebf0}-\u{2ee5d}\u{31350}-\u{323af}]/u;

/**
 * Python's `repr(s)`: in single quotes, or double quotes when the text holds a single quote
 * and no double one; backslashes, the quote, `\t \n \r` and unprintable characters escaped
 * (`\x07`, `\u200b`, `\U0001f600` only when unprintable).
 */
export function strRepr(s: string): string {
  if (PLAIN_ASCII.test(s)) return "'" + s + "'";
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (ch === quote || ch === "\\") out += "\\" + ch;
    else if (ch === "\t") out += "\\t";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (code < 0x20 || code === 0x7f) out += "\\x" + hex(code, 2);
    else if (code < 0x7f || (!UNPRINTABLE.test(ch) && !AFTER_UNICODE_14.test(ch))) out += ch;
    else if (code < 0x100) out += "\\x" + hex(code, 2);
    else if (code < 0x10000) out += "\\u" + hex(code, 4);
    else out += "\\U" + hex(code, 8);
  }
  return out + quote;
}

function hex(code: number, width: number): string {
  return code.toString(16).padStart(width, "0");
}

/**
 * A value as plain JavaScript data, for plugins and options: whole floats as numbers, tuples,
 * ranges and views as arrays, dicts as objects keyed by the `str()` of their keys.
 */
export function plainValue(value: Value): unknown {
  if (value instanceof PyFloat) return value.value;
  if (Array.isArray(value)) return Array.from(value, plainValue);
  if (value instanceof PyDict) {
    return Object.fromEntries(value.entries().map(([k, v]) => [pyStr(k), plainValue(v)]));
  }
  return value;
}

/** The static type of a run-time value (for values known at compile time, e.g. literals). */
export function typeOfValue(value: Value): StaticType {
  if (value === null) return "none";
  switch (typeof value) {
    case "boolean":
      return "bool";
    case "number":
      return Number.isInteger(value) ? "int" : "float";
    case "bigint":
      return "int";
    case "string":
      return "str";
  }
  if (value instanceof PyFloat) return "float";
  if (value instanceof PyTuple) return "tuple";
  if (Array.isArray(value)) return "list";
  if (value instanceof Date) return "datetime";
  if (value instanceof PyDate) return "date";
  if (value instanceof PyTimedelta) return "timedelta";
  if (value instanceof PyTimezone) return "timezone";
  if (value instanceof PyTime) return "time";
  return "dict";
}
