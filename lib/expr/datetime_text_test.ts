import { assertEquals, assertThrows } from "../../tests/_assert.ts";
import {
  dateFromIso,
  datetimeFromIso,
  isoformat,
  strftime,
  unknownDirectives,
} from "./datetime_text.ts";
import { PyDate } from "./values.ts";

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
