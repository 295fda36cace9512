import * as arrow from "apache-arrow";
import { assertEquals } from "../../tests/_assert.ts";
import { finalRows, keyReader } from "./copy_on_write.ts";

function int64s(values: (bigint | null)[]): arrow.Vector {
  return arrow.vectorFromArray(values, new arrow.Int64());
}

Deno.test("keyReader: int64 keys read as exact numbers while safe, else as bigints", () => {
  const values = [0n, -1n, 1n << 40n, -(1n << 51n) + 3n, (1n << 60n) + 1n, null];
  const read = keyReader(int64s(values));
  assertEquals(values.map((_, i) => read(i)), [
    0,
    -1,
    2 ** 40,
    -(2 ** 51) + 3,
    (1n << 60n) + 1n,
    null,
  ]);
  // A slice reads its own rows.
  const sliced = keyReader(int64s(values).slice(1, 3));
  assertEquals([sliced(0), sliced(1)], [-1, 2 ** 40]);
});

Deno.test("keyReader: text and int32 keys; equal values read equal", () => {
  const text = keyReader(arrow.vectorFromArray(["a", "b", null], new arrow.Utf8()));
  assertEquals([text(0), text(1), text(2)], ["a", "b", null]);
  const ints = keyReader(arrow.vectorFromArray([5, -7], new arrow.Int32()));
  assertEquals([ints(0), ints(1)], [5, -7]);
});

Deno.test("finalRows: a row's last change wins; a delete stays a delete", () => {
  const batch = (ids: bigint[]) => new arrow.Table({ id: int64s(ids) }).batches[0];
  const first = {
    ops: ["u", "u"] as const,
    ticks: [1, 1],
    before: batch([1n, 2n]),
    after: batch([1n, 2n]),
  };
  const second = {
    ops: ["d", "u"] as const,
    ticks: [2, 2],
    before: batch([1n, 2n]),
    after: batch([0n, 2n]),
  };
  const finals = finalRows([first, second], "id");
  assertEquals(finals.get(1), null);
  assertEquals(finals.get(2), { batch: second.after, row: 1 });
  assertEquals(finals.size, 2);
});
