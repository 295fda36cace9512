import { assertEquals, assertRejects } from "../../tests/_assert.ts";
import { ManualClock, pendingWakeups, systemClock } from "./clock.ts";

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

Deno.test("sleepers of the same time wake together; one stopping leaves the others asleep", async () => {
  const at = Date.now() + 30;
  const stopped = new AbortController();
  const woke: string[] = [];
  const a = systemClock.sleepUntil(at).then(() => woke.push("a"));
  const b = systemClock.sleepUntil(at, stopped.signal).then(() => woke.push("b"));
  const c = systemClock.sleepUntil(at).then(() => woke.push("c"));
  assertEquals(pendingWakeups(), 1);
  stopped.abort(new Error("stop"));
  await assertRejects(() => b, Error, "stop");
  assertEquals(woke, []);
  await Promise.all([a, c]);
  assertEquals(woke, ["a", "c"]); // in the order they went to sleep
  assertEquals(Date.now() >= at, true);
});

Deno.test("a shared wake-up whose sleepers all stop leaves no timer behind", async () => {
  const at = Date.now() + 60_000;
  const controller = new AbortController();
  const sleeping = [1, 2, 3].map(() => systemClock.sleepUntil(at, controller.signal));
  assertEquals(pendingWakeups(), 1);
  controller.abort(new Error("stop"));
  for (const sleep of sleeping) await assertRejects(() => sleep, Error, "stop");
  assertEquals(pendingWakeups(), 0);
});
