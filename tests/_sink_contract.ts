/**
 * Checks of the sink contract that every resumable sink must pass, run from each sink's own
 * test file (the first pieces of the compliance suite): a commit point names the tick it
 * follows, and a sink refuses it atomically when another writer committed in between.
 *
 * @module
 */
import { assert, assertEquals } from "./_assert.ts";
import { SAMPLE_SCHEMA, sampleBatch } from "./_batches.ts";
import type { Sink } from "../lib/plugin/types.ts";
import { findCommitConflict } from "../lib/plugin/sink_errors.ts";

/**
 * Two writers of one table under one application id: the one whose view is stale
 * (`after` is no longer where the table is) is refused with a `CommitConflict` holding the
 * tick it found, and nothing of its flush is committed. `makeSink` makes a fresh sink on the
 * same destination each call.
 */
export async function assertCommitPointChecked(makeSink: () => Sink, table = "t"): Promise<void> {
  const tables = [{ name: table, schema: SAMPLE_SCHEMA, appId: "app", primaryKey: "id" }];
  const first = makeSink();
  await first.open(tables, { mode: "append" });
  await first.write(table, sampleBatch(3));
  await first.flush({ tick: 0, after: -1 });

  const second = makeSink();
  await second.open(tables, { mode: "append" });
  await second.write(table, sampleBatch(2, 3));
  await second.flush({ tick: 1, after: 0 });
  await second.close();

  // The first still believes the table is at tick 0: ticks 1..2 are not its to commit.
  await first.write(table, sampleBatch(4, 3));
  let refused: unknown;
  try {
    await first.flush({ tick: 2, after: 0 });
  } catch (error) {
    refused = error;
  }
  const conflict = findCommitConflict(refused);
  assert(conflict, `a CommitConflict, got ${refused}`);
  assertEquals([conflict.table, conflict.appId, conflict.storedTick], [table, "app", 1]);
  await first.abort?.();

  const stored = await makeSink().inspect!(table);
  assertEquals(stored?.commits.get("app"), 1, "the second writer's tick stays the last");
  assertEquals(stored?.rows, 5, "nothing of the refused flush is committed");

  // Without `after`, no check: a caller that does not ask is not refused.
  const third = makeSink();
  await third.open(tables, { mode: "append" });
  await third.write(table, sampleBatch(1, 5));
  await third.flush({ tick: 2 });
  await third.close();
  assertEquals((await makeSink().inspect!(table))?.commits.get("app"), 2);
}
