import { BUILTINS } from "../../tests/_engine.ts";
import * as arrow from "apache-arrow";
import { assert, assertEquals, assertNotEquals, assertThrows } from "../../tests/_assert.ts";
import { compileExpression } from "../expr/mod.ts";
import type { ColumnType } from "../arrow/types.ts";
import { Engine } from "./engine.ts";
import { GenerationError } from "./generation_error.ts";
import type { RunInputs, TableSpec } from "./spec.ts";
import { defineDistribution } from "../plugin/define.ts";

type ColumnDef = [
  name: string,
  data: string | number | null,
  options?: { type?: ColumnType; nulls?: number },
];

function table(name: string, rowCount: number, columns: ColumnDef[], startRowId = 1): TableSpec {
  const names = columns.map(([n]) => n);
  return {
    name,
    rowCount,
    startRowId,
    columns: columns.map(([column, data, options]) => {
      const result = compileExpression(data, { columns: names, self: column });
      if (!result.ok) throw new Error(`${name}.${column}: ${result.diagnostics[0].message}`);
      return {
        name: column,
        expr: result.expr,
        type: options?.type,
        nullFraction: options?.nulls ?? 0,
      };
    }),
  };
}

const INPUTS: RunInputs = { seed: 42, locale: "en_US", now: new Date("2026-03-01T12:00:00Z") };

function rows(batch: arrow.RecordBatch | arrow.Table): Record<string, unknown>[] {
  const t = batch instanceof arrow.Table ? batch : new arrow.Table(batch);
  return t.toArray().map((r) => r.toJSON());
}

function generateAll(engine: Engine, name: string, batchSize: number): Record<string, unknown>[] {
  const g = engine.table(name);
  const batches: arrow.RecordBatch[] = [];
  for (let done = 0; done < g.spec.rowCount; done += batchSize) {
    batches.push(g.batch(g.spec.startRowId + done, Math.min(batchSize, g.spec.rowCount - done)));
  }
  return rows(new arrow.Table(batches));
}

const SHOP: TableSpec[] = [
  table("customers", 200, [
    ["id", "row_id"],
    ["email", "fake.email()", { nulls: 0.3 }],
    ["tier", 'random.choice(["gold", "silver", "bronze"])'],
    ["score", "random.randint(1, 100)", { type: "int32" }],
  ]),
  table("orders", 3000, [
    ["order_id", "row_id"],
    ["customer_id", 'foreign_key("customers", "id")'],
    ["email", 'copy_from_fk("customer_id", "customers", "email")'],
    ["favourite", 'foreign_key("customers", "id", distribution="zipf", param=1.5)'],
    ["amount", "round(random.uniform(1, 500), 2)"],
    ["qty", "random.randint(1, 9)"],
    ["total", "round(amount * qty, 2)"],
    ["ordered_at", "fake.date_time_between(start_date='-30d', end_date='now')"],
    ["day", "fake.date_between(start_date='-30d', end_date='today')"],
  ], 1000),
];

Deno.test("batch sizes 1, 7 and 1000 give identical rows", () => {
  const expected = generateAll(new Engine(SHOP, INPUTS, BUILTINS), "orders", 1000);
  assertEquals(expected.length, 3000);
  for (const size of [1, 7]) {
    assertEquals(
      generateAll(new Engine(SHOP, INPUTS, BUILTINS), "orders", size),
      expected,
      `batch size ${size}`,
    );
  }
});

Deno.test("two runs are identical and another seed differs", () => {
  const a = generateAll(new Engine(SHOP, INPUTS, BUILTINS), "customers", 64);
  const b = generateAll(new Engine(SHOP, INPUTS, BUILTINS), "customers", 64);
  assertEquals(a, b);
  const c = generateAll(new Engine(SHOP, { ...INPUTS, seed: 43 }, BUILTINS), "customers", 64);
  assertNotEquals(a.map((r) => r.email), c.map((r) => r.email));
});

Deno.test("adding or removing a column leaves the other columns unchanged", () => {
  const base = table("t", 300, [["id", "row_id"], ["a", "fake.first_name()"], [
    "b",
    "random.random()",
  ]]);
  const more = table("t", 300, [
    ["id", "row_id"],
    ["x", "fake.email()"],
    ["a", "fake.first_name()"],
    ["y", "random.randint(1, 5)"],
    ["b", "random.random()"],
  ]);
  const before = generateAll(new Engine([base], INPUTS, BUILTINS), "t", 50);
  const after = generateAll(new Engine([more], INPUTS, BUILTINS), "t", 50).map(({ id, a, b }) => ({
    id,
    a,
    b,
  }));
  assertEquals(after, before);
});

