/**
 * Expressions that are one draw from their cell's random stream, or a pure function of one:
 * what the engine may compute a column at a time (lib/engine/drawn_columns.ts), draw for draw
 * the values the expression's closures give.
 *
 * @module
 */
import type { Value } from "./values.ts";

/**
 * A number drawn as `impl` draws it: `int` is `random.int(min, max)`, `uniform` is
 * `lo + (hi - lo) * random.next()`.
 */
export type NumberDraw =
  | { readonly kind: "int"; readonly min: number; readonly max: number }
  | { readonly kind: "uniform"; readonly lo: number; readonly hi: number };

/**
 * A draw: a number, an item of a constant list (`random.choice([...])`: the item at
 * `random.int(0, n - 1)`), or a pure function of a draw (`round(random.uniform(1, 9), 2)`).
 */
export type Draw =
  | NumberDraw
  | { readonly kind: "choice"; readonly items: readonly Value[] }
  | { readonly kind: "map"; readonly draw: Draw; readonly map: (value: Value) => Value };
