/**
 * Every `data:` expression of the tablefaker corpus (../shared/tablefaker) compiles, except
 * multi-line blocks (not supported yet) and a few that need Python imports or community
 * providers, which must fail with a clear diagnostic rather than a crash.
 */
import { parse } from "yaml";
import { assert } from "../../tests/_assert.ts";
import { compileExpression } from "./mod.ts";

const CORPUS = new URL("../../../shared/tablefaker/", import.meta.url);

/** Expressions that cannot work without Python: custom modules and community providers. */
const NEEDS_PYTHON = [
  "hotel_custom_calendar_utils.",
  "dateutil.",
  "fake.school_district(",
  "fake.isbn13(",
];

interface Column {
  column_name: string;
  data?: string | number | boolean | null;
}

function* corpusColumns(): Generator<{ file: string; columns: string[]; column: Column }> {
  for (const dir of ["samples", "tests", "streaming"]) {
    for (const entry of Deno.readDirSync(new URL(`${dir}/`, CORPUS))) {
      const doc = parse(Deno.readTextFileSync(new URL(`${dir}/${entry.name}`, CORPUS)));
      for (const table of doc?.tables ?? []) {
        const columns: Column[] = table.columns ?? [];
        const names = columns.map((c) => c.column_name);
        for (const column of columns) {
          yield { file: `${dir}/${entry.name}`, columns: names, column };
        }
      }
    }
  }
}

Deno.test("the tablefaker corpus compiles", () => {
  let compiled = 0;
  for (const { file, columns, column } of corpusColumns()) {
    const data = column.data ?? null;
    const result = compileExpression(data, { columns, self: column.column_name });
    if (result.ok) {
      compiled++;
      continue;
    }
    const [first] = result.diagnostics;
    const excused = first.code === "unsupported-syntax" ||
      (typeof data === "string" && NEEDS_PYTHON.some((part) => data.includes(part)));
    assert(excused, `${file} ${column.column_name}: ${JSON.stringify(data)}: ${first.message}`);
  }
  assert(compiled > 750, `only ${compiled} expressions compiled`);
});