Deno.test("every child key exists in the parent and copy_from_fk equals the parent's stored value", () => {
  const engine = new Engine(SHOP, INPUTS, BUILTINS);
  const customers = new Map(generateAll(engine, "customers", 500).map((r) => [r.id, r]));
  const orders = generateAll(engine, "orders", 500);
  let nullEmails = 0;
  for (const order of orders) {
    const parent = customers.get(order.customer_id);
    assert(parent, `order ${order.order_id} references missing customer ${order.customer_id}`);
    assertEquals(order.email, parent.email);
    if (order.email === null) nullEmails++;
    assert(customers.has(order.favourite));
  }
  assert(nullEmails > 500 && nullEmails < 1300, `${nullEmails} null emails copied`);
});

Deno.test("two foreign keys with the same arguments pick independently", () => {
  const t = table("pairs", 500, [
    ["id", "row_id"],
    ["a", 'foreign_key("customers", "id")'],
    ["b", 'foreign_key("customers", "id")'],
  ]);
  const out = generateAll(new Engine([SHOP[0], t], INPUTS, BUILTINS), "pairs", 100);
  const same = out.filter((r) => r.a === r.b).length;
  assert(same < 20, `${same} of 500 rows picked the same parent twice`);
});

Deno.test("zipf skew is measurable: the first parents are the most popular", () => {
  const out = generateAll(new Engine(SHOP, INPUTS, BUILTINS), "orders", 3000);
  const counts = new Map<unknown, number>();
  for (const r of out) counts.set(r.favourite, (counts.get(r.favourite) ?? 0) + 1);
  const first = counts.get(1n) ?? 0;
  // With s=1.5 over 200 parents, rank 1 has about 39% of the mass.
  assert(first > 0.3 * 3000 && first < 0.48 * 3000, `rank 1 got ${first}`);
  assert((counts.get(2n) ?? 0) > (counts.get(10n) ?? 0));
});

Deno.test("weighted_parent follows the weights of the parent attribute", () => {
  const parents = table("p", 90, [["id", "row_id"], ["rating", "row_id % 3 + 3"]]);
  const child = table("c", 6000, [
    ["id", "row_id"],
    [
      "p_id",
      'foreign_key("p", "id", distribution="weighted_parent", parent_attr="rating", weights={"5": 3, "4": 2, "3": 1})',
    ],
    ["rating", 'copy_from_fk("p_id", "p", "rating")'],
  ]);
  const out = generateAll(new Engine([parents, child], INPUTS, BUILTINS), "c", 6000);
  const share = (r: bigint) => out.filter((x) => x.rating === r).length / out.length;
  assert(
    Math.abs(share(5n) - 0.5) < 0.03 && Math.abs(share(3n) - 1 / 6) < 0.03,
    `${share(5n)} ${share(3n)}`,
  );
});

Deno.test("is_unique never repeats a parent key and fails clearly when parents run out", () => {
  const child = (n: number) =>
    table("u", n, [["id", "row_id"], ["c", 'foreign_key("customers", "id", is_unique=True)']]);
  const out = generateAll(new Engine([SHOP[0], child(200)], INPUTS, BUILTINS), "u", 7);
  assertEquals(new Set(out.map((r) => r.c)).size, 200);
  const engine = new Engine([SHOP[0], child(201)], INPUTS, BUILTINS);
  assertThrows(() => generateAll(engine, "u", 50), GenerationError, "ran out of parent keys");
});

Deno.test("nulls are deterministic and near the requested fraction", () => {
  const t = table("n", 4000, [["id", "row_id"], ["v", "random.random()", { nulls: 0.25 }]]);
  const a = generateAll(new Engine([t], INPUTS, BUILTINS), "n", 4000);
  const b = generateAll(new Engine([t], INPUTS, BUILTINS), "n", 3);
  assertEquals(a, b);
  const nulls = a.filter((r) => r.v === null).length;
  assert(Math.abs(nulls / 4000 - 0.25) < 0.03, `${nulls} nulls`);
});

