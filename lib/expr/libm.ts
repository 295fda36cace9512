/**
 * Elementary functions as CPython computes them on Linux, where it calls glibc's: correctly
 * rounded (`exp`, `log`, `log2`, `sin`, `cos`, `tan`, `asin`, `acos`, `atan`, `atan2`, which
 * glibc computes to within about half a unit in the last place), or by glibc's own formula
 * where it is not (`log10`, `log1p`, fdlibm's). JavaScript's `Math.exp`, `Math.log10`... are
 * V8's fdlibm, a unit in the last place off on about one argument in a hundred (`Math.log10`
 * on one in ten), which would print a different last digit than Python.
 *
 * The correctly rounded ones compute in double-double arithmetic (about 106 bits) and round
 * once. A value is the unevaluated sum `hi + lo` of two floats; sums and products are exact in
 * two floats (Knuth's TwoSum, Dekker's TwoProduct), so a short series keeps its precision.
 * Special values (NaN, infinities, zeros, the domain and range limits) are the callers', in
 * `math_module.ts`: these take finite arguments in the functions' domains.
 *
 * @module
 */

/** A double-double: `hi + lo`, `|lo| <= ulp(hi) / 2`. */
type DD = [hi: number, lo: number];

function twoSum(a: number, b: number): DD {
  const s = a + b;
  const v = s - a;
  return [s, (a - (s - v)) + (b - v)];
}

function fastTwoSum(a: number, b: number): DD {
  const s = a + b;
  return [s, b - (s - a)];
}

const SPLITTER = 134217729; // 2^27 + 1

function split(a: number): DD {
  const t = SPLITTER * a;
  const hi = t - (t - a);
  return [hi, a - hi];
}

function twoProduct(a: number, b: number): DD {
  const p = a * b;
  const [ah, al] = split(a);
  const [bh, bl] = split(b);
  return [p, ((ah * bh - p) + ah * bl + al * bh) + al * bl];
}

function add(a: DD, b: DD): DD {
  const [s, e] = twoSum(a[0], b[0]);
  const [t, f] = twoSum(a[1], b[1]);
  const [s2, e2] = fastTwoSum(s, e + t);
  return fastTwoSum(s2, e2 + f);
}

function neg(a: DD): DD {
  return [-a[0], -a[1]];
}

function sub(a: DD, b: DD): DD {
  return add(a, neg(b));
}

function mul(a: DD, b: DD): DD {
  const [p, e] = twoProduct(a[0], b[0]);
  return fastTwoSum(p, e + (a[0] * b[1] + a[1] * b[0]));
}

function mulNumber(a: DD, b: number): DD {
  const [p, e] = twoProduct(a[0], b);
  return fastTwoSum(p, e + a[1] * b);
}

function div(a: DD, b: DD): DD {
  const q1 = a[0] / b[0];
  let r = sub(a, mulNumber(b, q1));
  const q2 = r[0] / b[0];
  r = sub(r, mulNumber(b, q2));
  const q3 = r[0] / b[0];
  return add(fastTwoSum(q1, q2), [q3, 0]);
}

/** `√a` of a positive double-double: one Newton step from the float root. */
function sqrt(a: DD): DD {
  if (a[0] === 0) return [0, 0];
  const x = Math.sqrt(a[0]);
  // √a ≈ x + (a - x²) / 2x
  const residual = sub(a, twoProduct(x, x));
  return fastTwoSum(x, residual[0] / (2 * x));
}

/** The float nearest to `a`. */
function round(a: DD): number {
  return a[0] + a[1];
}

/** A constant to 106 bits, from its decimal digits: the nearest float and the rest. */
function constant(hi: number, lo: number): DD {
  return fastTwoSum(hi, lo);
}

const LN2: DD = constant(6.931471805599452862e-01, 2.319046813846299558e-17);
const PI: DD = constant(3.141592653589793116e+00, 1.224646799147353207e-16);
const HALF_PI: DD = [PI[0] / 2, PI[1] / 2];
const INV_LN2: DD = constant(1.442695040888963387e+00, 2.035527374093103311e-17);

/** `e^r - 1` for a small double-double `r` (|r| < 0.002): its Taylor series. */
function expm1Small(r: DD): DD {
  let term: DD = r;
  let sum: DD = r;
  for (let n = 2; n <= 14; n++) {
    term = div(mul(term, r), [n, 0]);
    sum = add(sum, term);
    if (Math.abs(term[0]) < 1e-36 * Math.abs(sum[0])) break;
  }
  return sum;
}

