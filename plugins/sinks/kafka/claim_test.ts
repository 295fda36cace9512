/**
 * Claims that end in an error the broker did not call fencing, on a real broker
 * (tests/_kafka.ts): the error is put into a real producer's commit, after the broker really
 * committed or aborted the claim's transaction, as when Kafka 4.1 answers a commit raced by
 * another claim's fence with UNKNOWN_SERVER_ERROR.
 */
import { Buffer } from "node:buffer";
import { assert, assertEquals, assertRejects } from "../../../tests/_assert.ts";
import { SAMPLE_SCHEMA } from "../../../tests/_batches.ts";
import { kafkaTest, type TestKafka, testKafka } from "../../../tests/_kafka.ts";
import { PropertyConflict } from "../../../lib/plugin/sink_errors.ts";
import {
  type Claim,
  type ClaimDeps,
  type ClaimProducer,
  claimTransactionalId,
  commitClaim,
} from "./claim.ts";
import { Producers, type ProducerState } from "./producers.ts";
import { clientOptions } from "./client.ts";
import { kafkaClient, loadKafkaClient } from "./client_module.ts";
import { encodeProgress, progressKey, type ProgressRecord, schemaText } from "./progress.ts";
import { KafkaReadBack } from "./read_back.ts";
import { awaitStable } from "./topic_reader.ts";
import { createKafkaSink } from "./sink.ts";

const need = await testKafka();
const TABLE = "items";
const STATE = "tablestream.stream";

/** An error as the client reports a broker's UNKNOWN_SERVER_ERROR answer to EndTxn. */
function unknownServerError(): Error {
  const protocol = Object.assign(new Error("The server experienced an unexpected error"), {
    apiId: "UNKNOWN_SERVER_ERROR",
  });
  return Object.assign(new Error("Received response with error while executing API EndTxn(v4)"), {
    errors: [protocol],
  });
}

/** The topics of a fresh table, made by the sink, and what a claim of it needs. */
async function freshTable(k: TestKafka) {
  await loadKafkaClient();
  const p = `c${crypto.randomUUID().slice(0, 8)}.`;
  const topicOf = (t: string) => `${p}${t}`;
  const progressTopic = `${p}progress`;
  const sink = createKafkaSink({ brokers: k.brokers, topic: topicOf, progressTopic });
  await sink.open([{ name: TABLE, schema: SAMPLE_SCHEMA, appId: "setup" }], { mode: "error" });
  await sink.close();
  const options = clientOptions({ brokers: k.brokers }, "tablestream-claim-test");
  const reader = new (kafkaClient().Consumer)({
    ...options,
    groupId: "claim-test",
    autocommit: false,
  });
  const readBack = new KafkaReadBack({
    consumer: () => reader,
    progressTopic,
    topicOf,
    named: (t) => t,
    shape: { format: "json", avroPrefix: new Uint8Array() },
  });
  const producers: { close(): Promise<unknown> }[] = [];
  // The sink's own producers, of the table's claim id.
  const makers = new Producers({
    client: () => options,
    delivery: "exactly_once",
    named: (t) => t,
  });
  const claimer: ProducerState = {
    table: { name: TABLE },
    appId: "claim-test",
    topic: topicOf(TABLE),
    transactional: true,
  };
  /** A real producer of the table's claim id, its commit changed by `commit` when given. */
  const producer = (
    commit?: (commit: () => Promise<unknown>, abort: () => Promise<unknown>) => Promise<unknown>,
  ) =>
  () => {
    const real = makers.newProducer(claimer, claimTransactionalId(topicOf(TABLE)));
    producers.push(real);
    const wrapped: ClaimProducer = {
      beginTransaction: async () => {
        const transaction = await real.beginTransaction();
        return {
          send: (request) => transaction.send(request),
          commit: () =>
            commit
              ? commit(() => transaction.commit(), () => transaction.abort())
              : transaction.commit(),
        };
      },
      close: () => real.close(),
    };
    return wrapped;
  };
  const deps = (made: ClaimDeps["producer"], settleMs?: number): ClaimDeps => ({
    producer: made,
    progress: () => readBack.progress(TABLE),
    decided: async (sent) => {
      const where = sent.offsets?.find((o) => o.topic === progressTopic);
      if (where) await awaitStable(reader, where);
    },
    ...(settleMs !== undefined ? { settleMs } : {}),
  });
  const claim = (appId: string, state: string): Claim => {
    const record: ProgressRecord = {
      tick: -1,
      properties: { [STATE]: state },
      commits: 1,
      rows: 0,
      schema: schemaText(SAMPLE_SCHEMA),
      ends: {},
    };
    return {
      table: TABLE,
      appId,
      expect: { [STATE]: null },
      record,
      message: {
        topic: progressTopic,
        partition: 0,
        key: Buffer.from(progressKey(topicOf(TABLE), TABLE, appId)),
        value: Buffer.from(encodeProgress(record)),
      },
    };
  };
  const states = async () => {
    const records = await readBack.progress(TABLE) ?? new Map();
    const claimed = [...records].filter(([, r]) => STATE in r.properties);
    return new Map(claimed.map(([appId, r]) => [appId, r.properties[STATE]]));
  };
  const close = async () => {
    await Promise.all([...producers, reader].map((c) => c.close().catch(() => {})));
  };
  return { producer, deps, claim, states, close };
}

/** Runs `fn` on a fresh table's claim helpers, closing their clients after. */
async function withFreshTable(
  k: TestKafka,
  fn: (t: Awaited<ReturnType<typeof freshTable>>) => Promise<void>,
): Promise<void> {
  const t = await freshTable(k);
  try {
    await fn(t);
  } finally {
    await t.close();
  }
}

kafkaTest(
  need,
  "kafka claim: a commit the broker made but answered with an error stands",
  async (k) => {
    await withFreshTable(k, async (t) => {
      const lostAnswer = t.producer(async (commit) => {
        await commit();
        throw unknownServerError();
      });
      await commitClaim(t.deps(lostAnswer), t.claim("app/shard-0", "state 0"));
      assertEquals((await t.states()).get("app/shard-0"), "state 0");
    });
  },
);

kafkaTest(
  need,
  "kafka claim: aborted under an unknown error while another claim commits, a conflict",
  async (k) => {
    await withFreshTable(k, async (t) => {
      let other: Promise<void> | undefined;
      const raced = t.producer(async (_commit, abort) => {
        await abort();
        // The other claim starts after this one's transaction ended, and commits meanwhile.
        other = new Promise((resolve) => setTimeout(resolve, 50)).then(() =>
          commitClaim(t.deps(t.producer()), t.claim("app/shard-1", "state 1"))
        );
        throw unknownServerError();
      });
      const error = await assertRejects(() =>
        commitClaim(t.deps(raced), t.claim("app/shard-0", "state 0"))
      );
      await other;
      assert(error instanceof PropertyConflict, String(error));
      assertEquals([...(await t.states())], [["app/shard-1", "state 1"]]);
    });
  },
);

kafkaTest(
  need,
  "kafka claim: aborted under an unknown error and nobody else claims, the error as it came",
  async (k) => {
    await withFreshTable(k, async (t) => {
      const failing = t.producer(async (_commit, abort) => {
        await abort();
        throw unknownServerError();
      });
      const error = await assertRejects(() =>
        commitClaim(t.deps(failing, 300), t.claim("app/shard-0", "state 0"))
      );
      assert(!(error instanceof PropertyConflict), String(error));
      assert(String((error as Error).message).includes("EndTxn"), String(error));
      assertEquals((await t.states()).size, 0);
    });
  },
);
