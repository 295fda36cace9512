/**
 * Benchmarks of `generate`: the writer's overhead over parquet-wasm, faker's over a bare loop,
 * foreign keys into many parents, copied columns, workers.
 *
 * @module
 */
import * as arrow from "apache-arrow";
import { allLocales, Faker, type LocaleDefinition } from "@faker-js/faker";
import { encodeParquet } from "../parquet/mod.ts";
import { machineParallelism, timed } from "./measure.ts";
import { defaultWorkers } from "../parallel/pool.ts";
import { type BenchCase, benchEngine, generateDelta, rateRatio } from "./case.ts";

export const writeOverhead: BenchCase = {
  name: "write_overhead",
  summary: "generate -> Delta (no faker) vs parquet-wasm writing the same Arrow data",
  target: { op: ">=", value: 0.5, unit: "x" },
  runs: { full: 5, quick: 3 },
  async run(quick) {
    const rows = quick ? 200_000 : 1_000_000;
    const engine = await benchEngine("numeric.yaml", { facts: rows });
    const generator = engine.table("facts");
    const batches: arrow.RecordBatch[] = [];
    for (let done = 0; done < rows; done += 10_000) {
      batches.push(generator.batch(1 + done, Math.min(10_000, rows - done)));
    }
    const data = new arrow.Table(batches);
    const file = await Deno.makeTempFile({ prefix: "tablestream-bench-", suffix: ".parquet" });
    // Both sides warmed up (JIT, Wasm) on a small run first.
    encodeParquet(data.slice(0, 10_000));
    const common = { file: "numeric.yaml", table: "facts", rows };
    await generateDelta({ ...common, rows: 20_000, workers: 1 });
    // The write-only side: the same Arrow data, one snappy Parquet file on disk.
    const write = await timed(() => Deno.writeFile(file, encodeParquet(data, "snappy")));
    await Deno.remove(file);
    // End to end as `generate` runs by default (one worker per CPU), and in one thread.
    const end = await generateDelta({ ...common, workers: defaultWorkers() });
    const oneThread = await generateDelta({ ...common, workers: 1 });
    const baseline = { rows, seconds: write.seconds };
    return {
      ...end,
      baseline,
      ratio: rateRatio(end, baseline),
      extra: { one_thread_x: rateRatio(oneThread, baseline), workers: defaultWorkers() },
    };
  },
};

/** The faker-js instance a plain faker-js user gets for en_US. */
function plainFaker(): Faker {
  const locales = allLocales as Record<string, LocaleDefinition>;
  const faker = new Faker({ locale: [locales.en_US, locales.en, locales.base] });
  faker.seed(1);
  return faker;
}

/** The people table's faker calls in a bare loop, kept so nothing is optimised away. */
function bareFakerLoop(rows: number): number {
  const faker = plainFaker();
  let length = 0;
  for (let i = 0; i < rows; i++) {
    length += faker.person.firstName().length;
    length += faker.person.lastName().length;
    length += faker.internet.email().toLowerCase().length;
    length += faker.number.int({ min: 1, max: 100 });
  }
  return length;
}

export const fakerOverhead: BenchCase = {
  name: "faker_overhead",
  summary: "the 5-column people table -> Delta (--workers 1) vs a bare faker-js loop",
  target: { op: ">=", value: 0.8, unit: "x" },
  runs: { full: 5, quick: 3 },
  async run(quick) {
    const rows = quick ? 50_000 : 200_000;
    bareFakerLoop(5_000);
    await generateDelta({ file: "people.yaml", table: "people", rows: 5_000, workers: 1 });
    const bare = await timed(() => bareFakerLoop(rows));
    const end = await generateDelta({ file: "people.yaml", table: "people", rows, workers: 1 });
    const baseline = { rows, seconds: bare.seconds };
    return { ...end, baseline, ratio: rateRatio(end, baseline) };
  },
};

export const zipfScale: BenchCase = {
  name: "zipf_scale",
  summary: "a child with a zipf foreign key into 1,000,000 parents vs into 100",
  target: { op: ">=", value: 0.8, unit: "x" },
  runs: { full: 5, quick: 3 },
  async run(quick) {
    const rows = quick ? 200_000 : 1_000_000;
    const common = { file: "zipf.yaml", table: "children", rows, workers: 1 };
    await generateDelta({ ...common, rows: 20_000 });
    const small = await generateDelta({ ...common, rowCounts: { parents: 100 } });
    const large = await generateDelta({ ...common, rowCounts: { parents: 1_000_000 } });
    return { ...large, baseline: small, ratio: rateRatio(large, small) };
  },
};

export const copyFk: BenchCase = {
  name: "copy_fk",
  summary: "a child with copy_from_fk of a faker column vs the same child without it",
  target: { op: ">=", value: 0.5, unit: "x" },
  runs: { full: 5, quick: 3 },
  async run(quick) {
    const rows = quick ? 50_000 : 200_000;
    const common = { file: "copy_fk.yaml", rows, workers: 1 };
    await generateDelta({ ...common, table: "orders_copy", rows: 5_000 });
    const plain = await generateDelta({ ...common, table: "orders_plain" });
    const copy = await generateDelta({ ...common, table: "orders_copy" });
    return { ...copy, baseline: plain, ratio: rateRatio(copy, plain) };
  },
};

export const workers: BenchCase = {
  name: "workers",
  summary: "the people table -> Delta with --workers 2 vs --workers 1",
  target: { op: ">=", value: 1.7, unit: "x" },
  runs: { full: 5, quick: 3 },
  async run(quick) {
    const rows = quick ? 200_000 : 1_000_000;
    const common = { file: "people.yaml", table: "people", rows };
    await generateDelta({ ...common, rows: 5_000, workers: 1 });
    const one = await generateDelta({ ...common, workers: 1 });
    const two = await generateDelta({ ...common, workers: 2 });
    // What the machine gave two threads at the time: the ceiling of this ratio.
    const machine = await machineParallelism(2);
    return { ...two, baseline: one, ratio: rateRatio(two, one), extra: { machine_2x: machine } };
  },
};
