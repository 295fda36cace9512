import { assertEquals, assertRejects, assertStringIncludes } from "../../tests/_assert.ts";
import { cli, withTempDir, writeConfig } from "../../tests/_cli.ts";
import { decodePath } from "./actions.ts";
import { joinPath, localFs } from "./fs.ts";
import { readSnapshot } from "./log_reader.ts";
import { findMissingFiles } from "./missing_files.ts";
import { DeltaWriter } from "./writer.ts";
import { allTypesTable } from "../../tests/_delta.ts";

/** A table of three appends (three files) at `dir/t`; the paths of its files. */
async function threeFiles(dir: string): Promise<{ path: string; files: string[] }> {
  const path = joinPath(dir, "t");
  const batch = allTypesTable(0, 20);
  const writer = await DeltaWriter.open(path, { schema: batch.schema, appId: "test" });
  for (let i = 0; i < 3; i++) await writer.append(allTypesTable(i * 20, 20));
  const snapshot = await readSnapshot(localFs, path);
  return { path, files: snapshot.files.map((f) => decodePath(f.path)) };
}

Deno.test("a data file deleted or cut short is found, and writers refuse the table naming it", async () => {
  await withTempDir(async (dir) => {
    const { path, files } = await threeFiles(dir);
    await Deno.remove(joinPath(path, files[0]));
    await Deno.truncate(joinPath(path, files[2]), 10);
    const snapshot = await readSnapshot(localFs, path);
    const missing = await findMissingFiles(localFs, path, snapshot.files);
    assertEquals(
      missing.map((m) => [m.path, m.problem]).sort(),
      [[files[0], "missing"], [files[2], "size"]].sort(),
    );
    const schema = allTypesTable(0, 1).schema;
    const error = await assertRejects(() => DeltaWriter.open(path, { schema, appId: "test" }));
    assertStringIncludes((error as Error).message, "2 data files are not on disk as its log says");
    assertStringIncludes((error as Error).message, `${files[0]} (missing)`);
    assertStringIncludes((error as Error).message, `${files[2]} (10 bytes on disk`);
    // Replacing the rows is allowed: it is how such a table is mended.
    const writer = await DeltaWriter.open(path, { schema, appId: "test", replacing: true });
    await writer.overwrite(allTypesTable(0, 5));
    assertEquals(
      await findMissingFiles(localFs, path, (await readSnapshot(localFs, path)).files),
      [],
    );
  });
});

Deno.test("inspect reports missing files; run and generate --mode append refuse the table", async () => {
  await withTempDir(async (dir) => {
    const config = await writeConfig(
      dir,
      "tables:\n  - table_name: t\n    row_count: 50\n    columns:\n" +
        "      - { column_name: id, data: row_id, is_primary_key: true }\n",
    );
    assertEquals((await cli("generate", "--config", config, "--output", `${dir}/out`)).code, 0);
    const append = await cli(
      "generate",
      "--config",
      config,
      "--output",
      `${dir}/out`,
      "--mode",
      "append",
    );
    assertEquals(append.code, 0, append.stderr);
    const snapshot = await readSnapshot(localFs, `${dir}/out/t`);
    const lost = decodePath(snapshot.files[0].path);
    await Deno.remove(`${dir}/out/t/${lost}`);

    const text = await cli("inspect", `${dir}/out/t`);
    assertEquals(text.code, 0);
    assertStringIncludes(text.stdout, "1 NOT ON DISK as the log says");
    assertStringIncludes(text.stdout, `does not write it: 1 data file is not on disk`);
    assertStringIncludes(text.stderr, `${lost} (missing)`);
    const json = JSON.parse((await cli("inspect", `${dir}/out/t`, "--json")).stdout);
    assertEquals(json.missingFiles.map((m: { path: string }) => m.path), [lost]);
    assertEquals(json.rows, 50, "the rows of the files still there");

    const again = await cli(
      "generate",
      "--config",
      config,
      "--output",
      `${dir}/out`,
      "--mode",
      "append",
    );
    assertEquals(again.code, 1);
    assertStringIncludes(again.stderr, `${lost} (missing)`);
    const run = await cli(
      "run",
      "--config",
      config,
      "--output",
      `${dir}/out`,
      "--fast-forward",
      "--ticks",
      "1",
    );
    assertEquals(run.code, 1);
    assertStringIncludes(run.stderr, `${lost} (missing)`);
    assertEquals(
      (await readSnapshot(localFs, `${dir}/out/t`)).version,
      snapshot.version,
      "untouched",
    );
  });
});
