/**
 * The semantic checks, which need compiled expressions: every `data:` expression is
 * compiled and its diagnostics placed in the file; foreign keys and `copy_from_fk` are
 * checked against the other tables; cycles among tables and among columns are found.
 * Also the order in which tables can be generated, parents first.
 *
 * @module
 */
import { findCycles } from "./graph.ts";
import { didYouMean } from "./yaml_fields.ts";
import {
  closestString,
  compileExpression,
  type CompileOptions,
  type ExprDiagnostic,
  type Span,
} from "../expr/mod.ts";
import type { Diagnostic, Severity, YamlPath } from "./diagnostics.ts";
import type { ColumnConfig, Config, TableConfig } from "./model.ts";
import { checkChanges } from "./validate_changes.ts";
import { checkFaults } from "./validate_faults.ts";

/** Options of {@link validateConfig}. */
export interface ValidateOptions {
  /**
   * Columns whose `data:` could not be read (already reported): they are not compiled,
   * but their names still count as columns.
   */
  incomplete?: ReadonlySet<ColumnConfig>;
  /** Column functions of plugins that expressions may call. */
  functions?: CompileOptions["functions"];
  /** The distributions foreign keys may name (their options are checked). */
  distributions?: CompileOptions["distributions"];
}

/**
 * Compiles every column's expression (setting {@link ColumnConfig.expr}) and checks what
 * needs the whole config: references between tables and columns and their cycles.
 * Returns every problem found, in no particular order.
 */
export function validateConfig(config: Config, options: ValidateOptions = {}): Diagnostic[] {
  return new Validator(config, options).run();
}

/**
 * The tables parents first: every table comes after the tables its `foreign_key` and
 * `copy_from_fk` calls read from, and otherwise in config order. Needs compiled
 * expressions (a validated config); tables in a cycle (an invalid config) keep their
 * config order.
 */
export function tableOrder(config: Config): TableConfig[] {
  const byName = tablesByName(config);
  const parents = new Map(config.tables.map((t) => [t, parentTables(t, byName)]));
  const placed = new Set<TableConfig>();
  const order: TableConfig[] = [];
  while (order.length < config.tables.length) {
    const remaining = config.tables.filter((t) => !placed.has(t));
    const ready = remaining.find((t) =>
      [...parents.get(t)!].every((p) => p === t || placed.has(p))
    ) ??
      remaining[0];
    placed.add(ready);
    order.push(ready);
  }
  return order;
}

/** The first table of each name. */
function tablesByName(config: Config): Map<string, TableConfig> {
  const byName = new Map<string, TableConfig>();
  for (const table of config.tables) {
    if (table.name !== "" && !byName.has(table.name)) byName.set(table.name, table);
  }
  return byName;
}

/** The known tables a table reads from, including itself when it does. */
function parentTables(
  table: TableConfig,
  byName: ReadonlyMap<string, TableConfig>,
): Set<TableConfig> {
  const parents = new Set<TableConfig>();
  for (const column of table.columns) {
    for (const call of [...column.expr?.foreignKeys ?? [], ...column.expr?.copies ?? []]) {
      const parent = byName.get(call.table);
      if (parent) parents.add(parent);
    }
  }
  return parents;
}

/** Where a reference to another table was written, for cycle messages. */
interface Edge {
  column: ColumnConfig;
  span: Span;
  /** The table name as written, to point at the argument. */
  table: string;
}

class Validator {
  readonly #config: Config;
  readonly #incomplete: ReadonlySet<ColumnConfig>;
  readonly #options: ValidateOptions;
  readonly #byName: Map<string, TableConfig>;
  readonly #diagnostics: Diagnostic[] = [];

  constructor(config: Config, options: ValidateOptions) {
    this.#config = config;
    this.#incomplete = options.incomplete ?? new Set();
    this.#options = options;
    this.#byName = tablesByName(config);
  }

