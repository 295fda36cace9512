import { assert, assertEquals, assertStringIncludes } from "../../tests/_assert.ts";
import { only, parse, summary, table, valid } from "../../tests/_config.ts";
import { parseNullPercentage, unsafeName } from "./read.ts";

const ID = "{column_name: id, data: row_id}";

Deno.test("defaults are applied", () => {
  const config = valid(`tables:\n${table("t", ID)}`);
  assertEquals(config.version, 1);
  assertEquals(config.locale, "en_US");
  assertEquals(config.seed, undefined);
  assertEquals(config.referenceTime, undefined);
  assertEquals(config.tickIntervalMs, 10_000);
  const [t] = config.tables;
  assertEquals(
    [t.name, t.rowCount, t.startRowId, t.updatePolicy, t.cadence, t.primaryKey],
    ["t", 10, 1, "append", { rowsPerMinute: 60, enabled: true }, undefined],
  );
  const [c] = t.columns;
  assertEquals([c.name, c.data, c.isPrimaryKey, c.type, c.nullFraction], [
    "id",
    "row_id",
    false,
    undefined,
    0,
  ]);
  assertEquals([c.pos.line, c.pos.column, c.dataPos.line, c.dataPos.column], [4, 9, 4, 33]);
  assertEquals(c.pos.path, ["tables", 0, "columns", 0]);
});

Deno.test("every key is read into the model", () => {
  const config = valid(`
version: 1
config:
  locale: de_DE
  seed: 42
  reference_time: "2026-01-01T12:00:00+02:00"
  tick_interval: 1m30s
tables:
  - table_name: person
    description: People
    row_count: 0
    start_row_id: -5
    update_policy: disabled
    cadence: {rows_per_minute: 0.5, enabled: false}
    export_file_count: 2
    export_file_row_count: 50
    export_file_name: people
    partition_by: [kind]
    columns:
      - column_name: id
        data: row_id
        is_primary_key: true
        type: Int64
      - column_name: kind
        data: random.choice(["a", "b"])
        type: category
        null_percentage: "12.5%"
        description: The kind
      - column_name: weight
        data: 150
        type: double
        null_percentage: 30
      - column_name: flag
        data: true
        type: boolean
        null_percentage: 1
      - column_name: nothing
        data:
        type: datetime
`);
  assertEquals(config.locale, "de_DE");
  assertEquals(config.seed, 42);
  assertEquals(config.referenceTime?.toISOString(), "2026-01-01T10:00:00.000Z");
  assertEquals(config.tickIntervalMs, 90_000);
  const [t] = config.tables;
  assertEquals(t.description, "People");
  assertEquals([t.rowCount, t.startRowId, t.updatePolicy], [0, -5, "disabled"]);
  assertEquals(t.cadence, { rowsPerMinute: 0.5, enabled: false });
  assertEquals([t.exportFileCount, t.exportFileRowCount, t.exportFileName], [2, 50, "people"]);
  assertEquals(t.partitionBy, ["kind"]);
  assertEquals(t.primaryKey, "id");
  assertEquals(
    t.columns.map((c) => [c.name, c.data, c.type, c.nullFraction]),
    [
      ["id", "row_id", "int64", 0],
      ["kind", 'random.choice(["a", "b"])', "string", 0.125],
      ["weight", 150, "float64", 0.3],
      ["flag", true, "bool", 1],
      ["nothing", null, "timestamp", 0],
    ],
  );
  assertEquals(t.columns[1].description, "The kind");
});

Deno.test("reference_time: a date alone is midnight UTC, a time without zone is UTC", () => {
  const at = (text: string) =>
    valid(`config:\n  reference_time: "${text}"\ntables:\n${table("t", ID)}`).referenceTime
      ?.toISOString();
  assertEquals(at("2026-03-04"), "2026-03-04T00:00:00.000Z");
  assertEquals(at("2026-03-04T05:06:07"), "2026-03-04T05:06:07.000Z");
  assertEquals(at("2026-03-04 05:06"), "2026-03-04T05:06:00.000Z");
});

