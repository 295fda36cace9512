/**
 * What several commands share: load and check the config (printing diagnostics), build the
 * engine with the run's inputs, and resolve `--table`.
 *
 * @module
 */
import { type Diagnostic, diagnosticAt, formatDiagnostics, loadConfig } from "../config/mod.ts";
import type { Config } from "../config/mod.ts";
import { closestString } from "../expr/suggest.ts";
import { Engine } from "../engine/engine.ts";
import type { GenerationError } from "../engine/generation_error.ts";
import { engineOptions, runInputs, tableSpecs, withAncestors } from "../config/engine_specs.ts";
import type { TableSpec } from "../engine/spec.ts";
import { type CommandIO, intOption, UsageError } from "./command.ts";

/** The config has errors; they were printed. Exit code 2. */
export class InvalidConfig extends Error {
  constructor(file: string, errors: number) {
    super(`${file}: ${errors} error${errors === 1 ? "" : "s"}; nothing was written`);
    this.name = "InvalidConfig";
  }
}

/** A cell failed while generating; its diagnostic was printed. Exit code 1. */
export class CellFailed extends Error {
  constructor(error: GenerationError) {
    super(`Table "${error.table}" failed at row ${error.rowId} (above); its rows were not written`);
    this.name = "CellFailed";
  }
}

/** Loads a config, prints its diagnostics, and throws {@link InvalidConfig} on errors. */
export async function loadChecked(path: string, io: CommandIO): Promise<Config> {
  const { config, diagnostics } = await loadConfig(path);
  if (diagnostics.length) io.stderr(formatDiagnostics(diagnostics));
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  if (!config || errors) throw new InvalidConfig(path, errors);
  return config;
}

/**
 * A cell that failed, as a diagnostic at its column's `data:` in the config, so the user sees
 * the line to change (the table, column and row are in the message).
 */
export function cellDiagnostic(config: Config, error: GenerationError): Diagnostic {
  const table = config.tables.findIndex((t) => t.name === error.table);
  const column = table < 0
    ? -1
    : config.tables[table].columns.findIndex((c) => c.name === error.column);
  const path = column < 0 ? ["tables", table] : ["tables", table, "columns", column, "data"];
  return diagnosticAt(config, path, error.code, error.message, {
    hint: error.code === "too-large"
      ? "Values are bounded to keep a config from exhausting memory; see docs/expressions.md#limits."
      : undefined,
  });
}

/**
 * A warning at each column whose values have no type the checker can infer (no `type:`): it is
 * a text column, where a number is stored as its text. Said, so that it is never silent.
 */
export function untypedColumnWarnings(
  config: Config,
  engine: Engine,
  tables: readonly string[],
): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const name of tables) {
    const table = config.tables.findIndex((t) => t.name === name);
    if (table < 0) continue;
    for (const column of engine.table(name).untypedColumns()) {
      const index = config.tables[table].columns.findIndex((c) => c.name === column);
      out.push(diagnosticAt(
        config,
        ["tables", table, "columns", index, "data"],
        "untyped-column",
        `Column \`${column}\`'s values are of a type only known when each row runs (several ` +
          "types, or an unknown one): it is a text column, where numbers, bools and dates are " +
          "stored as their `str()`",
        {
          severity: "warning",
          hint: "Declare its `type:` (e.g. `type: float64`, or `type: string` to keep text), or " +
            "make every value one type.",
        },
      ));
    }
  }
  return out;
}

/** An engine for a config, with `--seed` and `--reference-time` applied. */
export interface Prepared {
  engine: Engine;
  specs: TableSpec[];
}

/**
 * Builds the engine for a validated config and the command's options. `rowIdShift` moves
 * a table's row ids past rows it already has (appending), parents and children alike, so
 * new keys do not collide with old ones and foreign keys point at the new parent rows.
 */
export function prepareEngine(
  config: Config,
  values: Record<string, string | boolean | undefined>,
  rowIdShift: ReadonlyMap<string, number> = new Map(),
): Prepared {
  const seed = intOption(values, "seed");
  const now = timeOption(values, "reference-time");
  const specs = tableSpecs(config);
  for (const spec of specs) spec.startRowId += rowIdShift.get(spec.name) ?? 0;
  const engine = new Engine(
    specs,
    runInputs(config, { seed, now }, wallClockSecond()),
    engineOptions(config),
  );
  return { engine, specs };
}

/** The current time, to the second: the only clock read of a batch run. */
function wallClockSecond(): Date {
  return new Date(Math.floor(Date.now() / 1000) * 1000);
}

/** Parses an ISO-8601 time option (a date alone means midnight UTC). */
export function timeOption(
  values: Record<string, string | boolean | undefined>,
  name: string,
): Date | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const text = String(raw);
  const iso = /^\d{4}-\d\d-\d\d$/.test(text) ? text + "T00:00:00Z" : text;
  const withZone = /[zZ]|[+-]\d\d:?\d\d$/.test(iso) ? iso : iso + "Z";
  const time = Date.parse(withZone);
  if (Number.isNaN(time)) {
    throw new UsageError(
      `--${name} must be an ISO-8601 time like 2026-01-01T00:00:00Z, got "${text}"`,
    );
  }
  return new Date(time);
}

/** The tables a command works on: all, or `--table` and the tables it reads from. */
export function selectTables(specs: readonly TableSpec[], table: string | undefined): string[] {
  const names = specs.map((s) => s.name);
  if (table === undefined) return withAncestors(specs, names);
  if (!names.includes(table)) {
    const close = closestString(table, names);
    throw new UsageError(
      `Unknown table "${table}"` +
        (close ? `; did you mean "${close}"?` : `; tables: ${names.join(", ")}`),
    );
  }
  return withAncestors(specs, [table]);
}
