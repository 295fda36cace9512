/**
 * tablestream and tablefaker 1.11.1 side by side. Both tools run every config of tablefaker's
 * corpus, our `examples/` and `tests/fixtures/tablefaker/side_by_side.yaml`, each into CSV,
 * JSON and Parquet, and what each wrote is read back (by `_tablefaker.py` in the peer, the same
 * reading for both) and compared. The values differ (different random generators), so what is
 * compared is their shape: the files of each table and their names (`export_file_count`,
 * `export_file_row_count`, `export_file_name`), rows per file, column names and order, Parquet
 * types, how values are spelled in CSV and JSON (`1` or `1.0`, `True` or `true`, date and
 * timestamp text, nulls), null ratios (within a tolerance from the row count), unique primary
 * keys, and foreign keys that all point at a parent key, in both outputs.
 *
 * Row counts are capped at {@link CAP} on a copy of each config, the same copy for both tools,
 * so that the whole file runs in a couple of minutes (tablefaker writes about 5,000 rows/s).
 * tablefaker is given the config's seed (or 1) but reads the machine's clock, which cannot be
 * fixed; tablestream gets the same seed and a fixed reference time.
 *
 * Where the tools differ on purpose, the difference is written once below ({@link INTENDED},
 * {@link tablefakerColumnOrder}, {@link REFUSED}) and is a row of the side-by-side table in
 * docs/tablefaker.md; anything else that differs fails the test.
 */
import { assert, assertEquals } from "../_assert.ts";
import { cli, withTempDir } from "../_cli.ts";
import { tablefakerCorpus, tablefakerTest } from "../_external.ts";
import { interopTest, type Peer } from "./_peer.ts";
import { parse as parseYaml } from "yaml";
import {
  type ColumnConfig,
  type Config,
  loadConfig,
  type TableConfig,
} from "../../lib/config/mod.ts";

/** Rows per table at most: enough for null ratios within a few percent. */
const CAP = 400;
const REFERENCE_TIME = "2026-01-01T00:00:00Z";
const HERE = new URL(".", import.meta.url).pathname;
const PYTHON = Deno.readTextFileSync(`${HERE}_tablefaker.py`);

/** The formats compared; Parquet first, since its types say what each column holds. */
const FILE_TYPES = ["parquet", "csv", "json"] as const;
type FileType = typeof FILE_TYPES[number];

/**
 * Configs one tool refuses, and how. `ours`: tablestream's validation refuses it (its errors
 * are pinned by tests/tablefaker_corpus_test.ts). `tablefaker`: tablefaker fails with this,
 * in every format or in `formats` only. A refused config is checked to be refused and is
 * compared no further (in that format).
 */
const REFUSED: Record<string, { ours?: true; tablefaker: RegExp; formats?: FileType[] }> = {
  // The config's own Python module, which neither runs here.
  "samples/hotel.yaml": { ours: true, tablefaker: /name 'hotel_custom_calendar_utils'/ },
  // The streaming fork's copy_from_fk(fk_column, parent_table, parent_column): tablefaker
  // 1.11.1 reads only (parent_table, fk_column, parent_column) and looks the row up by the
  // parent table's name. tablestream reads both.
  "streaming/hotel_streaming.yaml": { ours: true, tablefaker: /KeyError: 'hotel'/ },
  "streaming/streaming_config.yaml": { tablefaker: /KeyError: 'person'/ },
  // A community provider that is not installed (faker_education).
  "tests/test_table.yaml": { ours: true, tablefaker: /faker_education/ },
  // tablestream's plugins (a pareto distribution, a column function): ours alone.
  "examples/plugins/config.yaml": {
    tablefaker: /foreign_key\(\) got an unexpected keyword argument 'alpha'/,
  },
  // lab_result.result_value holds floats and text: pyarrow cannot make a Parquet column of
  // it. tablestream writes it as text.
  "samples/hospital.yaml": {
    tablefaker: /Conversion failed for column result_value/,
    formats: ["parquet"],
  },
};

/**
 * What tablefaker writes where tablestream writes something else on purpose, mapped onto what
 * tablestream writes; each is a row of the side-by-side table in docs/tablefaker.md.
 */
