/**
 * Python's text of a float (`repr(x)`, which is also `str(x)`): the shortest digits that read
 * back as the same float, in positional notation while the decimal point is within 16 digits
 * of them (`0.0001`, `1234567890123456.0`) and in exponent notation beyond, with a sign and at
 * least two exponent digits (`1e-05`, `1e+16`, `1.5e+300`); a whole float keeps its `.0`, and
 * `-0.0`, `inf`, `-inf` and `nan` are spelt as Python spells them.
 *
 * JavaScript finds the same shortest digits (`toExponential()` without an argument); only
 * where it puts the point differs, so only that is done here.
 *
 * @module
 */

/**
 * The significant digits of a finite non-zero float's magnitude and the exponent of the
 * first one: `1234.5` is `["12345", 3]`.
 */
export function shortestDigits(x: number): [digits: string, exponent: number] {
  const text = Math.abs(x).toExponential(); // "1.2345e+3": the shortest round-trip digits
  const e = text.indexOf("e");
  const mantissa = text.slice(0, e);
  const digits = mantissa.length > 1 ? mantissa[0] + mantissa.slice(2) : mantissa;
  return [digits, Number(text.slice(e + 1))];
}

/**
 * Python's `repr(x)` of a float.
 *
 * @example
 * ```ts
 * floatRepr(3); // "3.0"
 * floatRepr(1e-5); // "1e-05"
 * floatRepr(1e16); // "1e+16"
 * floatRepr(-0); // "-0.0"
 * ```
 */
export function floatRepr(x: number): string {
  if (x !== x) return "nan";
  if (x === Infinity) return "inf";
  if (x === -Infinity) return "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const sign = x < 0 ? "-" : "";
  const [digits, exponent] = shortestDigits(x);
  // Python's rule (format_float_short, mode 'r'): the point is `exponent + 1` digits in;
  // exponent notation when that is at most -4 or more than 16.
  const point = exponent + 1;
  if (point <= -4 || point > 16) {
    const mantissa = digits.length > 1 ? digits[0] + "." + digits.slice(1) : digits;
    const abs = Math.abs(exponent);
    return `${sign}${mantissa}e${exponent < 0 ? "-" : "+"}${abs < 10 ? "0" : ""}${abs}`;
  }
  if (point <= 0) return `${sign}0.${"0".repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${"0".repeat(point - digits.length)}.0`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}
