/**
 * The built-in column functions, imported statically.
 *
 * @module
 */
import type { AnyColumnFunction } from "../../lib/plugin/types.ts";
import { ulid } from "./ulid.ts";
import { uuid7 } from "./uuid7.ts";

/** Every built-in column function. */
export const BUILTIN_COLUMN_FUNCTIONS: readonly AnyColumnFunction[] = [uuid7, ulid];
