/**
 * `uuid7()`: a time-ordered UUID (RFC 9562 version 7) from the row's logical time and the
 * cell's random stream, so ids sort by when the row happened and repeat with the seed.
 *
 * @module
 */
import { defineColumnFunction } from "../../lib/plugin/define.ts";
import type { RandomSource } from "../../lib/plugin/types.ts";

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

/** The 16 bytes of a version-7 UUID for `ms`, with 74 random bits from `random`. */
export function uuid7Bytes(ms: number, random: RandomSource): Uint8Array {
  const bytes = new Uint8Array(16);
  let t = Math.max(0, Math.floor(ms));
  for (let i = 5; i >= 0; i--) {
    bytes[i] = t % 256;
    t = Math.floor(t / 256);
  }
  for (let i = 6; i < 16; i++) bytes[i] = random.int(0, 255);
  bytes[6] = 0x70 | (bytes[6] & 0x0f); // version 7
  bytes[8] = 0x80 | (bytes[8] & 0x3f); // variant 10
  return bytes;
}

/** The canonical 8-4-4-4-12 text of 16 bytes. */
export function uuidText(bytes: Uint8Array): string {
  const h = Array.from(bytes, (b) => HEX[b]).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** A time-ordered UUID. */
export const uuid7 = defineColumnFunction({
  name: "uuid7",
  summary: "A time-ordered UUID (version 7) from the row's logical time: ids sort by time.",
  options: {},
  params: [],
  returns: "str",
  create: () => (_args, cell) => uuidText(uuid7Bytes(cell.now.getTime(), cell.random)),
});
