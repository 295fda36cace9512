import { assertEquals, assertThrows } from "../../tests/_assert.ts";
import { run } from "../../tests/_expr_context.ts";
import { pyRepr, pyStr } from "./values.ts";

/** `str(source)`, evaluated: what Python's `str()` prints. */
function show(source: string): string {
  return pyStr(run(`str(${source})`));
}

Deno.test("datetime and date arithmetic with timedelta, as Python's datetime module", () => {
  const cases: [string, string][] = [
    ["datetime(2024, 1, 31, 12) + timedelta(days=1, hours=13)", "2024-02-02 01:00:00"],
    ["timedelta(hours=1) + datetime(2024, 1, 1)", "2024-01-01 01:00:00"],
    ["datetime(2024, 3, 1) - timedelta(seconds=1)", "2024-02-29 23:59:59"],
    ["date(2024, 2, 28) + timedelta(days=2)", "2024-03-01"],
    // A date moves by whole days: the hours of a duration are ignored, as in Python.
    ["date(2024, 2, 28) + timedelta(hours=47)", "2024-02-29"],
    ["date(2024, 3, 1) - date(2024, 2, 1)", "29 days, 0:00:00"],
    ["datetime(2024, 1, 2, 6) - datetime(2024, 1, 1, 18)", "12:00:00"],
    ["datetime(2024, 1, 1) - datetime(2024, 1, 2, 6)", "-2 days, 18:00:00"],
    ["datetime.today().date() - timedelta(days=90)", "2025-12-01"],
    ["timedelta(days=1) - timedelta(hours=1)", "23:00:00"],
    ["-timedelta(minutes=90)", "-1 day, 22:30:00"],
    ["timedelta(hours=1) * 2.5", "2:30:00"],
    ["3 * timedelta(days=1)", "3 days, 0:00:00"],
    ["timedelta(days=1) / 4", "6:00:00"],
    ["timedelta(hours=36) / timedelta(days=1)", "1.5"],
    ["timedelta(days=1) // timedelta(hours=5)", "4"],
    ["timedelta(days=1) // 7", "3:25:42.857142"],
    ["timedelta(hours=25) % timedelta(days=1)", "1:00:00"],
    ["abs(timedelta(hours=-3))", "3:00:00"],
    ["timedelta(weeks=1, milliseconds=1.5)", "7 days, 0:00:00.001500"],
    ["timedelta(microseconds=0.5) == timedelta(0)", "True"],
    ["timedelta(microseconds=1.5)", "0:00:00.000002"],
    ["timedelta(hours=2).total_seconds()", "7200.0"],
    ["(datetime(2024, 3, 1) - datetime(2024, 1, 1)).days", "60"],
    ["timedelta(seconds=-1).seconds", "86399"],
    ["bool(timedelta(0))", "False"],
    ["timedelta(days=1) > timedelta(hours=23)", "True"],
    ["date(2024, 1, 1) < date(2024, 1, 2) <= date(2024, 1, 2)", "True"],
  ];
  for (const [source, expected] of cases) assertEquals(show(source), expected, source);
  assertEquals(
    pyRepr(run("timedelta(days=-1, seconds=5)")),
    "datetime.timedelta(days=-1, seconds=5)",
  );
  assertEquals(pyRepr(run("timedelta()")), "datetime.timedelta(0)");
});

Deno.test("mixing what Python cannot mix is an error", () => {
  assertThrows(() => run("datetime(2024, 1, 1) < date(2024, 1, 2)"), Error, "Cannot compare");
  assertThrows(
    () => run("datetime.now(UTC) - datetime(2024, 1, 1)"),
    Error,
    "Cannot subtract a datetime with a time zone and one without",
  );
  assertThrows(() => run("datetime.now(UTC) < datetime(2024, 1, 1)"), Error, "Cannot compare");
  assertEquals(run("datetime.now(UTC) == datetime.now()"), false);
  assertThrows(() => run("date(9999, 12, 31) + timedelta(days=1)"), Error, "out of range");
  assertThrows(() => run("timedelta(days=1) / 0"), Error, "by zero");
});

Deno.test("time zones: aware datetimes print, compare and convert as in Python", () => {
  const cases: [string, string][] = [
    ["datetime.now(timezone.utc).isoformat()", "2026-03-01T12:34:56+00:00"],
    ["str(datetime.now(UTC))", "2026-03-01 12:34:56+00:00"],
    [
      "datetime(2026, 1, 1, 12, tzinfo=timezone(timedelta(hours=2))).isoformat()",
      "2026-01-01T12:00:00+02:00",
    ],
    ["datetime(2026, 1, 1, 12, tzinfo=timezone(timedelta(hours=2))).astimezone(UTC).hour", "10"],
    [
      "datetime(2026, 1, 1, tzinfo=UTC) == datetime(2026, 1, 1, 2, tzinfo=timezone(timedelta(hours=2)))",
      "True",
    ],
    ["datetime(2026, 1, 1, 23, tzinfo=timezone(timedelta(hours=-5))).date()", "2026-01-01"],
    [
      "(datetime(2026, 1, 1, 23, tzinfo=timezone(timedelta(hours=-5))) + timedelta(hours=2)).isoformat()",
      "2026-01-02T01:00:00-05:00",
    ],
    ["datetime(2026, 1, 1, tzinfo=UTC).replace(tzinfo=None).isoformat()", "2026-01-01T00:00:00"],
    [
      "datetime(2026, 1, 1).replace(tzinfo=timezone(timedelta(hours=1), 'CET')).strftime('%H:%M %Z %z')",
      "00:00 CET +0100",
    ],
    ["datetime(2026, 1, 1).astimezone(timezone(timedelta(hours=1))).hour", "1"],
    ["datetime.now(UTC).tzinfo", "UTC"],
    ["datetime.now().tzinfo", "None"],
    ["datetime.now(UTC).utcoffset()", "0:00:00"],
    ["datetime.now(timezone(timedelta(minutes=-150))).tzname()", "UTC-02:30"],
    ["datetime.fromtimestamp(0, UTC).isoformat()", "1970-01-01T00:00:00+00:00"],
    ["datetime.fromtimestamp(86400).isoformat()", "1970-01-02T00:00:00"],
  ];
  for (const [source, expected] of cases) assertEquals(show(source), expected, source);
  assertThrows(() => run("timezone(timedelta(hours=24))"), Error, "strictly between");
  assertThrows(() => run("datetime.now(5)"), Error, "must be a time zone");
});

Deno.test("the datetime module's names work after `import datetime`, as written in configs", () => {
  const cases: [string, string][] = [
    ["datetime.datetime.now(datetime.timezone.utc).isoformat()", "2026-03-01T12:34:56+00:00"],
    ["datetime.datetime.now(datetime.UTC).tzname()", "UTC"],
    ["datetime.date.today() + datetime.timedelta(days=1)", "2026-03-02"],
    ["datetime.datetime.strptime('2024-01-02', '%Y-%m-%d').year", "2024"],
    ["datetime.MAXYEAR", "9999"],
  ];
  for (const [source, expected] of cases) assertEquals(show(source), expected, source);
});
