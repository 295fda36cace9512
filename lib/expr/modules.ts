/**
 * The names that are always defined, as tablefaker defines them for `data:`: the modules
 * (`fake`, `random`, `datetime`, `math`, `string`...), the constructors callable by name
 * (`datetime(...)`, `timedelta(...)`...), the constants (`UTC`, `MINYEAR`, `MAXYEAR`), and
 * which of them an `import` statement may name.
 *
 * @module
 */
import {
  DATE_CONSTRUCTOR,
  DATE_FUNCTIONS,
  DATETIME_CONSTANTS,
  DATETIME_CONSTRUCTOR,
  DATETIME_FUNCTIONS,
  TIME_CONSTRUCTOR,
  TIMEDELTA_CONSTRUCTOR,
  TIMEZONE_CONSTRUCTOR,
} from "./datetime_module.ts";
import type { FunctionSpec } from "./function_spec.ts";
import { MATH_CONSTANTS, MATH_FUNCTIONS } from "./math_module.ts";
import { RANDOM_FUNCTIONS } from "./random_module.ts";
import { STRING_CONSTANTS, STRING_FUNCTIONS } from "./string_module.ts";
import { type StaticType, typeOfValue, type Value } from "./values.ts";
import { UTC_ZONE } from "./datetime_values.ts";

/** Names written as `name.member`. */
export const MODULES = [
  "fake",
  "faker",
  "random",
  "datetime",
  "date",
  "math",
  "string",
  "timezone",
] as const;

/** One of {@link MODULES}. */
export type ModuleName = typeof MODULES[number];

/** Whether a name is one of {@link MODULES}. */
export function isModule(name: string): name is ModuleName {
  return (MODULES as readonly string[]).includes(name);
}

/** An example use per module, for messages about using a module as a value. */
export const MODULE_EXAMPLES: Readonly<Record<ModuleName, string>> = {
  fake: "fake.name()",
  faker: "faker.person.firstName()",
  random: "random.randint(1, 10)",
  datetime: "datetime.now()",
  date: "date.today()",
  math: "math.floor(x)",
  string: "string.ascii_uppercase",
  timezone: "timezone.utc",
};

/** The function tables of `module.name(...)` calls. */
export const MODULE_FUNCTIONS: Partial<Record<ModuleName, Readonly<Record<string, FunctionSpec>>>> =
  {
    random: RANDOM_FUNCTIONS,
    datetime: DATETIME_FUNCTIONS,
    date: DATE_FUNCTIONS,
    math: MATH_FUNCTIONS,
    string: STRING_FUNCTIONS,
  };

/** A value known by name, with its static type. */
export interface Constant {
  readonly value: Value;
  readonly type: StaticType;
}

function constants(values: Readonly<Record<string, Value>>): Record<string, Constant> {
  return Object.fromEntries(
    Object.entries(values).map(([name, value]) => [name, { value, type: typeOfValue(value) }]),
  );
}

/** `module.name` values: `math.pi`, `string.digits`, `timezone.utc`, `datetime.UTC`. */
export const MODULE_CONSTANTS: Partial<Record<ModuleName, Readonly<Record<string, Constant>>>> = {
  math: MATH_CONSTANTS,
  string: STRING_CONSTANTS,
  timezone: { utc: { value: UTC_ZONE, type: "timezone" } },
  datetime: constants(DATETIME_CONSTANTS),
};

/** Constants written as bare names: `UTC`, `MINYEAR`, `MAXYEAR`. */
export const GLOBAL_CONSTANTS: Readonly<Record<string, Constant>> = constants(DATETIME_CONSTANTS);

/** Constructors called by bare name (and as `datetime.<name>(...)` after `import datetime`). */
export const CONSTRUCTORS: Readonly<Record<string, FunctionSpec>> = {
  datetime: DATETIME_CONSTRUCTOR,
  date: DATE_CONSTRUCTOR,
  timedelta: TIMEDELTA_CONSTRUCTOR,
  timezone: TIMEZONE_CONSTRUCTOR,
  time: TIME_CONSTRUCTOR,
};

/** What `module.member` is, when `member` belongs to the module: a function, a constant or (for `datetime`) a class. */
export function isModuleMember(module: ModuleName, member: string): boolean {
  if (module === "fake" || module === "faker") return true;
  const table = MODULE_FUNCTIONS[module];
  if (table && Object.hasOwn(table, member)) return true;
  const values = MODULE_CONSTANTS[module];
  if (values && Object.hasOwn(values, member)) return true;
  return module === "datetime" && Object.hasOwn(CONSTRUCTORS, member);
}

/** Modules an `import` may name: they are always available, so importing only binds names. */
export const IMPORTABLE_MODULES = ["datetime", "math", "random", "string"] as const;

/**
 * What `from module import member` binds `member` to: a global name (`datetime`,
 * `timedelta`, `UTC`...) or `module.member`; undefined when the module has no such member.
 */
export function importedMember(
  module: string,
  member: string,
): { global: string } | { module: ModuleName; member: string } | undefined {
  if (module === "datetime") {
    if (Object.hasOwn(CONSTRUCTORS, member) || Object.hasOwn(GLOBAL_CONSTANTS, member)) {
      return { global: member };
    }
    return undefined;
  }
  if (module === "math" || module === "random" || module === "string") {
    return isModuleMember(module, member) ? { module, member } : undefined;
  }
  return undefined;
}

/** The members `from module import ...` may name, for "did you mean" hints. */
export function importableMembers(module: string): string[] {
  if (module === "datetime") {
    return [...Object.keys(CONSTRUCTORS), ...Object.keys(GLOBAL_CONSTANTS)];
  }
  if (module === "math" || module === "random" || module === "string") {
    return [
      ...Object.keys(MODULE_FUNCTIONS[module] ?? {}),
      ...Object.keys(MODULE_CONSTANTS[module] ?? {}),
    ];
  }
  return [];
}
