/**
 * `tablestream run` into Kafka on a real broker (tests/_kafka.ts): killed with SIGKILL at 20
 * random moments and restarted, or with the broker stopped for 10 s mid-run, a read_committed
 * consumer (Kafka's own Java consumer) sees every row of an uninterrupted run exactly once, in
 * tick order per partition; a table with changes killed 10 times gives the Debezium events of an
 * uninterrupted run, each once, in order per key; wrong credentials end `run` with a clear error
 * and exit code.
 */
import { assert, assertEquals, assertStringIncludes } from "../_assert.ts";
import { killSeed, killWhileWorking, paced, seededRandom, timeWork } from "../_kill.ts";
import { kafkaJava, kafkaTest, SASL_USER, type TestKafka, testKafka } from "../_kafka.ts";
import { withTempDir } from "../_cli.ts";
import { START_MS, streamOf } from "../_changes.ts";
import { changingOrders } from "../_change_feed.ts";

const need = await testKafka();
const MAIN = new URL("../../main.ts", import.meta.url).pathname;
const JAVA_READER = new URL("../fixtures/kafka/ReadCommitted.java", import.meta.url).pathname;

/** A config of two tables (a child copying from its parent) into Kafka topics of `prefix`. */
function configYaml(brokers: string[], prefix: string, extra = ""): string {
  return `
version: 1
config:
  seed: 5
  tick_interval: 10s
sinks:
  default:
    type: kafka
    options:
      brokers: [${brokers.map((b) => `"${b}"`).join(", ")}]
      topic: "${prefix}{table}"
      progress_topic: "${prefix}progress"
      partitions: 3
      header_tick: true
${extra}
tables:
  - table_name: customers
    row_count: 20
    cadence: { rows_per_minute: 60 }
    columns:
      - { column_name: id, data: row_id, is_primary_key: true }
      - { column_name: email, data: fake.email() }
  - table_name: orders
    row_count: 30
    cadence: { rows_per_minute: 300 }
    columns:
      - { column_name: id, data: row_id, is_primary_key: true }
      - column_name: customer_id
        data: foreign_key("customers", "id")
      - column_name: email
        data: copy_from_fk("customer_id", "customers", "email")
      - { column_name: total, data: "round(random.uniform(1, 500), 2)" }
`;
}

const START = "2024-01-01T00:00:00Z";

function runArgs(config: string, until: string, extra: string[] = [], start = START): string[] {
  return [
    "run",
    "-A",
    MAIN,
    "run",
    "--config",
    config,
    "--fast-forward",
    "--start-time",
    start,
    "--until",
    until,
    "--commit-rows",
    "25",
    ...extra,
  ];
}

async function runToEnd(
  config: string,
  until: string,
  env: Record<string, string> = {},
  start = START,
) {
  const output = await new Deno.Command(Deno.execPath(), {
    args: runArgs(config, until, [], start),
    stdout: "piped",
    stderr: "piped",
    env: { TZ: "UTC", ...env },
  }).output();
  return {
    code: output.code,
    stderr: new TextDecoder().decode(output.stderr),
  };
}

interface Row {
  partition: number;
  offset: number;
  key: string;
  tick: number;
  /** The record's value; null for a tombstone. */
  value: string | null;
}

async function topicRows(kafka: TestKafka, topic: string): Promise<Row[]> {
  const text = await kafkaJava(kafka, JAVA_READER, [kafka.brokers.join(","), topic]);
  return text.split("\n").filter(Boolean).map((line) => {
    const [partition, offset, _java, key, headers, value] = line.split("\t");
    return {
      partition: Number(partition),
      offset: Number(offset),
      key,
      tick: Number(JSON.parse(headers)["tablestream.tick"]),
      value: value === "~" ? null : atob(value),
    };
  });
}