Deno.test("YAML syntax errors are diagnostics with positions", () => {
  const { config, diagnostics } = parse("tables:\n  - table_name: t\n   columns: [\n");
  assertEquals(config, undefined);
  assert(diagnostics.length > 0);
  assert(diagnostics.every((d) => d.code === "yaml-syntax" && d.severity === "error"));
  assertEquals(diagnostics[0].line, 3);
  assert(
    !diagnostics[0].message.includes("at line"),
    "the position is not repeated in the message",
  );
});

Deno.test("a duplicate key is reported and the rest is still checked", () => {
  const { diagnostics } = parse(
    `tables:\n${table("t", "{column_name: id, data: row_id, data: 1}")}    row_count: -1\n`,
  );
  assertEquals(summary(diagnostics), ["duplicate-key@4:41", "out-of-range@5:16"]);
  assertEquals(diagnostics[0].message, "Duplicate key `data`");
});

Deno.test("the root must be a non-empty mapping with tables", () => {
  assertEquals(summary(parse("").diagnostics), ["missing-field@1:1"]);
  assertEquals(summary(parse("- a\n- b\n").diagnostics), ["wrong-type@1:1"]);
  assertEquals(summary(parse("version: 1\n").diagnostics), ["missing-field@1:1"]);
  assertEquals(summary(parse("tables: []\n").diagnostics), ["empty-list@1:9"]);
  assertEquals(summary(parse("tables: person\n").diagnostics), ["wrong-type@1:9"]);
});

Deno.test("unknown keys at every level, with did-you-mean", () => {
  const { diagnostics } = parse(`
versoin: 1
config:
  local: en_US
tables:
  - table_nme: t
    cadance: {}
    cadence: {rows_per_min: 1}
    columns:
      - colum_name: id
        data: row_id
      - column_name: b
        data: row_id
        xyzzy: 1
`);
  assertEquals(
    diagnostics.map((d) => [d.code, d.pathText, d.hint]),
    [
      ["unknown-field", "versoin", "did you mean `version`?"],
      ["unknown-field", "config.local", "did you mean `locale`?"],
      ["unknown-field", "tables[0].table_nme", "did you mean `table_name`?"],
      ["unknown-field", "tables[0].cadance", "did you mean `cadence`?"],
      ["unknown-field", "tables[0].cadence.rows_per_min", "did you mean `rows_per_minute`?"],
      ["unknown-field", "tables[0].columns[0].colum_name", "did you mean `column_name`?"],
      [
        "unknown-field",
        "tables[0].columns[1].xyzzy",
        "Known fields: column_name, data, is_primary_key, type, parquet_type, null_percentage, description, event_time, bad_values, orphans.",
      ],
    ],
  );
  // The misspelt required key is not also reported as missing.
  assert(!diagnostics.some((d) => d.code === "missing-field"));
  assertEquals(diagnostics[5].message, "Unknown field `colum_name` in a column");
  assertEquals(diagnostics[6].message, "Unknown field `xyzzy` in column `b`");
});

Deno.test("tablefaker's extra settings are accepted, with warnings", () => {
  const { config, diagnostics } = parse(`
config:
  python_import: [dateutil]
  community_providers: faker_education(SchoolProvider)
  infer_entity_attrs_by_name: true
tables:
${table("t", ID)}`);
  assert(config);
  assertEquals(config.pythonImports, ["dateutil"]);
  assertEquals(config.communityProviders, ["faker_education(SchoolProvider)"]);
  assertEquals(config.inferEntityAttrsByName, true);
  assertEquals(summary(diagnostics), [
    "!python-import@3:3",
    "!python-import@4:3",
  ]);
});