const INTENDED = {
  /** A Parquet type of tablefaker's as tablestream's. */
  parquetType(type: string): string {
    // pandas' strings become Arrow large_string, which pyarrow records in the file; in
    // Parquet both are UTF-8 byte arrays.
    if (type === "large_string") return "string";
    // Naive datetimes in the machine's zone: tablestream's timestamps are UTC.
    if (/^timestamp\[(s|ms|us|ns)\]$/.test(type)) return "timestamp[us, tz=UTC]";
    // A column of nothing but None: tablestream gives it a type (string) Delta can hold.
    if (type === "null") return "string";
    return type;
  },
  /** A value form of tablefaker's (see `text_form` and `json_form`) as tablestream's. */
  form(fileType: FileType, kind: Kind, form: string): string {
    // Timestamps: pandas writes naive `2025-08-06 01:33:09.296964` in CSV and
    // `2025-08-06T01:33:09.296` in JSON; tablestream ISO 8601 in UTC to the microsecond.
    if (kind === "timestamp" && /^"?YYYY-MM-DD[ T]HH:MM:SS/.test(form)) {
      return fileType === "json" ? '"YYYY-MM-DDTHH:MM:SS.ffffffZ"' : "YYYY-MM-DDTHH:MM:SS.ffffffZ";
    }
    // Dates: pandas' JSON writes them as midnight timestamps (`1979-09-03T00:00:00.000`).
    if (kind === "date" && fileType === "json" && form.startsWith('"YYYY-MM-DDTHH:MM:SS')) {
      return '"YYYY-MM-DD"';
    }
    return form;
  },
};

/** What a column holds, from its Parquet type. */
type Kind = "integer" | "float" | "decimal" | "boolean" | "date" | "timestamp" | "string";

function kindOf(type: string): Kind {
  if (/^u?int\d+$/.test(type)) return "integer";
  if (type === "float" || type === "double" || type === "halffloat") return "float";
  if (type.startsWith("decimal")) return "decimal";
  if (type === "bool") return "boolean";
  if (type.startsWith("date")) return "date";
  if (type.startsWith("timestamp")) return "timestamp";
  return "string";
}

/** One table as a tool wrote it, as `profile` in `_tablefaker.py` describes it. */
interface Profile {
  files: string[];
  file_rows: number[];
  columns: string[];
  rows: number;
  /** Parquet: each column's types across the files. */
  types?: Record<string, string[]>;
  /** Parquet: whether each column is nullable in every file. */
  nullable?: Record<string, boolean>;
  /** CSV and JSON: each column's value forms, with their counts. */
  forms?: Record<string, Record<string, number>>;
  nulls: Record<string, number>;
  /** The values of key columns, as text; null for a null. */
  values: Record<string, (string | null)[]>;
}

/** The configs compared: the corpus (when the steering folder is there), ours, the fixture. */
function configs(): { name: string; path: string }[] {
  const corpus = tablefakerCorpus();
  const examples = new URL("../../examples/", import.meta.url).pathname;
  const fixtures = new URL("../fixtures/tablefaker/", import.meta.url).pathname;
  return [
    ...(corpus.found ? corpus.value.names : []).map((name) => ({
      name,
      path: corpus.found ? corpus.value.path(name) : name,
    })),
    { name: "examples/streaming_config.yaml", path: `${examples}streaming_config.yaml` },
    { name: "examples/plugins/config.yaml", path: `${examples}plugins/config.yaml` },
    { name: "tests/fixtures/tablefaker/side_by_side.yaml", path: `${fixtures}side_by_side.yaml` },
  ];
}

/**
 * The config with every `row_count` above {@link CAP} lowered to it, written into `dir`; the
 * config itself when no count is above (so that paths relative to it still resolve).
 */
async function cappedConfig(path: string, dir: string): Promise<string> {
  const text = await Deno.readTextFile(path);
  const capped = text.replace(
    /^(\s*row_count:\s*)(\d+)/gm,
    (_all, key: string, count: string) => key + Math.min(Number(count), CAP),
  );
  if (capped === text) return path;
  const copy = `${dir}/${path.slice(path.lastIndexOf("/") + 1)}`;
  await Deno.writeTextFile(copy, capped);
  return copy;
}

async function runTablefaker(
  peer: Peer,
  config: string,
  out: string,
  fileType: FileType,
  seed: number,
): Promise<string | null> {
  return await peer.py<string | null>(
    PYTHON + "\nresult = run_tablefaker(args['config'], args['out'], args['file_type'], " +
      "args['seed'])\n",
    { config, out, file_type: fileType, seed },
  );
}