/** The rows of `got` are those of `whole`, each once; per partition, ticks never go back. */
function assertExactlyOnce(got: Row[], whole: Row[], what: string): void {
  const keys = got.map((r) => r.key);
  assertEquals(new Set(keys).size, keys.length, `${what}: no row twice`);
  const values = (rows: Row[]) => rows.map((r) => `${r.key} ${r.value}`).sort();
  assertEquals(values(got), values(whole), `${what}: the rows of the uninterrupted run`);
  for (const partition of new Set(got.map((r) => r.partition))) {
    const rows = got.filter((r) => r.partition === partition).sort((a, b) => a.offset - b.offset);
    for (let i = 1; i < rows.length; i++) {
      assert(rows[i].tick >= rows[i - 1].tick, `${what}: partition ${partition} in tick order`);
    }
  }
}

kafkaTest(need, "kafka run: 20 kill -9s, then every row exactly once", async (kafka) => {
  await withTempDir(async (dir) => {
    // 4,320 ticks of 10 s: about a minute whole, so 20 kills a second or three into each run
    // land mid-run (with half of it, a fast machine finished the run before the 15th kill).
    const until = "2024-01-01T12:00:00Z";
    const wholePrefix = `w${crypto.randomUUID().slice(0, 6)}.`;
    const killedPrefix = `k${crypto.randomUUID().slice(0, 6)}.`;
    await Deno.writeTextFile(`${dir}/whole.yaml`, configYaml(kafka.brokers, wholePrefix));
    await Deno.writeTextFile(`${dir}/killed.yaml`, configYaml(kafka.brokers, killedPrefix));
    const whole = await runToEnd(`${dir}/whole.yaml`, until);
    assertEquals(whole.code, 0, whole.stderr);

    const seed = killSeed(1616);
    const random = seededRandom(seed);
    const replay = `(TABLESTREAM_KILL_SEED=${seed} replays the kill moments)`;
    let kills = 0;
    for (let i = 0; i < 20; i++) {
      const child = new Deno.Command(Deno.execPath(), {
        args: runArgs(`${dir}/killed.yaml`, until),
        stdout: "piped",
        stderr: "piped",
        env: { TZ: "UTC" },
      }).spawn();
      // Up to two seconds into its commit loops (logged once both tables are planned),
      // whatever start-up costs on the machine now.
      if ((await killWhileWorking(child, 'Table "orders" ', random() * 2000)).killed) kills++;
    }
    const last = await runToEnd(`${dir}/killed.yaml`, until);
    assertEquals(last.code, 0, last.stderr);
    assert(kills >= 15, `most runs were killed (${kills}) ${replay}`);
    for (const table of ["customers", "orders"]) {
      const expected = await topicRows(kafka, `${wholePrefix}${table}`);
      assert(expected.length > 300, `${table} has rows (${expected.length})`);
      assertExactlyOnce(
        await topicRows(kafka, `${killedPrefix}${table}`),
        expected,
        `${table} after ${kills} kills ${replay}`,
      );
    }
  });
});

kafkaTest(
  need,
  "kafka run: the broker down for 10 s mid-run: nothing lost, nothing twice",
  async (kafka) => {
    assert(kafka.control, "the test broker can be stopped");
    await withTempDir(async (dir) => {
      const until = "2024-01-01T06:00:00Z"; // 2,160 ticks: about 35 s whole, past the outage
      const prefix = `o${crypto.randomUUID().slice(0, 6)}.`;
      const wholePrefix = `ow${crypto.randomUUID().slice(0, 6)}.`;
      await Deno.writeTextFile(`${dir}/whole.yaml`, configYaml(kafka.brokers, wholePrefix));
      await Deno.writeTextFile(`${dir}/outage.yaml`, configYaml(kafka.brokers, prefix));
      const child = new Deno.Command(Deno.execPath(), {
        args: runArgs(`${dir}/outage.yaml`, until),
        stdout: "null",
        stderr: "piped",
        env: { TZ: "UTC" },
      }).spawn();
      await new Promise((r) => setTimeout(r, 4_000));
      await kafka.control!.stop();
      await new Promise((r) => setTimeout(r, 10_000));
      await kafka.control!.start();
      const status = await child.output();
      const stderr = new TextDecoder().decode(status.stderr);
      assertEquals(status.code, 0, stderr);
      assertStringIncludes(stderr, "waiting", "the tables waited for the broker");
      const whole = await runToEnd(`${dir}/whole.yaml`, until);
      assertEquals(whole.code, 0, whole.stderr);
      for (const table of ["customers", "orders"]) {
        assertExactlyOnce(
          await topicRows(kafka, `${prefix}${table}`),
          await topicRows(kafka, `${wholePrefix}${table}`),
          `${table} after the outage`,
        );
      }
    });
  },
);

