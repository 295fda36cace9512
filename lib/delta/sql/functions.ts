/**
 * The functions of tablestream's Spark SQL subset: the date functions generation expressions
 * use (`year`, `month`, `day`, `hour`, `minute`, `second`, `to_date`, `date_format`) and a few
 * common ones (`coalesce`, `length`, `lower`, `upper`, `abs`, `concat`, `substring`), with
 * Spark's semantics for nulls (null in, null out, but `coalesce`).
 *
 * @module
 */
import {
  castValue,
  daysOf,
  fieldsOf,
  isNumeric,
  SqlEvalError,
  type SqlType,
  widerNumeric,
} from "./types.ts";

/** How a call is evaluated, once its argument types are known. */
export interface ResolvedCall {
  /** The result type. */
  type: SqlType;
  /** The type each argument is cast to first (undefined: as it is). */
  argTypes: (SqlType | undefined)[];
  /** The result for non-null arguments (every argument, for `coalesce`). */
  apply(args: unknown[]): unknown;
  /** Whether a null argument gives null without calling `apply` (all but coalesce). */
  nullIn: boolean;
}

/** A function of the subset. */
export interface SqlFunction {
  /** Its canonical name (aliases map to it). */
  name: string;
  minArgs: number;
  maxArgs: number;
  /**
   * How to evaluate it for these argument types; `literals` holds the value of each argument
   * that is a literal (a format must be one). A string says what is wrong.
   */
  resolve(types: SqlType[], literals: unknown[]): ResolvedCall | string;
}

const MICROS_PER_DAY = 86_400_000_000;

/** A function of one date (strings and timestamps cast to a date first) to an int. */
function dateField(name: string, field: (f: ReturnType<typeof fieldsOf>) => number): SqlFunction {
  return {
    name,
    minArgs: 1,
    maxArgs: 1,
    resolve: ([type]) =>
      isDateLike(type)
        ? {
          type: "int",
          argTypes: ["date"],
          nullIn: true,
          apply: ([days]) => field(fieldsOf((days as number) * MICROS_PER_DAY)),
        }
        : `${name} takes a date, timestamp or string, not ${type}`,
  };
}

/** A function of one timestamp (dates and strings cast first) to an int. */
function timeField(name: string, field: (f: ReturnType<typeof fieldsOf>) => number): SqlFunction {
  return {
    name,
    minArgs: 1,
    maxArgs: 1,
    resolve: ([type]) =>
      isDateLike(type)
        ? {
          type: "int",
          argTypes: [type === "timestamp_ntz" ? "timestamp_ntz" : "timestamp"],
          nullIn: true,
          apply: ([micros]) => field(fieldsOf(micros as number)),
        }
        : `${name} takes a timestamp, date or string, not ${type}`,
  };
}

function isDateLike(type: SqlType): boolean {
  return ["date", "timestamp", "timestamp_ntz", "string", "null"].includes(type);
}

/** A function of strings (other types cast to string) to `type`. */
function stringFunction(
  name: string,
  type: SqlType,
  apply: (text: string) => unknown,
): SqlFunction {
  return {
    name,
    minArgs: 1,
    maxArgs: 1,
    resolve: () => ({
      type,
      argTypes: ["string"],
      nullIn: true,
      apply: ([s]) => apply(s as string),
    }),
  };
}

/** Pattern letters of date_format and to_date, as Spark's datetime patterns read them. */
const PATTERN = /'[^']*'|yyyy|yy|y|MM|M|dd|d|HH|H|mm|m|ss|s|SSSSSS|SSS|[A-Za-z]/g;

/** Fails when a datetime pattern uses a letter the subset does not know. */
function checkPattern(pattern: string): string | undefined {
  for (const token of pattern.match(PATTERN) ?? []) {
    if (/^[A-Za-z]/.test(token) && !/^(y+|M+|d+|H+|m+|s+|S+)$/.test(token)) {
      return `the pattern letter "${token}" of "${pattern}" is outside tablestream's SQL subset ` +
        "(it knows yyyy, yy, MM, M, dd, d, HH, H, mm, m, ss, s, SSS, SSSSSS and quoted text)";
    }
  }
  return undefined;
}