async function profiles(
  peer: Peer,
  fileType: FileType,
  tables: Record<string, string[]>,
  keys: Record<string, string[]>,
): Promise<Record<string, Profile>> {
  return await peer.py<Record<string, Profile>>(
    PYTHON + "\nresult = {t: profile(p, args['file_type'], args['keys'].get(t, []))\n" +
      "          for t, p in args['tables'].items()}\n",
    { file_type: fileType, tables, keys },
  );
}

/**
 * The files tablefaker writes for a table, in order, as its `to_target` names them:
 * `<export_file_name or table>_<n>.<ext>` when the rows are split into several files (by
 * `export_file_count`, else `export_file_row_count`), `<export_file_name>.<ext>` for one
 * named file, else `<table>_<the clock to the microsecond>.<ext>`.
 */
function tablefakerFiles(table: TableConfig, ext: string): (string | RegExp)[] {
  const perFile = table.exportFileCount !== undefined && table.exportFileCount > 1
    ? Math.ceil(table.rowCount / table.exportFileCount)
    : table.exportFileRowCount ?? Infinity;
  const count = Math.max(1, Math.ceil(table.rowCount / perFile));
  const base = table.exportFileName ?? table.name;
  if (count > 1) return Array.from({ length: count }, (_, i) => `${base}_${i + 1}.${ext}`);
  if (table.exportFileName !== undefined) return [`${base}.${ext}`];
  return [new RegExp(`^${table.name}_\\d{4}-\\d\\d-\\d\\d_\\d\\d-\\d\\d-\\d\\d-\\d{6}\\.${ext}$`)];
}

/**
 * tablestream's files for a table: tablefaker's names, in a folder of the table's own, but
 * `part-00000` (with a run id in Parquet) for the one file tablefaker stamps with the clock.
 */
function ourFiles(theirs: (string | RegExp)[], ext: string): (string | RegExp)[] {
  return theirs.map((name) =>
    typeof name === "string" ? name : new RegExp(`^part-00000(-[0-9a-f]{8})?\\.${ext}$`)
  );
}

/** Matches `expected` names onto `files`, in order; problems for what is missing. */
function matchFiles(
  files: string[],
  expected: (string | RegExp)[],
  problems: string[],
  where: string,
) {
  const matched: string[] = [];
  for (const name of expected) {
    const file = files.find((f) => typeof name === "string" ? f === name : name.test(f));
    if (file === undefined) {
      problems.push(`${where}: no file ${name} among ${JSON.stringify(files)}`);
    } else matched.push(file);
  }
  return matched;
}

/** The visible files of a folder, sorted. */
async function filesIn(dir: string): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (entry.isFile && !entry.name.startsWith(".")) names.push(entry.name);
  }
  return names.sort();
}

/** The parent key a column's `foreign_key(...)` calls all point at, if any. */
function foreignKeyOf(column: ColumnConfig): { table: string; column: string } | undefined {
  const calls = column.expr?.foreignKeys ?? [];
  const targets = new Set(calls.map((fk) => `${fk.table}\u0000${fk.column}`));
  if (calls.length === 0 || targets.size !== 1) return undefined;
  return { table: calls[0].table, column: calls[0].column };
}

/** The columns whose values the comparison needs, by table: keys, foreign keys, their targets. */
function keyColumns(config: Config): Record<string, string[]> {
  const keys: Record<string, Set<string>> = {};
  const add = (table: string, column: string) => (keys[table] ??= new Set()).add(column);
  for (const table of config.tables) {
    for (const column of table.columns) {
      if (column.isPrimaryKey) add(table.name, column.name);
      const fk = foreignKeyOf(column);
      if (fk) {
        add(table.name, column.name);
        add(fk.table, fk.column);
      }
    }
  }
  return Object.fromEntries(Object.entries(keys).map(([t, set]) => [t, [...set]]));
}

/** A YAML `data:` value as Python's `str()` gives it, which is what tablefaker searches. */
function pythonText(data: unknown): string {
  if (data === null || data === undefined) return "None";
  if (typeof data === "boolean") return data ? "True" : "False";
  return String(data);
}

/**
 * The order tablefaker writes a table's columns in, which is the order it evaluates them:
 * primary keys, foreign keys and columns whose expression text names no other column first,
 * then the columns whose text contains another column's name (a substring test), each group in
 * the config's order. tablestream keeps the config's order.
 */
