/**
 * tablefaker's configs run unchanged: every config of the corpus (from the steering folder, see `_external.ts`)
 * is validated and generated through the CLI, and what it wrote is read back and checked
 * against the config with tablefaker's semantics: row counts, every foreign key pointing at
 * a parent key, `copy_from_fk` copying the parent's value, `is_unique` keys never repeating,
 * the distributions' shapes, pandas-declared and Python-inferred types, and null fractions.
 * The configs that need Python modules of their own must fail, each error a clear one.
 */
import type * as arrow from "apache-arrow";
import { assert, assertEquals, assertStringIncludes } from "./_assert.ts";
import { cli, withTempDir } from "./_cli.ts";
import { tablefakerCorpus, tablefakerTest } from "./_external.ts";
import { partFiles, plainRows, readCsv, readOutputTable } from "./_read.ts";
import { parse as parseYaml } from "yaml";
import { type ColumnConfig, loadConfig, type TableConfig } from "../lib/config/mod.ts";

const corpus = tablefakerCorpus();
const REFERENCE_TIME = "2026-01-01T00:00:00Z";

/** The corpus's configs; none when it is missing (its one test below says so). */
const files = corpus.found ? corpus.value.names : [];
const corpusPath = (name: string) => corpus.found ? corpus.value.path(name) : name;

/**
 * The errors of the configs that need Python, as `code@line`. hotel's two `copy_from_fk`
 * errors follow a key column computed by arithmetic rather than `foreign_key(...)`, which
 * tablestream's copy cannot follow (see docs/tablefaker.md).
 */
const FAILING: Record<string, string[]> = {
  "samples/hotel.yaml": [
    "bad-copy-from-fk@146",
    "bad-copy-from-fk@186",
    ...[277, 279, 281, 283, 286, 289, 292, 295].map((line) => `python-module@${line}`),
  ],
  "streaming/hotel_streaming.yaml": [
    "bad-copy-from-fk@150",
    "bad-copy-from-fk@190",
    "unsupported@279",
    "python-module@281",
    ...[284, 286, 288, 290, 293, 296, 299, 302].map((line) => `python-module@${line}`),
  ],
  "tests/test_table.yaml": ["python-module@48", "python-module@78"],
};

tablefakerTest("the corpus has the configs this test expects", ({ names }) => {
  assertEquals(names.length, 22);
  for (const name of Object.keys(FAILING)) assert(names.includes(name), name);
});

for (const name of Object.keys(FAILING).filter((name) => files.includes(name))) {
  Deno.test(`tablefaker ${name} fails with diagnostics that say what to do instead`, async () => {
    const path = corpusPath(name);
    const { config, diagnostics } = await loadConfig(path);
    assertEquals(config, undefined);
    const errors = diagnostics.filter((d) => d.severity === "error");
    assertEquals(errors.map((d) => `${d.code}@${d.line}`), FAILING[name]);
    for (const error of errors) {
      const hint = error.hint ?? "";
      if (error.code === "python-module") assertStringIncludes(hint, "see docs/plugins.md");
      if (error.code === "unsupported") assertStringIncludes(hint, "update_policy: replace");
      if (error.code === "bad-copy-from-fk") assertStringIncludes(hint, "foreign_key(");
    }
    await withTempDir(async (dir) => {
      const validate = await cli("validate", "--config", path);
      assertEquals(validate.code, 2);
      const generate = await cli("generate", "--config", path, "--output", `${dir}/out`);
      assertEquals(generate.code, 2);
      assertStringIncludes(generate.stderr, "nothing was written");
      assertEquals([...Deno.readDirSync(dir)], []);
    });
  });
}

const rowsOf = plainRows;

/** The Arrow type a pandas `type:` gives a column. */
const PANDAS_TYPES: Record<string, string> = {
  int8: "Int8",
  int16: "Int16",
  int32: "Int32",
  int64: "Int64",
  float32: "Float32",
  float: "Float64",
  string: "Utf8",
};

/**
 * The Arrow type Python would give a column without `type:`, judged from its expression
 * alone (not from the engine's inference): undefined when the expression does not tell.
 */