/** `e^x` as a double-double and a power of two: `[m, k]`, `e^x = m × 2^k`, `m` in [0.7, 1.42]. */
function expParts(x: DD): [DD, number] {
  const k = Math.round(x[0] * INV_LN2[0]);
  // r = x - k ln2, with ln2 to 106 bits: exact enough, |k| <= 1100.
  const r = sub(x, mulNumber(LN2, k));
  // e^r = (e^(r/2^9))^(2^9): the series on a tiny argument, then 9 squarings of 1 + u.
  let u = expm1Small([r[0] / 512, r[1] / 512]);
  for (let i = 0; i < 9; i++) u = add(mulNumber(u, 2), mul(u, u)); // (1+u)^2 - 1 = 2u + u^2
  return [add([1, 0], u), k];
}

/** `m × 2^k` rounded once, subnormal results included. */
function scale(m: DD, k: number): number {
  if (k >= -1021) {
    // Normal results: the scaling is exact, so rounding hi + lo rounds the product.
    const value = round(m);
    return k > 1000 ? value * 2 ** (k - 1000) * 2 ** 1000 : value * 2 ** k;
  }
  if (k < -1076) return 0; // below half the smallest subnormal
  // Subnormal: in units of the smallest subnormal, 2^-1074, rounded to an integer, ties to even.
  const units = 2 ** (k + 1074);
  const hi = m[0] * units, lo = m[1] * units; // exact: powers of two on normal numbers
  let n = Math.floor(hi);
  let fraction = (hi - n) + lo;
  if (fraction >= 1 || fraction < 0) {
    const carry = Math.floor(fraction);
    n += carry;
    fraction -= carry;
  }
  if (fraction > 0.5 || (fraction === 0.5 && n % 2 === 1)) n += 1;
  return n * 2 ** -1074;
}

/** `e^x`, correctly rounded (-745.2 < x < 709.8). */
export function exp(x: number): number {
  const [m, k] = expParts([x, 0]);
  return scale(m, k);
}

/** `ln(1 + d)` for a small `d` (|d| <= 1/64) given as a double-double: its series. */
function log1pSmall(d: DD): DD {
  // ln(1+d) = 2 atanh(s), s = d / (2 + d): the series in s² converges four times faster.
  const s = div(d, add([2, 0], d));
  const s2 = mul(s, s);
  let power = s;
  let sum = s;
  for (let n = 3; n <= 41; n += 2) {
    power = mul(power, s2);
    const term: DD = div(power, [n, 0]);
    sum = add(sum, term);
    if (Math.abs(term[0]) < 1e-36 * Math.abs(sum[0])) break;
  }
  return mulNumber(sum, 2);
}

/** `ln x` of a positive finite float, as a double-double. */
function logDD(x: number): DD {
  // x = m × 2^e, m in [√½, √2).
  let e = exponentOf(x);
  let m = x * 2 ** -e;
  if (e < -1000) m = x * 2 ** 600 * 2 ** (-e - 600);
  if (m > Math.SQRT2) {
    m /= 2;
    e += 1;
  }
  let log: DD;
  if (Math.abs(m - 1) <= 1 / 64) {
    log = log1pSmall([m - 1, 0]); // m - 1 is exact here
  } else {
    // One Newton step on e^y = m from the float logarithm: y + m e^-y - 1, to second order.
    const y = Math.log(m);
    const [em, ek] = expParts([-y, 0]);
    const t = sub(mulNumber(em, m * 2 ** ek), [1, 0]);
    log = add([y, 0], log1pSmall(t));
  }
  return e === 0 ? log : add(mulNumber(LN2, e), log);
}

/** The exponent `e` of `x = m × 2^e`, 1 <= m < 2, for a positive finite float. */
function exponentOf(x: number): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const biased = (view.getUint16(0) >> 4) & 0x7ff;
  if (biased !== 0) return biased - 1023;
  const mantissa = view.getBigUint64(0) & 0xfffffffffffffn;
  return mantissa.toString(2).length - 1075;
}

/** `ln x`, correctly rounded (x > 0, finite). */
export function log(x: number): number {
  return round(logDD(x));
}

/** `log2 x`, correctly rounded (exact for powers of two). */
export function log2(x: number): number {
  return round(mul(logDD(x), INV_LN2));
}

// --- trigonometry ------------------------------------------------------------------------