/** A timestamp as text in a datetime pattern. */
function formatDate(micros: number, pattern: string): string {
  const f = fieldsOf(micros);
  const pad = (n: number, w: number) => String(n).padStart(w, "0");
  return pattern.replace(PATTERN, (token) => {
    switch (token) {
      case "yyyy":
      case "y":
        return pad(f.year, token.length);
      case "yy":
        return pad(f.year % 100, 2);
      case "MM":
      case "M":
        return pad(f.month, token.length);
      case "dd":
      case "d":
        return pad(f.day, token.length);
      case "HH":
      case "H":
        return pad(f.hour, token.length);
      case "mm":
      case "m":
        return pad(f.minute, token.length);
      case "ss":
      case "s":
        return pad(f.second, token.length);
      case "SSS":
        return pad(Math.floor(f.micro / 1000), 3);
      case "SSSSSS":
        return pad(f.micro, 6);
      default:
        return token.startsWith("'") ? token.slice(1, -1) : token;
    }
  });
}

/** The date a text names in a datetime pattern (date fields only), or undefined. */
function parseWithPattern(text: string, pattern: string): number | undefined {
  let regex = "";
  const fields: string[] = [];
  let last = 0;
  for (const match of pattern.matchAll(PATTERN)) {
    regex += escapeRegex(pattern.slice(last, match.index));
    last = match.index! + match[0].length;
    const token = match[0];
    if (token.startsWith("'")) {
      regex += escapeRegex(token.slice(1, -1));
    } else {
      fields.push(token[0]);
      regex += token.length === 1 || token === "yyyy"
        ? `(\\d{${token.length},${token === "yyyy" ? 4 : 2}})`
        : `(\\d{${token.length}})`;
    }
  }
  regex += escapeRegex(pattern.slice(last));
  const match = new RegExp(`^${regex}$`).exec(text);
  if (!match) return undefined;
  const value: Record<string, number> = { y: 1970, M: 1, d: 1 };
  fields.forEach((field, i) => (value[field] = Number(match[i + 1])));
  if (value.M < 1 || value.M > 12 || value.d < 1 || value.d > 31) return undefined;
  const days = daysOf(value.y, value.M, value.d);
  return castValue(`${value.y}-${value.M}-${value.d}`, "string", "date") === days
    ? days
    : undefined;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The pattern argument of a call: a string literal, or what is wrong with it. */
function literalPattern(name: string, types: SqlType[], literals: unknown[]): string {
  if (types[1] !== "string" || typeof literals[1] !== "string") {
    throw new Error(`${name} takes its pattern as a string literal`);
  }
  const wrong = checkPattern(literals[1]);
  if (wrong) throw new Error(wrong);
  return literals[1];
}

/** Catches a resolution failure thrown deep in a resolver as its message. */
function resolving(resolve: SqlFunction["resolve"]): SqlFunction["resolve"] {
  return (types, literals) => {
    try {
      return resolve(types, literals);
    } catch (error) {
      return (error as Error).message;
    }
  };
}

/** Characters of a string, as Spark counts them (code points). */
function chars(text: string): string[] {
  return Array.from(text);
}

/** Spark's substring: 1-based, 0 taken as 1, a negative start counted from the end. */
function substring(text: string, pos: number, length = Number.MAX_SAFE_INTEGER): string {
  const all = chars(text);
  let start = pos > 0 ? pos - 1 : pos < 0 ? all.length + pos : 0;
  const end = start + length;
  start = Math.max(start, 0);
  return start >= end ? "" : all.slice(start, end).join("");
}

const LIST: SqlFunction[] = [
  dateField("year", (f) => f.year),
  dateField("month", (f) => f.month),
  dateField("day", (f) => f.day),
  timeField("hour", (f) => f.hour),
  timeField("minute", (f) => f.minute),
  timeField("second", (f) => f.second),
  {
    name: "to_date",
    minArgs: 1,
    maxArgs: 2,
    resolve: resolving((types, literals) => {
      if (!isDateLike(types[0])) {
        return `to_date takes a string, date or timestamp, not ${types[0]}`;
      }
      if (types.length === 1) {
        return { type: "date", argTypes: ["date"], nullIn: true, apply: ([d]) => d };
      }
      const pattern = literalPattern("to_date", types, literals);
      return {
        type: "date",
        argTypes: ["string", "string"],
        nullIn: true,
        apply: ([text]) => {
          const days = parseWithPattern(text as string, pattern);
          if (days === undefined) {
            throw new SqlEvalError(
              `"${text}" does not match the pattern "${pattern}" (Spark's CANNOT_PARSE_TIMESTAMP)`,
            );
          }
          return days;
        },
      };
    }),
  },
  {
    name: "date_format",
    minArgs: 2,
    maxArgs: 2,
    resolve: resolving((types, literals) => {
      if (!isDateLike(types[0])) {
        return `date_format takes a timestamp, date or string, not ${types[0]}`;
      }
      const pattern = literalPattern("date_format", types, literals);
      return {
        type: "string",
        argTypes: [types[0] === "timestamp_ntz" ? "timestamp_ntz" : "timestamp", "string"],
        nullIn: true,
        apply: ([micros]) => formatDate(micros as number, pattern),
      };
    }),
  },
  {
    name: "coalesce",
    minArgs: 1,
    maxArgs: Infinity,
    resolve: (types) => {
      const type = commonType(types);
      if (!type) return `coalesce takes arguments of one type, not ${types.join(", ")}`;
      return {
        type,
        argTypes: types.map(() => type),
        nullIn: false,
        apply: (args) => args.find((a) => a !== null) ?? null,
      };
    },
  },
  stringFunction("length", "int", (s) => chars(s).length),
  stringFunction("lower", "string", (s) => s.toLowerCase()),
  stringFunction("upper", "string", (s) => s.toUpperCase()),
  {
    name: "abs",
    minArgs: 1,
    maxArgs: 1,
    resolve: ([type]) =>
      isNumeric(type) || type === "null"
        ? { type, argTypes: [undefined], nullIn: true, apply: ([n]) => Math.abs(n as number) }
        : `abs takes a number, not ${type}`,
  },
  {
    name: "concat",
    minArgs: 0,
    maxArgs: Infinity,
    resolve: (types) => ({
      type: "string",
      argTypes: types.map(() => "string"),
      nullIn: true,
      apply: (args) => args.join(""),
    }),
  },
  {
    name: "substring",
    minArgs: 2,
    maxArgs: 3,
    resolve: (types) =>
      types.slice(1).every((t) => isNumeric(t) || t === "null")
        ? {
          type: "string",
          argTypes: ["string", "int", "int"].slice(0, types.length) as SqlType[],
          nullIn: true,
          apply: ([s, pos, len]) =>
            substring(s as string, pos as number, len as number | undefined),
        }
        : "substring takes a string, a position and a length",
  },
];

/** Spark's other names of the functions. */
const ALIASES: Record<string, string> = {
  dayofmonth: "day",
  substr: "substring",
  char_length: "length",
  character_length: "length",
  lcase: "lower",
  ucase: "upper",
};

/** The functions by lower-case name, aliases included. */
export const FUNCTIONS: Readonly<Record<string, SqlFunction>> = Object.fromEntries([
  ...LIST.map((f) => [f.name, f]),
  ...Object.entries(ALIASES).map(([alias, name]) => [alias, LIST.find((f) => f.name === name)!]),
]);

/** The type values of all `types` can be compared or combined in, or undefined. */
export function commonType(types: SqlType[]): SqlType | undefined {
  const known: SqlType[] = types.filter((t) => t !== "null");
  if (known.length === 0) return "null";
  if (known.every(isNumeric)) return known.reduce(widerNumeric);
  if (known.every((t) => t === known[0])) return known[0];
  const dates = ["date", "timestamp", "string"];
  if (known.every((t) => dates.includes(t)) && !known.every((t) => t === "string")) {
    return known.includes("timestamp") ? "timestamp" : "date";
  }
  if (known.every((t) => ["timestamp_ntz", "date", "string"].includes(t))) return "timestamp_ntz";
  return undefined;
}
