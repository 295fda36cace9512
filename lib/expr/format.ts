/**
 * Python's three ways of formatting values into text: the format-spec mini-language
 * (`format(x, ".2f")`, f-string fields), `str.format` and printf-style `%`.
 *
 * @module
 */
import { checkLength } from "./limits.ts";
import { strftime } from "./datetime_text.ts";
import { floatToInt, intToFloat } from "./integers.ts";
import { pyRound } from "./numbers.ts";
import { ExprRuntimeError } from "./runtime_error.ts";
import { isDict, PyDate, PyObject, pyRepr, pyStr, typeOfValue, type Value } from "./values.ts";

/** A parsed format spec: `[[fill]align][sign][#][0][width][grouping][.precision][type]`. */
export interface FormatSpec {
  fill: string;
  align?: "<" | ">" | "^" | "=";
  sign: "-" | "+" | " ";
  alternate: boolean;
  zero: boolean;
  width: number;
  grouping?: "," | "_";
  precision?: number;
  type: string;
}

const SPEC =
  /^(?:(.)?([<>^=]))?([-+ ])?(z)?(#)?(0)?(\d+)?([,_])?(?:\.(\d+))?([bcdeEfFgGnosxX%])?$/su;

/** Parses a format spec; throws with a clear message when it is malformed. */
export function parseSpec(spec: string): FormatSpec {
  const m = SPEC.exec(spec);
  if (!m) throw new ExprRuntimeError(`Invalid format spec ${JSON.stringify(spec)}`);
  if (m[7]) checkLength(Number(m[7]), "str", `The format width ${m[7]}`);
  if (m[9]) checkLength(Number(m[9]), "str", `The format precision .${m[9]}`);
  return {
    fill: m[1] ?? (m[6] ? "0" : " "),
    align: (m[2] as FormatSpec["align"]) ?? (m[6] ? "=" : undefined),
    sign: (m[3] as FormatSpec["sign"]) ?? "-",
    alternate: m[5] !== undefined,
    zero: m[6] !== undefined,
    width: m[7] ? Number(m[7]) : 0,
    grouping: m[8] as FormatSpec["grouping"],
    precision: m[9] !== undefined ? Number(m[9]) : undefined,
    type: m[10] ?? "",
  };
}

/**
 * Python's `format(value, spec)`. `asFloat` says the value is statically a float, so
 * `3.0` prints as `3.0` rather than `3`. Dates use the spec as a strftime format.
 *
 * @example
 * ```ts
 * formatValue(3.14159, ".2f"); // "3.14"
 * formatValue(42, ">6"); // "    42"
 * ```
 */
export function formatValue(value: Value, spec: string, asFloat = false): string {
  if (value instanceof Date || value instanceof PyDate) {
    return spec === "" ? pyStr(value) : strftime(value, spec);
  }
  if (value instanceof PyObject) {
    if (spec === "") return pyStr(value);
    throw new ExprRuntimeError(
      `Cannot format a ${typeOfValue(value)} with spec ${JSON.stringify(spec)}; use str(...)`,
    );
  }
  if (spec === "") return pyStr(value, asFloat);
  const parsed = parseSpec(spec);
  if (typeof value === "number" || typeof value === "bigint") {
    return formatNumberWith(value, parsed, asFloat);
  }
  if (typeof value === "boolean" && parsed.type !== "") {
    return formatNumberWith(Number(value), parsed, asFloat);
  }
  if (typeof value === "string" || typeof value === "boolean" || value === null) {
    return formatText(pyStr(value), parsed);
  }
  throw new ExprRuntimeError(
    `Cannot format a ${Array.isArray(value) ? "list" : "dict"} with spec ${JSON.stringify(spec)}`,
  );
}

function formatText(text: string, spec: FormatSpec): string {
  if (spec.type !== "" && spec.type !== "s") {
    throw new ExprRuntimeError(`Format code '${spec.type}' needs a number, not a string`);
  }
  if (spec.sign !== "-" || spec.alternate || spec.grouping) {
    throw new ExprRuntimeError("Sign, `#` and grouping options need a number, not a string");
  }
  const clipped = spec.precision !== undefined ? [...text].slice(0, spec.precision).join("") : text;
  return align(clipped, "", spec, "<");
}

/** Formats a number with a parsed spec; an int beyond 2^53 (a `bigint`) keeps every digit. */
export function formatNumberWith(
  value: number | bigint,
  spec: FormatSpec,
  asFloat = false,
): string {
  let type = spec.type;
  const isInt = typeof value === "bigint" || (Number.isInteger(value) && !asFloat);
  if (type === "n") type = isInt ? "d" : "g";
  if (type === "") type = spec.precision !== undefined ? "g" : isInt ? "d" : "r";
  // A float format of an int converts it, as Python does (OverflowError past 1.8e308).
  const n = typeof value === "bigint" && !INT_TYPES.has(type) ? intToFloat(value) : value;
  const negative = n < 0 || Object.is(n, -0);
  let body: string;
  let prefix = "";
  if (typeof n === "number" && !Number.isFinite(n)) {
    body = Number.isNaN(n) ? "nan" : "inf";
    if (type === type.toUpperCase() && type !== "%") body = body.toUpperCase();
    if (type === "%") body += "%";
  } else if (type === "d") {
    const int = integerFor(n, type);
    body = typeof int === "number" ? String(Math.abs(int)) : String(int < 0n ? -int : int);
  } else if (INT_TYPES.has(type)) {
    const int = integerFor(n, type);
    if (type === "c") return align(codePointText(int), "", spec, "<");
    body = (int < 0 ? -int : int).toString(RADIX[type]);
    if (type === "X") body = body.toUpperCase();
    if (spec.alternate) prefix = type === "X" ? "0X" : "0" + type;
  } else {
    const magnitude = Math.abs(n as number);
    switch (type) {
      case "f":
      case "F":
        body = toFixed(magnitude, spec.precision ?? 6, spec.alternate);
        break;
      case "e":
      case "E":
        body = toExponent(magnitude, spec.precision ?? 6, spec.alternate);
        if (type === "E") body = body.toUpperCase();
        break;
      case "g":
      case "G":
        body = toGeneral(magnitude, spec.precision ?? 6, spec.alternate);
        if (type === "G") body = body.toUpperCase();
        break;
      case "%":
        body = toFixed(magnitude * 100, spec.precision ?? 6, spec.alternate) + "%";
        break;
      default: // "r": Python's repr of a float
        body = pyStr(magnitude, true);
    }
  }
  if (spec.grouping) body = group(body, spec.grouping, type);
  const sign = negative && body !== "0" ? "-" : spec.sign === "-" ? "" : spec.sign;
  return align(body, sign + prefix, spec, ">");
}

/** The format types that print an int's digits (and `c`, its character). */
const INT_TYPES = new Set(["d", "b", "o", "x", "X", "c"]);

const RADIX: Record<string, number> = { b: 2, o: 8, x: 16, X: 16 };

function integerFor(n: number | bigint, type: string): number | bigint {
  if (typeof n === "number" && !Number.isInteger(n)) {
    throw new ExprRuntimeError(`Format code '${type}' needs an int, not a float`);
  }
  return n;
}

/** Format code `c`: the character of a code point. */
function codePointText(code: number | bigint): string {
  if (code < 0 || code > 0x10ffff) {
    throw new ExprRuntimeError(`Format code 'c' needs a code point from 0 to 0x10ffff`);
  }
  return String.fromCodePoint(Number(code));
}

function toFixed(n: number, precision: number, alternate: boolean): string {
  // JS rounds exact ties up (2.25 -> "2.3"); Python rounds them to even ("2.2").
  const rounded = precision <= 15 && n < 1e15 ? pyRound(n, precision) : n;
  const text = n < 1e21
    ? rounded.toFixed(Math.min(precision, 100))
    : BigInt(n).toString() + (precision ? "." + "0".repeat(precision) : "");
  return alternate && precision === 0 ? text + "." : text;
}

function toExponent(n: number, precision: number, alternate: boolean): string {
  const text = n.toExponential(Math.min(precision, 100)).replace(/e([+-])(\d)$/, "e$10$2");
  return alternate && precision === 0 ? text.replace("e", ".e") : text;
}

function toGeneral(n: number, precision: number, alternate: boolean): string {
  const p = precision === 0 ? 1 : precision;
  if (n === 0) return alternate ? "0." + "0".repeat(p - 1) : "0";
  const exponent = Number(n.toExponential(p - 1).split("e")[1]);
  const text = exponent >= -4 && exponent < p
    ? n.toFixed(p - 1 - exponent)
    : toExponent(n, p - 1, false);
  if (alternate) return text;
  // Trailing zeros go from the mantissa only, never from the exponent.
  const [mantissa, exponentPart] = text.split("e");
  const stripped = mantissa.includes(".") ? mantissa.replace(/\.?0+$/, "") : mantissa;
  return exponentPart === undefined ? stripped : stripped + "e" + exponentPart;
}

function group(body: string, separator: string, type: string): string {
  const every = type === "b" || type === "o" || type === "x" || type === "X" ? 4 : 3;
  const match = /^(\d+)(.*)$/s.exec(body);
  if (!match) return body;
  const [, digits, rest] = match;
  let out = "";
  for (let i = 0; i < digits.length; i++) {
    if (i > 0 && (digits.length - i) % every === 0) out += separator;
    out += digits[i];
  }
  return out + rest;
}

function align(body: string, prefix: string, spec: FormatSpec, defaultAlign: "<" | ">"): string {
  const length = [...body].length + prefix.length;
  const padding = Math.max(0, spec.width - length);
  if (padding === 0) return prefix + body;
  const fill = spec.fill;
  switch (spec.align ?? defaultAlign) {
    case "<":
      return prefix + body + fill.repeat(padding);
    case "^": {
      const left = Math.floor(padding / 2);
      return fill.repeat(left) + prefix + body + fill.repeat(padding - left);
    }
    case "=":
      return prefix + fill.repeat(padding) + body;
    default:
      return fill.repeat(padding) + prefix + body;
  }
}

/**
 * Python's `template.format(*positional, **keywords)`: `{}`, `{0}`, `{name}`, each with an
 * optional `!r` / `!s` and `:spec`.
 */
export function formatString(
  template: string,
  positional: readonly Value[],
  keywords: Readonly<Record<string, Value>>,
): string {
  let out = "";
  let auto = 0;
  let numbering: "auto" | "manual" | undefined;
  let i = 0;
  while (i < template.length) {
    const ch = template[i];
    if ((ch === "{" || ch === "}") && template[i + 1] === ch) {
      out += ch;
      i += 2;
      continue;
    }
    if (ch === "}") throw new ExprRuntimeError("Single '}' in a format string; write '}}'");
    if (ch !== "{") {
      out += ch;
      i++;
      continue;
    }
    const close = template.indexOf("}", i);
    if (close < 0) throw new ExprRuntimeError("Single '{' in a format string; write '{{'");
    const field = template.slice(i + 1, close);
    const m = /^([^!:]*)(?:!([rs]))?(?::(.*))?$/s.exec(field);
    if (!m) throw new ExprRuntimeError(`Invalid format field {${field}}`);
    const [, name, conversion, spec = ""] = m;
    let value: Value;
    if (name === "" || /^\d+$/.test(name)) {
      const mode = name === "" ? "auto" : "manual";
      if (numbering && numbering !== mode) {
        throw new ExprRuntimeError(
          "Cannot mix automatic `{}` and numbered `{0}` fields in one format string",
        );
      }
      numbering = mode;
      const index = name === "" ? auto++ : Number(name);
      if (index >= positional.length) {
        throw new ExprRuntimeError(
          `Format string needs argument ${index}, but only ${positional.length} were given`,
        );
      }
      value = positional[index];
    } else {
      if (!Object.hasOwn(keywords, name)) {
        throw new ExprRuntimeError(
          `Format string needs the keyword argument ${JSON.stringify(name)}`,
        );
      }
      value = keywords[name];
    }
    out += convertAndFormat(value, conversion, spec);
    i = close + 1;
  }
  return out;
}

/** Applies an f-string / str.format conversion (`!r`, `!s`) and then the spec. */
export function convertAndFormat(
  value: Value,
  conversion: string | undefined,
  spec: string,
  asFloat = false,
): string {
  if (conversion === "r") return formatValue(pyRepr(value), spec);
  if (conversion === "s") return formatValue(pyStr(value, asFloat), spec);
  return formatValue(value, spec, asFloat);
}

const PERCENT = /%(?:\(([^)]*)\))?([-+ 0#]*)(\d+|\*)?(?:\.(\d+))?([diouxXeEfFgGcrsa%])/g;

function percentNumber(type: string, value: Value): ExprRuntimeError {
  return new ExprRuntimeError(
    `%${type} format needs a number, not ${value === null ? "None" : typeof value}`,
  );
}

/** printf-style `template % args`: `args` is one value, a tuple/list, or a dict for `%(name)s`. */
export function formatPercent(template: string, args: Value): string {
  const byName = isDict(args) ? args : undefined;
  const list = Array.isArray(args) ? args : [args];
  let next = 0;
  let usedMapping = false;
  const take = (): Value => {
    if (next >= list.length) {
      throw new ExprRuntimeError("Not enough arguments for the % format string");
    }
    return list[next++];
  };
  const out = template.replace(
    PERCENT,
    (_, name: string | undefined, flags: string, width = "", precision, type) => {
      if (type === "%") return "%";
      let value: Value;
      if (name !== undefined) {
        if (!byName) throw new ExprRuntimeError("`%(name)s` fields need a dict on the right of %");
        if (!Object.hasOwn(byName, name)) {
          throw new ExprRuntimeError(
            `Missing key ${JSON.stringify(name)} for the % format`,
          );
        }
        value = byName[name];
        usedMapping = true;
      } else {
        value = take();
      }
      const w = width === "*" ? Number(take()) : Number(width || 0);
      checkLength(w, "str", `The % format width ${w}`);
      if (precision) checkLength(Number(precision), "str", `The % format precision .${precision}`);
      const spec: FormatSpec = {
        fill: flags.includes("0") && !flags.includes("-") && !"sr".includes(type) ? "0" : " ",
        align: flags.includes("-") ? "<" : flags.includes("0") && !"sr".includes(type) ? "=" : ">",
        sign: flags.includes("+") ? "+" : flags.includes(" ") ? " " : "-",
        alternate: flags.includes("#"),
        zero: false,
        width: w,
        precision: precision !== undefined ? Number(precision) : undefined,
        type: "",
      };
      if (type === "s" || type === "r" || type === "a") {
        return formatText(type === "s" ? pyStr(value) : pyRepr(value), {
          ...spec,
          sign: "-",
          alternate: false,
        });
      }
      const n = typeof value === "boolean" ? Number(value) : value;
      if (type === "c") {
        if (typeof n === "string") return formatText(n, spec);
        if (typeof n !== "number" && typeof n !== "bigint") throw percentNumber(type, value);
        return formatText(codePointText(n), spec);
      }
      if (typeof n !== "number" && typeof n !== "bigint") throw percentNumber(type, value);
      const numberType = type === "i" || type === "u" ? "d" : type;
      // `%d` of a float is of its int: exact, `%d` % 1e22 has all 23 digits.
      const whole = "doxX".includes(numberType) && typeof n === "number" ? floatToInt(n) : n;
      return formatNumberWith(whole, { ...spec, type: numberType }, false);
    },
  );
  if (!usedMapping && !byName && next < list.length) {
    throw new ExprRuntimeError("Not all arguments were used by the % format string");
  }
  return out;
}
