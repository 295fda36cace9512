/**
 * Every `data:` expression and block of the tablefaker corpus (in the steering folder, see tests/_external.ts)
 * compiles, except those that call a Python module of the config's own (`python_import`)
 * or a community provider's Faker method: those fail with one `python-module` diagnostic.
 */
import { parse } from "yaml";
import { assert, assertEquals } from "../../tests/_assert.ts";
import { compileExpression } from "./mod.ts";
import { type Corpus, externalTest, tablefakerCorpus } from "../../tests/_external.ts";

interface Column {
  column_name: string;
  data?: string | number | boolean | null;
}

interface CorpusColumn {
  file: string;
  columns: string[];
  column: Column;
  pythonModules: string[];
  communityProviders: string[];
}

function* corpusColumns(corpus: Corpus): Generator<CorpusColumn> {
  for (const file of corpus.names) {
    const doc = parse(Deno.readTextFileSync(corpus.path(file)));
    const pythonModules = doc?.config?.python_import ?? [];
    const communityProviders = doc?.config?.community_providers ?? [];
    for (const table of doc?.tables ?? []) {
      const columns: Column[] = table.columns ?? [];
      const names = columns.map((c) => c.column_name);
      for (const column of columns) {
        yield { file, columns: names, column, pythonModules, communityProviders };
      }
    }
  }
}

externalTest({
  name: "the tablefaker corpus compiles, blocks included",
  need: tablefakerCorpus(),
  fn: (corpus) => {
    let compiled = 0;
    let blocks = 0;
    const needPython: string[] = [];
    for (
      const { file, columns, column, pythonModules, communityProviders } of corpusColumns(corpus)
    ) {
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
  },
});
