/**
 * How far each table has committed, so children wait for the parent rows they may
 * reference: a child never points at a row its parent has not committed.
 *
 * @module
 */
import { abortable } from "./clock.ts";

/** A table's committed tick, with waiters woken as it advances. */
export class Progress {
  #tick: number;
  #failure?: Error;
  #waiters: { tick: number; resolve: () => void; reject: (e: unknown) => void }[] = [];

  /** Starts at `tick` (-1: nothing committed yet). */
  constructor(tick = -1) {
    this.#tick = tick;
  }

  /** The last committed tick (-1 before the first commit; Infinity for a finished table). */
  get tick(): number {
    return this.#tick;
  }

  /** Why the table stopped committing, once it failed (or finished). */
  get failure(): Error | undefined {
    return this.#failure;
  }

  /** Records a commit of `tick` and wakes the waiters it satisfies. */
  advance(tick: number): void {
    if (tick <= this.#tick) return;
    this.#tick = tick;
    const ready = this.#waiters.filter((w) => w.tick <= tick);
    this.#waiters = this.#waiters.filter((w) => w.tick > tick);
    for (const waiter of ready) waiter.resolve();
  }

  /** The table will commit nothing more: waiters beyond its tick fail with `error`. */
  fail(error: Error): void {
    this.#failure = error;
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const waiter of waiters) waiter.reject(error);
  }

  /** The table stopped by a stop condition: it commits nothing more. */
  finish(table: string): void {
    this.fail(
      new Error(`table "${table}" stopped at tick ${this.#tick} (a stop condition was reached)`),
    );
  }

  /**
   * Resolves once `tick` is committed; rejects if the table failed or finished before, or
   * `signal` aborts.
   */
  reached(tick: number, signal?: AbortSignal): Promise<void> {
    if (tick <= this.#tick) return Promise.resolve();
    if (this.#failure) return Promise.reject(this.#failure);
    return abortable(signal, (resolve, reject) => {
      const waiter = { tick, resolve, reject };
      this.#waiters.push(waiter);
      return () => {
        this.#waiters = this.#waiters.filter((w) => w !== waiter);
      };
    });
  }
}