function tablefakerColumnOrder(table: TableConfig, raw: Record<string, unknown>[]): string[] {
  const names = table.columns.map((c) => c.name);
  const later = (column: ColumnConfig, i: number) => {
    const data = raw[i]?.data;
    const auto = data === null || data === undefined || data === "auto";
    const text = auto && column.inferred !== undefined ? column.inferred : pythonText(data);
    if (column.isPrimaryKey || text.includes("foreign_key(") || text === "") return false;
    return names.some((other) => other !== column.name && text.includes(other));
  };
  const flags = table.columns.map(later);
  return [...names.filter((_, i) => !flags[i]), ...names.filter((_, i) => flags[i])];
}

/** Whether two null counts of `rows` rows are as close as two random draws would be. */
function nullsAgree(ours: number, theirs: number, rows: number): boolean {
  if (rows === 0) return ours === theirs;
  const p = (ours + theirs) / (2 * rows);
  // Four standard deviations of the difference of two binomial fractions, plus rounding.
  return Math.abs(ours - theirs) / rows <= 4 * Math.sqrt((2 * p * (1 - p)) / rows) + 2 / rows;
}

/** The non-null forms of a column, most common first. */
function nonNullForms(forms: Record<string, number> | undefined): [string, number][] {
  return Object.entries(forms ?? {})
    .filter(([form]) => form !== "empty" && form !== "null")
    .sort((a, b) => b[1] - a[1]);
}

/**
 * Compares the value forms of one column. A typed column (by its Parquet type) may only take
 * forms tablefaker's takes (an int column `123`, a float `1.5` or `1e-05`, never `80`). Text
 * varies with the faker (Python Faker's phone numbers are sometimes all digits), so it is held
 * where it is uniform: when tablefaker's text is all of one form (zip codes `123`, `strftime`
 * dates), tablestream's is all of it too; when tablestream's is, it is tablefaker's commonest.
 */
function compareForms(
  where: string,
  kind: Kind,
  ours: Record<string, number> | undefined,
  theirs: Record<string, number> | undefined,
  fileType: FileType,
  problems: string[],
): void {
  const mine = nonNullForms(ours);
  const normalised = new Map<string, number>();
  for (const [form, count] of nonNullForms(theirs)) {
    const as = INTENDED.form(fileType, kind, form);
    normalised.set(as, (normalised.get(as) ?? 0) + count);
  }
  const other = [...normalised].sort((a, b) => b[1] - a[1]);
  if (mine.length === 0 || other.length === 0) return;
  const show = () =>
    `tablestream ${JSON.stringify(Object.fromEntries(mine))}, tablefaker ` +
    JSON.stringify(Object.fromEntries(nonNullForms(theirs)));
  if (kind !== "string") {
    const extra = mine.filter(([form]) => !normalised.has(form));
    if (extra.length > 0) problems.push(`${where}: ${kind} values spelled ${show()}`);
    return;
  }
  if (other.length === 1 && (mine.length !== 1 || mine[0][0] !== other[0][0])) {
    problems.push(`${where}: text spelled ${show()}`);
  } else if (mine.length === 1 && other[0][0] !== mine[0][0]) {
    problems.push(`${where}: text spelled ${show()}`);
  }
}

/** The context of one table's comparison in one format. */
interface TableCase {
  where: string;
  table: TableConfig;
  fileType: FileType;
  ours: Profile;
  theirs: Profile;
  /** Column kinds, from tablestream's Parquet types. */
  kinds: Record<string, Kind>;
  /** tablefaker's column order. */
  theirOrder: string[];
}

