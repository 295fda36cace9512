import { assert, assertEquals } from "../../tests/_assert.ts";
import { only, parse, summary, table, valid } from "../../tests/_config.ts";
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
        "tablestream copies from the parent row that a `foreign_key(...)` column picked; it does not " +
        'look rows up by a key computed otherwise. Make `plain` `data: foreign_key("customers", "id")`, ' +
        "or compute the copied value the way the parent does (see docs/tablefaker.md).",
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

const INFER = "config:\n  infer_entity_attrs_by_name: true\n";

Deno.test("data: auto copies <attr> from the parent of foreign key <prefix>_id", () => {
  const config = valid(`${INFER}tables:\n${CUSTOMERS}${
    table(
      "orders",
      PK,
      // Keyword arguments in foreign_key work (tablefaker's parser of them did not).
      `{column_name: customer_id, data: 'foreign_key("customers", "id", distribution="zipf", param=1.1)'}`,
      "{column_name: customer_email, data: auto}",
      "{column_name: customer_rating}",
    )
  }`);
  const [email, rating] = config.tables[1].columns.slice(2);
  assertEquals(email.inferred, 'copy_from_fk("customer_id", "customers", "email")');
  assertEquals(rating.inferred, 'copy_from_fk("customer_id", "customers", "rating")');
  assertEquals(email.expr?.copies.map((c) => [c.fkColumn, c.table, c.column]), [
    ["customer_id", "customers", "email"],
  ]);
});

Deno.test("data: auto tries every split of the name, the first underscore first", () => {
  const config = valid(
    `${INFER}tables:\n${table("ship_to", PK, "{column_name: zip_code, data: fake.zipcode()}")}${
      table(
        "orders",
        PK,
        `{column_name: ship_to_id, data: 'foreign_key("ship_to", "id")'}`,
        "{column_name: ship_to_zip_code, data: auto}",
      )
    }`,
  );
  assertEquals(
    config.tables[1].columns[2].inferred,
    'copy_from_fk("ship_to_id", "ship_to", "zip_code")',
  );
});

Deno.test("data: auto that cannot be inferred is an error at the column; empty data stays empty", () => {
  const { diagnostics } = parse(`${INFER}tables:\n${CUSTOMERS}${
    table(
      "orders",
      PK,
      `{column_name: customer_id, data: 'foreign_key("customers", "id")'}`,
      "{column_name: shipping_city, data: auto}",
      "{column_name: customer_phone, data: auto}",
      "{column_name: note, data: }",
    )
  }`);
  assertEquals(summary(diagnostics), ["bad-auto@13:44", "bad-auto@14:45"]);
  assertEquals(
    diagnostics[0].message,
    "Cannot infer `shipping_city`: no `<prefix>_id` foreign-key column of table `orders` matches its name",
  );
  assertEquals(
    diagnostics[1].message,
    '`customer_phone` is inferred as `copy_from_fk("customer_id", "customers", "phone")`, ' +
      "but table `customers` has no column `phone`",
  );
  const off = parse(`tables:\n${table("t", PK, "{column_name: x_y, data: auto}")}`);
  assertEquals(
    only(off.diagnostics, "bad-auto").message,
    "`data: auto` needs `config.infer_entity_attrs_by_name: true`",
  );
});

Deno.test("a primary key cannot have null_percentage", () => {
  const { diagnostics } = parse(
    `tables:\n${
      table("t", "{column_name: id, data: row_id, is_primary_key: true, null_percentage: 0.1}")
    }`,
  );
  assertEquals(
    only(diagnostics, "null-primary-key").message,
    "Primary key column `id` cannot have `null_percentage`",
  );
});

Deno.test("parquet_type decides the storage type, decimals included", () => {
  const config = valid(`tables:\n${
    table(
      "t",
      PK,
      "{column_name: price, data: 'round(random.uniform(1, 9), 2)', type: float, parquet_type: 'decimal128(10,2)'}",
      "{column_name: at, data: datetime.now(), parquet_type: 'timestamp[ms]'}",
    )
  }`);
  assertEquals(config.tables[0].columns.map((c) => c.type), [
    undefined,
    "decimal(10,2)",
    "timestamp",
  ]);
  const { diagnostics } = parse(
    `tables:\n${
      table(
        "t",
        PK,
        "{column_name: a, data: 1, parquet_type: 'decimal128(50,2)'}",
        "{column_name: b, data: 1, parquet_type: int23}",
      )
    }`,
  );
  assertEquals(summary(diagnostics), ["unknown-type@5:49", "unknown-type@6:49"]);
  assertEquals(diagnostics[1].hint, "did you mean `int32`?");
});
