/**
 * Exact non-negative-denominator fractions of bigints, for the integrals of shaped rates
 * (lib/stream/rate_shape.ts): a day's rows must equal its profile's integral to the row,
 * which doubles cannot promise once millions of rows are summed.
 *
 * @module
 */

/** A non-negative number as an exact fraction num/den (den a power of ten). */
export function exactFraction(value: number): { num: bigint; den: bigint } {
  if (!(value >= 0) || !Number.isFinite(value)) {
    throw new RangeError(`A rate must be a finite number >= 0, got ${value}`);
  }
  // The shortest decimal that reads back as this double: what the user wrote in the YAML.
  const [mantissa, exponentText] = String(value).split("e");
  const exponent = Number(exponentText ?? 0);
  const [whole, fraction = ""] = mantissa.split(".");
  let num = BigInt(whole + fraction);
  let den = 10n ** BigInt(fraction.length);
  if (exponent > 0) num *= 10n ** BigInt(exponent);
  else if (exponent < 0) den *= 10n ** BigInt(-exponent);
  return { num, den };
}

/** A fraction n/d with d > 0 (not always in lowest terms: compare with {@link compare}). */
export interface Q {
  readonly n: bigint;
  readonly d: bigint;
}

function gcd(a: bigint, b: bigint): bigint {
  if (a < 0n) a = -a;
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

/** Denominators below this stay as they come: a gcd costs more than the digits it saves. */
const REDUCE_ABOVE = 1n << 64n;

/** n/d (d must not be 0), reduced to lowest terms once the denominator grows large. */
export function q(n: bigint, d = 1n): Q {
  if (d < 0n) [n, d] = [-n, -d];
  if (d < REDUCE_ABOVE) return { n, d };
  const g = gcd(n, d);
  return g === 1n || g === 0n ? { n, d } : { n: n / g, d: d / g };
}

/** Zero. */
export const ZERO: Q = { n: 0n, d: 1n };
/** One. */
export const ONE: Q = { n: 1n, d: 1n };

/** A number as the exact decimal the YAML wrote (see {@link exactFraction}). */
export function fromNumber(value: number): Q {
  const { num, den } = exactFraction(value);
  return q(num, den);
}

/** An integer as a fraction. */
export function fromInt(value: number | bigint): Q {
  return { n: BigInt(value), d: 1n };
}

export function add(a: Q, b: Q): Q {
  if (a.d === b.d) return q(a.n + b.n, a.d);
  return q(a.n * b.d + b.n * a.d, a.d * b.d);
}

export function sub(a: Q, b: Q): Q {
  return add(a, { n: -b.n, d: b.d });
}

export function mul(a: Q, b: Q): Q {
  return q(a.n * b.n, a.d * b.d);
}

/** a / b (b not zero). */
export function div(a: Q, b: Q): Q {
  return q(a.n * b.d, a.d * b.n);
}

/** Negative, zero or positive as a < b, a = b, a > b. */
export function compare(a: Q, b: Q): number {
  const l = a.n * b.d;
  const r = b.n * a.d;
  return l < r ? -1 : l > r ? 1 : 0;
}

/** The larger of two fractions. */
export function max(a: Q, b: Q): Q {
  return compare(a, b) >= 0 ? a : b;
}

/** floor(a) as a bigint. */
export function floor(a: Q): bigint {
  const quotient = a.n / a.d;
  return a.n % a.d !== 0n && a.n < 0n ? quotient - 1n : quotient;
}

/** The nearest double. */
export function toNumber(a: Q): number {
  if (a.d === 1n) return Number(a.n);
  const whole = floor(a);
  return Number(whole) + Number(a.n - whole * a.d) / Number(a.d);
}
