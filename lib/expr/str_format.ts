/**
 * `str.format` (`"{0[1]}: {name!r:>6}".format(...)`): replacement fields with indexes, keys,
 * attributes and nested specs; and the conversions (`!r`, `!s`, `!a`) of f-string fields.
 * Each field's spec is the mini-language of `format_spec.ts`.
 *
 * @module
 */
import { asciiRepr, formatValue, valueError } from "./format_spec.ts";
import { ExprRuntimeError } from "./runtime_error.ts";
import { ATTRIBUTES, kindOf } from "./methods.ts";
import { PyDict, PyDictView, pyRepr, pyStr, typeNameOf, type Value } from "./values.ts";

/** A replacement field's `[key]` parts after the argument name (`{0[1]}`, `{d[name]}`). */
function lookup(value: Value, path: string, field: string): Value {
  let current = value;
  const re = /\[([^\]]*)\]/gy;
  let at = 0;
  for (;;) {
    if (at === path.length) return current;
    if (path[at] === ".") {
      const name = /^\.(\w+)/.exec(path.slice(at))?.[1];
      if (name === undefined) throw valueError(`Invalid format field {${field}}`);
      const kind = kindOf(current);
      const attribute = kind && ATTRIBUTES[kind]?.[name];
      if (!attribute || !Object.hasOwn(ATTRIBUTES[kind!]!, name)) {
        throw new ExprRuntimeError(
          `A ${
            typeNameOf(current)
          } value has no attribute \`${name}\` (in the format field {${field}})`,
          "AttributeError",
        );
      }
      current = attribute.get(current);
      at += name.length + 1;
      continue;
    }
    re.lastIndex = at;
    const m = re.exec(path);
    if (!m) throw valueError(`Invalid format field {${field}}`);
    const key: Value = /^\d+$/.test(m[1]) ? Number(m[1]) : m[1];
    if (current instanceof PyDict) {
      const item = current.get(key);
      if (item === undefined) {
        throw new ExprRuntimeError(`Key ${pyRepr(key)} is not in the dict`, "KeyError");
      }
      current = item;
    } else if (
      Array.isArray(current) && !(current instanceof PyDictView) && typeof key === "number"
    ) {
      if (key >= current.length) {
        throw new ExprRuntimeError(`Index ${key} is out of range`, "IndexError");
      }
      current = current[key];
    } else if (typeof current === "string" && typeof key === "number") {
      const chars = [...current];
      if (key >= chars.length) {
        throw new ExprRuntimeError(`Index ${key} is out of range`, "IndexError");
      }
      current = chars[key];
    } else {
      throw new ExprRuntimeError(
        `A ${typeNameOf(current)} cannot be indexed with ${pyRepr(key)} in a format field`,
        "TypeError",
      );
    }
    at = re.lastIndex;
  }
}

/**
 * Python's `template.format(*positional, **keywords)`: `{}`, `{0}`, `{name}`, `{0[1]}`, each
 * with an optional `!r`, `!s` or `!a` and `:spec`.
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
    if (ch === "}") throw valueError("Single '}' encountered in format string; write '}}'");
    if (ch !== "{") {
      out += ch;
      i++;
      continue;
    }
    // The field ends at its matching `}`: a spec may hold nested fields (`{:{width}}`).
    let close = i + 1;
    for (let depth = 1; close < template.length; close++) {
      if (template[close] === "{") depth++;
      else if (template[close] === "}" && --depth === 0) break;
    }
    if (close >= template.length) {
      throw valueError("Single '{' encountered in format string; write '{{'");
    }
    const field = template.slice(i + 1, close);
    const m = /^([^!:.[]*)([^!:]*)(?:!([^:]*))?(?::(.*))?$/s.exec(field)!;
    const [, name, path, conversion] = m;
    let spec = m[4] ?? "";
    if (conversion !== undefined && !/^[rsa]$/.test(conversion)) {
      throw valueError(`Unknown conversion specifier ${conversion}`);
    }
    let value: Value;
    if (name === "" || /^\d+$/.test(name)) {
      const mode = name === "" ? "auto" : "manual";
      if (numbering && numbering !== mode) {
        throw valueError(
          "Cannot switch between automatic field numbering `{}` and numbered fields `{0}`",
        );
      }
      numbering = mode;
      const index = name === "" ? auto++ : Number(name);
      if (index >= positional.length) {
        throw new ExprRuntimeError(
          `Replacement index ${index} out of range for positional args tuple`,
          "IndexError",
        );
      }
      value = positional[index];
    } else {
      if (!Object.hasOwn(keywords, name)) {
        throw new ExprRuntimeError(
          `Format string needs the keyword argument ${JSON.stringify(name)}`,
          "KeyError",
        );
      }
      value = keywords[name];
    }
    if (spec.includes("{")) {
      // Nested fields take the next numbers: `'{:{}}'.format(1, 5)` is `'    1'`.
      const nested = { positional, keywords, auto, numbering };
      spec = formatNested(spec, nested);
      auto = nested.auto;
      numbering = nested.numbering;
    }
    out += convertAndFormat(lookup(value, path, field), conversion, spec);
    i = close + 1;
  }
  return out;
}

/** The fields of a format spec within a `str.format` field, numbered on from the outer ones. */
function formatNested(
  spec: string,
  state: {
    positional: readonly Value[];
    keywords: Readonly<Record<string, Value>>;
    auto: number;
    numbering: "auto" | "manual" | undefined;
  },
): string {
  return spec.replace(/\{([^{}]*)\}/g, (_, inner: string) => {
    const m = /^([^!:.[]*)([^!:]*)(?:!([^:]*))?(?::(.*))?$/s.exec(inner)!;
    const [, name, path, conversion, innerSpec = ""] = m;
    let value: Value;
    if (name === "" || /^\d+$/.test(name)) {
      const mode = name === "" ? "auto" : "manual";
      if (state.numbering && state.numbering !== mode) {
        throw valueError(
          "Cannot switch between automatic field numbering `{}` and numbered fields `{0}`",
        );
      }
      state.numbering = mode;
      const index = name === "" ? state.auto++ : Number(name);
      if (index >= state.positional.length) {
        throw new ExprRuntimeError(
          `Replacement index ${index} out of range for positional args tuple`,
          "IndexError",
        );
      }
      value = state.positional[index];
    } else {
      if (!Object.hasOwn(state.keywords, name)) {
        throw new ExprRuntimeError(
          `Format string needs the keyword argument ${JSON.stringify(name)}`,
          "KeyError",
        );
      }
      value = state.keywords[name];
    }
    return convertAndFormat(lookup(value, path, inner), conversion, innerSpec);
  });
}

/** Applies an f-string / str.format conversion (`!r`, `!s`, `!a`) and then the spec. */
export function convertAndFormat(
  value: Value,
  conversion: string | undefined,
  spec: string,
): string {
  if (conversion === "r") return formatValue(pyRepr(value), spec);
  if (conversion === "s") return formatValue(pyStr(value), spec);
  if (conversion === "a") return formatValue(asciiRepr(value), spec);
  return formatValue(value, spec);
}
