/**
 * printf-style formatting, `template % args` (`"%s-%05d" % (a, n)`, `"%(name)s" % d`), as
 * CPython reads its flags, width, precision and arguments.
 *
 * @module
 */
import { checkLength } from "./limits.ts";
import { floatToInt, intToFloat } from "./integers.ts";
import {
  align,
  asciiRepr,
  codePointText,
  formatFloat,
  type FormatSpec,
  RADIX,
  valueError,
} from "./format_spec.ts";
import { ExprRuntimeError } from "./runtime_error.ts";
import {
  isDict,
  PyDict,
  PyDictView,
  PyFloat,
  pyRepr,
  pyStr,
  PyTuple,
  typeNameOf,
  type Value,
} from "./values.ts";

function percentNeeds(type: string, what: string, value: Value): ExprRuntimeError {
  return new ExprRuntimeError(
    `%${type} format: ${what} is required, not ${typeNameOf(value)}`,
    "TypeError",
  );
}

/** Whether `%` reads its arguments by key: a value with `__getitem__` that is not a tuple or str. */
function isMapping(value: Value): boolean {
  return isDict(value) || (Array.isArray(value) && !(value instanceof PyTuple) &&
    !(value instanceof PyDictView));
}

/**
 * printf-style `template % args`: `args` is a tuple of values, one other value, or a dict for
 * `%(name)s`, read as CPython reads them (a list is one value).
 */
