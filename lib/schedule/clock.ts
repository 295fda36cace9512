/**
 * The wall clock the streaming server waits on, injected so tests drive time by hand and a
 * cadence test over a thousand ticks takes milliseconds.
 *
 * @module
 */

/** What the server needs from a clock. */
export interface Clock {
  /** Current time, ms since the epoch. */
  now(): number;
  /**
   * Resolves once `now() >= time`; rejects with the signal's reason when it is aborted
   * first. Resolves at once for a time already past.
   */
  sleepUntil(time: number, signal?: AbortSignal): Promise<void>;
}

/**
 * A wait that `signal` can cut short: `start` begins it with callbacks that settle it and
 * returns how to cancel it; an abort cancels it and rejects with the signal's reason.
 */
export function abortable(
  signal: AbortSignal | undefined,
  start: (done: () => void, fail: (error: unknown) => void) => () => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      cancel();
      reject(signal!.reason);
    };
    const settle = <T>(finish: (value: T) => void) => (value: T) => {
      signal?.removeEventListener("abort", onAbort);
      finish(value);
    };
    const cancel = start(settle(resolve), settle(reject));
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** Sleeps `ms` of real time; rejects when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return systemClock.sleepUntil(Date.now() + ms, signal);
}

/** Timers longer than this are cut in steps, so a changed system clock is noticed. */
const MAX_TIMER_MS = 60_000;

/** A timer that wakes every sleeper of one time. */
interface Wakeup {
  id: ReturnType<typeof setTimeout>;
  sleepers: Set<() => void>;
}

/**
 * The pending timers of {@link systemClock}, by the time they wake at. Tables whose commits
 * fall due together (every table of a config at the same cadence, on ticks aligned to the
 * commit interval) sleep until the same time: they share one timer, and wake in one turn of
 * the event loop, in the order they went to sleep, instead of one timer each.
 */
const wakeups = new Map<number, Wakeup>();

/** How many shared timers of {@link systemClock} are pending (one per wake-up time). */
export function pendingWakeups(): number {
  return wakeups.size;
}

/** Calls `wake` at `time` (`ms` from now) on the timer shared by that time; how to cancel. */
function wakeAt(time: number, ms: number, wake: () => void): () => void {
  let shared = wakeups.get(time);
  if (!shared) {
    const sleepers = new Set<() => void>();
    const id = setTimeout(() => {
      wakeups.delete(time);
      for (const sleeper of sleepers) sleeper();
    }, ms);
    shared = { id, sleepers };
    wakeups.set(time, shared);
  }
  const wakeup = shared;
  wakeup.sleepers.add(wake);
  return () => {
    wakeup.sleepers.delete(wake);
    if (wakeup.sleepers.size > 0) return;
    // The last sleeper stopped waiting: no timer is left behind to keep the process alive.
    clearTimeout(wakeup.id);
    if (wakeups.get(time) === wakeup) wakeups.delete(time);
  };
}

/** The system clock. */
export const systemClock: Clock = {
  now: () => Date.now(),
  async sleepUntil(time, signal) {
    for (let left = time - Date.now(); left > 0; left = time - Date.now()) {
      await abortable(signal, (done) => {
        if (left <= MAX_TIMER_MS) return wakeAt(time, left, done);
        const id = setTimeout(done, MAX_TIMER_MS);
        return () => clearTimeout(id);
      });
    }
    signal?.throwIfAborted();
  },
};

/**
 * A clock that moves only when told: `advance` and `set` wake the sleepers whose time has
 * come, in time order.
 */
export class ManualClock implements Clock {
  #now: number;
  #sleepers: { time: number; wake: () => void }[] = [];

  constructor(start: number) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  sleepUntil(time: number, signal?: AbortSignal): Promise<void> {
    if (time <= this.#now) {
      return signal?.aborted ? Promise.reject(signal.reason) : Promise.resolve();
    }
    return abortable(signal, (done) => {
      const sleeper = { time, wake: done };
      this.#sleepers.push(sleeper);
      return () => {
        this.#sleepers = this.#sleepers.filter((s) => s !== sleeper);
      };
    });
  }

  /** Number of pending sleeps, so a test can wait until every loop is parked. */
  get sleeping(): number {
    return this.#sleepers.length;
  }

  /** The earliest time a sleeper waits for, if any. */
  get nextWake(): number | undefined {
    return this.#sleepers.reduce<number | undefined>(
      (min, s) => min === undefined || s.time < min ? s.time : min,
      undefined,
    );
  }

  /** Moves the clock to `time` and wakes every sleeper due by then. */
  set(time: number): void {
    this.#now = Math.max(this.#now, time);
    const due = this.#sleepers.filter((s) => s.time <= this.#now).sort((a, b) => a.time - b.time);
    this.#sleepers = this.#sleepers.filter((s) => s.time > this.#now);
    for (const sleeper of due) sleeper.wake();
  }

  /** Moves the clock forward by `ms`. */
  advance(ms: number): void {
    this.set(this.#now + ms);
  }
}
