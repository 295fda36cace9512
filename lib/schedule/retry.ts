/**
 * How the streaming server waits for a sink that fails for a reason that can heal: capped
 * exponential back-off with jitter, without limit unless a longest retry time is given.
 *
 * @module
 */
import { formatDuration } from "../config/duration.ts";

/** How failing writes are retried. */
export interface RetryOptions {
  /** The first back-off, ms, doubled per failure up to `maxBackoffMs`. */
  backoffMs: number;
  /** The longest back-off, ms. */
  maxBackoffMs: number;
  /**
   * How long a table may wait for its sink before it stops, ms, counted from the first of
   * a run of failures. Absent: without limit (an outage of any length is waited out).
   */
  maxRetryTimeMs?: number;
  /** Uniform numbers in [0, 1) for the jitter; replaceable in tests. */
  random?: () => number;
}

/** Defaults of {@link RetryOptions}: 1 s doubling to 30 s, without limit. */
export const DEFAULT_RETRY: RetryOptions = { backoffMs: 1_000, maxBackoffMs: 30_000 };

/**
 * The wait before retry number `retry` (1 for the first): "equal jitter", between half and
 * all of the capped exponential back-off, so that tables (and servers) that failed together
 * do not all come back at the same instant, while the wait still grows.
 */
export function backoffDelay(retry: number, options: RetryOptions): number {
  const exponent = Math.min(Math.max(retry - 1, 0), 30);
  const limit = Math.min(options.maxBackoffMs, options.backoffMs * 2 ** exponent);
  const random = options.random ?? Math.random;
  return Math.round(limit / 2 + random() * limit / 2);
}

/**
 * The wait before the next retry of a run of failures that began at `since` (ms), or
 * undefined when the retry time is spent. The last wait is cut so that the final attempt
 * happens when the time runs out, not up to a back-off later.
 */
export function nextRetryWait(
  retry: number,
  since: number,
  now: number,
  options: RetryOptions,
): number | undefined {
  const delay = backoffDelay(retry, options);
  if (options.maxRetryTimeMs === undefined) return delay;
  const left = since + options.maxRetryTimeMs - now;
  return left > 0 ? Math.min(delay, left) : undefined;
}

/** A wait for messages: whole seconds from a second up (`1m30s`, not `1m30s412ms`). */
export function waitedFor(ms: number): string {
  return formatDuration(ms >= 1_000 ? Math.round(ms / 1_000) * 1_000 : Math.max(0, ms));
}
