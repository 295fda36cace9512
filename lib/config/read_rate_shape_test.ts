import { assertEquals, assertStringIncludes } from "../../tests/_assert.ts";
import { only, parse, summary, valid } from "../../tests/_config.ts";
import { DAILY_PROFILES } from "../stream/rate_shape.ts";

/** A table whose `cadence:` holds `cadence` (lines indented for the cadence's mapping). */
function shop(cadence: string, policy = "append"): string {
  return `tables:
  - table_name: orders
    update_policy: ${policy}
    cadence:
      rows_per_minute: 600
${cadence}
    columns:
      - {column_name: id, data: row_id}
`;
}

Deno.test("a rate shape is read into the cadence's model", () => {
  const config = valid(shop(`      daily: evening_peak
      weekly: [1, 1, 1, 1, 1.5, 2, 0.5]
      phases:
        - {from: 0, to: 6000, for: 30m}
        - {rate: 6000, for: 1h}
        - {to: 600, for: 10m}
      bursts:
        - {at: "2026-11-27T18:00:00Z", for: 3h, multiplier: 5}
        - {at: 2h, for: 5m, multiplier: 0}
        - {per_day: 3, for: 10m, multiplier: 4}
      jitter: poisson`));
  assertEquals(config.tables[0].cadence, {
    rowsPerMinute: 600,
    enabled: true,
    shape: {
      daily: [...DAILY_PROFILES.evening_peak],
      weekly: [1, 1, 1, 1, 1.5, 2, 0.5],
      phases: [
        { from: 0, to: 6000, ms: 1_800_000 },
        { from: 6000, to: 6000, ms: 3_600_000 },
        // Without `from`, a ramp starts where the phase before it ended.
        { from: 6000, to: 600, ms: 600_000 },
      ],
      bursts: [
        { atMs: Date.UTC(2026, 10, 27, 18), ms: 10_800_000, multiplier: 5 },
        { afterMs: 7_200_000, ms: 300_000, multiplier: 0 },
        { perDay: 3, ms: 600_000, multiplier: 4 },
      ],
      jitter: "poisson",
    },
  });
  // `jitter: none` alone is no shape: the table keeps its constant timeline and fingerprint.
  assertEquals(valid(shop("      jitter: none")).tables[0].cadence.shape, undefined);
});

Deno.test("profiles: wrong lengths, negative or all-zero weights, unknown names, at their place", () => {
  const cases: [string, string[]][] = [
    ["      daily: [1, 2, 3]", ["wrong-length@6:14"]],
    [`      weekly: [1, 1, 1, 1, 1, 1, 1, 1]`, ["wrong-length@6:15"]],
    [`      weekly: [1, 1, -1, 1, 1, 1, 1]`, ["out-of-range@6:22"]],
    [`      weekly: [0, 0, 0, 0, 0, 0, 0]`, ["out-of-range@6:15"]],
    [`      weekly: [1, 1, x, 1, 1, 1, 1]`, ["wrong-type@6:22"]],
    ["      daily: evening_peek", ["bad-value@6:14"]],
    ["      daily: 3", ["wrong-type@6:14"]],
  ];
  for (const [cadence, expected] of cases) {
    assertEquals(summary(parse(shop(cadence)).diagnostics), expected, cadence);
  }
  const named = only(parse(shop("      daily: evening_peek")).diagnostics, "bad-value");
  assertEquals(named.hint, "did you mean `evening_peak`?");
  const short = only(parse(shop("      daily: [1, 2, 3]")).diagnostics, "wrong-length");
  assertStringIncludes(short.message, "24 hourly weights, 00:00-01:00 first (UTC, or the");
});

Deno.test("timezone: an IANA zone for the daily and weekly profiles, checked at its place", () => {
  const config = valid(shop("      daily: evening_peak\n      timezone: America/New_York"));
  assertEquals(config.tables[0].cadence.shape?.timezone, "America/New_York");
  const cases: [string, string[]][] = [
    ["      daily: evening_peak\n      timezone: America/New_Yrok", ["bad-value@7:17"]],
    ["      daily: evening_peak\n      timezone: 5", ["bad-value@7:17"]],
    ["      jitter: poisson\n      timezone: Europe/Berlin", ["bad-value@7:17"]],
  ];
  for (const [cadence, expected] of cases) {
    assertEquals(summary(parse(shop(cadence)).diagnostics), expected, cadence);
  }
  const unknown = only(
    parse(shop("      daily: flat\n      timezone: Berlin")).diagnostics,
    "bad-value",
  );
  assertStringIncludes(unknown.message, 'Unknown time zone "Berlin"');
  assertStringIncludes(unknown.hint!, "Europe/Berlin");
  const alone = only(parse(shop("      timezone: UTC")).diagnostics, "bad-value");
  assertStringIncludes(alone.message, "neither is set");
});

Deno.test("phases and bursts: missing, conflicting and wrong fields, overlaps, at their place", () => {
  const cases: [string, string[]][] = [
    ["      phases: [{to: 60}]", ["missing-field@6:16"]],
    ["      phases: [{rate: 60, to: 90, for: 1m}]", ["conflicting-fields@6:17"]],
    ["      phases: [{for: 1m}]", ["missing-field@6:16"]],
    ["      phases: [{to: -5, for: 1m}]", ["out-of-range@6:21"]],
    ["      phases: [{to: 5, for: 10}]", ["bad-duration@6:29"]],
    ["      phases: [{to: 5, for: 1m, over: 1m}]", ["unknown-field@6:33"]],
    ["      phases: {to: 5}", ["wrong-type@6:15"]],
    ["      bursts: [{for: 1h, multiplier: 2}]", ["missing-field@6:16"]],
    ["      bursts: [{at: 1h, per_day: 2, for: 1h, multiplier: 2}]", ["conflicting-fields@6:16"]],
    ["      bursts: [{at: tomorrow, for: 1h, multiplier: 2}]", ["bad-time@6:21"]],
    ["      bursts: [{per_day: 2, for: 25h, multiplier: 2}]", ["out-of-range@6:34"]],
    ["      bursts: [{per_day: 500, for: 1m, multiplier: 2}]", ["out-of-range@6:26"]],
    ["      bursts: [{at: 1h, for: 1h, multiplier: -1}]", ["out-of-range@6:46"]],
    [
      `      bursts:
        - {at: "2026-11-27T18:00:00Z", for: 3h, multiplier: 5}
        - {at: "2026-11-27T20:00:00Z", for: 1h, multiplier: 2}`,
      ["overlapping-bursts@8:11"],
    ],
    ["      jitter: gaussian", ["bad-value@6:15"]],
  ];
  for (const [cadence, expected] of cases) {
    assertEquals(summary(parse(shop(cadence)).diagnostics), expected, cadence);
  }
  const overlap = only(
    parse(shop(`      bursts:
        - {at: 1h, for: 3h, multiplier: 5}
        - {at: 2h, for: 1h, multiplier: 2}`)).diagnostics,
    "overlapping-bursts",
  );
  assertEquals(overlap.message, "This burst overlaps burst 0 (`bursts[0]`)");
  // A shape on a table that does not stream is a warning: it has no effect.
  assertEquals(summary(parse(shop("      jitter: poisson", "replace")).diagnostics), [
    "!shape-not-streamed@4:5",
  ]);
});
