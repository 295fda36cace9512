import { assert, assertEquals } from "../../tests/_assert.ts";
import { only, parse, summary, table, valid } from "./_test_helpers.ts";
import { tableOrder } from "./validate.ts";

const PK = "{column_name: id, data: row_id, is_primary_key: true}";
const CUSTOMERS = table(
  "customers",
  PK,
  "{column_name: email, data: fake.email()}",
  "{column_name: rating, data: 'random.randint(1, 5)'}",
);

Deno.test("every column gets its compiled expression", () => {
  const config = valid(
    `tables:\n${CUSTOMERS}${
      table(
        "orders",
        PK,
        `{column_name: cid, data: 'foreign_key("customers", "id")'}`,
        "{column_name: n, data: 3}",
      )
    }`,
  );
  const [customers, orders] = config.tables;
  assert(customers.columns.every((c) => c.expr !== undefined));
  assertEquals(orders.columns[1].expr?.isForeignKey, true);
  assertEquals(orders.columns[1].expr?.foreignKeys.map((f) => [f.table, f.column]), [[
    "customers",
    "id",
  ]]);
  assertEquals(orders.columns[2].expr?.source, "3");
});

Deno.test("expression diagnostics point into the data: value", () => {
  const { diagnostics } = parse(`tables:
  - table_name: t
    columns:
      - column_name: a
        data: fake.emial()
      - column_name: b
        data: "1 + frist"
      - column_name: c
        data: |
          (a +
            nme)
`);
  const spots = diagnostics.map((d) => [d.path.join("."), d.line, d.column]);
  assertEquals(spots, [
    ["tables.0.columns.0.data", 5, 15],
    ["tables.0.columns.1.data", 7, 20],
    ["tables.0.columns.2.data", 11, 13],
  ]);
  assertEquals(diagnostics[0].hint, "did you mean `fake.email()`?");
  assertEquals(diagnostics[0].sourceLine, "        data: fake.emial()");
});

Deno.test("foreign_key to an unknown table or column, with did-you-mean", () => {
  const { diagnostics } = parse(`tables:\n${CUSTOMERS}${
    table(
      "orders",
      PK,
      `{column_name: a, data: 'foreign_key("custmers", "id")'}`,
      `{column_name: b, data: 'foreign_key("customers", "idd")'}`,
      `{column_name: c, data: 'foreign_key("nothing_like_it", "id")'}`,
    )
  }`);
  assertEquals(
    diagnostics.map((d) => [d.code, d.column, d.hint]),
    [
      ["unknown-table", 45, "did you mean `customers`?"],
      ["unknown-column", 58, "did you mean `id`?"],
      ["unknown-table", 45, "Tables: customers, orders."],
    ],
  );
});

Deno.test("foreign_key to a column that is not the parent's primary key: a warning", () => {
  const { config, diagnostics } = parse(
    `tables:\n${CUSTOMERS}${
      table("orders", PK, `{column_name: e, data: 'foreign_key("customers", "email")'}`)
    }`,
  );
  assert(config, "a warning keeps the config valid");
  const d = only(diagnostics, "not-primary-key");
  assertEquals(d.severity, "warning");
  assertEquals(
    d.hint,
    'Its primary key is `id`: `foreign_key("customers", "id")`; or mark `email` `is_primary_key: true`.',
  );
});

Deno.test("copy_from_fk must follow a foreign_key column to the same parent", () => {
  const { diagnostics } = parse(`tables:\n${CUSTOMERS}${table("stores", PK)}${
    table(
      "orders",
      PK,
      "{column_name: plain, data: 'random.randint(1, 9)'}",
      `{column_name: store, data: 'foreign_key("stores", "id")'}`,
      `{column_name: cust, data: 'foreign_key("customers", "id")'}`,
      `{column_name: a, data: 'copy_from_fk("plain", "customers", "email")'}`,
      `{column_name: b, data: 'copy_from_fk("store", "customers", "email")'}`,
      `{column_name: c, data: 'copy_from_fk("cust", "customers", "emial")'}`,
      `{column_name: d, data: 'copy_from_fk("customers", "cust", "email")'}`,
    )
  }`);
  assertEquals(
    diagnostics.map((d) => [d.code, d.pathText, d.hint]),
    [
      [
        "bad-copy-from-fk",
        "tables[2].columns[4].data",
        'Make `plain` a foreign key to `customers`: `data: foreign_key("customers", "id")`.',
      ],
      [
        "bad-copy-from-fk",
        "tables[2].columns[5].data",
        'Copy from `stores`, or follow a column defined as `foreign_key("customers", "id")`.',
      ],
      ["unknown-column", "tables[2].columns[6].data", "did you mean `email`?"],
    ],
  );
});