  run(): Diagnostic[] {
    for (const table of this.#config.tables) this.#compileTable(table);
    for (const table of this.#config.tables) {
      for (const column of table.columns) this.#checkReferences(table, column);
      this.#checkColumnCycles(table);
    }
    this.#checkTableCycles();
    checkChanges(
      this.#config,
      (column, offset, code, message, options) => this.#at(column, offset, code, message, options),
      this.#diagnostics,
    );
    checkFaults(
      this.#config,
      (column, offset, code, message, options) => this.#at(column, offset, code, message, options),
    );
    return this.#diagnostics;
  }

  // --- Expressions -----------------------------------------------------------------------

  #compileTable(table: TableConfig): void {
    const names = [...new Set(table.columns.map((c) => c.name))];
    const options: CompileOptions = {
      columns: names,
      pythonModules: this.#config.pythonImports,
      communityProviders: this.#config.communityProviders,
      ...(this.#options.functions ? { functions: this.#options.functions } : {}),
      ...(this.#options.distributions ? { distributions: this.#options.distributions } : {}),
    };
    const inferred: ColumnConfig[] = [];
    for (const column of table.columns) {
      if (this.#incomplete.has(column)) continue;
      if (column.auto) {
        inferred.push(column);
        continue;
      }
      this.#compileColumn(column, column.data, options);
    }
    // Inferred columns follow foreign-key columns, so those are compiled first.
    for (const column of inferred) this.#inferColumn(table, column, options);
  }

  #compileColumn(
    column: ColumnConfig,
    source: ColumnConfig["data"],
    options: CompileOptions,
  ): void {
    const result = compileExpression(source, { ...options, self: column.name });
    if (result.ok) {
      column.expr = result.expr;
      for (const warning of result.expr.warnings) this.#exprDiagnostic(column, warning);
    } else {
      for (const d of result.diagnostics) this.#exprDiagnostic(column, d);
    }
  }

  /**
   * tablefaker's `infer_entity_attrs_by_name`: a column `<prefix>_<attr>` whose table has a
   * foreign-key column `<prefix>_id` copies `<attr>` from that key's parent row. Splits are
   * tried from the first underscore on, so tablefaker's own reading (the first) wins.
   */
  #inferColumn(table: TableConfig, column: ColumnConfig, options: CompileOptions): void {
    if (!this.#config.inferEntityAttrsByName) {
      this.#at(
        column,
        0,
        "bad-auto",
        "`data: auto` needs `config.infer_entity_attrs_by_name: true`",
        {
          hint: "Turn the inference on in `config:`, or write the column's expression, e.g. " +
            '`copy_from_fk("customer_id", "customers", "email")`.',
        },
      );
      return;
    }
    const candidates = inferenceCandidates(table, column, this.#byName);
    const match = candidates.find((c) => c.parentHasColumn) ?? candidates[0];
    if (!match) {
      if (column.auto === "optional") {
        this.#compileColumn(column, null, options); // an empty `data:` stays empty
        return;
      }
      this.#at(
        column,
        0,
        "bad-auto",
        `Cannot infer \`${column.name}\`: no \`<prefix>_id\` foreign-key column of table \`${table.name}\` ` +
          "matches its name",
        {
          hint: `Name it \`<prefix>_<parent column>\` after a column \`<prefix>_id\` defined as ` +
            "`foreign_key(...)`, or write its expression.",
        },
      );
      return;
    }
    const inferred = `copy_from_fk("${match.fkColumn}", "${match.parent}", "${match.attr}")`;
    if (!match.parentHasColumn) {
      const parent = this.#byName.get(match.parent);
      this.#at(
        column,
        0,
        "bad-auto",
        `\`${column.name}\` is inferred as \`${inferred}\`, but table \`${match.parent}\` has no column ` +
          `\`${match.attr}\``,
        { hint: parent ? columnList(parent) : undefined },
      );
      return;
    }
    column.inferred = inferred;
    this.#compileColumn(column, column.inferred, options);
  }

  #exprDiagnostic(column: ColumnConfig, d: ExprDiagnostic): void {
    this.#at(column, d.span.start, d.code, d.message, {
      hint: d.hint,
      severity: d.severity ?? "error",
    });
  }

  /** A diagnostic at a character of a column's `data:` expression. */
  #at(
    column: ColumnConfig,
    offset: number,
    code: string,
    message: string,
    options: { hint?: string; severity?: Severity } = {},
  ): void {
    const path: YamlPath = [...column.pos.path, "data"];
    const map = this.#config.sourceMap;
    // An inferred expression is not in the file: point at `auto` (or the column).
    const fileOffset = typeof column.data === "string" && column.inferred === undefined
      ? map.valueOffset(path, offset)
      : map.offset(column.inferred === undefined || column.data !== null ? path : column.pos.path);
    this.#diagnostics.push(map.diagnosticAtOffset(fileOffset, path, code, message, options));
  }

  // --- References to other tables --------------------------------------------------------

  #checkReferences(table: TableConfig, column: ColumnConfig): void {
    const expr = column.expr;
    if (!expr) return;
    for (const fk of expr.foreignKeys) {
      const parent = this.#parent(column, fk.table, fk.span, "foreign_key");
      if (!parent) continue;
      const key = this.#parentColumn(column, parent, fk.column, fk.span, "foreign_key");
      if (key && !key.isPrimaryKey) {
        const pk = parent.primaryKey;
        this.#at(
          column,
          this.#argumentOffset(column, fk.span, fk.column, 1),
          "not-primary-key",
          `\`${fk.column}\` is not a primary key of table \`${parent.name}\``,
          {
            severity: "warning",
            hint: pk
              ? `Its primary key is \`${pk}\`: \`foreign_key("${parent.name}", "${pk}")\`; or mark \`${fk.column}\` ` +
                "`is_primary_key: true`."
              : `Mark \`${fk.column}\` of \`${parent.name}\` with \`is_primary_key: true\`.`,
          },
        );
      }
      if (fk.parentAttr !== undefined && !parent.columns.some((c) => c.name === fk.parentAttr)) {
        const names = parent.columns.map((c) => c.name);
        this.#at(
          column,
          this.#argumentOffset(column, fk.span, fk.parentAttr, 4),
          "unknown-column",
          `\`parent_attr\` names \`${fk.parentAttr}\`, which is not a column of table \`${parent.name}\``,
          { hint: didYouMean(closestString(fk.parentAttr, names)) ?? columnList(parent) },
        );
      }
    }
    for (const copy of expr.copies) {
      const parent = this.#parent(column, copy.table, copy.span, "copy_from_fk");
      if (parent) this.#parentColumn(column, parent, copy.column, copy.span, "copy_from_fk");
      this.#checkCopyKey(table, column, copy.fkColumn, copy.table, copy.span, parent);
    }
  }

  #parent(column: ColumnConfig, name: string, span: Span, fn: string): TableConfig | undefined {
    const parent = this.#byName.get(name);
    if (parent) return parent;
    const names = [...this.#byName.keys()];
    this.#at(
      column,
      this.#argumentOffset(column, span, name, fn === "foreign_key" ? 0 : -1),
      "unknown-table",
      `\`${fn}()\` names table \`${name}\`, which is not in this config`,
      {
        hint: didYouMean(closestString(name, names)) ??
          (names.length ? `Tables: ${names.join(", ")}.` : undefined),
      },
    );
    return undefined;
  }

  #parentColumn(
    column: ColumnConfig,
    parent: TableConfig,
    name: string,
    span: Span,
    fn: string,
  ): ColumnConfig | undefined {
    const found = parent.columns.find((c) => c.name === name);
    if (found) return found;
    const names = parent.columns.map((c) => c.name);
    this.#at(
      column,
      this.#argumentOffset(column, span, name, fn === "foreign_key" ? 1 : 2),
      "unknown-column",
      `\`${fn}()\` names column \`${name}\`, which is not a column of table \`${parent.name}\``,
      { hint: didYouMean(closestString(name, names)) ?? columnList(parent) },
    );
    return undefined;
  }

  /** `copy_from_fk`'s key column must be a `foreign_key(...)` column to the same parent. */
  #checkCopyKey(
    table: TableConfig,
    column: ColumnConfig,
    fkColumn: string,
    parentName: string,
    span: Span,
    parent: TableConfig | undefined,
  ): void {
    const key = table.columns.find((c) => c.name === fkColumn);
    // Unknown key columns are reported by the expression compiler; broken ones already were.
    if (!key?.expr) return;
    const parentKey = parent?.primaryKey ?? parent?.columns[0]?.name ?? "id";
    const expected = `foreign_key("${parentName}", "${parentKey}")`;
    const offset = this.#argumentOffset(column, span, fkColumn, -1);
    if (!key.expr.isForeignKey) {
      this.#at(
        column,
        offset,
        "bad-copy-from-fk",
        `\`copy_from_fk()\` follows \`${fkColumn}\`, which is not a foreign key of table \`${table.name}\``,
        {
          hint:
            "tablestream copies from the parent row that a `foreign_key(...)` column picked; it does " +
            `not look rows up by a key computed otherwise. Make \`${fkColumn}\` \`data: ${expected}\`, or ` +
            "compute the copied value the way the parent does (see docs/tablefaker.md).",
        },
      );
      return;
    }
    const target = key.expr.foreignKeys[0].table;
    if (target !== parentName) {
      this.#at(
        column,
        offset,
        "bad-copy-from-fk",
        `\`copy_from_fk()\` copies from table \`${parentName}\`, but \`${fkColumn}\` is a foreign key to ` +
          `\`${target}\``,
        {
          hint: `Copy from \`${target}\`, or follow a column defined as \`${expected}\`.`,
        },
      );
    }
  }

  /**
   * The offset of a string argument of a call, found as a quoted literal in the call's
   * text (the `index`-th argument when it occurs more than once, any when -1); the call's
   * start when not found.
   */
  #argumentOffset(column: ColumnConfig, span: Span, value: string, index: number): number {
    if (typeof column.data !== "string" || column.inferred !== undefined) return span.start;
    const text = column.data.slice(span.start, span.end);
    const hits: number[] = [];
    for (const quote of ['"', "'"]) {
      const needle = quote + value + quote;
      for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) hits.push(i);
    }
    hits.sort((a, b) => a - b);
    if (hits.length === 0) return span.start;
    const pick = hits.length > 1 && index >= 0 ? hits[Math.min(index, hits.length - 1)] : hits[0];
    return span.start + pick;
  }

  // --- Cycles ----------------------------------------------------------------------------

  #checkColumnCycles(table: TableConfig): void {
    const byName = new Map<string, ColumnConfig>();
    for (const c of table.columns) if (!byName.has(c.name)) byName.set(c.name, c);
    const nodes = [...byName.values()];
    const edges = (c: ColumnConfig): ColumnConfig[] =>
      (c.expr?.columnRefs ?? []).filter((n) => n !== c.name).map((n) => byName.get(n)).filter((x) =>
        x !== undefined
      );
    for (const cycle of findCycles(nodes, edges)) {
      const start = cycle[0];
      const next = cycle[1];
      const text = cycle.map((c) => c.name).join(" → ");
      const offset = typeof start.data === "string" ? wordOffset(start.data, next.name) : 0;
      this.#at(
        start,
        offset,
        "column-cycle",
        `Columns of table \`${table.name}\` form a cycle: ${text}`,
        {
          hint:
            "A column can only use columns that do not depend on it; compute one of them without the other.",
        },
      );
    }
  }

  #checkTableCycles(): void {
    const tables = [...this.#byName.values()];
    const edges = new Map<TableConfig, Map<TableConfig, Edge>>();
    for (const table of tables) {
      const out = new Map<TableConfig, Edge>();
      for (const column of table.columns) {
        for (const call of [...column.expr?.foreignKeys ?? [], ...column.expr?.copies ?? []]) {
          const parent = this.#byName.get(call.table);
          if (parent && !out.has(parent)) {
            out.set(parent, { column, span: call.span, table: call.table });
          }
        }
      }
      edges.set(table, out);
    }
    // A table may reference itself (manager_id -> employee_id); #checkSelfReferences checks
    // that such a reference does not go round through its own rows.
    const cycles = findCycles(tables, (t) => [...edges.get(t)!.keys()].filter((p) => p !== t));
    for (const cycle of cycles) {
      const start = cycle[0];
      const edge = edges.get(start)!.get(cycle[1])!;
      const offset = this.#argumentOffset(edge.column, edge.span, edge.table, -1);
      const text = cycle.map((t) => t.name).join(" → ");
      this.#at(edge.column, offset, "fk-cycle", `Foreign keys form a cycle: ${text}`, {
        hint:
          "Parent tables are generated before their children, so references cannot go round in a circle; " +
          "remove one of them.",
      });
    }
    for (const table of tables) this.#checkSelfReferences(table);
  }

  /**
   * A table that references itself reads other rows' values; those values must not depend
   * on a column that itself references the table, or generating one row would need another
   * row that needs the first.
   */
  #checkSelfReferences(table: TableConfig): void {
    const byName = new Map(table.columns.map((c) => [c.name, c]));
    const readsSelf = (c: ColumnConfig) =>
      [...c.expr?.foreignKeys ?? [], ...c.expr?.copies ?? []].some((call) =>
        call.table === table.name
      );
    const dependsOnSelfReference = (
      name: string,
      seen = new Set<string>(),
    ): ColumnConfig | undefined => {
      const column = byName.get(name);
      if (!column || seen.has(name)) return undefined;
      seen.add(name);
      if (readsSelf(column)) return column;
      for (const ref of column.expr?.columnRefs ?? []) {
        const found = dependsOnSelfReference(ref, seen);
        if (found) return found;
      }
      return undefined;
    };
    for (const column of table.columns) {
      const calls = [
        ...(column.expr?.foreignKeys ?? []).map((fk) => ({
          call: fk,
          read: [fk.column, fk.parentAttr],
        })),
        ...(column.expr?.copies ?? []).map((copy) => ({ call: copy, read: [copy.column] })),
      ];
      for (const { call, read } of calls) {
        if (call.table !== table.name) continue;
        for (const target of read) {
          const culprit = target === undefined ? undefined : dependsOnSelfReference(target);
          if (!culprit) continue;
          const offset = this.#argumentOffset(column, call.span, call.table, -1);
          this.#at(
            column,
            offset,
            "fk-cycle",
            `Table \`${table.name}\` references its own column \`${target}\`, which depends on \`${culprit.name}\`, ` +
              "itself a reference to this table",
            {
              hint:
                "A row can read another row's values only when they do not come from references to the same " +
                "table; point the reference at a column such as `row_id`.",
            },
          );
        }
      }
    }
  }
}