kafkaTest(need, "kafka run: wrong credentials end run with a clear error", async (kafka) => {
  assert(kafka.saslBrokers);
  await withTempDir(async (dir) => {
    const sasl = `      sasl_mechanism: scram-sha-256
      sasl_username: ${SASL_USER}
      sasl_password_env: TABLESTREAM_TEST_KAFKA_WRONG`;
    await Deno.writeTextFile(
      `${dir}/c.yaml`,
      configYaml(kafka.saslBrokers!, `c${crypto.randomUUID().slice(0, 6)}.`, sasl),
    );
    const result = await runToEnd(`${dir}/c.yaml`, "2024-01-01T00:10:00Z", {
      TABLESTREAM_TEST_KAFKA_WRONG: "wrong",
    });
    assert(result.code !== 0, "run fails");
    assertStringIncludes(result.stderr, "kafka sink");
    assertStringIncludes(result.stderr, kafka.saslBrokers![0]);
    assertStringIncludes(result.stderr, "sasl_password_env");
  });
});

/** Orders that change (zipf picks, a status that only moves forward), as Debezium events. */
const CHANGES_TABLES = `
tables:
${changingOrders(50)}`;
/** The events' run: 1,440 ticks of 10 s from the change model's test start (46,000 events). */
const CHANGES_TICKS = 1440;
/** Logged once the table is planned, right before its commit loop begins. */
const CHANGES_LOOP_BEGINS = 'Table "orders" ';
/** How long the uninterrupted run's commit loop takes on a quiet machine (a guess on the
 * short side: 2,160 ticks of twice the rates took 58 s at load 10 on a 2-core EPYC). */
const QUIET_CHANGES_MS = 5000;

/** The records of a topic by key, each key's in offset order (one partition holds a key). */
function byKey(rows: Row[]): Map<string, Row[]> {
  const keys = new Map<string, Row[]>();
  for (const row of [...rows].sort((a, b) => a.partition - b.partition || a.offset - b.offset)) {
    keys.set(row.key, [...(keys.get(row.key) ?? []), row]);
  }
  return keys;
}

/** An event as compared: its JSON without `source.name`, the writer (each run's own). */
function comparable(row: Row): string {
  if (row.value === null) return "tombstone";
  const event = JSON.parse(row.value);
  delete event.source.name;
  return JSON.stringify(event);
}

/**
 * Replays a topic's events by key (`c` and `u` set the row, `d` and tombstones remove it),
 * checking that each update's and delete's `before` is the row held; the rows left, by key.
 */
function replayEvents(rows: Row[], what: string): Map<string, unknown> {
  const state = new Map<string, unknown>();
  for (const [key, events] of byKey(rows)) {
    for (const row of events) {
      if (row.value === null) {
        assert(!state.has(key), `${what}: the tombstone of ${key} follows its delete`);
        continue;
      }
      const event = JSON.parse(row.value);
      if (event.op !== "c") {
        assertEquals(event.before, state.get(key), `${what}: before of ${key} ${event.op}`);
      }
      if (event.op === "d") state.delete(key);
      else state.set(key, event.after);
    }
  }
  return state;
}