function pythonType(data: ColumnConfig["data"]): string | undefined {
  if (data === "row_id" || typeof data === "number" && Number.isInteger(data)) return "Int64";
  if (typeof data !== "string") return undefined;
  const date = /^fake\.(date_between|date_of_birth)\(/;
  const datetime = /^fake\.(date_time_between|date_time_this_decade)\(/;
  if (date.test(data)) return "Date32<DAY>";
  if (datetime.test(data)) return "Timestamp<MICROSECOND, UTC>";
  if (/^round\(random\.uniform\([^)]*\), [12]\)$/.test(data)) return "Float64";
  if (/^(random\.randint|fake\.random_int)\(\d+, ?\d+\)$/.test(data)) return "Int64";
  if (/^random\.choice\(\[(True|False), (True|False)/.test(data) || data === "fake.pybool()") {
    return "Bool";
  }
  if (/^fake\.(first_name|last_name|email|company|city|sentence|uuid4|name)\(/.test(data)) {
    return "Utf8";
  }
  if (/\.strftime\(|\.isoformat\(\)$/.test(data)) return "Utf8";
  return undefined;
}

/** The parent key column a foreign-key column points at, when it has one target. */
function foreignKeyOf(column: ColumnConfig): { table: string; column: string } | undefined {
  const calls = column.expr?.foreignKeys ?? [];
  const targets = new Set(calls.map((fk) => `${fk.table}\u0000${fk.column}`));
  if (calls.length === 0 || targets.size !== 1) return undefined;
  return { table: calls[0].table, column: calls[0].column };
}

/** Whether a column's whole expression is one `copy_from_fk(...)` (not computed from it). */
function isPlainCopy(column: ColumnConfig): boolean {
  return column.expr?.copies.length === 1 &&
    (column.inferred ?? String(column.data)).trim().startsWith("copy_from_fk(");
}

/** The `type:` each column declares in the config's text, by `table.column`. */
function declaredTypes(text: string): Map<string, string> {
  const types = new Map<string, string>();
  const doc = parseYaml(text) as {
    tables: { table_name: string; columns: { column_name: string; type?: string }[] }[];
  };
  for (const table of doc.tables) {
    for (const column of table.columns) {
      if (column.type !== undefined) {
        types.set(`${table.table_name}.${column.column_name}`, column.type);
      }
    }
  }
  return types;
}

function checkTypes(table: TableConfig, data: arrow.Table, declared: Map<string, string>): void {
  const types = new Map(data.schema.fields.map((f) => [f.name, String(f.type)]));
  for (const column of table.columns) {
    const where = `${table.name}.${column.name}`;
    const type = declared.get(where);
    const expected = type !== undefined ? PANDAS_TYPES[type] : pythonType(column.data);
    if (expected === undefined) continue;
    assertEquals(types.get(column.name), expected, where);
  }
}

function checkNulls(table: TableConfig, rows: Record<string, unknown>[]): void {
  for (const column of table.columns) {
    const nulls = rows.filter((row) => row[column.name] === null).length;
    const where = `${table.name}.${column.name}`;
    if (column.nullFraction > 0) {
      const p = column.nullFraction, n = rows.length;
      // Each row is null with probability p: allow four standard deviations.
      const tolerance = 4 * Math.sqrt((p * (1 - p)) / n) + 1 / n;
      assert(Math.abs(nulls / n - p) <= tolerance, `${where}: ${nulls} nulls of ${n}, want ${p}`);
    } else if (column.data === null || column.data === "None") {
      assertEquals(nulls, rows.length, where);
    } else if (!String(column.data).includes("None") && !isPlainCopy(column)) {
      assertEquals(nulls, 0, `${where} has nulls`);
    }
  }
}

/** Every foreign key points at an existing parent key; every plain copy is the parent's value. */
function checkReferences(
  table: TableConfig,
  rows: Record<string, unknown>[],
  tables: ReadonlyMap<string, Record<string, unknown>[]>,
): void {
  for (const column of table.columns) {
    const fk = foreignKeyOf(column);
    if (fk) {
      const keys = new Set(tables.get(fk.table)!.map((parent) => parent[fk.column]));
      for (const row of rows) {
        const value = row[column.name];
        assert(
          value === null || keys.has(value),
          `${table.name}.${column.name}=${value} has no parent`,
        );
      }
      if (column.expr?.foreignKeys[0].isUnique) {
        const values = rows.map((row) => row[column.name]);
        assertEquals(new Set(values).size, values.length, `${table.name}.${column.name} repeats`);
      }
    }
    if (!isPlainCopy(column)) continue;
    const copy = column.expr!.copies[0];
    const keyColumn = table.columns.find((c) => c.name === copy.fkColumn)!;
    const parentKey = foreignKeyOf(keyColumn)!.column;
    const parents = new Map(tables.get(copy.table)!.map((parent) => [parent[parentKey], parent]));
    for (const row of rows) {
      const parent = parents.get(row[copy.fkColumn]);
      assert(parent, `${table.name}.${copy.fkColumn}=${row[copy.fkColumn]} has no parent`);
      assertEquals(row[column.name], parent[copy.column], `${table.name}.${column.name}`);
    }
  }
}

for (const name of files.filter((file) => !(file in FAILING))) {
  Deno.test(`tablefaker ${name} validates and generates unchanged`, async () => {
    const path = corpusPath(name);
    const { config } = await loadConfig(path);
    assert(config, `${name} does not load`);
    const declared = declaredTypes(await Deno.readTextFile(path));
    await withTempDir(async (dir) => {
      const validate = await cli("validate", "--config", path);
      assertEquals(validate.code, 0, validate.stderr);
      const out = `${dir}/out`;
      const generate = await cli(
        "generate",
        "--config",
        path,
        "--output",
        out,
        "--reference-time",
        REFERENCE_TIME,
      );
      assertEquals(generate.code, 0, generate.stderr);
      const tables = new Map<string, Record<string, unknown>[]>();
      for (const table of config.tables) {
        const data = await readOutputTable(`${out}/${table.name}`);
        assertEquals(data.numRows, table.rowCount, `${table.name} rows`);
        checkTypes(table, data, declared);
        tables.set(table.name, rowsOf(data));
      }
      for (const table of config.tables) {
        const rows = tables.get(table.name)!;
        checkNulls(table, rows);
        checkReferences(table, rows, tables);
      }
    });
  });
}

/** Children per parent of a generated corpus table. */
async function childrenPerParent(out: string, table: string): Promise<Map<number, number>> {
  const counts = new Map<number, number>();
  for (const row of rowsOf(await readOutputTable(`${out}/${table}`))) {
    const id = row.customer_id as number;
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

tablefakerTest(
  "tablefaker distributions.yaml: uniform, zipf and weighted_parent have their shapes",
  async () => {
    await withTempDir(async (dir) => {
      const path = corpusPath("tests/distributions.yaml");
      const r = await cli(
        "generate",
        "-c",
        path,
        "-o",
        `${dir}/out`,
        "--reference-time",
        REFERENCE_TIME,
      );
      assertEquals(r.code, 0, r.stderr);
      const customers = rowsOf(await readOutputTable(`${dir}/out/customers`));
      // zipf: weight 1/(i+1)^1.1 by generation order, so the first customer is the most popular.
      const zipf = await childrenPerParent(`${dir}/out`, "orders_zipf");
      const first = zipf.get(customers[0].customer_id as number) ?? 0;
      const last = zipf.get(customers.at(-1)!.customer_id as number) ?? 0;
      const share = first / 1000;
      const expected = 1 /
        Array.from({ length: 50 }, (_, i) => 1 / (i + 1) ** 1.1).reduce((a, b) => a + b);
      assert(
        Math.abs(share - expected) < 0.05,
        `zipf: first parent has ${share}, want ${expected}`,
      );
      assert(first > 10 * Math.max(last, 1) / 2, `zipf: ${first} vs ${last}`);
      // uniform: no parent far from 1000 / 50 = 20 children.
      const uniform = await childrenPerParent(`${dir}/out`, "orders_uniform");
      assert(Math.max(...uniform.values()) < 45, `uniform: ${Math.max(...uniform.values())}`);
      // weighted_parent: a rating-5 customer weighs 3, rating 4 weighs 2, rating 3 weighs 1.
      const weighted = await childrenPerParent(`${dir}/out`, "orders_weighted");
      const weight: Record<number, number> = { 5: 3, 4: 2, 3: 1 };
      const total = customers.reduce((sum, c) => sum + weight[c.rating as number], 0);
      for (const rating of [5, 4, 3]) {
        const group = customers.filter((c) => c.rating === rating);
        const want = (group.length * weight[rating]) / total;
        const got = group.reduce((sum, c) =>
          sum + (weighted.get(c.customer_id as number) ?? 0), 0) /
          3000;
        assert(Math.abs(got - want) < 0.04, `rating ${rating}: ${got}, want ${want}`);
      }
    });
  },
);

tablefakerTest(
  "tablefaker unique_fk.yaml: is_unique gives every department exactly one manager",
  async () => {
    await withTempDir(async (dir) => {
      const path = corpusPath("tests/unique_fk.yaml");
      const r = await cli("generate", "-c", path, "-o", `${dir}/out`, "-f", "parquet");
      assertEquals(r.code, 0, r.stderr);
      const managers = rowsOf(await readOutputTable(`${dir}/out/managers`));
      assertEquals(managers.map((m) => m.dept_id).sort((a, b) => Number(a) - Number(b)), [
        ...Array.from({ length: 20 }, (_, i) => i + 1),
      ]);
    });
  },
);

tablefakerTest(
  "tablefaker export_file_name.yaml: files split and named as tablefaker names them",
  async () => {
    await withTempDir(async (dir) => {
      const path = corpusPath("tests/export_file_name.yaml");
      const r = await cli("generate", "-c", path, "-o", `${dir}/out`, "-f", "csv");
      assertEquals(r.code, 0, r.stderr);
      assertEquals(await partFiles(`${dir}/out/products`, ".csv"), ["product_catalog.csv"]);
      const customers = await partFiles(`${dir}/out/customers`, ".csv");
      assertEquals(customers, [
        "customer_list_1.csv",
        "customer_list_2.csv",
        "customer_list_3.csv",
      ]);
      const sizes = [];
      for (const file of customers) {
        sizes.push((await readCsv(`${dir}/out/customers/${file}`)).length - 1);
      }
      assertEquals(sizes, [34, 34, 32]);
    });
  },
);

tablefakerTest(
  "tablefaker determinism.yaml: the same seed and reference time give the same rows",
  async () => {
    await withTempDir(async (dir) => {
      const path = corpusPath("tests/determinism.yaml");
      for (const out of ["a", "b"]) {
        const r = await cli(
          "generate",
          "-c",
          path,
          "-o",
          `${dir}/${out}`,
          "--reference-time",
          REFERENCE_TIME,
        );
        assertEquals(r.code, 0, r.stderr);
      }
      const a = rowsOf(await readOutputTable(`${dir}/a/users`));
      assertEquals(rowsOf(await readOutputTable(`${dir}/b/users`)), a);
      assertEquals(a.length, 20);
    });
  },
);
