import { assertEquals } from "../../tests/_assert.ts";
import { lastTickBefore, pastStop, type StopConditions } from "./runner_deps.ts";

Deno.test("a backfill's last tick before its stop conditions", () => {
  const tickTime = (k: number) => 1000 * k;
  const cases: [StopConditions, number, number | undefined][] = [
    [{}, 5, undefined],
    [{ ticks: 10 }, 5, 15],
    [{ untilMs: 12_500 }, 5, 12],
    [{ durationMs: 7_000 }, 5, 12],
    [{ untilMs: 4_000 }, 5, 5], // already past: nothing to come
    [{ ticks: 1_000_000, untilMs: 86_400_000 }, 0, 86_400],
  ];
  for (const [stop, start, last] of cases) {
    const beyond = pastStop(stop, start, tickTime, true);
    assertEquals(lastTickBefore(stop, start, beyond), last, JSON.stringify(stop));
  }
});
