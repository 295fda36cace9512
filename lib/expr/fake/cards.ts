/**
 * Python Faker's credit cards: its card types by their Python names (`visa`, `amex`,
 * `mastercard`...), numbers with the type's prefixes and length and a valid Luhn check digit,
 * providers' names, and security codes of the type's length (4 digits for American Express).
 *
 * @module
 */
import type { RandomSource } from "../host.ts";
import { ExprRuntimeError } from "../runtime_error.ts";
import type { Value } from "../values.ts";

/** One of Python Faker's card types. */
interface CardType {
  /** What `credit_card_provider()` says. */
  name: string;
  /** Number prefixes; `#` is any digit, `%` a digit 1-9. */
  prefixes: readonly string[];
  length: number;
  securityCodeLength: number;
}

function card(
  name: string,
  prefixes: readonly string[],
  length = 16,
  securityCodeLength = 3,
): CardType {
  return { name, prefixes, length, securityCodeLength };
}

const VISA = ["4"];
const VISA16 = card("VISA 16 digit", VISA);
const JCB16 = card("JCB 16 digit", ["35"]);

/** Python Faker's card types, in its order, aliases last (`card_type=None` picks any entry). */
export const CARD_TYPES: Readonly<Record<string, CardType>> = {
  maestro: card("Maestro", [
    "5018",
    "5020",
    "5038",
    "56##",
    "57##",
    "58##",
    "6304",
    "6759",
    "6761",
    "6762",
    "6763",
    "0604",
    "6390",
  ], 12),
  mastercard: card("Mastercard", ["51", "52", "53", "54", "55", "222%"]),
  visa16: VISA16,
  visa13: card("VISA 13 digit", VISA, 13),
  visa19: card("VISA 19 digit", VISA, 19),
  amex: card("American Express", ["34", "37"], 15, 4),
  discover: card("Discover", ["6011", "65"]),
  diners: card("Diners Club / Carte Blanche", [
    "300",
    "301",
    "302",
    "303",
    "304",
    "305",
    "36",
    "38",
  ], 14),
  jcb15: card("JCB 15 digit", ["2131", "1800"], 15),
  jcb16: JCB16,
  visa: VISA16,
  jcb: JCB16,
};

const TYPES = Object.values(CARD_TYPES);

/** The card type of a `card_type` argument: a name, or `None` for a random one. */
export function cardType(cardTypeArg: Value | undefined, random: RandomSource): CardType {
  if (cardTypeArg === undefined || cardTypeArg === null) {
    return TYPES[random.int(0, TYPES.length - 1)];
  }
  const key = String(cardTypeArg);
  if (!Object.hasOwn(CARD_TYPES, key)) {
    throw new ExprRuntimeError(
      `Unknown card_type ${JSON.stringify(key)}; Python Faker's are: ${
        Object.keys(CARD_TYPES).join(", ")
      }`,
    );
  }
  return CARD_TYPES[key];
}

/** A card number: a prefix, random digits, and the Luhn check digit. */
export function cardNumber(type: CardType, random: RandomSource): string {
  const prefix = type.prefixes[random.int(0, type.prefixes.length - 1)];
  let digits = "";
  for (const ch of prefix) {
    digits += ch === "#" ? String(random.int(0, 9)) : ch === "%" ? String(random.int(1, 9)) : ch;
  }
  while (digits.length < type.length - 1) digits += String(random.int(0, 9));
  return digits + luhnDigit(digits);
}

/** The digit that makes `digits` + it pass the Luhn check. */
export function luhnDigit(digits: string): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    // Doubling starts at the digit next to the check digit, i.e. the last one here.
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

/** Whether a card number passes the Luhn check. */
export function luhnValid(number: string): boolean {
  return /^\d+$/.test(number) && luhnDigit(number.slice(0, -1)) === Number(number.at(-1));
}

/** A security code of the card type's length. */
export function securityCode(type: CardType, random: RandomSource): string {
  let code = "";
  for (let i = 0; i < type.securityCodeLength; i++) code += String(random.int(0, 9));
  return code;
}
