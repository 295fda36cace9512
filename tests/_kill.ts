/**
 * Killing child processes at moments that repeat from run to run, for the crash tests.
 *
 * @module
 */
import { within } from "./_wait.ts";

/** Pseudo-random numbers in [0, 1) from a seed (a linear congruential generator). */
export function seededRandom(seed: number): () => number {
  return () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
}

/**
 * The seed of a crash test's kill moments: `TABLESTREAM_KILL_SEED` when set (to replay a
 * failure), else `fallback`. Failure messages name it.
 */
export function killSeed(fallback: number): number {
  const given = Deno.env.get("TABLESTREAM_KILL_SEED");
  return given === undefined ? fallback : Number(given);
}

/** How a kill of {@link killWhileWorking} went. */
export interface Kill {
  /** The child was killed (false: it had ended by itself first). */
  killed: boolean;
  /** It had reached `marker` (its work had begun) when it was killed. */
  working: boolean;
  /** What it wrote to stderr. */
  stderr: string;
}

/**
 * Kills `child` with SIGKILL `ms` after it writes `marker` to stderr (the moment its work
 * begins), so the kill lands on work rather than on start-up; then waits for it to end.
 * Fails, with what the child wrote, when it neither writes the marker nor ends within
 * `deadlineMs`.
 */
export async function killWhileWorking(
  child: Deno.ChildProcess,
  marker: string,
  ms: number,
  deadlineMs = 60_000,
): Promise<Kill> {
  let stderr = "";
  const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  const drained = (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      stderr += value;
    }
  })();
  await child.stdout.cancel();
  const begun = async () => {
    for (;;) {
      if (stderr.includes(marker)) return true;
      const ended = await Promise.race([
        child.status.then(() => true),
        new Promise<false>((resolve) => setTimeout(() => resolve(false), 5)),
      ]);
      if (ended) return stderr.includes(marker);
    }
  };
  const working = await within(`a child to write "${marker}"`, begun(), deadlineMs).catch(
    (error) => {
      child.kill("SIGKILL");
      throw new Error(`${(error as Error).message}; it wrote:\n${stderr}`);
    },
  );
  if (working) await new Promise((resolve) => setTimeout(resolve, ms));
  let killed = true;
  try {
    child.kill("SIGKILL");
  } catch {
    killed = false; // it had finished already
  }
  await child.status;
  await drained;
  return { killed, working, stderr };
}

/** What a child run of the kill tests writes to stderr once its commit loops begin. */
export const LOOPS_BEGIN = "commit loops begin";

/** What {@link timeWork} saw of a child that ran to its end. */
export interface TimedWork {
  code: number;
  stderr: string;
  /** From `marker` on its stderr (its work beginning) to its exit, ms. */
  workMs: number;
}

/**
 * Runs `child` to its end, timing its work from `marker` on stderr to its exit: how fast
 * the machine runs it now, to scale kill moments with ({@link paced}).
 */
export async function timeWork(child: Deno.ChildProcess, marker: string): Promise<TimedWork> {
  let stderr = "";
  let begun: number | undefined;
  await child.stdout.cancel();
  for await (const text of child.stderr.pipeThrough(new TextDecoderStream())) {
    stderr += text;
    if (begun === undefined && stderr.includes(marker)) begun = performance.now();
  }
  const { code } = await child.status;
  return { code, stderr, workMs: performance.now() - (begun ?? performance.now()) };
}

/**
 * A window of kill moments that covers the same share of a child's work (`workMs`, as the
 * machine runs it now) as `quietWindowMs` does of `quietWorkMs`: a loaded CI machine runs the
 * work several times slower, and fixed moments would then all land before the first commit; a
 * faster one than the test was tuned on would see the kills outlast the run.
 */
export function paced(quietWindowMs: number, quietWorkMs: number, workMs: number): number {
  return quietWindowMs * workMs / quietWorkMs;
}

const MAIN = new URL("../main.ts", import.meta.url).pathname;

/** `tablestream run --config config --output output ...args` as a child process (UTC, piped). */
export function runChild(
  config: string,
  output: string,
  args: readonly string[],
): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, "run", "--config", config, "--output", output, ...args],
    stdout: "piped",
    stderr: "piped",
    env: { TZ: "UTC" },
  }).spawn();
}