kafkaTest(
  need,
  "kafka run: 10 kill -9s of a table with changes, then every Debezium event exactly once",
  async (kafka) => {
    await withTempDir(async (dir) => {
      const until = new Date(START_MS + CHANGES_TICKS * 10_000).toISOString();
      const start = new Date(START_MS).toISOString();
      const config = async (name: string, prefix: string) => {
        const yaml = configYaml(kafka.brokers, prefix).replace(/\ntables:[\s\S]*$/, CHANGES_TABLES);
        await Deno.writeTextFile(`${dir}/${name}.yaml`, yaml);
        return `${dir}/${name}.yaml`;
      };
      const spawn = (file: string) =>
        new Deno.Command(Deno.execPath(), {
          args: runArgs(file, until, [], start),
          stdout: "piped",
          stderr: "piped",
          env: { TZ: "UTC" },
        }).spawn();
      const wholePrefix = `cw${crypto.randomUUID().slice(0, 6)}.`;
      const killedPrefix = `ck${crypto.randomUUID().slice(0, 6)}.`;
      const whole = await timeWork(spawn(await config("whole", wholePrefix)), CHANGES_LOOP_BEGINS);
      assertEquals(whole.code, 0, whole.stderr);
      // Moments up to a tenth of the loop: 10 lives of a twentieth on average (each resuming
      // where the last stopped) end before the run does.
      const window = paced(QUIET_CHANGES_MS / 10, QUIET_CHANGES_MS, whole.workMs);
      const killedConfig = await config("killed", killedPrefix);

      const seed = killSeed(2718);
      const random = seededRandom(seed);
      const replay = `(kill moments of seed ${seed}, within ${
        Math.round(window)
      } ms of the loop beginning; TABLESTREAM_KILL_SEED=${seed} replays them)`;
      let onWork = 0;
      for (let i = 0; i < 10; i++) {
        const kill = await killWhileWorking(
          spawn(killedConfig),
          CHANGES_LOOP_BEGINS,
          random() * window,
        );
        if (kill.killed && kill.working) onWork++;
      }
      const last = await runToEnd(killedConfig, until, {}, start);
      assertEquals(last.code, 0, last.stderr);
      assert(onWork >= 9, `most kills landed on the running loop (${onWork} of 10) ${replay}`);

      const expected = await topicRows(kafka, `${wholePrefix}orders`);
      const got = await topicRows(kafka, `${killedPrefix}orders`);
      const ops = (rows: Row[], op: string) =>
        rows.filter((r) => r.value !== null && JSON.parse(r.value).op === op).length;
      assert(ops(expected, "u") > 2000 && ops(expected, "d") > 200, "updates and deletes made");
      // Every event once: no (key, op, version) twice, in the whole run and the killed one.
      for (const [what, rows] of [["uninterrupted", expected], ["killed", got]] as const) {
        const ids = rows.map((r) => {
          const event = r.value === null ? null : JSON.parse(r.value);
          return `${r.key} ${event?.op ?? "tombstone"} ${event?.source.row_version ?? ""}`;
        });
        assertEquals(new Set(ids).size, ids.length, `${what}: no event twice ${replay}`);
      }
      // The same keys, each with the same events in the same order.
      const wholeKeys = byKey(expected);
      const gotKeys = byKey(got);
      assertEquals([...gotKeys.keys()].sort(), [...wholeKeys.keys()].sort(), `keys ${replay}`);
      for (const [key, rows] of wholeKeys) {
        assertEquals(
          gotKeys.get(key)!.map(comparable),
          rows.map(comparable),
          `events of ${key} ${replay}`,
        );
      }
      // Both replay to one state: the rows the change model leaves alive.
      const state = replayEvents(got, "killed");
      assertEquals(state, replayEvents(expected, "uninterrupted"), `replayed state ${replay}`);
      const { changes, timelines } = streamOf(
        `version: 1\nconfig: { seed: 5 }\n${CHANGES_TABLES}`,
        {
          seed: 5,
        },
      );
      const model = changes("orders");
      const modelState = model.stateAt(CHANGES_TICKS);
      const inserted = timelines.get("orders")!.rowsThrough(CHANGES_TICKS);
      const alive = Array.from({ length: inserted }, (_, i) => i + 1)
        .filter((id) => !model.isDeleted(modelState, id, CHANGES_TICKS));
      assertEquals(
        [...state.keys()].map(Number).sort((a, b) => a - b),
        alive,
        `the live rows of the change model ${replay}`,
      );
    });
  },
);
