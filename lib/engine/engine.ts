/**
 * The shared machinery of one run of the engine: the seed and inputs, faker, the stack of
 * cell random streams, the distributions, what children see of their parents, and the tables'
 * generators (generator.ts).
 *
 * @module
 */
import type { Faker } from "@faker-js/faker";
import { ColumnBudget } from "./column_cache.ts";
import { createFaker } from "./faker.ts";
import { CellRandom } from "./rng.ts";
import type { RunInputs, TableSpec } from "./spec.ts";
import type { AnyDistribution } from "../plugin/types.ts";
import { closestString } from "../expr/suggest.ts";
import type { ParentSource } from "./foreign_keys.ts";
import { type GeneratorHost, TableGenerator } from "./generator.ts";

/** Options of {@link Engine}. */
export interface EngineOptions {
  /**
   * Distribution plugins by name (a registry's, built-ins included: the engine has none of its
   * own, as it sits below the plugins).
   */
  distributions: ReadonlyMap<string, AnyDistribution>;
  /**
   * Memory for parent columns kept whole (see column_cache.ts); default
   * 256 MiB (`DEFAULT_PARENT_CACHE_BYTES`), 0 to keep none.
   */
  parentCacheBytes?: number;
}

/**
 * The shared machinery of one run: the seed, faker, the stack of cell random streams
 * (a cell that reads a parent's cell must not disturb its own stream), and the tables.
 */
export class Engine implements GeneratorHost {
  readonly inputs: RunInputs;
  readonly faker: Faker;
  readonly #tables = new Map<string, TableGenerator>();
  readonly #distributions: ReadonlyMap<string, AnyDistribution>;
  readonly #parents = new Map<string, ParentSource>();
  readonly #randoms: CellRandom[] = [new CellRandom()];
  #depth = 0;
  /** Separate stream for foreign-key picks and null draws. */
  readonly pickRandom: CellRandom = new CellRandom();
  /** What parent columns may keep in memory (see column_cache.ts). */
  readonly columnBudget: ColumnBudget;

  constructor(tables: readonly TableSpec[], inputs: RunInputs, options: EngineOptions) {
    this.inputs = inputs;
    this.#distributions = options.distributions;
    this.columnBudget = new ColumnBudget(options.parentCacheBytes);
    this.faker = createFaker(inputs.locale, {
      next: () => this.#randoms[this.#depth].next(),
      mark: () => this.#randoms[this.#depth].mark(),
      rewind: (mark) => this.#randoms[this.#depth].rewind(mark),
    });
    for (const spec of tables) this.#tables.set(spec.name, new TableGenerator(this, spec));
  }

  /** The generator of a table; throws for an unknown name. */
  table(name: string): TableGenerator {
    const table = this.#tables.get(name);
    if (!table) throw new Error(`Unknown table "${name}"`);
    return table;
  }

  /** The distribution plugin of a name; throws naming the known ones for an unknown name. */
  distribution(name: string): AnyDistribution {
    const plugin = this.#distributions.get(name);
    if (plugin) return plugin;
    const close = closestString(name, this.#distributions.keys());
    throw new Error(
      `Unknown distribution "${name}"` +
        (close
          ? `; did you mean "${close}"?`
          : `; known: ${[...this.#distributions.keys()].join(", ")}`),
    );
  }

  /** Every table generator, in config order. */
  tables(): TableGenerator[] {
    return [...this.#tables.values()];
  }

  /**
   * Replaces what children see of a parent table (by default: all `row_count` generated
   * rows). The streaming server points children at the rows committed so far.
   */
  setParentSource(table: string, source: ParentSource): void {
    this.#parents.set(table, source);
  }

  /** What children see of a parent table. */
  parent(name: string): ParentSource {
    let source = this.#parents.get(name);
    if (!source) {
      source = this.table(name).asParent();
      this.#parents.set(name, source);
    }
    return source;
  }

  /** Enters a cell: a fresh random stream positioned at (key, rowId). */
  enterCell(key: number, rowId: number): CellRandom {
    const depth = ++this.#depth;
    if (depth === this.#randoms.length) this.#randoms.push(new CellRandom());
    const random = this.#randoms[depth];
    random.reset(key, rowId);
    return random;
  }

  /** Leaves the cell entered last. */
  leaveCell(): void {
    this.#depth--;
  }
}
