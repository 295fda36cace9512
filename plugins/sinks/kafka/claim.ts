/**
 * A shard's claim of a table's stream state on Kafka: a progress record committed only if the
 * table's properties are still what the shard expects, atomically with that check. The claim
 * goes through a producer whose transactional id belongs to the table's topic, shared by every
 * shard and process: starting it fences any other claim in progress (the broker aborts that
 * transaction, and waits for one being committed), so what the progress topic holds is final
 * until this transaction ends.
 *
 * A claim that ends in an error is settled before it is reported, because the broker's answer
 * to a commit raced by another claim's fence is not always "fenced" (Kafka 4.1 has answered
 * `UNKNOWN_SERVER_ERROR` to it): once the claim's own record is decided, a record that committed
 * is a claim won, a table whose properties moved is a conflict, and only an error that neither
 * explains is reported as it came.
 *
 * @module
 */
import type { MessageToProduce } from "@platformatic/kafka";
import type { Buffer } from "node:buffer";
import { PropertyConflict } from "../../../lib/plugin/sink_errors.ts";
import { describeError } from "./client.ts";
import type { ProgressRecord } from "./progress.ts";

/** The transactional id every claim of a topic's table goes through, whichever its shard. */
export function claimTransactionalId(topic: string): string {
  return `tablestream:${topic}:claim`;
}

/** How long a failed claim waits for another claim's commit to show before it says its error. */
export const CLAIM_SETTLE_MS = 5_000;

/** The producer calls a claim makes: one transaction, one record. */
export interface ClaimProducer {
  beginTransaction(): Promise<{
    send(request: { messages: MessageToProduce<Buffer, Buffer, string, string>[] }): Promise<
      ClaimSent
    >;
    commit(): Promise<unknown>;
  }>;
  close(): Promise<unknown>;
}

/** What a send answers: where the record went. */
export type ClaimSent = { offsets?: { topic: string; partition: number; offset: bigint }[] };

/** What a claim needs of the sink. */
export interface ClaimDeps {
  /** A new producer of the table's claim transactional id. */
  producer(): ClaimProducer;
  /** The table's committed progress records, by application id. */
  progress(): Promise<Map<string, ProgressRecord> | undefined>;
  /** Returns once the record sent is decided, committed or aborted, for readers (or gives up). */
  decided(sent: ClaimSent): Promise<void>;
  /** Waits between two looks at a table whose claim failed. */
  sleep?(ms: number): Promise<void>;
  /** How long to look for another claim's commit: {@link CLAIM_SETTLE_MS} unless given. */
  settleMs?: number;
}

/** One claim: the record to commit, under which application id, if the table holds `expect`. */
export interface Claim {
  table: string;
  appId: string;
  expect: Record<string, string | null>;
  record: ProgressRecord;
  message: MessageToProduce<Buffer, Buffer, string, string>;
}

/** The broker's words for a transaction that another producer of its transactional id ended. */
export function isFenced(error: unknown): boolean {
  return /PRODUCER_FENCED|INVALID_PRODUCER_EPOCH/.test(describeError(error));
}

/** Throws a {@link PropertyConflict} unless the table's committed properties are `expect`. */
export function checkExpected(
  table: string,
  expect: Record<string, string | null>,
  records: Map<string, ProgressRecord> | undefined,
): void {
  const merged: Record<string, string> = {};
  for (const r of records?.values() ?? []) Object.assign(merged, r.properties);
  for (const [property, wanted] of Object.entries(expect)) {
    if ((merged[property] ?? null) !== wanted) {
      throw new PropertyConflict(table, property, merged[property] ?? null);
    }
  }
}

/**
 * Commits a claim, or throws a {@link PropertyConflict} when another claim or writer got the
 * table first; any other error is the broker's, said as it came.
 */
export async function commitClaim(deps: ClaimDeps, claim: Claim): Promise<void> {
  const producer = deps.producer();
  let sent: ClaimSent | undefined;
  try {
    const transaction = await producer.beginTransaction();
    checkExpected(claim.table, claim.expect, await deps.progress());
    sent = await transaction.send({ messages: [claim.message] });
    await transaction.commit();
    await deps.decided(sent);
  } catch (error) {
    if (error instanceof PropertyConflict) throw error;
    await settleClaim(deps, claim, error, sent);
  } finally {
    await producer.close().catch(() => {});
  }
}

/** Says what became of a claim whose transaction ended in `error` (returns if it committed). */
async function settleClaim(
  deps: ClaimDeps,
  claim: Claim,
  error: unknown,
  sent: ClaimSent | undefined,
): Promise<void> {
  const fenced = isFenced(error);
  // A claim that failed before its record was sent committed nothing of its own.
  if (!sent && !fenced) throw error;
  if (sent) {
    await deps.decided(sent);
    const records = await deps.progress();
    if (isClaimRecord(records?.get(claim.appId), claim.record)) return;
  }
  const sleep = deps.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
  const deadline = performance.now() + (deps.settleMs ?? CLAIM_SETTLE_MS);
  for (let pause = 10;; pause = Math.min(pause * 2, 200)) {
    checkExpected(claim.table, claim.expect, await deps.progress());
    // Fenced: another claim holds the table's claim id, and commits or is fenced in turn. Either
    // way this one lost, and the shard plans again from what the table holds then.
    if (fenced) {
      const [property] = Object.keys(claim.expect);
      throw new PropertyConflict(claim.table, property, claim.expect[property]);
    }
    if (performance.now() >= deadline) throw error;
    await sleep(pause);
  }
}

/** Whether `stored` is the record a claim sent (its commit count and the properties it set). */
function isClaimRecord(stored: ProgressRecord | undefined, sent: ProgressRecord): boolean {
  if (!stored || stored.commits !== sent.commits || stored.tick !== sent.tick) return false;
  return Object.entries(sent.properties).every(([k, v]) => stored.properties[k] === v);
}
