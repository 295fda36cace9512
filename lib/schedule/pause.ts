/**
 * Pausing a table from the live page (`run --http-control`): a paused table commits nothing
 * until it is resumed, then catches up on the ticks it missed, as after any delay (its rows are
 * those of its ticks, so nothing is skipped and nothing differs from an unpaused run).
 *
 * @module
 */

/** A table's pause switch, which its loop waits on between commits. */
export class PauseGate {
  #paused = false;
  #resumed?: PromiseWithResolvers<void>;

  get paused(): boolean {
    return this.#paused;
  }

  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    this.#paused = false;
    this.#resumed?.resolve();
    this.#resumed = undefined;
  }

  /** Returns at once when not paused; else when resumed, or rejects when `signal` aborts. */
  async wait(signal: AbortSignal): Promise<void> {
    while (this.#paused) {
      signal.throwIfAborted();
      const resumed = this.#resumed ??= Promise.withResolvers<void>();
      const aborted = new Promise<never>((_, reject) => {
        const onAbort = () => reject(signal.reason);
        signal.addEventListener("abort", onAbort, { once: true });
        resumed.promise.then(() => signal.removeEventListener("abort", onAbort));
      });
      await Promise.race([resumed.promise, aborted]);
    }
  }
}
