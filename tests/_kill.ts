/**
 * Killing child processes at moments that repeat from run to run, for the crash tests.
 *
 * @module
 */

/** Pseudo-random numbers in [0, 1) from a seed (a linear congruential generator). */
export function seededRandom(seed: number): () => number {
  return () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
}

/**
 * Waits `ms`, kills `child` with SIGKILL and waits for it to end; false when it had
 * finished by itself before.
 */
export async function killAfter(child: Deno.ChildProcess, ms: number): Promise<boolean> {
  await new Promise((resolve) => setTimeout(resolve, ms));
  let killed = true;
  try {
    child.kill("SIGKILL");
  } catch {
    killed = false; // it had finished already
  }
  await child.output();
  return killed;
}
