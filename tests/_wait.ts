/**
 * Waiting in tests without hanging: every wait has a deadline and, when it passes, fails
 * with what it saw, so a stuck test fails CI with a reason instead of stalling it.
 *
 * @module
 */

/** Options of {@link waitFor}. */
export interface WaitOptions {
  /** How long to wait before failing, ms. Default 30 s. */
  deadlineMs?: number;
  /** Pause between looks, ms. Default 20. */
  everyMs?: number;
}

/**
 * Looks at `probe` until `done` accepts what it returns, and resolves with that; after the
 * deadline, fails naming `what` and the last thing seen (or the probe's last error).
 *
 * @example
 * ```ts
 * await waitFor("orders past tick 20", () => server.status(), (s) => tickOf(s) > 20);
 * ```
 */
export async function waitFor<T>(
  what: string,
  probe: () => T | Promise<T>,
  done: (value: T) => boolean,
  options: WaitOptions = {},
): Promise<T> {
  const deadlineMs = options.deadlineMs ?? 30_000;
  const start = performance.now();
  let seen: string = "nothing yet";
  for (;;) {
    try {
      const value = await probe();
      if (done(value)) return value;
      seen = describe(value);
    } catch (error) {
      seen = `an error: ${(error as Error)?.message ?? error}`;
    }
    if (performance.now() - start > deadlineMs) {
      throw new Error(
        `Gave up after ${deadlineMs / 1000} s waiting for ${what}; last seen: ${seen}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, options.everyMs ?? 20));
  }
}

/** Resolves as `promise` does, or fails naming `what` once `deadlineMs` has passed. */
export async function within<T>(what: string, promise: Promise<T>, deadlineMs: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`Gave up after ${deadlineMs / 1000} s waiting for ${what}`)),
      deadlineMs,
    );
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

function describe(value: unknown): string {
  try {
    const text = JSON.stringify(value);
    return text === undefined ? String(value) : text.slice(0, 2000);
  } catch {
    return String(value);
  }
}