/** π/2 in four parts of 33 bits (fdlibm's), so that k × part is exact for |k| < 2^20. */
const PIO2 = [
  1.57079632673412561417e+00,
  6.07710050630396597660e-11,
  2.02226624871116645580e-21,
  8.47842766036889956997e-32,
];

/** `x` reduced to `r` in [-π/4, π/4] and the quadrant `k` (mod 4) with `x = k π/2 + r`. */
function reduce(x: number): [DD, number] {
  if (Math.abs(x) <= Math.PI / 4) return [[x, 0], 0];
  if (Math.abs(x) < 2 ** 19) {
    const k = Math.round(x * (2 / Math.PI));
    // Each k × part is exact (33-bit parts, |k| < 2^20); the sum keeps 106 bits and more.
    let r: DD = [x - k * PIO2[0], 0];
    for (let i = 1; i < PIO2.length; i++) r = sub(r, [k * PIO2[i], 0]);
    return [r, ((k % 4) + 4) % 4];
  }
  return reduceLarge(x);
}

let bigPi: { bits: number; value: bigint } | undefined;

/** π to 1,300 bits, as an integer `π × 2^1300` (Machin's formula, once). */
function piScaled(): { bits: number; value: bigint } {
  if (bigPi) return bigPi;
  const bits = 1300;
  const one = 1n << BigInt(bits + 16);
  const atanInv = (n: bigint): bigint => {
    let sum = 0n;
    let power = one / n;
    const n2 = n * n;
    for (let k = 1n; power !== 0n; k += 2n) {
      const term = power / k;
      sum += (k & 2n) === 0n ? term : -term;
      power /= n2;
    }
    return sum;
  };
  const value = (16n * atanInv(5n) - 4n * atanInv(239n)) >> 16n;
  return bigPi = { bits, value };
}

/** Exact reduction of a large `x` (Payne and Hanek's idea, on integers). */
function reduceLarge(x: number): [DD, number] {
  const { bits, value: pi } = piScaled();
  const e = exponentOf(Math.abs(x));
  // x = m × 2^(e - 52), m an integer of 53 bits.
  const m = BigInt(Math.abs(x) * 2 ** (52 - e));
  const shift = BigInt(e - 52);
  // In units of 2^-bits: X = x × 2^bits, halfPi = π/2 × 2^bits.
  const X = shift >= 0n ? (m << shift) << BigInt(bits) : (m << BigInt(bits)) >> -shift;
  const halfPi = pi >> 1n;
  let k = X / halfPi;
  let rest = X - k * halfPi;
  if (2n * rest > halfPi) {
    k += 1n;
    rest -= halfPi;
  }
  // The remainder, a fraction of 2^bits: its top 106 bits as two floats.
  const magnitude = rest < 0n ? -rest : rest;
  const length = magnitude.toString(2).length;
  const drop = BigInt(Math.max(0, length - 110));
  const top = magnitude >> drop;
  const hi = Number(top);
  const lo = Number(top - BigInt(hi));
  const unit = 2 ** (Number(drop) - bits);
  let r = fastTwoSum(hi * unit, lo * unit);
  if (rest < 0n) r = neg(r);
  let quadrant = Number(k % 4n);
  if (x < 0) {
    r = neg(r);
    quadrant = (4 - quadrant) % 4;
  }
  return [r, quadrant];
}

/** `sin r` and `cos r` of a reduced double-double `r` (|r| <= π/4): Taylor series. */
function sinCosReduced(r: DD): [DD, DD] {
  const r2 = mul(r, r);
  let term = r;
  let sin = r;
  for (let n = 2; n < 40; n += 2) {
    term = div(mul(term, r2), [-(n * (n + 1)), 0]);
    sin = add(sin, term);
    if (Math.abs(term[0]) < 1e-36 * Math.abs(sin[0])) break;
  }
  term = [1, 0];
  let cos: DD = [1, 0];
  for (let n = 1; n < 40; n += 2) {
    term = div(mul(term, r2), [-(n * (n + 1)), 0]);
    cos = add(cos, term);
    if (Math.abs(term[0]) < 1e-36) break;
  }
  return [sin, cos];
}

/** `sin x` and `cos x` as double-doubles (x finite). */
function sinCos(x: number): [DD, DD] {
  const [r, quadrant] = reduce(x);
  const [s, c] = sinCosReduced(r);
  switch (quadrant) {
    case 0:
      return [s, c];
    case 1:
      return [c, neg(s)];
    case 2:
      return [neg(s), neg(c)];
    default:
      return [neg(c), s];
  }
}