function compareTable(c: TableCase, problems: string[]): void {
  const { where, table, ours, theirs } = c;
  const rows = Math.min(table.rowCount, CAP);
  if (ours.rows !== rows || theirs.rows !== rows) {
    problems.push(
      `${where}: ${ours.rows} rows (tablestream), ${theirs.rows} (tablefaker), want ${rows}`,
    );
  }
  if (JSON.stringify(ours.file_rows) !== JSON.stringify(theirs.file_rows)) {
    problems.push(
      `${where}: rows per file ${ours.file_rows} (tablestream), ${theirs.file_rows} (tablefaker)`,
    );
  }
  const names = table.columns.map((column) => column.name);
  if (JSON.stringify(ours.columns) !== JSON.stringify(names)) {
    problems.push(`${where}: tablestream's columns ${ours.columns}, the config's ${names}`);
  }
  if (JSON.stringify(theirs.columns) !== JSON.stringify(c.theirOrder)) {
    problems.push(`${where}: tablefaker's columns ${theirs.columns}, expected ${c.theirOrder}`);
  }
  for (const name of names) {
    const at = `${where}.${name}`;
    if (c.fileType === "parquet") {
      const mine = ours.types?.[name] ?? [];
      const other = (theirs.types?.[name] ?? []).map(INTENDED.parquetType);
      if (mine.length !== 1 || new Set(other).size !== 1 || other[0] !== mine[0]) {
        problems.push(
          `${at}: Parquet type ${mine} (tablestream), ${theirs.types?.[name]} (tablefaker)`,
        );
      }
      if (ours.nullable?.[name] !== theirs.nullable?.[name]) {
        problems.push(
          `${at}: nullable ${ours.nullable?.[name]} (tablestream), ` +
            `${theirs.nullable?.[name]} (tablefaker)`,
        );
      }
    } else {
      compareForms(
        at,
        c.kinds[name],
        ours.forms?.[name],
        theirs.forms?.[name],
        c.fileType,
        problems,
      );
    }
    const [mine, other] = [ours.nulls[name] ?? 0, theirs.nulls[name] ?? 0];
    if (!nullsAgree(mine, other, rows)) {
      problems.push(`${at}: ${mine} nulls (tablestream), ${other} (tablefaker) of ${rows}`);
    }
  }
}

/** Every primary key unique and present, every foreign key a parent's key, in one output. */
function checkKeys(
  config: Config,
  output: Record<string, Profile>,
  tool: string,
  fileType: FileType,
  problems: string[],
): void {
  for (const table of config.tables) {
    const profile = output[table.name];
    if (!profile) continue;
    for (const column of table.columns) {
      const where = `${tool} ${fileType} ${table.name}.${column.name}`;
      const values = profile.values[column.name] ?? [];
      if (column.isPrimaryKey) {
        const present = values.filter((v) => v !== null);
        if (present.length !== values.length) problems.push(`${where}: a primary key is null`);
        if (new Set(present).size !== present.length) {
          problems.push(`${where}: primary keys repeat`);
        }
      }
      const fk = foreignKeyOf(column);
      if (!fk || !output[fk.table]) continue;
      const parents = new Set(output[fk.table].values[fk.column] ?? []);
      const orphan = values.find((v) => v !== null && !parents.has(v));
      if (orphan !== undefined) {
        problems.push(`${where}: ${orphan} is no ${fk.table}.${fk.column}`);
      }
    }
  }
}

/** Runs `generate` of tablestream; fails with its output when it does not exit 0. */
async function generate(config: string, out: string, fileType: FileType, seed: number) {
  const result = await cli(
    "generate",
    "--config",
    config,
    "--output",
    out,
    "--format",
    fileType,
    "--seed",
    String(seed),
    "--reference-time",
    REFERENCE_TIME,
  );
  if (result.code !== 0) {
    throw new Error(`tablestream generate --format ${fileType} failed:\n${result.stderr}`);
  }
}

/**
 * Checks that the tools refuse a config as {@link REFUSED} says: tablestream's validation of the
 * config as written, tablefaker's run in each format. True when tablefaker refuses it in
 * every format, so that there is nothing to compare.
 */
async function checkRefusals(
  peer: Peer,
  name: string,
  original: string,
  path: string,
  dir: string,
) {
  const refused = REFUSED[name];
  const { config, diagnostics } = await loadConfig(original);
  if (refused?.ours) {
    assertEquals(config, undefined, `${name}: tablestream should refuse it`);
  } else {
    const errors = diagnostics.filter((d) => d.severity === "error").map((d) => d.message);
    assert(config, `${name}: tablestream refuses it: ${errors.join("; ")}`);
  }
  if (!refused || refused.formats) return false;
  for (const fileType of FILE_TYPES) {
    const error = await runTablefaker(peer, path, `${dir}/tablefaker-${fileType}`, fileType, 1);
    assert(
      error !== null && refused.tablefaker.test(error),
      `${name} ${fileType}: tablefaker should fail with ${refused.tablefaker}, it ${
        error ?? "worked"
      }`,
    );
  }
  return true;
}