Deno.test("wrong types are reported with what was found", () => {
  const { diagnostics } = parse(`
config:
  locale: [en_US]
  seed: "42"
tables:
  - table_name: t
    row_count: ten
    start_row_id: 1.5
    cadence: {enabled: "yes"}
    columns:
      - column_name: id
        data: {a: 1}
        is_primary_key: 1
      - column_name: [x]
        data: row_id
`);
  assertEquals(
    diagnostics.map((d) => [d.pathText, d.message]),
    [
      ["config.locale", "`locale` must be a string, got a list"],
      ["config.seed", '`seed` must be an integer, got "42"'],
      ["tables[0].row_count", '`row_count` must be a non-negative integer, got "ten"'],
      ["tables[0].start_row_id", "`start_row_id` must be an integer, got 1.5"],
      ["tables[0].cadence.enabled", '`enabled` must be true or false, got "yes"'],
      [
        "tables[0].columns[0].data",
        "`data` must be an expression or a literal value, got a mapping",
      ],
      ["tables[0].columns[0].is_primary_key", "`is_primary_key` must be true or false, got 1"],
      ["tables[0].columns[1].column_name", "`column_name` must be a non-empty string, got a list"],
    ],
  );
  assert(diagnostics.every((d) => d.code === "wrong-type"));
  assertEquals(diagnostics[1].hint, "Write `seed: 42` without quotes.");
});

Deno.test("negative or non-numeric counts and rates", () => {
  const { diagnostics } = parse(`
tables:
  - table_name: t
    row_count: -1
    export_file_count: 0
    export_file_row_count: -3
    cadence: {rows_per_minute: -0.5}
    columns: [${ID}]
  - table_name: u
    cadence: {rows_per_minute: fast}
    columns: [${ID}]
`);
  assertEquals(
    diagnostics.map((d) => [d.code, d.pathText]),
    [
      ["out-of-range", "tables[0].row_count"],
      ["out-of-range", "tables[0].export_file_count"],
      ["out-of-range", "tables[0].export_file_row_count"],
      ["out-of-range", "tables[0].cadence.rows_per_minute"],
      ["wrong-type", "tables[1].cadence.rows_per_minute"],
    ],
  );
});

Deno.test("missing required keys", () => {
  const { diagnostics } = parse(`
tables:
  - row_count: 1
    columns: [${ID}]
  - table_name: no_columns
  - table_name: t
    columns:
      - column_name: a
      - data: row_id
`);
  assertEquals(
    diagnostics.map((d) => [d.code, d.pathText, d.message]),
    [
      ["missing-field", "tables[0]", "Table has no `table_name`"],
      ["missing-field", "tables[1]", "Table `no_columns` has no `columns`"],
      ["missing-field", "tables[2].columns[0]", "Column `a` has no `data`"],
      ["missing-field", "tables[2].columns[1]", "Column has no `column_name`"],
    ],
  );
});

Deno.test("update_policy must be known; postprocess is explained", () => {
  const { diagnostics } = parse(`
tables:
  - {table_name: a, update_policy: replce, columns: [${ID}]}
  - {table_name: b, update_policy: postprocess, postprocess_mode: replace, columns: [${ID}]}
  - {table_name: c, update_policy: 3, columns: [${ID}]}
`);
  assertEquals(
    diagnostics.map((d) => [d.code, d.hint]),
    [
      ["bad-value", "did you mean `replace`?"],
      [
        "unsupported",
        "Use `update_policy: replace`, which regenerates the whole table on every cycle from its columns' " +
        "expressions; for values only Python code could compute, write a column-function plugin (see docs/plugins.md).",
      ],
      ["bad-value", "One of: append, disabled, replace."],
    ],
  );
});

