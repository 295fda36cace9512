/**
 * The Kafka sink's benchmark: `generate` of a table without faker (numeric.yaml's facts) and of
 * a faker table (people.yaml) into a local Kafka broker, as JSON and as Avro (one transaction
 * per commit, acks=all), against the same rows into Delta. Target: Kafka at least 0.7x Delta.
 * The broker is the tests' (tests/_kafka.ts: KAFKA_BROKERS, or a throwaway Kafka 4.1 started
 * from Maven Central's jars); without one the case is skipped with the reason.
 *
 * @module
 */
import type { BenchCase, Measured } from "./case.ts";
import { benchEngine, CONFIGS, generateDelta, rateRatio } from "./case.ts";
import { timed } from "./measure.ts";
import { generateToSink } from "../parallel/generate.ts";
import { openBatchSource } from "../parallel/handoff.ts";
import { recipeOf } from "../parallel/recipe.ts";
import { defaultWorkers } from "../parallel/pool.ts";
import { createKafkaSink } from "../../plugins/sinks/kafka/mod.ts";
import { testKafka } from "../../tests/_kafka.ts";

/** `generate` of one table into fresh Kafka topics: rows and seconds. */
async function generateKafka(
  brokers: string[],
  run: { file: string; table: string; rows: number; format: "json" | "avro" },
): Promise<{ rows: number; seconds: number }> {
  const engine = await benchEngine(run.file, { [run.table]: run.rows });
  const prefix = `bench${crypto.randomUUID().slice(0, 8)}.`;
  const { seconds } = await timed(async () => {
    const source = await openBatchSource(engine, {
      workers: defaultWorkers(),
      recipe: () => recipeOf(engine, `${CONFIGS}${run.file}`),
      rows: run.rows,
    });
    try {
      const sink = createKafkaSink({
        brokers,
        topic: (t) => `${prefix}${t}`,
        progressTopic: `${prefix}progress`,
        partitions: 6,
        format: run.format,
      });
      await generateToSink(engine, sink, { tables: [run.table], source });
    } finally {
      source.close();
    }
  });
  return { rows: run.rows, seconds };
}

export const kafka: BenchCase = {
  name: "kafka",
  summary: "generate -> Kafka (JSON, Avro; faker and not) vs the same rows -> Delta",
  target: { op: ">=", value: 0.7, unit: "x" },
  runs: { full: 3, quick: 1 },
  async run(quick): Promise<Measured> {
    const found = await testKafka();
    if (!found.found) {
      return { rows: 0, seconds: 0, ratio: 0, skipped: `no Kafka broker: ${found.why}` };
    }
    const brokers = found.value.brokers;
    const rows = quick ? 100_000 : 500_000;
    const extra: Record<string, number> = {};
    let worst:
      | { ratio: number; kafka: { rows: number; seconds: number }; delta: typeof worstDelta }
      | undefined;
    let worstDelta = { rows: 0, seconds: 0 };
    // Both sides warmed up on small runs first (the Kafka client's import, its first
    // connections and topics, the JIT of either path), as in the other cases: the first case
    // measured paid it alone (numeric JSON: 0.41x cold, 0.68x warm, the same code).
    const warm = { file: "numeric.yaml", table: "facts", rows: 20_000 };
    await generateDelta({ ...warm, workers: defaultWorkers() });
    for (const format of ["json", "avro"] as const) {
      await generateKafka(brokers, { ...warm, format });
    }
    for (
      const [file, table, label] of [["numeric.yaml", "facts", "numeric"], [
        "people.yaml",
        "people",
        "faker",
      ]] as const
    ) {
      const delta = await generateDelta({ file, table, rows, workers: defaultWorkers() });
      extra[`${label}_delta_rows_per_s`] = Math.round(delta.rows / delta.seconds);
      for (const format of ["json", "avro"] as const) {
        const measured = await generateKafka(brokers, { file, table, rows, format });
        const ratio = rateRatio(measured, delta);
        extra[`${label}_${format}_rows_per_s`] = Math.round(measured.rows / measured.seconds);
        extra[`${label}_${format}_x`] = ratio;
        if (!worst || ratio < worst.ratio) {
          worstDelta = delta;
          worst = { ratio, kafka: measured, delta };
        }
      }
    }
    return { ...worst!.kafka, baseline: worstDelta, ratio: worst!.ratio, extra };
  },
};
