/**
 * A writer's side of a table's row rules (table_rules.ts): the rules of the table as the
 * writer knows it (read again when its metadata changes), the identity values given out to
 * rows not yet committed, and the `metaData` action that advances the identity high-water
 * marks in the same commit as those rows.
 *
 * Two writers that number rows at once would give out the same identity values: each commit
 * that numbers rows writes a `metaData` action, so the second to commit loses the race on a
 * changed metadata (commit.ts), and its writer numbers its rows again above the winner's
 * high-water mark ({@link WriteRules.renumber}) before it retries.
 *
 * @module
 */
import * as arrow from "apache-arrow";
import type { Action, Add, Metadata, Protocol } from "./actions.ts";
import { ConcurrentModificationError, TxnConflictError } from "./commit.ts";
import { columnsBatch } from "../arrow/batch.ts";
import { writerFeatures } from "./features.ts";
import { arrowColumn } from "./sql/to_arrow.ts";
import { type IdentityColumn, RuleRefused, TableRules, withHighWaterMarks } from "./table_rules.ts";
import { WriteRefused } from "./write_checks.ts";

/** What a writer knows of its table: its protocol and metadata (none before it exists). */
export interface RulesState {
  protocol?: Protocol;
  metadata?: Metadata;
}

/** What {@link WriteRules.commitNumbered} needs of the writer. */
export interface NumberingIo<T> {
  /** Commits the files. */
  run(): Promise<T>;
  /** Reads the table's state again from its log. */
  reload(): Promise<void>;
  /** The rows of (uncommitted) files, in order. */
  read(files: Add[]): Promise<arrow.Table>;
  /** The columns a data file holds (partition columns are in the log). */
  dataColumns(): string[];
  /** Writes rows as a new file with the partition values of `like`; its add. */
  store(part: arrow.Table, like: Add, index: number): Promise<Add>;
  /** Removes an uncommitted file. */
  remove(file: Add): Promise<void>;
}

/** What {@link WriteRules} needs to know of its writer. */
export interface RulesWriter {
  /** The table's path, for errors. */
  table: string;
  /** The writer's state of the table (its latest protocol and metadata). */
  state: RulesState;
  /** Whether the writer's columns replace the table's (an overwrite with other columns). */
  replaced(): boolean;
  /** The protocol and metadata of the table the writer creates (before it exists). */
  planned(): { protocol: Protocol; metadata: Metadata };
}

/** The row rules of one writer's table and the identity values it has given out. */
export class WriteRules {
  readonly #writer: RulesWriter;
  readonly #table: string;
  #cached?: { metadata: Metadata; rules: TableRules | undefined };
  /** The table a new or replaced table's rows are checked against, and what it is of. */
  #newTable?: { of: Metadata; state: RulesState };
  /** Per identity column: the next value to give out, while rows are not committed. */
  readonly #next = new Map<string, number>();
  /** Per identity column: the last value given out to rows not yet committed. */
  readonly #last = new Map<string, number>();

  constructor(writer: RulesWriter) {
    this.#writer = writer;
    this.#table = writer.table;
  }

  /**
   * The row rules of the table the writer's rows go to: its own, or those of the table it
   * creates, or makes anew with other columns (an overwrite keeps the table's properties,
   * its constraints among them). A constraint the new columns cannot meet is refused.
   */
  current(): TableRules | undefined {
    try {
      return this.rules(this.#target());
    } catch (error) {
      if (!(error instanceof RuleRefused)) throw error;
      const what = this.#writer.state.metadata
        ? `Cannot overwrite Delta table "${this.#table}" with other columns`
        : `Cannot create Delta table "${this.#table}"`;
      throw new WriteRefused(`${what}: ${error.reason}`);
    }
  }

  /** The table the rules are of: the writer's, or the one its next commit makes. */
  #target(): RulesState {
    const { state } = this.#writer;
    if (state.metadata && !this.#writer.replaced()) return state;
    if (!state.metadata) return this.#writer.planned();
    if (this.#newTable?.of !== state.metadata) {
      // An overwrite with other columns: the new columns, the table's properties.
      const configuration = { ...state.metadata.configuration };
      this.#newTable = {
        of: state.metadata,
        state: {
          protocol: state.protocol,
          metadata: { ...this.#writer.planned().metadata, configuration },
        },
      };
    }
    return this.#newTable.state;
  }

  /** The schema data files of `data`'s schema are written in (the table's columns). */
  fileSchema(data: arrow.Schema): arrow.Schema {
    return this.current()?.outputSchema(data) ?? data;
  }

  /**
   * Rows on the writer's schema (`data`), or read back from the table (`rewrite`), as
   * written: filled and checked.
   */
  conform(rows: arrow.Table, data: arrow.Schema, rewrite: boolean): arrow.Table {
    const rules = this.current();
    if (!rules) return rows;
    const target = this.#target();
    const batches = rows.batches.map((batch) => this.apply(target, batch, rewrite));
    return new arrow.Table(rules.outputSchema(data), batches);
  }

  /** The table's rules, or undefined when none applies (or there is no table yet). */
  rules(state: RulesState): TableRules | undefined {
    const metadata = state.metadata;
    if (!metadata || !state.protocol) return undefined;
    if (this.#cached?.metadata !== metadata) {
      const rules = new TableRules(metadata, writerFeatures(state.protocol));
      this.#cached = { metadata, rules: rules.active ? rules : undefined };
    }
    return this.#cached.rules;
  }

  /** Whether rows not yet committed hold identity values this writer gave out. */
  get numbering(): boolean {
    return this.#last.size > 0;
  }

  /** `batch` as written: filled and checked (see {@link TableRules.apply}). */
  apply(state: RulesState, batch: arrow.RecordBatch, rewrite: boolean): arrow.RecordBatch {
    const rules = this.rules(state);
    if (!rules) return batch;
    return rules.apply(this.#table, batch, {
      rewrite,
      identity: (column, count) => this.#take(column, count),
    });
  }

