import * as arrow from "apache-arrow";
import { assertEquals, assertThrows } from "../../../tests/_assert.ts";
import { batchOf, column } from "../../../tests/_batches.ts";
import {
  arrowTypeOf,
  INT8_COMMENT,
  pgType,
  quoteIdent,
  type StoredColumn,
  storedTypeText,
} from "./types.ts";
import { CopyBuffer, copyCells, copyRows, copyText, CopyValueError } from "./copy_encode.ts";
import { TextColumn } from "../_text_column.ts";

const field = (name: string, type: arrow.DataType) => new arrow.Field(name, type, true);

Deno.test("pgType: every type the engine writes, and decimals and binary", () => {
  const cases: [arrow.DataType, string][] = [
    [new arrow.Int8(), "smallint"],
    [new arrow.Int16(), "smallint"],
    [new arrow.Int32(), "integer"],
    [new arrow.Int64(), "bigint"],
    [new arrow.Float32(), "real"],
    [new arrow.Float64(), "double precision"],
    [new arrow.Utf8(), "text"],
    [new arrow.Bool(), "boolean"],
    [new arrow.DateDay(), "date"],
    [new arrow.TimestampMicrosecond("UTC"), "timestamp with time zone"],
    [new arrow.TimestampMillisecond(), "timestamp without time zone"],
    [new arrow.Decimal(2, 10, 128), "numeric(10,2)"],
    [new arrow.Binary(), "bytea"],
  ];
  for (const [type, expected] of cases) assertEquals(pgType(field("c", type)), expected, `${type}`);
});

Deno.test("pgType: types PostgreSQL cannot keep exactly are refused, naming the column", () => {
  assertThrows(() => pgType(field("at", new arrow.TimestampNanosecond())), Error, '"at"');
  assertThrows(() => pgType(field("u", new arrow.Uint32())), Error, 'Column "u" has Arrow type');
});

Deno.test("arrowTypeOf: stored columns read back as the types written; the rest as text", () => {
  const stored = (dataType: string, extra: Partial<StoredColumn> = {}): StoredColumn => ({
    name: "c",
    dataType,
    precision: null,
    scale: null,
    nullable: true,
    comment: null,
    ...extra,
  });
  const same = (type: arrow.DataType, column: StoredColumn) =>
    assertEquals(arrow.util.compareTypes(arrowTypeOf(column), type), true, `${type}`);
  same(new arrow.Int8(), stored("smallint", { comment: INT8_COMMENT }));
  same(new arrow.Int16(), stored("smallint"));
  same(new arrow.TimestampMicrosecond("UTC"), stored("timestamp with time zone"));
  same(new arrow.Decimal(3, 12, 128), stored("numeric", { precision: 12, scale: 3 }));
  same(new arrow.Utf8(), stored("numeric")); // unconstrained: exact as text
  same(new arrow.Utf8(), stored("jsonb"));
  assertEquals(storedTypeText(stored("numeric", { precision: 12, scale: 3 })), "numeric(12,3)");
});

Deno.test("quoteIdent: always quoted, quotes doubled, too-long names refused", () => {
  assertEquals(quoteIdent("orders"), '"orders"');
  assertEquals(quoteIdent('Order "x"'), '"Order ""x"""');
  assertThrows(() => quoteIdent("x".repeat(64)), Error, "63-byte limit");
  assertEquals(quoteIdent("é".repeat(31)), `"${"é".repeat(31)}"`); // 62 bytes
  assertThrows(() => quoteIdent("é".repeat(32)), Error, "63-byte limit");
});

Deno.test("copyText: COPY's escapes for backslash, newline, CR and tab; NUL refused", () => {
  assertEquals(
    copyText(`plain "quoted", commas; ünïcødé 🎉`),
    `plain "quoted", commas; ünïcødé 🎉`,
  );
  assertEquals(copyText("a\tb\nc\rd\\e"), "a\\tb\\nc\\rd\\\\e");
  assertEquals(copyText("\\N"), "\\\\N", "the text \\N is not a null");
  assertThrows(() => copyText("a\0b"), CopyValueError, "NUL");
});

Deno.test("copyRows: one line per row, nulls as \\N, exact numbers and times", () => {
  const batch = batchOf({
    i: column(new arrow.Int64(), [9_007_199_254_740_993n, null, -1n]),
    f: column(new arrow.Float64(), [0.1, -0, Number.NaN]),
    r: column(new arrow.Float32(), [Math.fround(0.1), Infinity, -Infinity]),
    d: column(new arrow.DateDay(), [0, -719_528, 2_932_897]),
    t: column(new arrow.TimestampMicrosecond("UTC"), [
      1_767_225_600_000_001n,
      -1n,
      -62_167_219_200_000_000n,
    ]),
    b: column(new arrow.Bool(), [true, false, null]),
    s: column(new arrow.Utf8(), ["x\ty", "", null]),
  });
  const out = new CopyBuffer();
  copyRows(copyCells(batch), 0, 3, out);
  assertEquals(new TextDecoder().decode(out.take()).split("\n"), [
    "9007199254740993\t0.1\t0.10000000149011612\t1970-01-01\t2026-01-01T00:00:00.000001Z\tt\tx\\ty",
    "\\N\t-0\tInfinity\t0001-01-01 BC\t1969-12-31T23:59:59.999999Z\tf\t",
    "-1\tNaN\t-Infinity\t10000-01-01\t0001-01-01T00:00:00.000000Z BC\t\\N\t\\N",
    "",
  ]);
});

Deno.test("TextColumn: PostgreSQL's text of each type becomes exact Arrow values", () => {
  const read = (type: arrow.DataType, texts: (string | null)[]) => {
    const c = new TextColumn("c", type, texts.length);
    for (const text of texts) c.push(text);
    return arrow.makeVector(c.finish());
  };
  const values = (type: arrow.DataType, texts: (string | null)[]) => [...read(type, texts)];
  assertEquals(values(new arrow.Int64(), ["9007199254740993", null]), [
    9_007_199_254_740_993n,
    null,
  ]);
  const decimals = read(new arrow.Decimal(2, 10, 128), ["-12.5", "3", null]);
  assertEquals(
    decimals.data[0].values.subarray(0, 8),
    Uint32Array.of(
      ...[-1250n, 300n].flatMap((v) => {
        const bits = BigInt.asUintN(128, v);
        return [0, 1, 2, 3].map((w) => Number((bits >> BigInt(32 * w)) & 0xffffffffn));
      }),
    ).subarray(0, 8),
  );
  assertEquals(decimals.isValid(2), false);
  assertThrows(() => read(new arrow.Decimal(1, 10, 128), ["1.25"]), Error, "is not a Decimal");
  const bytes = read(new arrow.Binary(), ["00ff10", ""]);
  assertEquals([...bytes.get(0)!], [0, 255, 16]);
  assertEquals(bytes.get(1)!.length, 0);
  assertEquals(values(new arrow.Utf8(), ["é\t🎉", null]), ["é\t🎉", null]);
  assertEquals(values(new arrow.Bool(), ["t", "f", null]), [true, false, null]);
  assertEquals(
    read(new arrow.Float32(), ["0.1", "-Infinity"]).toArray(),
    Float32Array.of(0.1, -Infinity),
  );
  assertEquals([...read(new arrow.DateDay(), ["-1"]).data[0].values], [-1]);
});
