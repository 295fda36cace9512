/**
 * Our Delta write path against delta-rs (`write_deltalake`, from the interop suite's Python
 * environment) on the same rows, already in memory on both sides: the numeric bench table
 * (no faker), one million rows, written to a fresh table as one commit.
 *
 * @module
 */
import * as arrow from "apache-arrow";
import { DeltaWriter } from "../delta/writer.ts";
import { existingVirtualEnv } from "../../tests/interop/main.ts";
import { type BenchCase, benchEngine, rateRatio } from "./case.ts";
import { ownCpuSeconds, timed } from "./measure.ts";

const PEER = new URL("./delta_rs_peer.py", import.meta.url).pathname;

/** The numeric table's rows, made once by our engine, as one Arrow table in memory. */
async function numericRows(rows: number): Promise<arrow.Table> {
  const engine = await benchEngine("numeric.yaml", { facts: rows });
  const generator = engine.table("facts");
  const batches: arrow.RecordBatch[] = [];
  for (let done = 0; done < rows; done += 10_000) {
    batches.push(generator.batch(1 + done, Math.min(10_000, rows - done)));
  }
  return new arrow.Table(batches);
}

/** Our writer's append of `data` to a new table in `dir`: wall and CPU seconds. */
async function ours(data: arrow.Table, dir: string) {
  const before = ownCpuSeconds();
  const { seconds } = await timed(async () => {
    const writer = await DeltaWriter.open(dir, { schema: data.schema, appId: "bench" });
    await writer.append(data);
  });
  return { seconds, cpuSeconds: ownCpuSeconds() - before };
}

export const deltaRs: BenchCase = {
  name: "delta_rs",
  summary: "the numeric table (1M rows, in memory) -> a Delta table: our writer vs delta-rs's " +
    "write_deltalake",
  target: { op: ">=", value: 0.7, unit: "x" },
  runs: { full: 3, quick: 1 },
  async run(quick) {
    const found = await existingVirtualEnv();
    if ("missing" in found) {
      return { rows: 0, seconds: 0, ratio: 0, skipped: `delta-rs missing: ${found.missing}` };
    }
    const rows = quick ? 200_000 : 1_000_000;
    const dir = await Deno.makeTempDir({ prefix: "tablestream-bench-" });
    try {
      const data = await numericRows(rows);
      await Deno.writeFile(`${dir}/rows.arrow`, arrow.tableToIPC(data, "stream"));
      await ours(data.slice(0, 10_000), `${dir}/warmup`); // JIT and Wasm warmed up
      const mine = await ours(data, `${dir}/ours`);
      const result = await new Deno.Command(`${found.venv}/bin/python`, {
        args: [PEER, `${dir}/rows.arrow`, `${dir}/theirs`],
        stdout: "piped",
        stderr: "piped",
      }).output();
      if (!result.success) {
        throw new Error(`delta-rs failed:\n${new TextDecoder().decode(result.stderr)}`);
      }
      const text = new TextDecoder().decode(result.stdout).trim();
      const theirs = JSON.parse(text.slice(text.lastIndexOf("\n") + 1));
      if (theirs.rows !== rows) throw new Error(`delta-rs wrote ${theirs.rows} rows, not ${rows}`);
      const wall = (seconds: number) => ({ rows, seconds });
      return {
        rows,
        seconds: mine.seconds,
        baseline: wall(theirs.seconds),
        ratio: rateRatio(wall(mine.seconds), wall(theirs.seconds)),
        extra: {
          cpu_x: rateRatio(wall(mine.cpuSeconds), wall(theirs.cpu_seconds)),
          delta_rs_cpu_s: theirs.cpu_seconds,
          ours_cpu_s: mine.cpuSeconds,
        },
      };
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
};
