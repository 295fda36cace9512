/**
 * Plugin options written as data: each option's type, default, description and examples.
 * The same spec checks a user's options (before `create`), types them for the plugin, and
 * writes the `plugins` listing and the docs.
 *
 * @module
 */
import { closestString } from "../expr/suggest.ts";

/**
 * The types an option may have: `record<number>` is a mapping of names to numbers (e.g.
 * weights), `any` a JSON-like value the plugin checks itself.
 */
export const OPTION_KINDS = [
  "string",
  "number",
  "integer",
  "boolean",
  "string[]",
  "number[]",
  "record<number>",
  "any",
] as const;

/** One of {@link OPTION_KINDS}. */
export type OptionKind = typeof OPTION_KINDS[number];

/** One option of a plugin. */
export interface OptionSpec {
  type: OptionKind;
  description: string;
  /** Used when the option is not given; an option without a default is required. */
  default?: unknown;
  /** The option may be left out even without a default. */
  optional?: boolean;
  /** Allowed values (strings or numbers). */
  choices?: readonly (string | number)[];
  /** Bounds of numbers. */
  min?: number;
  max?: number;
  /** Example values, for the docs and the `plugins` listing. */
  examples?: readonly unknown[];
}

/** A plugin's options, by name (snake_case, as written in the config). */
export type OptionsSpec = Record<string, OptionSpec>;

type ValueOf<K extends OptionKind> = K extends "string" ? string
  : K extends "number" | "integer" ? number
  : K extends "boolean" ? boolean
  : K extends "string[]" ? string[]
  : K extends "number[]" ? number[]
  : K extends "record<number>" ? Record<string, number>
  : unknown;

/** The option values a plugin's `create` receives, typed from its spec. */
export type OptionValues<S extends OptionsSpec> = {
  -readonly [K in keyof S]: S[K] extends { default: unknown } ? ValueOf<S[K]["type"]>
    : S[K] extends { optional: true } ? ValueOf<S[K]["type"]> | undefined
    : ValueOf<S[K]["type"]>;
};

/** A problem with one option (or an unknown one), to be placed in the config by the caller. */
export interface OptionProblem {
  /** The option's name. */
  option: string;
  code: "unknown-option" | "missing-option" | "bad-option";
  message: string;
  hint?: string;
}

function describeType(kind: OptionKind): string {
  switch (kind) {
    case "string[]":
      return "a list of strings";
    case "number[]":
      return "a list of numbers";
    case "record<number>":
      return "a mapping of names to numbers";
    case "integer":
      return "a whole number";
    case "any":
      return "a value";
    default:
      return `a ${kind}`;
  }
}

function matches(kind: OptionKind, value: unknown): boolean {
  switch (kind) {
    case "string":
      return typeof value === "string";
    case "number":
      return typeof value === "number" && Number.isFinite(value);
    case "integer":
      return Number.isSafeInteger(value);
    case "boolean":
      return typeof value === "boolean";
    case "string[]":
      return Array.isArray(value) && value.every((v) => typeof v === "string");
    case "number[]":
      return Array.isArray(value) && value.every((v) => typeof v === "number");
    case "record<number>":
      return value !== null && typeof value === "object" && !Array.isArray(value) &&
        Object.values(value).every((v) => typeof v === "number");
    case "any":
      return true;
  }
}

/** The problem with one value of an option, or undefined. */
function checkValue(name: string, spec: OptionSpec, value: unknown): OptionProblem | undefined {
  const bad = (message: string, hint?: string): OptionProblem => ({
    option: name,
    code: "bad-option",
    message,
    ...(hint ? { hint } : {}),
  });
  if (!matches(spec.type, value)) {
    const example = spec.examples?.[0] ?? spec.default;
    return bad(
      `Option \`${name}\` must be ${describeType(spec.type)}, got ${JSON.stringify(value)}`,
      example !== undefined ? `E.g. \`${name}: ${JSON.stringify(example)}\`.` : undefined,
    );
  }
  if (spec.choices && !spec.choices.includes(value as string | number)) {
    return bad(
      `Option \`${name}\` must be one of ${spec.choices.map((c) => JSON.stringify(c)).join(", ")}`,
    );
  }
  if (typeof value === "number") {
    if (spec.min !== undefined && value < spec.min) {
      return bad(`Option \`${name}\` must be at least ${spec.min}, got ${value}`);
    }
    if (spec.max !== undefined && value > spec.max) {
      return bad(`Option \`${name}\` must be at most ${spec.max}, got ${value}`);
    }
  }
  return undefined;
}

/**
 * Checks `given` against `spec` and fills in defaults. Collects every problem: unknown
 * options (with the closest known name), missing required ones, wrong types and ranges.
 */
export function resolveOptions<S extends OptionsSpec>(
  spec: S,
  given: Record<string, unknown>,
): { values: OptionValues<S>; problems: OptionProblem[] } {
  const problems: OptionProblem[] = [];
  const values: Record<string, unknown> = {};
  const known = Object.keys(spec);
  for (const name of Object.keys(given)) {
    if (name in spec) continue;
    const close = closestString(name, known);
    problems.push({
      option: name,
      code: "unknown-option",
      message: `Unknown option \`${name}\``,
      hint: close
        ? `did you mean \`${close}\`?`
        : known.length
        ? `Options: ${known.join(", ")}.`
        : "This plugin takes no options.",
    });
  }
  for (const [name, option] of Object.entries(spec)) {
    const value = given[name];
    if (value === undefined || value === null) {
      if (option.default !== undefined) values[name] = structuredClone(option.default);
      else if (!option.optional) {
        problems.push({
          option: name,
          code: "missing-option",
          message: `Missing option \`${name}\`: ${option.description}`,
          ...(option.examples?.length
            ? { hint: `E.g. \`${name}: ${JSON.stringify(option.examples[0])}\`.` }
            : {}),
        });
      }
      continue;
    }
    const problem = checkValue(name, option, value);
    if (problem) problems.push(problem);
    else values[name] = value;
  }
  return { values: values as OptionValues<S>, problems };
}

/** Checks that a spec itself is well formed (for plugin files). */
export function specProblems(spec: unknown): string[] {
  if (spec === undefined) return [];
  if (spec === null || typeof spec !== "object" || Array.isArray(spec)) {
    return ["`options` must be an object of option specs"];
  }
  const problems: string[] = [];
  const kinds: readonly OptionKind[] = OPTION_KINDS;
  for (const [name, option] of Object.entries(spec as Record<string, OptionSpec>)) {
    if (!option || typeof option !== "object") {
      problems.push(`option \`${name}\` must be an object with a \`type\``);
      continue;
    }
    if (!kinds.includes(option.type)) {
      problems.push(
        `option \`${name}\` has type ${JSON.stringify(option.type)}; use one of ${
          kinds.join(", ")
        }`,
      );
    }
    if (typeof option.description !== "string" || option.description === "") {
      problems.push(`option \`${name}\` needs a \`description\``);
    }
    if (option.default !== undefined && kinds.includes(option.type)) {
      const problem = checkValue(name, option, option.default);
      if (problem) {
        problems.push(`the default of ${problem.message.replace(/^Option /, "option ")}`);
      }
    }
  }
  return problems;
}