/** Both tools on one config in every format: the problems found, none when they agree. */
async function sideBySide(peer: Peer, name: string, original: string): Promise<void> {
  await withTempDir(async (dir) => {
    const path = await cappedConfig(original, dir);
    if (await checkRefusals(peer, name, original, path, dir)) return;
    const refused = REFUSED[name];
    const { config } = await loadConfig(path);
    assert(config, `${name}: tablestream refuses the copy with fewer rows`);
    const seed = config.seed ?? 1;
    const raw = parseYaml(await Deno.readTextFile(path)) as {
      tables: { columns: Record<string, unknown>[] }[];
    };
    const problems: string[] = [];
    let kinds: Record<string, Record<string, Kind>> = {};
    for (const fileType of FILE_TYPES) {
      const error = await runTablefaker(
        peer,
        path,
        `${dir}/tablefaker-${fileType}`,
        fileType,
        seed,
      );
      const expected = refused && (refused.formats ?? FILE_TYPES).includes(fileType)
        ? refused.tablefaker
        : undefined;
      if (expected) {
        assert(
          error !== null && expected.test(error),
          `${name} ${fileType}: tablefaker should fail with ${expected}, it ${error ?? "worked"}`,
        );
      } else {
        assertEquals(error, null, `${name} ${fileType}: tablefaker failed`);
      }
      const ourDir = `${dir}/tablestream-${fileType}`;
      await generate(path, ourDir, fileType, seed);
      const ext = fileType;
      const ourTables: Record<string, string[]> = {};
      for (const table of config.tables) {
        const files = await filesIn(`${ourDir}/${table.name}`);
        const expectedFiles = ourFiles(tablefakerFiles(table, ext), ext);
        const where = `tablestream ${fileType} ${table.name}`;
        const matched = matchFiles(files, expectedFiles, problems, where);
        if (files.length !== matched.length) {
          problems.push(`${where}: files ${JSON.stringify(files)}, expected ${expectedFiles}`);
        }
        ourTables[table.name] = matched.map((file) => `${ourDir}/${table.name}/${file}`);
      }
      const keys = keyColumns(config);
      const ours = await profiles(peer, fileType, ourTables, keys);
      if (fileType === "parquet") {
        kinds = Object.fromEntries(
          Object.entries(ours).map(([table, p]) => [
            table,
            Object.fromEntries(Object.entries(p.types ?? {}).map(([c, t]) => [c, kindOf(t[0])])),
          ]),
        );
      }
      checkKeys(config, ours, "tablestream", fileType, problems);
      if (expected) continue;
      const theirDir = `${dir}/tablefaker-${fileType}`;
      const theirFiles = await filesIn(theirDir);
      const theirTables: Record<string, string[]> = {};
      const claimed = new Set<string>();
      for (const table of config.tables) {
        const where = `tablefaker ${fileType} ${table.name}`;
        const matched = matchFiles(theirFiles, tablefakerFiles(table, ext), problems, where);
        matched.forEach((file) => claimed.add(file));
        theirTables[table.name] = matched.map((file) => `${theirDir}/${file}`);
      }
      const stray = theirFiles.filter((file) => !claimed.has(file));
      if (stray.length > 0) problems.push(`tablefaker ${fileType}: files of no table: ${stray}`);
      const theirs = await profiles(peer, fileType, theirTables, keys);
      checkKeys(config, theirs, "tablefaker", fileType, problems);
      config.tables.forEach((table, i) => {
        if (ourTables[table.name].length === 0 || theirTables[table.name].length === 0) return;
        compareTable({
          where: `${fileType} ${table.name}`,
          table,
          fileType,
          ours: ours[table.name],
          theirs: theirs[table.name],
          kinds: kinds[table.name] ?? {},
          theirOrder: tablefakerColumnOrder(table, raw.tables[i]?.columns ?? []),
        }, problems);
      });
    }
    assertEquals(problems, [], `${name}: tablestream and tablefaker differ`);
  });
}

for (const { name, path } of configs()) {
  interopTest(`tablefaker side by side: ${name}`, (peer) => sideBySide(peer, name, path));
}

tablefakerTest("tablefaker side by side: every refused config is in the corpus", (corpus) => {
  const ours = ["examples/plugins/config.yaml"];
  for (const name of Object.keys(REFUSED)) {
    assert(corpus.names.includes(name) || ours.includes(name), `${name} is not in the corpus`);
  }
});
