import * as arrow from "apache-arrow";
import { assert, assertEquals, assertThrows } from "../../../tests/_assert.ts";
import { batchOf, column } from "../../../tests/_batches.ts";
import { compileSql, parseSql, SqlError, SqlEvalError } from "./mod.ts";

/** Rows: (1, 2.5, "Ann", 2024-02-29, 2024-02-29 13:45:06.5 UTC), (null...), (-3, ...). */
const DAY = 19_782; // 2024-02-29
const MICROS = BigInt(DAY) * 86_400_000_000n + 49_506_500_000n;
const batch = batchOf({
  id: column(new arrow.Int64(), [1n, null, -3n]),
  amount: column(new arrow.Float64(), [2.5, 0, null]),
  name: column(new arrow.Utf8(), ["Ann", null, "b_c%d"]),
  d: column(new arrow.DateDay(), [DAY, null, 0]),
  at: column(new arrow.TimestampMicrosecond("UTC"), [MICROS, null, 0n]),
  ok: column(new arrow.Bool(), [true, null, false]),
});

/** The expression's value in every row. */
function values(text: string): unknown[] {
  const value = compileSql(text, batch.schema).bind(batch);
  return [0, 1, 2].map(value);
}

Deno.test("comparisons and SQL's three-valued logic", () => {
  assertEquals(values("id > 0"), [true, null, false]);
  assertEquals(values("id > 0 AND amount < 3"), [true, null, false]);
  assertEquals(values("id > 0 OR amount = 0"), [true, true, null]);
  assertEquals(values("NOT (id > 0)"), [false, null, true]);
  assertEquals(values("id IS NULL"), [false, true, false]);
  assertEquals(values("id IS NOT NULL AND ok"), [true, false, false]);
  assertEquals(values("id <=> NULL"), [false, true, false]);
  assertEquals(values("id != 1"), [false, null, true]);
  assertEquals(values("id == 1"), [true, null, false]);
  assertEquals(values("null AND false"), [false, false, false]);
  assertEquals(values("null OR true"), [true, true, true]);
});

Deno.test("IN, BETWEEN and LIKE, negated, with nulls", () => {
  assertEquals(values("id IN (1, 2)"), [true, null, false]);
  assertEquals(values("id IN (2, NULL)"), [null, null, null]);
  assertEquals(values("id NOT IN (2, 3)"), [true, null, true]);
  assertEquals(values("amount BETWEEN 0 AND 2.5"), [true, true, null]);
  assertEquals(values("id NOT BETWEEN -5 AND 0"), [true, null, false]);
  assertEquals(values("name LIKE 'A%'"), [true, null, false]);
  assertEquals(values("name LIKE '_n_'"), [true, null, false]);
  assertEquals(values("name LIKE 'b\\_c\\%d'"), [false, null, true]);
  assertEquals(values("name LIKE 'b!_c%' ESCAPE '!'"), [false, null, true]);
  assertEquals(values("name NOT LIKE '%c%'"), [true, null, false]);
});

Deno.test("arithmetic takes Spark's types", () => {
  assertEquals(values("id + 1"), [2, null, -2]);
  assertEquals(values("id / 2"), [0.5, null, -1.5]);
  assertEquals(values("id % 2"), [1, null, -1]);
  assertEquals(values("-id * 2"), [-2, null, 6]);
  assertEquals(compileSql("id / 2", batch.schema).type, "double");
  assertEquals(compileSql("id * 2", batch.schema).type, "long");
  assertEquals(values("d + 1 > DATE'2024-02-29'"), [true, null, false]);
  assertThrows(() => values("id / 0"), SqlEvalError, "DIVIDE_BY_ZERO");
  assertThrows(() => values("2147483647 + 1"), SqlEvalError, "overflows int");
});

Deno.test("dates, timestamps and their functions", () => {
  assertEquals(values("year(at)"), [2024, null, 1970]);
  assertEquals(values("month(d)"), [2, null, 1]);
  assertEquals(values("day(at)"), [29, null, 1]);
  assertEquals(values("hour(at)"), [13, null, 0]);
  assertEquals(values("to_date(at) = d"), [true, null, true]);
  assertEquals(values("date_format(at, 'yyyy-MM-dd HH:mm:ss')"), [
    "2024-02-29 13:45:06",
    null,
    "1970-01-01 00:00:00",
  ]);
  assertEquals(values("date_format(d, 'yyyyMM')"), ["202402", null, "197001"]);
  assertEquals(values("CAST(at AS STRING)"), [
    "2024-02-29 13:45:06.5",
    null,
    "1970-01-01 00:00:00",
  ]);
  assertEquals(values("d >= '2024-01-01'"), [true, null, false]);
  assertEquals(values("at < TIMESTAMP'2024-02-29 14:00:00'"), [true, null, true]);
  assertEquals(values("to_date('29/02/2024', 'dd/MM/yyyy') = d"), [true, null, false]);
  assertThrows(() => values("CAST('2024-02-30' AS DATE)"), SqlError, "CAST_INVALID_INPUT");
});

