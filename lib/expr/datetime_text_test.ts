import { assert, assertEquals, assertThrows } from "../../tests/_assert.ts";
import {
  dateFromIso,
  datetimeFromIso,
  isoformat,
  strftime,
  strptime,
  unknownDirectives,
} from "./datetime_text.ts";
import { AwareDatetime, PyDate, PyTimezone } from "./datetime_values.ts";

const MOMENT = new Date("2024-03-05T14:07:09.250Z"); // a Tuesday

Deno.test("strftime prints the common directives", () => {
  assertEquals(strftime(MOMENT, "%Y-%m-%d %H:%M:%S"), "2024-03-05 14:07:09");
  assertEquals(strftime(MOMENT, "%y %b %B %a %A"), "24 Mar March Tue Tuesday");
  assertEquals(
    strftime(MOMENT, "%I:%M %p, day %j, %f µs, 100%%"),
    "02:07 PM, day 065, 250000 µs, 100%",
  );
  assertEquals(strftime(MOMENT, "%-d/%-m %e"), "5/3  5");
  assertEquals(strftime(MOMENT, "%F %T %D"), "2024-03-05 14:07:09 03/05/24");
  assertEquals(strftime(MOMENT, "%c"), "Tue Mar  5 14:07:09 2024");
  assertEquals(strftime(MOMENT, "%u %w %U %W %G-W%V"), "2 2 09 10 2024-W10");
  assertEquals(strftime(PyDate.of(2024, 1, 1), "%d.%m.%Y %H:%M"), "01.01.2024 00:00");
  assertEquals(strftime(MOMENT, "%Q stays"), "%Q stays");
  assertEquals(unknownDirectives("%Y %Q %-d %K"), ["%Q", "%K"]);
});

Deno.test("isoformat is Python's naive form", () => {
  assertEquals(isoformat(new Date("2024-03-05T14:07:09Z")), "2024-03-05T14:07:09");
  assertEquals(isoformat(MOMENT), "2024-03-05T14:07:09.250000");
  assertEquals(isoformat(MOMENT, " "), "2024-03-05 14:07:09.250000");
  assertEquals(isoformat(PyDate.of(2024, 3, 5)), "2024-03-05");
});

Deno.test("fromisoformat parses dates and datetimes", () => {
  assertEquals(dateFromIso("2024-02-29").toString(), "2024-02-29");
  assertThrows(() => dateFromIso("2023-02-29"), Error, "Invalid ISO date");
  assertEquals(datetimeFromIso("2024-03-05T14:07:09").toISOString(), "2024-03-05T14:07:09.000Z");
  assertEquals(datetimeFromIso("2024-03-05 14:07").toISOString(), "2024-03-05T14:07:00.000Z");
  assertEquals(
    datetimeFromIso("2024-03-05T14:07:09.5+01:00").toISOString(),
    "2024-03-05T13:07:09.500Z",
  );
  assertThrows(() => datetimeFromIso("yesterday"), Error, "Invalid ISO datetime");
});

Deno.test("strptime reads Python's directives and refuses what does not match", () => {
  assertEquals(strptime("2024-03-05", "%Y-%m-%d").toISOString(), "2024-03-05T00:00:00.000Z");
  assertEquals(
    strptime("05/Mar/24 2:07 PM", "%d/%b/%y %I:%M %p").toISOString(),
    "2024-03-05T14:07:00.000Z",
  );
  assertEquals(
    strptime("Tuesday, March 5 2024 14:07:09.250", "%A, %B %d %Y %H:%M:%S.%f").toISOString(),
    "2024-03-05T14:07:09.250Z",
  );
  assertEquals(strptime("12:30", "%H:%M").toISOString(), "1900-01-01T12:30:00.000Z");
  assertEquals(strptime("69", "%y").getUTCFullYear(), 1969);
  assertEquals(strptime("68", "%y").getUTCFullYear(), 2068);
  assertEquals(strptime("2024 065", "%Y %j").toISOString().slice(0, 10), "2024-03-05");
  assertEquals(strptime("2024-03-05 14:07:09", "%F %T").toISOString(), "2024-03-05T14:07:09.000Z");
  assertEquals(strptime("100% 2024", "100%% %Y").getUTCFullYear(), 2024);
  assertThrows(() => strptime("2024-13-01", "%Y-%m-%d"), Error, "does not match format");
  assertThrows(() => strptime("2024-02-30", "%Y-%m-%d"), Error, "out of range");
  assertThrows(() => strptime("2024-03-05 extra", "%Y-%m-%d"), Error, "does not match");
  assertThrows(() => strptime("x", "%Q"), Error, "does not know the directive %Q");
});

Deno.test("an offset makes strptime and fromisoformat datetimes aware", () => {
  const zoned = strptime("2024-03-05T10:00:00+0200", "%Y-%m-%dT%H:%M:%S%z");
  assert(zoned instanceof AwareDatetime);
  assertEquals(zoned.toISOString(), "2024-03-05T08:00:00.000Z");
  assertEquals(isoformat(zoned), "2024-03-05T10:00:00+02:00");
  assertEquals(strftime(zoned, "%H:%M %z %Z"), "10:00 +0200 UTC+02:00");
  const utc = datetimeFromIso("2024-03-05T10:00:00Z");
  assertEquals(isoformat(utc), "2024-03-05T10:00:00+00:00");
  assertEquals(isoformat(datetimeFromIso("2024-03-05 10:00")), "2024-03-05T10:00:00");
  const west = new AwareDatetime(Date.UTC(2024, 0, 1, 3), new PyTimezone(-18000, "EST"));
  assertEquals([strftime(west, "%Y-%m-%d %H %Z"), isoformat(west)], [
    "2023-12-31 22 EST",
    "2023-12-31T22:00:00-05:00",
  ]);
});
