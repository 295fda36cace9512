import { assertEquals, assertRejects } from "../../tests/_assert.ts";
import { Progress } from "./progress.ts";

Deno.test("Progress wakes waiters as ticks commit; failure and finish reject them", async () => {
  const progress = new Progress();
  const order: number[] = [];
  const two = progress.reached(2).then(() => order.push(2));
  const five = progress.reached(5).then(() => order.push(5));
  await progress.reached(-1);
  progress.advance(3);
  await two;
  assertEquals([progress.tick, order], [3, [2]]);
  progress.advance(1); // never goes back
  assertEquals(progress.tick, 3);
  progress.finish("customers");
  await assertRejects(() => five, Error, 'table "customers" stopped at tick 3');
  await assertRejects(() => progress.reached(4), Error, "stopped at tick 3");
  await progress.reached(3);
});

Deno.test("a waiter leaves when its signal aborts", async () => {
  const progress = new Progress(0);
  const controller = new AbortController();
  const waiting = progress.reached(9, controller.signal);
  controller.abort(new Error("bye"));
  await assertRejects(() => waiting, Error, "bye");
  progress.fail(new Error("broken"));
  await assertRejects(() => progress.reached(1), Error, "broken");
});