Deno.test("column types are normalised or reported with did-you-mean", () => {
  const types = (t: string) =>
    valid(`tables:\n${table("t", `{column_name: a, data: row_id, type: "${t}"}`)}`)
      .tables[0].columns[0].type;
  assertEquals(
    [
      "int",
      "int8",
      "Int16",
      "int32",
      "Int64",
      "float",
      "float32",
      "double",
      "str",
      "string",
      "bool",
      "boolean",
    ]
      .map(types),
    [
      "int64",
      "int8",
      "int16",
      "int32",
      "int64",
      "float64",
      "float32",
      "float64",
      "string",
      "string",
      "bool",
      "bool",
    ],
  );
  assertEquals(["date", "datetime", "timestamp", "category"].map(types), [
    "date",
    "timestamp",
    "timestamp",
    "string",
  ]);
  const { diagnostics } = parse(
    `tables:\n${table("t", "{column_name: a, data: row_id, type: flaot}")}`,
  );
  assertEquals([only(diagnostics, "unknown-type").hint], ["did you mean `float`?"]);
});

Deno.test("null_percentage: fraction, percentage or text with %", () => {
  assertEquals(parseNullPercentage(0), 0);
  assertEquals(parseNullPercentage(0.3), 0.3);
  assertEquals(parseNullPercentage(1), 1);
  assertEquals(parseNullPercentage(30), 0.3);
  assertEquals(parseNullPercentage(100), 1);
  assertEquals(parseNullPercentage("50%"), 0.5);
  assertEquals(parseNullPercentage("0.25"), 0.25);
  for (const bad of [-0.1, 101, "120%", "lots", "", true, null, Number.NaN, "-5%"]) {
    assertEquals(parseNullPercentage(bad), undefined, String(bad));
  }
  const { diagnostics } = parse(
    `tables:\n${table("t", "{column_name: a, data: row_id, null_percentage: 150}")}`,
  );
  assertEquals(summary(diagnostics), ["bad-null-percentage@4:57"]);
});

Deno.test("null_percent is read as null_percentage, with a warning", () => {
  const { config, diagnostics } = parse(
    `tables:\n${table("t", "{column_name: a, data: row_id, null_percent: 0.2}")}`,
  );
  assertEquals(config?.tables[0].columns[0].nullFraction, 0.2);
  assertEquals(summary(diagnostics), ["!renamed-field@4:40"]);
});

Deno.test("table names must be safe folder names", () => {
  assertEquals(unsafeName("orders"), undefined);
  assertEquals(unsafeName("order-items_2"), undefined);
  assertEquals(unsafeName(""), "is empty");
  assertEquals(unsafeName("a/b"), "contains `/`");
  assertEquals(unsafeName("a\\b"), "contains `\\`");
  assertEquals(unsafeName(".."), "contains `..`");
  assertEquals(unsafeName(".git"), "starts with `.`");
  assertEquals(unsafeName("a\nb"), "contains a control character");
  const { diagnostics } = parse(`tables:\n${table('"../x"', ID)}`);
  assertEquals(only(diagnostics, "unsafe-name").message, 'Table name "../x" contains `..`');
});

Deno.test("duplicate tables and columns point at the second, naming the first", () => {
  const { diagnostics } = parse(`tables:\n${table("t", ID, ID)}${table("t", ID)}`);
  assertEquals(summary(diagnostics), ["duplicate-column@5:23", "duplicate-table@6:17"]);
  assertEquals(
    diagnostics[0].hint,
    "The first `id` is at line 4; column names must be unique in a table.",
  );
  assertEquals(diagnostics[1].hint, "The first `t` is at line 2; table names must be unique.");
});

Deno.test("two primary keys: a warning, the first is the table's key", () => {
  const { config, diagnostics } = parse(
    `tables:\n${
      table(
        "t",
        "{column_name: a, data: row_id, is_primary_key: true}",
        "{column_name: b, data: a, is_primary_key: true}",
      )
    }`,
  );
  assertEquals(config?.tables[0].primaryKey, "a");
  const d = only(diagnostics, "multiple-primary-keys");
  assertEquals([d.severity, d.line, d.message], [
    "warning",
    5,
    "Table `t` has two primary keys: `a` and `b`",
  ]);
});

