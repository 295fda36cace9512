import { assert, assertEquals } from "../../tests/_assert.ts";
import { isTimeZone, TimeZone } from "./time_zone.ts";

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;

/** The local hour at t, as `toLocaleString` spells it: another path into the zone database. */
function localHour(zone: string, t: number): number {
  return Number(
    new Date(t).toLocaleString("en-US", { timeZone: zone, hour: "numeric", hourCycle: "h23" }),
  );
}

/** The local hour and offset at t (`GMT-4`), as `toLocaleString` spells them. */
function localHourAndOffset(zone: string, t: number): string {
  return new Date(t).toLocaleString("en-US", {
    timeZone: zone,
    hour: "numeric",
    hourCycle: "h23",
    timeZoneName: "shortOffset",
  });
}

/**
 * The minutes in (a, b) where the local hour or the offset differs from the minute before
 * (when clocks go back an hour, the hour's number repeats but a new hour starts).
 */
function hourChangesByMinute(zone: string, a: number, b: number): number[] {
  const out: number[] = [];
  let previous = localHourAndOffset(zone, a);
  for (let t = a + MINUTE_MS; t < b; t += MINUTE_MS) {
    const now = localHourAndOffset(zone, t);
    if (now !== previous) out.push(t);
    previous = now;
  }
  return out;
}

Deno.test("a zone's local hours change where its clock says, clock changes and half hours included", () => {
  const days: [string, string, number][] = [
    // New York: clocks forward on 2026-03-08 (a 23-hour day) and back on 2026-11-01 (25).
    ["America/New_York", "2026-03-08T05:00:00Z", 23],
    ["America/New_York", "2026-11-01T04:00:00Z", 25],
    ["America/New_York", "2026-01-15T05:00:00Z", 24],
    // India, +05:30: hours change at half past every UTC hour.
    ["Asia/Kolkata", "2026-06-01T18:30:00Z", 24],
    // Lord Howe Island moves by half an hour, back on 2026-04-05.
    ["Australia/Lord_Howe", "2026-04-04T13:30:00Z", 25],
    ["UTC", "2026-06-01T00:00:00Z", 24],
  ];
  for (const [name, midnight, hours] of days) {
    const zone = new TimeZone(name);
    const a = Date.parse(midnight);
    const b = a + 26 * HOUR_MS;
    const changes = zone.hourChanges(a, b);
    assertEquals(changes, hourChangesByMinute(name, a, b), `${name} from ${midnight}`);
    // The local day (midnight to midnight) has that many hours.
    const nextMidnight = changes.find((t) => localHour(name, t) === 0)!;
    assertEquals(changes.filter((t) => t <= nextMidnight).length, hours, `${name}: hours`);
    for (const t of changes) {
      // Each is an hour's start by the local clock, or the moment the clock moves.
      const local = new Date(zone.localAt(t));
      const moves = zone.offsetAt(t - MINUTE_MS) !== zone.offsetAt(t);
      assert(local.getUTCMinutes() === 0 || moves, `${name}: ${local.toISOString()}`);
      assertEquals(local.getUTCHours(), localHour(name, t));
    }
  }
});

Deno.test("offsets: standard and summer time, and names the runtime does not know", () => {
  const zone = new TimeZone("Europe/Berlin");
  assertEquals(zone.offsetAt(Date.parse("2026-01-10T12:00:00Z")), HOUR_MS);
  assertEquals(zone.offsetAt(Date.parse("2026-07-10T12:00:00Z")), 2 * HOUR_MS);
  assertEquals(new TimeZone("Asia/Kathmandu").offsetAt(0), 5.5 * HOUR_MS);
  assert(isTimeZone("America/Los_Angeles") && isTimeZone("UTC"));
  assert(!isTimeZone("Mars/Olympus_Mons") && !isTimeZone(""));
});
