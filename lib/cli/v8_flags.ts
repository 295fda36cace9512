/**
 * The V8 settings tablestream's process runs with: the compiled binary has them built in
 * (`lib/build/compile.ts`), `deno task start` and `deno task cli` pass them, and so do the
 * benchmarks, which measure what a user runs. V8 reads them once, at start-up, for every
 * isolate of the process (generation workers included): `node:v8`'s `setFlagsFromString`
 * later changes neither the main isolate's heap nor, measurably, a new worker's.
 *
 * @module
 */

/**
 * A young generation of at most 4 MB per semi-space (V8's default lets it grow to 16 MB).
 *
 * A long `run` (the bundled example fast-forwarding 400,000 ticks, generation workers on)
 * grew by some 150 MB and kept growing: the main isolate's used heap stayed at 40-60 MB,
 * but V8 doubled its new space as it went (committed heap 64 -> 104 MB), and glibc's arenas
 * grew with the larger batches of garbage each scavenge frees at once. With 4 MB semi-spaces
 * the same run stays within 370-400 MB from the first tenth to the end, and generating costs
 * no more (faker_overhead, write_overhead: the same within noise).
 *
 * No memory reducer. V8 starts it when allocation goes quiet, to hand memory back: a marking
 * of the whole heap, then a shrunk heap that the next burst of allocation grows again. A live
 * `run` goes quiet after every commit round (200 tables commit together every 10 s, then
 * nothing for 9.6 s), so it paid for full collections in those pauses for memory it needed
 * again ten seconds later. `cadence_idle` on one box, alternating: 2.25% and 2.40% of a core with
 * the reducer, 2.10% and 2.10% without (`--quick`); over 40 s windows of the same run, the
 * main thread's user time fell from 0.46-0.48 s to 0.32-0.35 s and the GC helper threads' from
 * 0.26-0.30 s to 0.17-0.19 s. Ordinary collections still run as allocation demands: the
 * process's RSS after 80 s was 151 MB with the reducer and 153 MB without. `generate` and
 * `--fast-forward` never go quiet and are unchanged.
 */
export const V8_FLAGS: readonly string[] = ["--max-semi-space-size=4", "--no-memory-reducer"];

/** {@link V8_FLAGS} with `extra` as one `--v8-flags=` argument of `deno run` or `deno compile`. */
export function v8FlagsArgument(...extra: string[]): string {
  return `--v8-flags=${[...extra, ...V8_FLAGS].join(",")}`;
}
