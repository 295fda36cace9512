/**
 * `ulid()`: a ULID (26 characters of Crockford base32) from the row's logical time and the
 * cell's random stream: sortable by time, shorter than a UUID.
 *
 * @module
 */
import { defineColumnFunction } from "../../lib/plugin/define.ts";

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/** A time-sortable ULID. */
export const ulid = defineColumnFunction({
  name: "ulid",
  summary: "A ULID from the row's logical time: 26 characters, sortable by time.",
  options: {},
  params: [],
  returns: "str",
  create: () => (_args, cell) => {
    let t = Math.max(0, Math.floor(cell.now.getTime()));
    let time = "";
    for (let i = 0; i < 10; i++) {
      time = CROCKFORD[t % 32] + time;
      t = Math.floor(t / 32);
    }
    let random = "";
    for (let i = 0; i < 16; i++) random += CROCKFORD[cell.random.int(0, 31)];
    return time + random;
  },
});