/** `sin x`, correctly rounded (x finite). */
export function sin(x: number): number {
  if (x === 0) return x; // keeps -0
  return round(sinCos(x)[0]);
}

/** `cos x`, correctly rounded (x finite). */
export function cos(x: number): number {
  return round(sinCos(x)[1]);
}

/** `tan x`, correctly rounded (x finite). */
export function tan(x: number): number {
  if (x === 0) return x;
  const [s, c] = sinCos(x);
  return round(div(s, c));
}

/** `atan` of a double-double `q` with |q| <= 1: one Newton step on tan y = q from the float. */
function atanDD(q: DD): DD {
  if (q[0] === 0) return q;
  const y = Math.atan(q[0]);
  // y' = y + cos y (q cos y - sin y): Newton on tan y - q, scaled by cos² y.
  const [s, c] = sinCosReduced([y, 0]);
  const correction = mul(c, sub(mul(q, c), s));
  return add([y, 0], correction);
}

/** `atan x`, correctly rounded (x finite or infinite). */
export function atan(x: number): number {
  if (x === 0 || Number.isNaN(x)) return x;
  if (!Number.isFinite(x)) return x > 0 ? HALF_PI[0] : -HALF_PI[0];
  if (Math.abs(x) <= 1) return round(atanDD([x, 0]));
  const base = x > 0 ? HALF_PI : neg(HALF_PI);
  // Past 2^50, atan x = ±π/2 - 1/x to far more than a float's precision.
  if (Math.abs(x) > 2 ** 50) return round(sub(base, [1 / x, 0]));
  // atan x = ±π/2 - atan(1/x)
  const inverse = div([1, 0], [x, 0]);
  return round(sub(base, atanDD(inverse)));
}

/** `asin` of a double-double `a` with |a| <= ½: Newton on sin y = a from the float. */
function asinSmall(a: DD): DD {
  const y = Math.asin(a[0]);
  const [s, c] = sinCosReduced([y, 0]);
  // y' = y + (a - sin y) / cos y
  return add([y, 0], div(sub(a, s), c));
}

/** `asin x` as a double-double (|x| <= 1). */
function asinDD(x: number): DD {
  if (Math.abs(x) <= 0.5) return asinSmall([x, 0]);
  // asin |x| = π/2 - 2 asin √((1 - |x|)/2): (1 - |x|)/2 is exact here.
  const h = sqrt([(1 - Math.abs(x)) / 2, 0]);
  const value = sub(HALF_PI, mulNumber(asinSmall(h), 2));
  return x < 0 ? neg(value) : value;
}

/** `asin x`, correctly rounded (|x| <= 1). */
export function asin(x: number): number {
  if (x === 0) return x;
  return round(asinDD(x));
}

/** `acos x`, correctly rounded (|x| <= 1). */
export function acos(x: number): number {
  if (Math.abs(x) <= 0.5) return round(sub(HALF_PI, asinSmall([x, 0])));
  if (x > 0) {
    // acos x = 2 asin √((1 - x)/2)
    return round(mulNumber(asinSmall(sqrt([(1 - x) / 2, 0])), 2));
  }
  // acos x = π - 2 asin √((1 + x)/2)
  return round(sub(PI, mulNumber(asinSmall(sqrt([(1 + x) / 2, 0])), 2)));
}

/** `atan2(y, x)`, correctly rounded, with C99's signs for zeros and infinities. */
export function atan2(y: number, x: number): number {
  if (Number.isNaN(x) || Number.isNaN(y)) return NaN;
  const negativeX = x < 0 || Object.is(x, -0);
  if (y === 0) return negativeX ? (Object.is(y, -0) ? -PI[0] : PI[0]) : y;
  if (!Number.isFinite(x) || !Number.isFinite(y)) return Math.atan2(y, x); // exact quadrant values
  if (x === 0) return y > 0 ? HALF_PI[0] : -HALF_PI[0];
  // The angle depends on the ratio only: scaled away from overflow and subnormals.
  const big = Math.max(Math.abs(x), Math.abs(y));
  if (big > 2 ** 900) [x, y] = [x * 2 ** -600, y * 2 ** -600];
  else if (big < 2 ** -900) [x, y] = [x * 2 ** 600, y * 2 ** 600];
  let angle: DD;
  if (Math.abs(y) <= Math.abs(x)) {
    // atan(y/x), then moved to x's half-plane.
    angle = atanDD(div([Math.abs(y), 0], [Math.abs(x), 0]));
    if (negativeX) angle = sub(PI, angle);
  } else {
    // π/2 - atan(x/y), for |x| < |y|.
    angle = sub(HALF_PI, atanDD(div([x, 0], [Math.abs(y), 0])));
  }
  return y < 0 ? -round(angle) : round(angle);
}