Deno.test("relative dates follow the reference time, not the wall clock", () => {
  const out = generateAll(new Engine(SHOP, INPUTS, BUILTINS), "orders", 1000);
  const now = INPUTS.now.getTime();
  for (const r of out) {
    const t = r.ordered_at as number;
    assert(t <= now && t >= now - 30 * 86400000 - 1000, `ordered_at ${new Date(t).toISOString()}`);
  }
  const later = generateAll(
    new Engine(SHOP, { ...INPUTS, now: new Date("2030-01-01T00:00:00Z") }, BUILTINS),
    "orders",
    1000,
  );
  assert((later[0].ordered_at as number) > now);
});

Deno.test("schema types come from type: or from the expression", () => {
  const engine = new Engine(SHOP, INPUTS, BUILTINS);
  const types = (name: string) =>
    Object.fromEntries(engine.table(name).schema().fields.map((f) => [f.name, String(f.type)]));
  assertEquals(types("customers"), { id: "Int64", email: "Utf8", tier: "Utf8", score: "Int32" });
  const orders = types("orders");
  assertEquals(orders.customer_id, "Int64");
  assertEquals(orders.email, "Utf8");
  assertEquals(orders.amount, "Float64");
  assertEquals(orders.total, "Float64");
  assertEquals(orders.ordered_at, "Timestamp<MICROSECOND, UTC>");
  assertEquals(orders.day, "Date32<DAY>");
});

Deno.test("a value that does not fit its column names table, column and row", () => {
  const t = table("bad", 3, [["id", "row_id"], ["n", '"not a number"', { type: "int32" }]]);
  assertThrows(
    () => new Engine([t], INPUTS, BUILTINS).table("bad").batch(1, 3),
    GenerationError,
    'table "bad", column "n", row 1',
  );
});

Deno.test("a table can reference its own rows (a hierarchy)", () => {
  const employees = table("employee", 300, [
    ["id", "row_id"],
    ["name", "fake.name()"],
    ["manager_id", 'random.choice([None, foreign_key("employee", "id")])'],
    ["boss", 'foreign_key("employee", "id")'],
    ["boss_name", 'copy_from_fk("boss", "employee", "name")'],
  ], 10);
  const out = generateAll(new Engine([employees], INPUTS, BUILTINS), "employee", 17);
  const byId = new Map(out.map((r) => [r.id, r]));
  assert(out.some((r) => r.manager_id === null) && out.some((r) => r.manager_id !== null));
  for (const r of out) {
    if (r.manager_id !== null) assert(byId.has(r.manager_id));
    assertEquals(r.boss_name, byId.get(r.boss)!.name);
  }
});

Deno.test("a distribution plugin's out-of-range pick is an error naming the plugin", () => {
  const broken = defineDistribution({
    name: "broken",
    summary: "Picks past the end.",
    options: {},
    create: (_options, { count }) => ({ sample: () => count }),
  });
  const specs = [
    table("p", 5, [["id", "row_id"]]),
    table("c", 3, [["id", "row_id"], ["p_id", 'foreign_key("p", "id", distribution="broken")']]),
  ];
  const engine = new Engine(specs, INPUTS, { distributions: new Map([["broken", broken]]) });
  const error = assertThrows(() => engine.table("c").batch(1, 3), GenerationError);
  assert(error.message.includes('Distribution "broken" picked 5'), error.message);
  const unknown = new Engine(specs, INPUTS, { distributions: new Map() });
  assertThrows(
    () => unknown.table("c").batch(1, 1),
    GenerationError,
    'Unknown distribution "broken"',
  );
});

Deno.test("parent values looked up again are the values recomputing gives, per epoch", () => {
  const parents = table("parents", 50, [
    ["id", "row_id"],
    ["email", "fake.email()", { nulls: 0.2 }],
    ["n", "random.randint(1, 1000000)"],
  ]);
  const looked = new Engine([parents], INPUTS, BUILTINS).table("parents");
  const picks = Array.from({ length: 400 }, (_, i) => [1 + (i * 7919) % 50, i % 3] as const);
  const twice = picks.map(([row, epoch]) => [
    looked.value("email", row, epoch),
    looked.value("n", row, epoch),
    looked.value("email", row, epoch),
  ]);
  for (const [i, [row, epoch]] of picks.entries()) {
    const fresh = new Engine([parents], INPUTS, BUILTINS).table("parents");
    assertEquals(twice[i], [
      fresh.value("email", row, epoch),
      fresh.value("n", row, epoch),
      fresh.value("email", row, epoch),
    ]);
  }
  assertNotEquals(looked.value("n", 1, 1), looked.value("n", 1, 2), "epochs differ");
});