Deno.test("weighted_parent's parent_attr must be a column of the parent", () => {
  const fk = (attr: string) =>
    `{column_name: c, data: 'foreign_key("customers", "id", distribution="weighted_parent", parent_attr="${attr}", weights={"5": 2})'}`;
  assertEquals(parse(`tables:\n${CUSTOMERS}${table("orders", PK, fk("rating"))}`).diagnostics, []);
  const { diagnostics } = parse(`tables:\n${CUSTOMERS}${table("orders", PK, fk("ratin"))}`);
  const d = only(diagnostics, "unknown-column");
  assertEquals([d.hint, d.column], ["did you mean `rating`?", 108]);
});

Deno.test("cycles among tables are reported with their path; a plain self-reference is fine", () => {
  const fk = (name: string, parent: string) =>
    table(name, PK, `{column_name: p, data: 'foreign_key("${parent}", "id")'}`);
  const { diagnostics } = parse(
    `tables:\n${fk("a", "b")}${fk("b", "c")}${fk("c", "a")}${fk("d", "d")}${fk("e", "a")}`,
  );
  assertEquals(
    diagnostics.map((d) => [d.code, d.message, d.line]),
    [
      ["fk-cycle", "Foreign keys form a cycle: a → b → c → a", 5],
    ],
  );
  const two = parse(`tables:\n${fk("a", "b")}${fk("b", "a")}`);
  assert(two.diagnostics.some((d) => d.message === "Foreign keys form a cycle: a → b → a"));
});

Deno.test("a self-reference must not read a value that comes from a self-reference", () => {
  const { diagnostics } = parse(`tables:\n${
    table(
      "e",
      "{column_name: id, data: row_id}",
      `{column_name: boss, data: 'foreign_key("e", "id")'}`,
      `{column_name: code, data: 'str(boss) + "x"'}`,
      `{column_name: boss_code, data: 'foreign_key("e", "code")'}`,
    )
  }`);
  const errors = diagnostics.filter((d) => d.severity === "error");
  assertEquals(errors.map((d) => d.code), ["fk-cycle"]);
  assert(errors[0].message.includes("`code`, which depends on `boss`"), errors[0].message);
});

Deno.test("cycles among the columns of a table", () => {
  const { diagnostics } = parse(`tables:\n${
    table(
      "t",
      "{column_name: a, data: b + 1}",
      "{column_name: b, data: a * 2}",
      "{column_name: c, data: a + b}",
    )
  }`);
  assertEquals(summary(diagnostics), ["column-cycle@4:32"]);
  assertEquals(diagnostics[0].message, "Columns of table `t` form a cycle: a → b → a");
});

Deno.test("tableOrder puts parents first and keeps config order otherwise", () => {
  const config = valid(`tables:
${table("items", PK, `{column_name: o, data: 'foreign_key("orders", "id")'}`)}${table("solo", PK)}${
    table(
      "orders",
      PK,
      `{column_name: c, data: 'foreign_key("customers", "id")'}`,
      `{column_name: e, data: 'copy_from_fk("c", "customers", "email")'}`,
    )
  }${CUSTOMERS}`);
  assertEquals(tableOrder(config).map((t) => t.name), ["solo", "customers", "orders", "items"]);
});

Deno.test("a module from python_import is one error that points to plugins", () => {
  const { diagnostics } = parse(`config:
  python_import: [dateutil]
tables:
${table("t", "{column_name: d, data: dateutil.easter.easter(2025)}")}`);
  const error = only(diagnostics, "python-module");
  assertEquals(
    error.message,
    "`dateutil` is a Python module from `config.python_import`, which tablestream cannot run",
  );
  assertEquals(
    error.hint,
    "Write a column-function plugin (see docs/plugins.md) that computes this value.",
  );
  assertEquals(diagnostics.filter((d) => d.severity === "error").length, 1);
});
