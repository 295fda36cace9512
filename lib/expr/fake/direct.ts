/**
 * `faker.<module>.<method>(...)`: faker-js's own functions, called directly for the modules
 * Python Faker has no method for, their results made expression values.
 *
 * @module
 */
import type { Faker } from "@faker-js/faker";
import { exactInt } from "../integers.ts";
import type { Value } from "../values.ts";

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
