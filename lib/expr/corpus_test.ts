/**
 * Every `data:` expression and block of the tablefaker corpus (../shared/tablefaker)
 * compiles, except those that call a Python module of the config's own (`python_import`)
 * or a community provider's Faker method: those fail with one `python-module` diagnostic.
 */
import { parse } from "yaml";
import { assert, assertEquals } from "../../tests/_assert.ts";
import { compileExpression } from "./mod.ts";

const CORPUS = new URL("../../../shared/tablefaker/", import.meta.url);

interface Column {
  column_name: string;
  data?: string | number | boolean | null;
}

interface Corpus {
  file: string;
  columns: string[];
  column: Column;
  pythonModules: string[];
  communityProviders: string[];
}

function* corpusColumns(): Generator<Corpus> {
  for (const dir of ["samples", "tests", "streaming"]) {
    for (const entry of Deno.readDirSync(new URL(`${dir}/`, CORPUS))) {
      const doc = parse(Deno.readTextFileSync(new URL(`${dir}/${entry.name}`, CORPUS)));
      const pythonModules = doc?.config?.python_import ?? [];
      const communityProviders = doc?.config?.community_providers ?? [];
      for (const table of doc?.tables ?? []) {
        const columns: Column[] = table.columns ?? [];
        const names = columns.map((c) => c.column_name);
        for (const column of columns) {
          yield {
            file: `${dir}/${entry.name}`,
            columns: names,
            column,
            pythonModules,
            communityProviders,
          };
        }
      }
    }
  }
}

Deno.test("the tablefaker corpus compiles, blocks included", () => {
  let compiled = 0;
  let blocks = 0;
  const needPython: string[] = [];
  for (const { file, columns, column, pythonModules, communityProviders } of corpusColumns()) {
    const data = column.data ?? null;
    const result = compileExpression(data, {
      columns,
      self: column.column_name,
      pythonModules,
      communityProviders,
    });
    if (result.ok) {
      compiled++;
      if (typeof data === "string" && data.includes("\n")) blocks++;
      continue;
    }
    const errors = result.diagnostics.filter((d) => d.severity !== "warning");
    assertEquals(
      errors.map((d) => d.code),
      ["python-module"],
      `${file} ${column.column_name}: ${JSON.stringify(data)}: ${errors[0].message}`,
    );
    needPython.push(`${file} ${column.column_name}`);
  }
  assert(compiled > 800, `only ${compiled} expressions compiled`);
  assertEquals(blocks, 22);
  // hotel's room_monthly_aggregate (8 columns, in two files), dateutil and fake.school_district().
  assertEquals(needPython.length, 18);
});