export function formatPercent(template: string, args: Value): string {
  const list = args instanceof PyTuple ? args : undefined;
  const mapping = isMapping(args) ? args : undefined;
  let next = list ? 0 : -2;
  const length = list ? list.length : -1;
  let current: Value = args;
  const take = (): Value => {
    if (next < length) {
      const index = next++;
      return list ? list[index] : current;
    }
    throw new ExprRuntimeError("Not enough arguments for the format string", "TypeError");
  };
  let out = "";
  let i = 0;
  while (i < template.length) {
    const percent = template.indexOf("%", i);
    if (percent < 0) {
      out += template.slice(i);
      break;
    }
    out += template.slice(i, percent);
    i = percent + 1;
    if (template[i] === "(") {
      if (!mapping) throw new ExprRuntimeError("Format requires a mapping", "TypeError");
      let depth = 1;
      let end = i + 1;
      while (end < template.length && depth > 0) {
        if (template[end] === "(") depth++;
        else if (template[end] === ")") depth--;
        end++;
      }
      if (depth > 0) throw valueError("Incomplete format key");
      const key = template.slice(i + 1, end - 1);
      const value = mapping instanceof PyDict ? mapping.get(key) : undefined;
      if (value === undefined) {
        throw mapping instanceof PyDict
          ? new ExprRuntimeError(`Key ${pyRepr(key)} is not in the dict`, "KeyError")
          : new ExprRuntimeError("List indices must be integers, not str", "TypeError");
      }
      current = value;
      next = -2;
      i = end;
    }
    const flagsMatch = /^[-+ #0]*/.exec(template.slice(i))![0];
    i += flagsMatch.length;
    let width = 0;
    if (template[i] === "*") {
      const w = take();
      if (typeof w !== "number" || !Number.isInteger(w)) {
        throw new ExprRuntimeError("* wants int", "TypeError");
      }
      width = w;
      i++;
    } else {
      const digits = /^\d*/.exec(template.slice(i))![0];
      width = digits ? Number(digits) : 0;
      i += digits.length;
    }
    let precision: number | undefined;
    if (template[i] === ".") {
      i++;
      if (template[i] === "*") {
        const p = take();
        if (typeof p !== "number" || !Number.isInteger(p)) {
          throw new ExprRuntimeError("* wants int", "TypeError");
        }
        precision = Math.max(0, p);
        i++;
      } else {
        const digits = /^\d*/.exec(template.slice(i))![0];
        precision = digits ? Number(digits) : 0;
        i += digits.length;
      }
    }
    while ("hlL".includes(template[i] ?? "x")) i++;
    const type = template[i];
    if (type === undefined) throw valueError("Incomplete format");
    i++;
    if (type === "%") {
      out += "%";
      continue;
    }
    let flags = flagsMatch;
    if (width < 0) {
      flags += "-";
      width = -width;
    }
    checkLength(width, "str", `The % format width ${width}`);
    if (precision !== undefined) {
      checkLength(precision, "str", `The % format precision .${precision}`);
    }
    out += percentField(type, flags, width, precision, take());
  }
  if (next < length && !mapping) {
    throw new ExprRuntimeError(
      "Not all arguments converted during string formatting",
      "TypeError",
    );
  }
  return out;
}

/** One `%` field: `type` with its flags, width and precision, of one value. */
function percentField(
  type: string,
  flags: string,
  width: number,
  precision: number | undefined,
  value: Value,
): string {
  const left = flags.includes("-");
  const spec: FormatSpec = {
    fill: " ",
    align: left ? "<" : ">",
    alignGiven: true,
    sign: flags.includes("+") ? "+" : flags.includes(" ") ? " " : "-",
    signGiven: false,
    coerceZero: false,
    alternate: flags.includes("#"),
    zero: false,
    width,
    type: "",
  };
  const zeroPad = flags.includes("0") && !left;
  if (type === "s" || type === "r" || type === "a") {
    const text = type === "s" ? pyStr(value) : type === "r" ? pyRepr(value) : asciiRepr(value);
    const cut = precision !== undefined ? [...text].slice(0, precision).join("") : text;
    return align(cut, "", spec, ">");
  }
  if (type === "c") {
    if (typeof value === "string") {
      if ([...value].length !== 1) {
        throw new ExprRuntimeError("%c requires an int or a unicode character", "TypeError");
      }
      return align(value, "", spec, ">");
    }
    const code = typeof value === "boolean" ? Number(value) : value;
    if (typeof code !== "bigint" && !(typeof code === "number" && Number.isInteger(code))) {
      throw new ExprRuntimeError("%c requires an int or a unicode character", "TypeError");
    }
    return align(codePointText(code), "", spec, ">");
  }
  const numberSpec: FormatSpec = zeroPad ? { ...spec, fill: "0", align: "=" } : spec;
  if ("diuxXo".includes(type)) {
    let n: number | bigint;
    if (typeof value === "boolean") n = value ? 1 : 0;
    else if (typeof value === "number" || typeof value === "bigint") {
      if (typeof value === "number" && !Number.isInteger(value)) {
        if (!"diu".includes(type)) throw percentNeeds(type, "an integer", value);
        n = floatToInt(value);
      } else n = value;
    } else if (value instanceof PyFloat) {
      if (!"diu".includes(type)) throw percentNeeds(type, "an integer", value);
      n = floatToInt(value.value);
    } else {
      throw percentNeeds(type, "diu".includes(type) ? "a real number" : "an integer", value);
    }
    const radixType = type === "i" || type === "u" ? "d" : type;
    const negative = n < 0;
    const magnitude = typeof n === "bigint" ? (negative ? -n : n) : Math.abs(n);
    let body = magnitude.toString(RADIX[radixType] ?? 10);
    if (radixType === "X") body = body.toUpperCase();
    if (precision !== undefined) body = body.padStart(precision, "0");
    const prefix = spec.alternate && radixType !== "d"
      ? (radixType === "X" ? "0X" : "0" + radixType)
      : "";
    const sign = negative ? "-" : spec.sign === "-" ? "" : spec.sign;
    return align(body, sign + prefix, numberSpec, ">");
  }
  if ("eEfFgG".includes(type)) {
    let x: number;
    if (typeof value === "number") x = value;
    else if (value instanceof PyFloat) x = value.value;
    else if (typeof value === "boolean") x = Number(value);
    else if (typeof value === "bigint") x = intToFloat(value);
    else throw percentNeeds(type, "a real number", value);
    return formatFloat(x, { ...numberSpec, precision: precision ?? 6, type });
  }
  throw valueError(`Unsupported format character '${type}'`);
}
