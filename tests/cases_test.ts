/**
 * Golden config cases: each folder of `tests/cases/` holds a `config.yaml` and, in
 * `expected.txt`, exactly what checking it prints: the formatted diagnostics, then
 * `ok: <tables parents first>` when the config is valid.
 *
 * Run with `UPDATE_GOLDEN=1` to rewrite the expected files from the current output.
 *
 * @module
 */
import { formatDiagnostics, loadConfig, tableOrder } from "../lib/config/mod.ts";
import { assertEquals } from "./_assert.ts";

const CASES = new URL("./cases/", import.meta.url);
const UPDATE = Deno.env.get("UPDATE_GOLDEN") === "1";

/** What the golden file of a case holds (plugin files of the case load from its folder). */
async function render(name: string): Promise<string> {
  const { config, diagnostics } = await loadConfig(`tests/cases/${name}/config.yaml`);
  let out = formatDiagnostics(diagnostics);
  if (config) out += `ok: ${tableOrder(config).map((t) => t.name).join(", ")}\n`;
  return out;
}

const names = [...Deno.readDirSync(CASES)].filter((e) => e.isDirectory).map((e) => e.name).sort();

for (const name of names) {
  Deno.test(`golden case ${name}`, async () => {
    const dir = new URL(`${name}/`, CASES);
    const actual = await render(name);
    const expectedUrl = new URL("expected.txt", dir);
    if (UPDATE) {
      await Deno.writeTextFile(expectedUrl, actual);
      return;
    }
    const expected = await Deno.readTextFile(expectedUrl);
    assertEquals(
      actual,
      expected,
      `tests/cases/${name}: run with UPDATE_GOLDEN=1 to accept the new output`,
    );
  });
}

Deno.test("golden cases: there are at least 15", () => {
  if (names.length < 15) throw new Error(`only ${names.length} golden cases`);
});
