/**
 * Helpers for the streaming-server tests: inline configs, a memory store, a manual clock
 * stepped tick by tick, and rows as plain values.
 *
 * @module
 */
import { parseConfig } from "../lib/config/mod.ts";
import type { Config } from "../lib/config/mod.ts";
import { createMemorySink, MemoryStore } from "../plugins/sinks/memory.ts";
import { localFs } from "../lib/delta/fs.ts";
import { readSnapshot } from "../lib/delta/log_reader.ts";
import { readTable } from "../lib/delta/read_data.ts";
import { ManualClock } from "../lib/schedule/clock.ts";
import { plainRows } from "./_read.ts";
import {
  type RunSummary,
  StreamingServer,
  type StreamingServerOptions,
} from "../lib/schedule/server.ts";

/** 2026-01-01T00:00:00Z, the start time of the tests' tables. */
export const START = Date.UTC(2026, 0, 1);

/** Parses a config that must be valid. */
export function config(yaml: string): Config {
  const { config, diagnostics } = parseConfig(yaml, "test.yaml");
  if (!config) {
    throw new Error(diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`).join("\n"));
  }
  return config;
}

/** A server over a memory store. */
export function memoryServer(
  store: MemoryStore,
  options: Omit<StreamingServerOptions, "sink">,
): StreamingServer {
  return new StreamingServer({
    sink: () => createMemorySink({ store }),
    startTime: new Date(START),
    sleep: () => Promise.resolve(),
    ...options,
  });
}

/** Lets every pending job run until the loops are parked on the clock (or finished). */
export async function settle(clock: ManualClock, parked: () => boolean): Promise<void> {
  for (let i = 0; i < 10_000; i++) {
    await new Promise((resolve) => setTimeout(resolve, 0));
    if (parked()) return;
  }
  throw new Error(`the loops did not settle (${clock.sleeping} sleeping)`);
}

/**
 * Runs a live server on a manual clock for `ticks` ticks of `intervalMs` from START, then
 * stops it; `sleepers` is how many loops sleep between ticks.
 */
export async function runLive(
  store: MemoryStore,
  options: Omit<StreamingServerOptions, "sink" | "clock">,
  ticks: number,
  intervalMs: number,
  sleepers: number,
): Promise<RunSummary> {
  const clock = new ManualClock(START);
  const server = memoryServer(store, { ...options, clock });
  const done = server.start();
  await server.ready;
  const parked = () => clock.sleeping >= sleepers;
  await settle(clock, parked);
  for (let k = 1; k <= ticks; k++) {
    clock.set(START + k * intervalMs);
    await settle(clock, parked);
  }
  await server.stop();
  return await done;
}

/** Every row of a Delta table, ordered by its first column. */
export async function tableRows(path: string): Promise<Record<string, unknown>[]> {
  const snapshot = await readSnapshot(localFs, path);
  const rows = plainRows(await readTable(localFs, snapshot));
  const key = Object.keys(rows[0] ?? {})[0];
  return rows.sort((a, b) => Number(a[key]) - Number(b[key]));
}

export { MemoryStore, plainRows };