Deno.test("CAST, coalesce and string functions", () => {
  assertEquals(values("CAST(amount AS INT)"), [2, 0, null]);
  assertEquals(values("CAST(amount AS STRING)"), ["2.5", "0.0", null]);
  assertEquals(values("CAST(amount AS DECIMAL(5,1))"), [2.5, 0, null]);
  assertEquals(values("coalesce(id, 0)"), [1, 0, -3]);
  assertEquals(values("length(name)"), [3, null, 5]);
  assertEquals(values("upper(name) || lower('X')"), ["ANNx", null, "B_C%Dx"]);
  assertEquals(values("concat(name, '-', id)"), ["Ann-1", null, "b_c%d--3"]);
  assertEquals(values("substring(name, 2)"), ["nn", null, "_c%d"]);
  assertEquals(values("substr(name, -2, 1)"), ["n", null, "%"]);
  assertEquals(values("abs(id)"), [1, null, 3]);
  assertThrows(() => values("CAST(name AS INT)"), SqlEvalError, "CAST_INVALID_INPUT");
});

Deno.test("columns by backquotes, any case, and nested fields", () => {
  const inner = new arrow.Struct([new arrow.Field("x", new arrow.Int32(), true)]);
  const nested = arrow.makeData({
    type: inner,
    length: 2,
    nullCount: 1,
    nullBitmap: new Uint8Array([1]),
    children: [column(new arrow.Int32(), [5, 6])],
  });
  const rows = batchOf({ "my col": column(new arrow.Int32(), [1, 2]), s: nested });
  const value = compileSql("`my col` + S.x", rows.schema).bind(rows);
  assertEquals([value(0), value(1)], [6, null]);
});

Deno.test("what is outside the subset is refused at parse, naming it and where", () => {
  const refused = (text: string, what: string, column: number) => {
    const error = assertThrows(() => parseSql(text), SqlError) as SqlError;
    assert(error.message.includes(what), error.message);
    assertEquals(error.offset + 1, column, error.message);
  };
  refused("CASE WHEN a THEN 1 END", "CASE is outside", 1);
  refused("a > 0 AND rand() < 1", "the function rand is outside", 11);
  refused("a & 1 = 1", "bitwise operator &", 3);
  refused("a RLIKE 'x'", "RLIKE is outside", 3);
  refused("a IS TRUE", "IS TRUE is outside", 6);
  refused("x IN (SELECT 1)", "SELECT", 7);
  refused("CAST(a AS ARRAY<INT>)", "CAST to array", 11);
  refused("a >", "ends too early", 4);
});

Deno.test("unknown columns and unrelated types are refused at compile, with the position", () => {
  const error = assertThrows(
    () => compileSql("id > 0 AND amout < 1", batch.schema),
    SqlError,
  ) as SqlError;
  assertEquals(error.offset, 11);
  assert(error.message.includes('no column "amout"'), error.message);
  assertThrows(() => compileSql("name + 1 > 0", batch.schema), SqlError, "CAST one");
  assertThrows(() => compileSql("d = true", batch.schema), SqlError, "cannot compare date");
  assertThrows(() => compileSql("date_format(at, 'EEE')", batch.schema), SqlError, '"EEE"');
});

Deno.test("a two-comparison check over a million rows is fast enough", () => {
  const n = 1_000_000;
  const ids = new BigInt64Array(n).map((_, i) => BigInt(i));
  const amounts = new Float64Array(n).map((_, i) => i % 1000);
  const rows = batchOf({
    id: arrow.makeData({ type: new arrow.Int64(), length: n, nullCount: 0, data: ids }),
    amount: arrow.makeData({ type: new arrow.Float64(), length: n, nullCount: 0, data: amounts }),
  });
  const check = compileSql("id >= 0 AND amount < 1000", rows.schema);
  const start = performance.now();
  const value = check.bind(rows);
  let passed = 0;
  for (let r = 0; r < n; r++) if (value(r) === true) passed++;
  const ms = performance.now() - start;
  assertEquals(passed, n);
  console.log(`1M rows of "id >= 0 AND amount < 1000": ${ms.toFixed(0)} ms`);
  assert(ms < 5000, `${ms} ms`);
});
