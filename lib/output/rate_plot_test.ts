import { assert, assertEquals, assertStringIncludes } from "../../tests/_assert.ts";
import { niceStep, rateSvg } from "./rate_plot.ts";

Deno.test("gridlines step by 1, 2 or 5 times a power of ten", () => {
  assertEquals([niceStep(200), niceStep(181), niceStep(7), niceStep(0.3), niceStep(0)], [
    50,
    50,
    2,
    0.1,
    1,
  ]);
});

Deno.test("a day's rate as SVG: a point a minute on each line, scaled into the plot, text escaped", () => {
  const rows = Array.from({ length: 1440 }, (_, m) => (m < 720 ? 10 : 40));
  const svg = rateSvg({
    title: "a<b & c",
    rowsPerMinute: rows,
    targetPerMinute: rows.map(() => 25),
  });
  assert(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"'));
  assert(svg.trimEnd().endsWith("</svg>"));
  assertStringIncludes(svg, "a&lt;b &amp; c");
  const lines = [...svg.matchAll(/<polyline[^>]*points="([^"]*)"/g)].map((m) =>
    m[1].split(" ").map((p) => p.split(",").map(Number))
  );
  assertEquals(lines.map((l) => l.length), [1440, 1440]);
  // The y axis runs to 40 (steps of 10): 40 rows is the plot's top (y = 36), 10 a quarter up.
  const [arrived, target] = lines;
  assertEquals(arrived[1439][1], 36);
  assertEquals(arrived[0][1], 320 - 284 / 4);
  assertEquals(new Set(target.map(([, y]) => y)).size, 1);
  // x runs left to right over the day, hours labelled every 3.
  assert(arrived.every(([x], i) => i === 0 || x > arrived[i - 1][0]));
  for (const hour of ["00:00", "12:00", "24:00"]) assertStringIncludes(svg, `>${hour}</text>`);
});
