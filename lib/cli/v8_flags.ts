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
 */
export const V8_FLAGS: readonly string[] = ["--max-semi-space-size=4"];

/** {@link V8_FLAGS} with `extra` as one `--v8-flags=` argument of `deno run` or `deno compile`. */
export function v8FlagsArgument(...extra: string[]): string {
  return `--v8-flags=${[...extra, ...V8_FLAGS].join(",")}`;
}
