/**
 * "Did you mean ...?" suggestions: the candidate closest to a misspelt name.
 *
 * @module
 */

/** Options of {@link closestString}. */
export interface ClosestStringOptions {
  /**
   * Largest edit distance still worth suggesting. Default: a third of the longer word's
   * length, at least 1, so short names only match near-identical candidates.
   */
  maxDistance?: number;
}

/**
 * The candidate closest to `name` by edit distance (insertions, deletions, substitutions
 * and swaps of neighbouring letters each count 1; case is ignored), or else the shortest
 * candidate that `name` abbreviates; `undefined` when none is a plausible match.
 *
 * @example
 * ```ts
 * closestString("frist_name", ["id", "first_name", "email"]); // "first_name"
 * closestString("zzz", ["id", "email"]); // undefined
 * ```
 */
export function closestString(
  name: string,
  candidates: Iterable<string>,
  options: ClosestStringOptions = {},
): string | undefined {
  const given = name.toLowerCase();
  const list = [...candidates];
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of list) {
    if (candidate === name) continue;
    const limit = options.maxDistance ??
      Math.max(1, Math.floor(Math.max(name.length, candidate.length) / 3));
    const distance = editDistance(given, candidate.toLowerCase());
    if (distance <= limit && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best ?? completion(given, list);
}

/** The shortest candidate that `given` abbreviates (`distrib` for `distribution`), if any. */
function completion(given: string, candidates: readonly string[]): string | undefined {
  if (given.length < 3) return undefined;
  let best: string | undefined;
  for (const candidate of candidates) {
    if (candidate.toLowerCase().startsWith(given) && candidate.length > given.length) {
      if (best === undefined || candidate.length < best.length) best = candidate;
    }
  }
  return best;
}

/**
 * Optimal string alignment distance: Levenshtein plus transpositions of adjacent
 * characters, the most common typo (`emial`).
 */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  // Three rolling rows: the transposition step looks two rows back.
  let before = new Array<number>(b.length + 1).fill(0);
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  let current = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d = Math.min(d, before[j - 2] + 1);
      }
      current[j] = d;
    }
    [before, previous, current] = [previous, current, before];
  }
  return previous[b.length];
}
