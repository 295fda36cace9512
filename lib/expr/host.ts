/**
 * What the expression language asks of its host, declared here and implemented above it:
 * the engine gives every cell a {@link CellContext} (its row id and version, its value before
 * an update, the row's other columns, a random stream, a faker, the logical now, the parent
 * keys and copied parent values of its `foreign_key` and `copy_from_fk` calls); the config
 * checker gives the compiler a {@link TypeEnvironment} and a {@link DistributionCatalog};
 * plugin column functions come as `FunctionSpec`s (`function_spec.ts`). The language imports
 * nothing of the engine or the plugins, so it is tested, fuzzed and compared with CPython
 * without them.
 *
 * These are type-only: a call through them is the same call on the engine's own objects.
 *
 * @module
 */
import type { Faker } from "@faker-js/faker";
import type { ForeignKeyCall } from "./types.ts";
import type { StaticType, Value } from "./values.ts";

/**
 * A cell's random stream, reset by the host to the start of (stream key, row id) before
 * the cell is computed: every draw is a pure function of them (the engine's `CellRandom`).
 */
export interface RandomSource {
  /** Uniform float in [0, 1) with 53 bits of precision. */
  next(): number;
  /** Next unsigned 32-bit integer. */
  nextUint32(): number;
  /** `k` random bits as a `bigint` (Python's `getrandbits(k)`), the first word the most significant. */
  bits(k: number): bigint;
  /** A uniform integer in [0, n), as Python's `_randbelow` draws it. */
  below(n: bigint): bigint;
  /** Uniform integer in [min, max], both inclusive, without modulo bias. */
  int(min: number, max: number): number;
}

/** What the engine provides to a compiled expression for one cell. */
export interface CellContext {
  /** The row's id. */
  readonly rowId: number;
  /** The value of another column of the same row (computed earlier, dependency order). */
  column(name: string): Value;
  /** The cell's random stream; `random.*` draws from it. */
  readonly random: RandomSource;
  /** A faker whose randomizer draws from `random`, in the config's locale. */
  readonly faker: Faker;
  /** Logical "now": reference time for `datetime.now()`, "today", "-30d"... */
  readonly now: Date;
  /**
   * The row's version: 0 when the row is inserted, n when a table's `changes:` update it for
   * the n-th time (`version` in an expression).
   */
  readonly version: number;
  /**
   * The stored value of `column` in this row before the update being computed (`previous` in
   * that column's expression): null at insert (version 0).
   */
  previous(column: string): Value;
  /** Value of the i-th `foreign_key` call of this expression ({@link CompiledExpression.foreignKeys}). */
  foreignKey(index: number): Value;
  /** Value of the i-th `copy_from_fk` call of this expression ({@link CompiledExpression.copies}). */
  copyFromFk(index: number): Value;
}

/** Static types of what an expression reads, supplied by the engine for type inference. */
export interface TypeEnvironment {
  /** Type of another column of this table. */
  column(name: string): StaticType;
  /** When another column holds lists, tuples or dicts: the type of their items (values). */
  columnItems?(name: string): StaticType;
  /** When another column holds dicts: the type of their keys. */
  columnKeys?(name: string): StaticType;
  /**
   * Type of `previous` in the expression of `column`: the column's own type, or `none` while
   * that type is being inferred (its value at insert). Absent: unknown (`any`).
   */
  previous?(column: string): StaticType;
  /** Type of the parent key column of the i-th foreign_key call. */
  foreignKey(index: number): StaticType;
  /** Type of the parent column of the i-th copy_from_fk call. */
  copyFromFk(index: number): StaticType;
}

/** What is wrong with an option a `foreign_key` call gives its distribution. */
export interface DistributionProblem {
  /** The option's name. */
  option: string;
  code: "unknown-option" | "missing-option" | "bad-option";
  message: string;
  hint?: string;
}

/**
 * The distributions `foreign_key(distribution=...)` may name, as the host's plugins declare
 * them, for the compiler to check a call's name and options.
 */
export interface DistributionCatalog {
  /** Every name, for "did you mean" and the list of known ones. */
  names(): readonly string[];
  /** The options a distribution declares, or undefined when no distribution has the name. */
  optionNames(name: string): readonly string[] | undefined;
  /**
   * What is wrong with the options the call gives its (known) distribution, and which of
   * tablefaker's own arguments (`param`, `parent_attr`, `weights`) it ignores.
   */
  check(call: ForeignKeyCall): { problems: DistributionProblem[]; ignored: string[] };
}
