/**
 * `rate_shapes`: what a rate shape costs. A day of the same table run with `--fast-forward`
 * into Delta, with a daily and weekly profile, random bursts and Poisson jitter, and at the
 * constant rate that makes as many rows; rows per CPU second of each, in alternating rounds.
 * The ratio (shaped over constant) is the target.
 *
 * @module
 */
import { type Config, parseConfig } from "../config/mod.ts";
import { StreamingServer } from "../schedule/server.ts";
import type { BenchCase } from "./case.ts";
import { REFERENCE_TIME } from "./case.ts";
import { median, ownCpuSeconds } from "./measure.ts";

const SHAPE = `
      daily: evening_peak
      weekly: [1, 1, 1, 1, 1.5, 1.5, 0]
      bursts:
        - {per_day: 6, for: 20m, multiplier: 3}
      jitter: poisson`;

/**
 * The bench table: shaped around 600 rows/min, or constant at `rowsPerMinute`; 10 s ticks.
 */
function config(shaped: boolean, rowsPerMinute = 600): Config {
  const yaml = `
version: 1
config:
  seed: 5
  tick_interval: 10s
tables:
  - table_name: orders
    row_count: 0
    cadence:
      rows_per_minute: ${rowsPerMinute}${shaped ? SHAPE : ""}
    columns:
      - {column_name: id, data: row_id, is_primary_key: true}
      - {column_name: customer_id, data: "random.randint(1, 100000)"}
      - {column_name: status, data: "random.choice(['placed', 'paid', 'shipped'])"}
      - {column_name: amount, data: "round(random.uniform(1, 500), 2)"}
      - {column_name: ordered_at, data: datetime.now()}
`;
  const { config, diagnostics } = parseConfig(yaml, "rate_shapes.yaml");
  if (!config) throw new Error(diagnostics.map((d) => d.message).join("\n"));
  return config;
}

/** Rows and seconds of one fast-forward run over `ticks` ticks. */
async function runOnce(
  shaped: boolean,
  ticks: number,
  rowsPerMinute?: number,
): Promise<{ rows: number; seconds: number }> {
  const dir = await Deno.makeTempDir({ prefix: "tablestream-bench-" });
  try {
    const server = new StreamingServer({
      config: config(shaped, rowsPerMinute),
      output: dir,
      startTime: REFERENCE_TIME,
      fastForward: true,
      ticks,
      commitRows: 100_000,
    });
    // CPU seconds of this process (one thread: a config given as data has no workers), not
    // wall time: on a shared machine the wall clock measures the neighbours as much as us.
    const before = ownCpuSeconds();
    await server.start();
    return { rows: server.status().tables[0].rowsWritten, seconds: ownCpuSeconds() - before };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

export const rateShapes: BenchCase = {
  name: "rate_shapes",
  summary: "run --fast-forward: a profiled, bursty, jittered table's rows/s over the same " +
    "table at a constant rate",
  target: { op: ">=", value: 0.95, unit: "x" },
  runs: { full: 3, quick: 1 },
  async run(quick) {
    // A whole day of ticks, so every hour of the profile passes (a Thursday: its weekly
    // factor is 1, so both sides write about as many rows); quick: fewer rounds.
    const ticks = 8_640;
    // Warm-up, which also gives the shaped day's rows: the constant side writes as many
    // (the bursts add some), or rows per tick, not their number, would decide the rate. A
    // whole rate keeps the constant timeline on its fast path of doubles.
    const perMinute = Math.round((await runOnce(true, ticks)).rows / (ticks / 6));
    await runOnce(false, 1000, perMinute);
    const constant = { rows: 0, seconds: 0 };
    const shaped = { rows: 0, seconds: 0 };
    // Rounds of one run per side; the result is the median of the rounds' ratios, as one run
    // swings by a few points on a shared machine (a neighbour's burst, a collection).
    const ratios: number[] = [];
    for (let round = 0; round < (quick ? 2 : 8); round++) {
      // Each side first in every other round: neither always runs on the other's garbage.
      const order = round % 2 === 0 ? [false, true] : [true, false];
      const rates = { shaped: 0, constant: 0 };
      for (const isShaped of order) {
        const run = await runOnce(isShaped, ticks, isShaped ? undefined : perMinute);
        const side = isShaped ? shaped : constant;
        side.rows += run.rows;
        side.seconds += run.seconds;
        rates[isShaped ? "shaped" : "constant"] = run.rows / run.seconds;
      }
      ratios.push(rates.shaped / rates.constant);
    }
    return {
      rows: shaped.rows,
      seconds: shaped.seconds,
      ratio: median(ratios),
      baseline: constant,
      extra: { round_min: Math.min(...ratios), round_max: Math.max(...ratios) },
    };
  },
};
