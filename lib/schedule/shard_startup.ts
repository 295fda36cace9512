/**
 * A run's start-up plan, and for shards the agreement on new tables' stream state: each shard
 * records the state of the new tables it writes in a commit that expects none, in the same
 * order in every shard; the first to record one wins, and every shard plans again from what
 * is recorded and takes the winner's start time, so all tables of a sharded run share one
 * start time, as in one process.
 *
 * @module
 */
import type { TableGenerator } from "../engine/generator.ts";
import type { Engine } from "../engine/engine.ts";
import { sinkTableOf } from "../engine/spec.ts";
import type { Logger } from "../output/log.ts";
import type { Sink } from "../plugin/types.ts";
import { PropertyConflict } from "../plugin/sink_errors.ts";
import { formatShard, type Shard, shardAppId } from "../stream/shard.ts";
import { encodeState, STATE_PROPERTY } from "../state/stream_state.ts";
import type { TablePlan } from "./plan.ts";

/** Rounds of planning and claiming a sharded start-up may take before it gives up. */
const MAX_CLAIM_ROUNDS = 5;

/** What {@link planStart} needs from the server. */
export interface StartupDeps {
  /** This process's shard; unsharded runs plan once. */
  shard?: Shard;
  /** Plans the run's tables, new ones starting at `startMs`. */
  plan(startMs: number): Promise<TablePlan[]>;
  /** An engine for `plans` whose "now" is `startMs`. */
  newEngine(plans: TablePlan[], startMs: number): Engine;
  sinkFor(table: string): Sink;
  /** Why a table cannot be written as planned (it then fails at start), if so. */
  blocked(plan: TablePlan, generator: TableGenerator): string | undefined;
  signal: AbortSignal;
  log: Logger;
}

/**
 * The tables' plans and the run's start time: `startMs`, or for a shard the start time of
 * the first table another shard recorded (the plans' order, the same in every shard and the
 * order claims are made in).
 */
export async function planStart(
  startMs: number,
  deps: StartupDeps,
): Promise<{ plans: TablePlan[]; startMs: number }> {
  for (let round = 1;; round++) {
    const planned = await deps.plan(startMs);
    const anchor = deps.shard && planned.some((p) => p.recordState)
      ? planned.find((p) => !p.recordState && p.stored?.properties[STATE_PROPERTY])
      : undefined;
    if (anchor?.state && anchor.state.startMs !== startMs) {
      startMs = anchor.state.startMs;
      continue;
    }
    if (!deps.shard || !planned.some((p) => p.recordState)) return { plans: planned, startMs };
    if (round > MAX_CLAIM_ROUNDS) {
      throw new Error(
        `The shards' stream states kept changing under this one for ${MAX_CLAIM_ROUNDS} ` +
          "rounds at start; is another run writing these tables?",
      );
    }
    await claimStates(planned, deps.newEngine(planned, startMs), deps, deps.shard);
  }
}

/**
 * Records the stream state of every table this shard writes (or follows as shard 0's) that
 * has none, each in a commit of no rows that expects the property unset (or as found), in
 * the plans' order up to the first claim lost: the next round plans again from what the
 * winner recorded. Tables the sink will not take are left to fail at start as unsharded ones
 * do.
 */
async function claimStates(
  plans: TablePlan[],
  engine: Engine,
  deps: StartupDeps,
  shard: Shard,
): Promise<void> {
  for (const plan of plans.filter((p) => p.recordState)) {
    const generator = engine.table(plan.name);
    if (deps.blocked(plan, generator)) continue;
    const sink = deps.sinkFor(plan.name);
    try {
      await sink.open([
        sinkTableOf(plan.spec, generator.schema(), { appId: shardAppId(plan.baseAppId, shard) }),
      ], { mode: "append", signal: deps.signal });
      await sink.flush({
        tick: -1,
        after: -1,
        properties: { [STATE_PROPERTY]: encodeState(plan.state!) },
        expect: { [STATE_PROPERTY]: plan.stored?.properties[STATE_PROPERTY] ?? null },
      });
      await sink.close();
      deps.log.info(`Table "${plan.name}": this shard recorded its stream state`, {
        table: plan.name,
        shard: formatShard(shard),
      });
    } catch (error) {
      await sink.abort?.().catch(() => {});
      // Another shard claimed it first (or changed the table meanwhile): plan again.
      if (!(error instanceof PropertyConflict) && !isConcurrentChange(error)) throw error;
      return;
    }
  }
}

/** A commit that lost to another writer changing the table (a healable concurrent change). */
function isConcurrentChange(error: unknown): boolean {
  for (let e = error; e instanceof Error; e = e.cause) {
    if (e.name === "ConcurrentModificationError") return true;
  }
  return false;
}
