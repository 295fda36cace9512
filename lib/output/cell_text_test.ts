import * as arrow from "apache-arrow";
import { assertEquals } from "../../tests/_assert.ts";
import { batchOf, column, SAMPLE_MICROS, sampleBatch } from "../../tests/_batches.ts";
import {
  cellJson,
  cellText,
  columnCells,
  csvField,
  csvHeader,
  csvLines,
  dateText,
  floatJson,
  jsonlLines,
  pythonBoolText,
  pythonFloatText,
  shortestFloat32,
  timestampText,
} from "./cell_text.ts";

Deno.test("timestamps print as ISO 8601 with microseconds", () => {
  assertEquals(timestampText(SAMPLE_MICROS), "2024-01-02T03:04:05.123456Z");
  assertEquals(timestampText(0n), "1970-01-01T00:00:00.000000Z");
  assertEquals(timestampText(-1n), "1969-12-31T23:59:59.999999Z");
  assertEquals(timestampText(-1_000_000n), "1969-12-31T23:59:59.000000Z");
  assertEquals(timestampText(SAMPLE_MICROS, false), "2024-01-02T03:04:05.123456");
});

Deno.test("dates print as YYYY-MM-DD", () => {
  assertEquals(dateText(19_724 * 86_400_000), "2024-01-02");
  assertEquals(dateText(-86_400_000), "1969-12-31");
});

Deno.test("dates and timestamps agree with Date#toISOString across its whole range", () => {
  const days = [-99_999_999, -719_529, -719_528, -1, 0, 59, 60, 10_957, 2_932_896, 99_999_999];
  for (let i = 0; i < 2000; i++) days.push(Math.round((Math.random() * 2 - 1) * 99_999_999));
  for (const day of days) {
    const iso = new Date(day * 86_400_000).toISOString();
    assertEquals(dateText(day * 86_400_000), iso.slice(0, iso.indexOf("T")), `day ${day}`);
    const ms = day * 86_400_000 + Math.floor(Math.random() * 86_400_000);
    const micros = BigInt(ms) * 1000n + 789n;
    const expected = new Date(ms).toISOString().replace(/Z$/, "789Z");
    assertEquals(timestampText(micros), expected, `micros ${micros}`);
  }
});

Deno.test("32-bit floats print in their shortest round-trip form", () => {
  assertEquals(shortestFloat32(Math.fround(0.1)), 0.1);
  assertEquals(shortestFloat32(Math.fround(1 / 3)), 0.33333334);
  assertEquals(shortestFloat32(Math.fround(16_777_217)), 16_777_216);
  assertEquals(shortestFloat32(Math.fround(3.4e38)), 3.4e38);
  assertEquals(shortestFloat32(NaN), NaN);
  for (const x of [1e-45, 123.456, -7.25, 6.02e23]) {
    const f = Math.fround(x);
    assertEquals(Math.fround(shortestFloat32(f)), f);
  }
});

Deno.test("floats spell as Python's repr prints them, 32-bit ones as numpy's str", () => {
  const python: [number, string][] = [
    [80, "80.0"],
    [0.1, "0.1"],
    [-2.5, "-2.5"],
    [1 / 3, "0.3333333333333333"],
    [0.1 + 0.2, "0.30000000000000004"],
    [123456789.123, "123456789.123"],
    [0.0001, "0.0001"],
    [1e-5, "1e-05"],
    [1.5e-7, "1.5e-07"],
    [5e-324, "5e-324"],
    [1e15, "1000000000000000.0"],
    [9999999999999998, "9999999999999998.0"],
    [1e16, "1e+16"],
    [1e100, "1e+100"],
    [-0, "-0.0"],
    [0, "0.0"],
  ];
  for (const [value, text] of python) assertEquals(pythonFloatText(value), text, String(value));
  const numpy: [number, string][] = [
    [3, "3.0"],
    [12.5, "12.5"],
    [999999.9, "999999.9"],
    [1e6, "1e+06"],
    [2755769.2, "2.7557692e+06"],
    [0.0001, "1e-04"],
    [0.00015, "0.00015"],
  ];
  for (const [value, text] of numpy) {
    assertEquals(pythonFloatText(shortestFloat32(Math.fround(value)), true), text, String(value));
  }
  assertEquals([NaN, Infinity, -Infinity].map((v) => pythonFloatText(v)), [
    "NaN",
    "Infinity",
    "-Infinity",
  ]);
});

