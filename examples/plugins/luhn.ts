/**
 * An example column-function plugin: card numbers that pass the Luhn check.
 *
 *   data: luhn_card_number("4", 16)     # a 16-digit number starting with 4
 */
import type { PluginApi } from "../../lib/mod.ts";

/** The Luhn check digit of `digits` (the number without its last digit). */
export function luhnCheckDigit(digits: string): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

export default ({ defineColumnFunction }: PluginApi) =>
  defineColumnFunction({
    name: "luhn_card_number",
    summary: "A card number with a valid Luhn check digit.",
    options: {},
    params: [
      { name: "prefix", description: "The issuer digits it starts with", default: "4" },
      { name: "length", description: "Number of digits, check digit included", default: 16 },
    ],
    returns: "str",
    create: () => ([prefix, length], cell) => {
      const start = String(prefix);
      const total = Number(length);
      if (!/^\d*$/.test(start) || !(total > start.length) || total > 32) {
        throw new Error(`luhn_card_number("${start}", ${total}): need digits and a longer length`);
      }
      let body = start;
      while (body.length < total - 1) body += String(cell.random.int(0, 9));
      return body + luhnCheckDigit(body);
    },
  });
