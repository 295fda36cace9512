/**
 * The injected counts as other engines read them: delta-rs's `history()` gives each commit's
 * `numInjected*` operation metrics, whose sums are what delta-rs reads in the rows (ids
 * delivered twice, null notes, orders of no customer) and what our own reader counts.
 */
import { assertEquals } from "../_assert.ts";
import { interopTest } from "./_peer.ts";
import { ok, sharedTempDir } from "./_ours.ts";
import { committedCounts, FAULTS_CONFIG } from "../_faults.ts";

const tempDir = sharedTempDir();

interopTest(
  "delta-rs reads the injected counts of our commits, and they are what its rows show",
  async (peer) => {
    const dir = await tempDir();
    const config = `${dir}/faults.yaml`;
    await Deno.writeTextFile(config, FAULTS_CONFIG);
    await ok(
      ..."run --fast-forward --start-time 2026-01-01T00:00:00Z --ticks 60".split(" "),
      ...["-c", config, "-o", `${dir}/out`],
    );
    const theirs = await peer.py<Record<string, number>>(
      `from collections import Counter
history = DeltaTable(args['orders']).history()
names = ['numInjectedLate', 'numInjectedDuplicate', 'numInjectedBadValue', 'numInjectedOrphan']
sums = {n: sum(int((h.get('operationMetrics') or {}).get(n, 0)) for h in history) for n in names}
orders = DeltaTable(args['orders']).to_pyarrow_table().to_pylist()
customers = {r['customer_id'] for r in DeltaTable(args['customers']).to_pyarrow_table().to_pylist()}
ids = Counter(r['order_id'] for r in orders)
result = {
  **sums,
  'late': sum(1 for r in orders if r['event_at'] < r['arrived_at']),
  'duplicate': sum(1 for n in ids.values() if n == 2),
  'bad_value': sum(1 for r in orders if r['note'] is None),
  'orphan': sum(1 for r in orders if r['customer_id'] not in customers),
}`,
      { orders: `${dir}/out/orders`, customers: `${dir}/out/customers` },
    );
    const ours = await committedCounts(`${dir}/out/orders`);
    assertEquals(
      {
        late: theirs.numInjectedLate,
        duplicate: theirs.numInjectedDuplicate,
        bad_value: theirs.numInjectedBadValue,
        orphan: theirs.numInjectedOrphan,
      },
      ours,
    );
    assertEquals(
      {
        late: theirs.late,
        duplicate: theirs.duplicate,
        bad_value: theirs.bad_value,
        orphan: theirs.orphan,
      },
      ours,
    );
  },
);