  /** The first of `count` identity values of `column`, beyond every value given out. */
  #take(column: IdentityColumn, count: number): number {
    const mark = column.highWaterMark;
    const first = this.#next.get(column.name) ??
      (mark === undefined ? column.start : mark + column.step);
    this.#next.set(column.name, first + count * column.step);
    this.#last.set(column.name, first + (count - 1) * column.step);
    return first;
  }

  /**
   * Adds the new high-water marks to a commit's actions: into its `metaData` action, or as
   * one of `state`'s metadata when it has none.
   */
  prepare(state: RulesState, actions: Action[]): void {
    const rules = this.rules(state);
    if (!rules || this.#last.size === 0) return;
    const marks = new Map<string, number>();
    for (const column of rules.identity) {
      const last = this.#last.get(column.name);
      if (last === undefined) continue;
      const mark = column.highWaterMark;
      const beyond = mark === undefined || (column.step > 0 ? last > mark : last < mark);
      marks.set(column.name, beyond ? last : mark);
    }
    const index = actions.findIndex((a) => a.metaData);
    const metadata = index >= 0 ? actions[index].metaData! : state.metadata!;
    const updated = {
      metaData: { ...metadata, schemaString: withHighWaterMarks(metadata.schemaString, marks) },
    };
    if (index >= 0) actions[index] = updated;
    else actions.unshift(updated);
  }

  /** After a commit (or a failed one whose rows are gone): nothing is numbered any more. */
  reset(): void {
    this.#next.clear();
    this.#last.clear();
  }

  /**
   * Runs a commit (`io.run`) of files whose rows this writer numbered; when another writer
   * changed the table's metadata first (it may have given out the same values), reads the
   * table again (`io.reload`), rewrites the files with values above its marks now (`adds`
   * updated in place; the old files removed), and runs it again.
   */
  async commitNumbered<T>(adds: Add[], io: NumberingIo<T>): Promise<T> {
    const state = this.#writer.state;
    for (let attempt = 1;; attempt++) {
      try {
        const result = await io.run();
        this.reset();
        return result;
      } catch (error) {
        const retry = this.numbering && error instanceof ConcurrentModificationError &&
          error.healable && !(error instanceof TxnConflictError) && attempt < 10;
        if (!retry) throw error;
        await io.reload();
        const renumbered = this.renumber(state, await io.read(adds));
        const columns = io.dataColumns();
        let offset = 0;
        for (let i = 0; i < adds.length; i++) {
          const count = JSON.parse(adds[i].stats ?? "{}").numRecords ?? 0;
          const part = renumbered.slice(offset, offset + count).select(columns);
          offset += count;
          const old = adds[i];
          adds[i] = await io.store(part, old, i);
          await io.remove(old);
        }
      }
    }
  }

  /**
   * Rows numbered before another writer committed, numbered again above the table's
   * high-water marks now (`state` read again), and checked again.
   */
  renumber(state: RulesState, rows: arrow.Table): arrow.Table {
    const rules = this.rules(state);
    const numbered = new Set(this.#last.keys());
    this.reset();
    if (!rules) return rows;
    const batches = rows.batches.map((batch) => {
      const children = batch.schema.fields.map((field, i) => {
        const column = rules.identity.find((c) => c.name === field.name);
        if (!column || !numbered.has(column.name)) return batch.data.children[i];
        const first = this.#take(column, batch.numRows);
        const values = Array.from({ length: batch.numRows }, (_, r) => first + r * column.step);
        return arrowColumn(field.type, values);
      });
      const renumbered = columnsBatch(batch.schema, children, batch.numRows);
      rules.check(this.#table, renumbered);
      return renumbered;
    });
    return new arrow.Table(rows.schema, batches);
  }
}
