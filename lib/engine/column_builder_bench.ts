/**
 * Micro-benchmark of the int64 column builder over safe ints
 * (`deno bench lib/engine/column_builder_bench.ts`): exact big-int support must cost nothing
 * when every value is a safe JS number.
 *
 * @module
 */
import { ColumnBuilder } from "./column_builder.ts";

const CELLS = 10_000;

Deno.bench("int64 column of safe ints", { group: "storage" }, () => {
  const builder = new ColumnBuilder("int64", CELLS);
  for (let i = 0; i < CELLS; i++) builder.append(i * 1_000_003 - 5_000_000);
  builder.finish();
});