// --- glibc's own formulas, where it is not correctly rounded ------------------------------

const view = new DataView(new ArrayBuffer(8));

function highWord(x: number): number {
  view.setFloat64(0, x);
  return view.getInt32(0);
}

function withHighWord(x: number, high: number): number {
  view.setFloat64(0, x);
  view.setInt32(0, high);
  return view.getFloat64(0);
}

const IVLN10 = 4.34294481903251816668e-01;
const LOG10_2HI = 3.01029995663611771306e-01;
const LOG10_2LO = 3.69423907715893078616e-13;
const TWO54 = 1.80143985094819840000e+16;

/**
 * `log10 x` as glibc computes it (fdlibm's `e_log10.c`, on its `log`): `k log10(2) +
 * log(m) / ln 10` in floats, which is not always correctly rounded; CPython on Linux gives it.
 */
export function log10(x: number): number {
  let hx = highWord(x);
  let k = 0;
  if (hx < 0x00100000) { // subnormal: scaled up
    k -= 54;
    x *= TWO54;
    hx = highWord(x);
  }
  k += (hx >> 20) - 1023;
  const i = k >>> 31;
  hx = (hx & 0x000fffff) | ((0x3ff - i) << 20);
  const y = k + i;
  const z = y * LOG10_2LO + IVLN10 * log(withHighWord(x, hx));
  return z + y * LOG10_2HI;
}

const LN2_HI = 6.93147180369123816490e-01;
const LN2_LO = 1.90821492927058770002e-10;
const LP = [
  0,
  6.666666666666735130e-01,
  3.999999999940941908e-01,
  2.857142874366239149e-01,
  2.222219843214978396e-01,
  1.818357216161805012e-01,
  1.531383769920937332e-01,
  1.479819860511658591e-01,
];

/**
 * `log(1 + x)` as glibc computes it (fdlibm's `s_log1p.c`): a polynomial in floats, not always
 * correctly rounded; CPython on Linux gives it. `x > -1`, finite.
 */
export function log1p(x: number): number {
  const hx = highWord(x);
  const ax = hx & 0x7fffffff;
  let k = 1;
  let f = 0, c = 0, hu = 0;
  if (hx < 0x3fda827a) { // x < 0.41422
    if (ax < 0x3e200000) { // |x| < 2^-29
      return ax < 0x3c900000 ? x : x - x * x * 0.5;
    }
    if (hx > 0 || hx <= (0xbfd2bec4 | 0)) { // -0.2929 < x < 0.41422
      k = 0;
      f = x;
      hu = 1;
    }
  }
  if (k !== 0) {
    let u: number;
    if (hx < 0x43400000) {
      u = 1.0 + x;
      hu = highWord(u);
      k = (hu >> 20) - 1023;
      c = (k > 0 ? 1.0 - (u - x) : x - (u - 1.0)) / u; // the correction term
    } else {
      u = x;
      hu = highWord(u);
      k = (hu >> 20) - 1023;
      c = 0;
    }
    hu &= 0x000fffff;
    if (hu < 0x6a09e) {
      u = withHighWord(u, hu | 0x3ff00000);
    } else {
      k += 1;
      u = withHighWord(u, hu | 0x3fe00000);
      hu = (0x00100000 - hu) >> 2;
    }
    f = u - 1.0;
  }
  const hfsq = 0.5 * f * f;
  if (hu === 0) { // |f| < 2^-20
    if (f === 0) return k === 0 ? 0 : k * LN2_HI + (c + k * LN2_LO);
    const r = hfsq * (1.0 - 0.66666666666666666 * f);
    return k === 0 ? f - r : k * LN2_HI - ((r - (k * LN2_LO + c)) - f);
  }
  const s = f / (2.0 + f);
  const z = s * s;
  const z2 = z * z, z4 = z2 * z2, z6 = z4 * z2;
  const r = z * LP[1] + z2 * (LP[2] + z * LP[3]) + z4 * (LP[4] + z * LP[5]) +
    z6 * (LP[6] + z * LP[7]);
  if (k === 0) return f - (hfsq - s * (hfsq + r));
  return k * LN2_HI - ((hfsq - (s * (hfsq + r) + (k * LN2_LO + c))) - f);
}
