import { assertEquals, assertRejects } from "../../tests/_assert.ts";
import { ManualClock, systemClock } from "./clock.ts";

Deno.test("ManualClock wakes sleepers in time order when set", async () => {
  const clock = new ManualClock(1000);
  const woke: number[] = [];
  const a = clock.sleepUntil(3000).then(() => woke.push(3000));
  const b = clock.sleepUntil(2000).then(() => woke.push(2000));
  await clock.sleepUntil(500); // past: at once
  assertEquals([clock.sleeping, clock.nextWake], [2, 2000]);
  clock.advance(1500);
  await b;
  assertEquals(woke, [2000]);
  clock.set(5000);
  await a;
  assertEquals(woke, [2000, 3000]);
  assertEquals(clock.sleeping, 0);
  clock.set(10); // never goes back
  assertEquals(clock.now(), 5000);
});

Deno.test("sleeps reject when their signal aborts", async () => {
  const clock = new ManualClock(0);
  const controller = new AbortController();
  const sleeping = clock.sleepUntil(1000, controller.signal);
  controller.abort(new Error("stop"));
  await assertRejects(() => sleeping, Error, "stop");
  assertEquals(clock.sleeping, 0);
  const real = systemClock.sleepUntil(Date.now() + 60_000, controller.signal);
  await assertRejects(() => real, Error, "stop");
  await systemClock.sleepUntil(Date.now() + 5);
});
