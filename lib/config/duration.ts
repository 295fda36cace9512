/**
 * Durations with units, as written in configs: `"500ms"`, `"10s"`, `"1m"`, `"2h"`, or
 * several parts like `"1m30s"`.
 *
 * @module
 */

const UNIT_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/** The units {@link parseDuration} accepts, for messages. */
export const DURATION_UNITS: readonly string[] = Object.keys(UNIT_MS);

/**
 * Milliseconds of a duration like `"10s"`, or `undefined` when the text is not one.
 * A duration is one or more parts, each a non-negative decimal number and a unit
 * (`ms`, `s`, `m`, `h`), e.g. `"1h30m"` or `"1.5s"`.
 *
 * @example
 * ```ts
 * parseDuration("10s"); // 10000
 * parseDuration("1m30s"); // 90000
 * parseDuration("10"); // undefined: a unit is required
 * ```
 */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === "") return undefined;
  const part = /(\d+(?:\.\d+)?|\.\d+)(ms|s|m|h)/y;
  let total = 0;
  let index = 0;
  while (index < trimmed.length) {
    part.lastIndex = index;
    const match = part.exec(trimmed);
    if (!match) return undefined;
    total += Number(match[1]) * UNIT_MS[match[2]];
    index = part.lastIndex;
  }
  return Math.round(total);
}

/**
 * Prints milliseconds as the shortest duration text that {@link parseDuration} reads back.
 *
 * @example
 * ```ts
 * formatDuration(90000); // "1m30s"
 * ```
 */
export function formatDuration(ms: number): string {
  if (ms === 0) return "0s";
  let rest = Math.round(ms);
  let text = "";
  for (const [unit, size] of [["h", 3_600_000], ["m", 60_000], ["s", 1000]] as const) {
    const count = Math.floor(rest / size);
    if (count > 0) {
      text += `${count}${unit}`;
      rest -= count * size;
    }
  }
  if (rest > 0) text += `${rest}ms`;
  return text;
}