Deno.test("booleans spell as Python prints them; JSON floats read back as floats", () => {
  assertEquals([true, false].map(pythonBoolText), ["True", "False"]);
  assertEquals([80, 0.5, -3, 1e21, 1e-7, NaN].map(floatJson), [
    "80.0",
    "0.5",
    "-3.0",
    "1e+21",
    "1e-7",
    "null",
  ]);
});

Deno.test("cells spell as text and as JSON", () => {
  assertEquals([null, true, false, 1.5, 2n, "x", NaN].map(cellText), [
    "",
    "true",
    "false",
    "1.5",
    "2",
    "x",
    "NaN",
  ]);
  assertEquals(cellJson(9_007_199_254_740_991n), "9007199254740991");
  assertEquals(cellJson(9_007_199_254_740_992n), '"9007199254740992"');
  assertEquals(cellJson(-9_007_199_254_740_992n), '"-9007199254740992"');
  assertEquals(cellJson(Infinity), "null");
  assertEquals(cellJson(null), "null");
  assertEquals(cellJson('a "b"\n'), '"a \\"b\\"\\n"');
});

Deno.test("CSV fields are quoted only when RFC 4180 needs it", () => {
  assertEquals(csvField("plain"), "plain");
  assertEquals(csvField(" spaced "), " spaced ");
  assertEquals(csvField("a,b"), '"a,b"');
  assertEquals(csvField('say "hi"'), '"say ""hi"""');
  assertEquals(csvField("line\nbreak"), '"line\nbreak"');
  assertEquals(csvField("cr\rhere"), '"cr\rhere"');
  assertEquals(csvField(""), "");
});

Deno.test("columns read every engine type, nulls and a sliced batch's offset", () => {
  const batch = sampleBatch(10).slice(4, 7); // ids 4, 5 (all null), 6
  const columns = columnCells(batch);
  assertEquals(columns.map((c) => c.kind), [
    "integer",
    "integer",
    "integer",
    "integer",
    "float",
    "float",
    "string",
    "boolean",
    "date",
    "timestamp",
  ]);
  const row = (i: number) => columns.map((c) => c.cell(i));
  assertEquals(row(0), [
    4n,
    -96,
    -4,
    4000,
    4.1,
    4 / 3,
    'name 4, "quoted"',
    true,
    "2024-01-06",
    "2024-01-02T03:04:05.123460Z",
  ]);
  assertEquals(row(1), [5n, null, null, null, null, null, null, null, null, null]);
  assertEquals(row(2)[0], 6n);
});

Deno.test("CSV lines and JSON lines spell a batch", () => {
  const batch = batchOf({
    // Computed, so the literal gets an own "__proto__" key rather than a prototype.
    ["__proto__"]: column(new arrow.Int32(), [1, null]),
    "a,b": column(new arrow.Utf8(), ["x,y", null]),
    "big": column(new arrow.Int64(), [2n ** 60n, -3n]),
    "f": column(new arrow.Float64(), [0.1, NaN]),
    "w": column(new arrow.Float64(), [80, null]),
    "s": column(new arrow.Float32(), [Math.fround(2755769.2), 1]),
    "b": column(new arrow.Bool(), [true, false]),
  });
  assertEquals(csvHeader(batch.schema), '__proto__,"a,b",big,f,w,s,b\n');
  assertEquals(
    csvLines(batch),
    '1,"x,y",1152921504606846976,0.1,80.0,2.7557692e+06,True\n,,-3,NaN,,1.0,False\n',
  );
  assertEquals(
    jsonlLines(batch),
    '{"__proto__":1,"a,b":"x,y","big":"1152921504606846976","f":0.1,"w":80.0,"s":2755769.2,' +
      '"b":true}\n' +
      '{"__proto__":null,"a,b":null,"big":-3,"f":null,"w":null,"s":1.0,"b":false}\n',
  );
  assertEquals(
    jsonlLines(batch.slice(1), { table: "t" }).startsWith('{"_table":"t","__proto__"'),
    true,
  );
});
