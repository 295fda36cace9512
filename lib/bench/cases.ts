/**
 * The benchmarks of `deno task bench`. Each one measures two things in the same run and
 * reports their ratio (or a ratio of CPU time to wall time, or a size against a limit), so a
 * noisy machine moves both sides together. `lib/bench/main.ts` runs each in a fresh process,
 * repeats it and takes medians.
 *
 * @module
 */
import type { BenchCase } from "./case.ts";
import {
  copyFk,
  defaultVsOneThread,
  fakerOverhead,
  startup,
  workers,
  writeOverhead,
  zipfScale,
} from "./generate_cases.ts";
import { cadenceIdle, resumeLog, resumeParent, steadyMemory } from "./run_cases.ts";
import { tablefakerFaker, tablefakerFk } from "./tablefaker_cases.ts";
import { deltaRs } from "./delta_rs_cases.ts";
import { shards } from "./shard_cases.ts";
import { kafka } from "./kafka_cases.ts";
import { livePage } from "./page_cases.ts";
import { changes } from "./change_cases.ts";
import { rateShapes } from "./rate_cases.ts";

export type { BenchCase, Measured } from "./case.ts";

/** Every benchmark, in the order the table prints them. */
export const CASES: readonly BenchCase[] = [
  writeOverhead,
  fakerOverhead,
  zipfScale,
  copyFk,
  workers,
  defaultVsOneThread,
  startup,
  cadenceIdle,
  resumeLog,
  resumeParent,
  steadyMemory,
  shards,
  tablefakerFaker,
  tablefakerFk,
  deltaRs,
  kafka,
  livePage,
  changes,
  rateShapes,
];
