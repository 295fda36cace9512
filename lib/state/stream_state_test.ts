import { assertEquals, assertNotEquals, assertThrows } from "../../tests/_assert.ts";
import {
  appIdOf,
  decodeState,
  encodeState,
  fingerprint,
  type FingerprintInputs,
  type StreamState,
} from "./stream_state.ts";

const INPUTS: FingerprintInputs = {
  seed: 1,
  locale: "en_US",
  tickIntervalMs: 10_000,
  table: {
    name: "orders",
    rowCount: 10,
    startRowId: 1,
    policy: "append",
    rowsPerMinute: 60,
    columns: [{ name: "id", data: "row_id", nullFraction: 0 }],
  },
};

Deno.test("fingerprints are stable and change with anything that decides the rows", async () => {
  const base = await fingerprint(INPUTS);
  assertEquals(base, await fingerprint(structuredClone(INPUTS)));
  assertEquals(base.length, 16);
  const changed = [
    { ...INPUTS, seed: 2 },
    { ...INPUTS, locale: "de_DE" },
    { ...INPUTS, tickIntervalMs: 1_000 },
    { ...INPUTS, table: { ...INPUTS.table, rowsPerMinute: 61 } },
    {
      ...INPUTS,
      table: { ...INPUTS.table, columns: [{ name: "id", data: "row_id * 2", nullFraction: 0 }] },
    },
  ];
  for (const inputs of changed) assertNotEquals(await fingerprint(inputs), base);
  assertEquals(appIdOf("orders", base), `tablestream:orders:${base}`);
});

Deno.test("states round trip; unreadable ones are errors naming the table", () => {
  const state: StreamState = {
    fingerprint: "0123456789abcdef",
    startMs: Date.UTC(2026, 0, 1),
    tickIntervalMs: 10_000,
    baseRowId: 201,
    prefixRows: 200,
    prefixVersion: 3,
  };
  assertEquals(decodeState("t", encodeState(state)), state);
  assertEquals(decodeState("t", undefined), undefined);
  assertThrows(() => decodeState("orders", "{oops"), Error, 'Table "orders" has an unreadable');
  assertThrows(() => decodeState("orders", '{"format":2}'), Error, "cannot read");
});