Deno.test("tick_interval needs a unit", () => {
  const ticks = (v: string) => parse(`config:\n  tick_interval: ${v}\ntables:\n${table("t", ID)}`);
  assertEquals(ticks("500ms").config?.tickIntervalMs, 500);
  assertEquals(ticks("2h").config?.tickIntervalMs, 7_200_000);
  assertEquals(summary(ticks("10").diagnostics), ["bad-duration@2:18"]);
  assertEquals(
    ticks("10").diagnostics[0].hint,
    "Write `tick_interval: 10s` for 10 seconds (units: ms, s, m, h).",
  );
  assertEquals(summary(ticks("soon").diagnostics), ["bad-duration@2:18"]);
  assertEquals(summary(ticks("0s").diagnostics), ["out-of-range@2:18"]);
});

Deno.test("version must be 1; reference_time must be ISO-8601", () => {
  const { diagnostics } = parse(
    `version: 2\nconfig:\n  reference_time: tomorrow\ntables:\n${table("t", ID)}`,
  );
  assertEquals(summary(diagnostics), ["bad-version@1:10", "bad-time@3:19"]);
});

Deno.test("every problem is collected, not just the first", () => {
  const { config, diagnostics } = parse(`
version: 3
config: {seed: x, tick_interval: 5}
tables:
  - table_name: a/b
    row_count: -1
    update_policy: sometimes
    columns:
      - {column_name: id, data: row_id, type: integer, null_percentage: 200}
      - {column_name: id, data: row_id, colour: red}
`);
  assertEquals(config, undefined);
  assertEquals(diagnostics.length, 10);
  assertStringIncludes(
    diagnostics.map((d) => d.code).join(" "),
    "bad-version wrong-type bad-duration unsafe-name",
  );
});

Deno.test("the locale must be one faker knows", () => {
  const locale = (name: string) => parse(`config:\n  locale: ${name}\ntables:\n${table("t", ID)}`);
  assertEquals(locale("de_DE").config?.locale, "de_DE");
  assertEquals(locale("pt_BR").config?.locale, "pt_BR");
  assertEquals(locale("en_UZ").config?.locale, "en_UZ", "a known language is enough");
  const { diagnostics } = locale("klingon");
  assertEquals(summary(diagnostics), ["unknown-locale@2:11"]);
});

Deno.test("commit_interval is a duration; absent leaves the server's default", () => {
  const commits = (v: string) =>
    parse(`config:\n  commit_interval: ${v}\ntables:\n${table("t", ID)}`);
  assertEquals(commits("30s").config?.commitIntervalMs, 30_000);
  assertEquals(parse(`tables:\n${table("t", ID)}`).config?.commitIntervalMs, undefined);
  assertEquals(summary(commits("10").diagnostics), ["bad-duration@2:20"]);
});

Deno.test("a YAML int literal beyond 2^53 is read exactly, and bounded where it is written", () => {
  const config = valid(
    `tables:\n${table("t", ID, "{column_name: big, data: -9000000000000000001}")}`,
  );
  const big = config.tables[0].columns[1];
  assertEquals(big.data, "-9000000000000000001"); // its source text, which YAML would round
  assertEquals(big.expr?.evaluate(undefined!), -9000000000000000001n);
  const huge = `${"9".repeat(4301)}`;
  const error = only(
    parse(`tables:\n${table("t", ID, `{column_name: big, data: ${huge}}`)}`).diagnostics,
    "too-large",
  );
  assertStringIncludes(error.message, "4,301 digits");
  assertEquals([error.line, error.column], [5, 34]); // at the literal
});

Deno.test("max_retry_time is a duration; absent, run waits for a sink without limit", () => {
  const retry = (v: string) => parse(`config:\n  max_retry_time: ${v}\ntables:\n${table("t", ID)}`);
  assertEquals(retry("5m").config?.maxRetryTimeMs, 300_000);
  assertEquals(parse(`tables:\n${table("t", ID)}`).config?.maxRetryTimeMs, undefined);
  assertEquals(summary(retry("300").diagnostics), ["bad-duration@2:19"]);
});