/** One way to read a column name as `<prefix>_<attr>` after a foreign key `<prefix>_id`. */
interface InferenceCandidate {
  fkColumn: string;
  parent: string;
  attr: string;
  parentHasColumn: boolean;
}

/** The readings of `column`'s name whose `<prefix>_id` is a foreign-key column of the table. */
function inferenceCandidates(
  table: TableConfig,
  column: ColumnConfig,
  tables: ReadonlyMap<string, TableConfig>,
): InferenceCandidate[] {
  const out: InferenceCandidate[] = [];
  const name = column.name;
  for (let i = name.indexOf("_"); i > 0; i = name.indexOf("_", i + 1)) {
    const fkColumn = `${name.slice(0, i)}_id`;
    const attr = name.slice(i + 1);
    const key = table.columns.find((c) => c.name === fkColumn && c !== column);
    if (!key?.expr?.isForeignKey || attr === "") continue;
    const parent = key.expr.foreignKeys[0].table;
    const parentHasColumn = tables.get(parent)?.columns.some((c) => c.name === attr) ?? false;
    out.push({ fkColumn, parent, attr, parentHasColumn });
  }
  return out;
}

/** The offset of `word` as a whole identifier in `text`, or 0. */
function wordOffset(text: string, word: string): number {
  const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const match = new RegExp(`(?<![A-Za-z0-9_])${escaped}(?![A-Za-z0-9_])`).exec(text);
  return match?.index ?? 0;
}

function columnList(table: TableConfig): string {
  return `Columns of \`${table.name}\`: ${table.columns.map((c) => c.name).join(", ")}.`;
}
