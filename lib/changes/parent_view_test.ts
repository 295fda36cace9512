import { assert, assertEquals } from "../../tests/_assert.ts";
import { streamOf } from "../../tests/_changes.ts";
import { streamParentSource } from "../stream/parent_source.ts";

const CONFIG = `
tables:
  - table_name: customers
    row_count: 20
    cadence: { rows_per_minute: 6 }
    changes:
      deletes_per_minute: 12
      pick: { distribution: recent, half_life: 10 }
    columns:
      - column_name: id
        data: row_id
        is_primary_key: true
  - table_name: orders
    row_count: 0
    cadence: { rows_per_minute: 120 }
    columns:
      - column_name: id
        data: row_id
        is_primary_key: true
      - column_name: customer_id
        data: foreign_key("customers", "id", distribution="zipf", param=2)
`;

/** The customer id of every order of ticks 1..k, with its tick. */
function orders(withDeletes: boolean, k: number): { tick: number; customer: number }[] {
  const { engine, timelines, changes } = streamOf(CONFIG);
  if (withDeletes) {
    const customers = changes("customers");
    const source = streamParentSource(
      { name: "customers", role: "run", timeline: timelines.get("customers")! },
      engine,
    );
    engine.setParentSource("customers", customers.parentView(source, customers.newState()));
  } else {
    engine.setParentSource(
      "customers",
      streamParentSource(
        { name: "customers", role: "run", timeline: timelines.get("customers")! },
        engine,
      ),
    );
  }
  const timeline = timelines.get("orders")!;
  const out: { tick: number; customer: number }[] = [];
  for (let tick = 1; tick <= k; tick++) {
    const { first, count } = timeline.tickRows(tick);
    const batch = engine.table("orders").batch(1 + first, count);
    const column = batch.getChild("customer_id")!;
    for (let i = 0; i < count; i++) out.push({ tick, customer: Number(column.get(i)) });
  }
  return out;
}

Deno.test("children never pick a parent row after its delete is visible", () => {
  const k = 60;
  const reference = streamOf(CONFIG).changes("customers");
  const state = reference.stateAt(k);
  const picked = orders(true, k);
  assertEquals(picked.length, 20 * k);
  for (const { tick, customer } of picked) {
    assert(!reference.isDeleted(state, customer, tick), `customer ${customer} at tick ${tick}`);
  }
  // Without the view some picks land on deleted rows; with it only those are drawn again.
  const plain = orders(false, k);
  const dead = plain.filter(({ tick, customer }) => reference.isDeleted(state, customer, tick));
  assert(dead.length > 50, `only ${dead.length} picks of deleted customers`);
  plain.forEach((p, i) => {
    if (!reference.isDeleted(state, p.customer, p.tick)) assertEquals(picked[i], p);
  });
  // And the picks are the same when made again.
  assertEquals(orders(true, k), picked);
});
