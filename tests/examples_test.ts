/**
 * Every example config is checked, generated, and (when all its sinks can resume) run for a
 * few fast-forward ticks, with its tables read back.
 */
import { assert, assertEquals } from "./_assert.ts";
import { cli, withTempDir } from "./_cli.ts";
import { loadConfig } from "../lib/config/mod.ts";
import { localFs } from "../lib/delta/fs.ts";
import { latestVersion, readSnapshot } from "../lib/delta/log_reader.ts";
import { countRows } from "../lib/delta/read_data.ts";

const EXAMPLES = new URL("../examples/", import.meta.url).pathname;

async function configs(dir: string): Promise<string[]> {
  const found: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    const path = `${dir}${entry.name}`;
    // Kubernetes manifests, not configs (tests/kubernetes_test.ts checks them).
    if (entry.isDirectory && entry.name === "kubernetes") continue;
    if (entry.isDirectory) found.push(...await configs(`${path}/`));
    else if (/\.ya?ml$/.test(entry.name)) found.push(path);
  }
  return found.sort();
}

for (const config of await configs(EXAMPLES)) {
  const name = config.slice(EXAMPLES.length);
  Deno.test(`example ${name}: validates, generates and runs`, async () => {
    const { config: loaded, diagnostics } = await loadConfig(config);
    assert(loaded, diagnostics.map((d) => d.message).join("\n"));
    assertEquals(diagnostics.filter((d) => d.severity === "error"), []);
    // Tables with a sink of their own (e.g. the webhook) go to a memory store instead here.
    const elsewhere = Object.keys(loaded.sinks.tables);
    const local = loaded.tables.map((t) => t.name).filter((t) => !elsewhere.includes(t));
    await withTempDir(async (dir) => {
      const copy = `${dir}/${name.replaceAll("/", "_")}`;
      const text = (await Deno.readTextFile(config))
        .replace(/^( {2}- )(\w+\.ts)$/gm, `$1${config.slice(0, config.lastIndexOf("/") + 1)}$2`)
        .replace(/type: webhook(\n\s+options:\n\s+url: .*)?/g, "type: memory");
      await Deno.writeTextFile(copy, text);
      const generated = await cli("generate", "--config", copy, "--output", `${dir}/gen`);
      assertEquals(generated.code, 0, generated.stderr);
      const run = await cli(
        "run",
        "--config",
        copy,
        "--output",
        `${dir}/run`,
        "--fast-forward",
        "--ticks",
        "3",
        "--start-time",
        "2026-01-01",
      );
      assertEquals(run.code, 0, run.stderr);
      for (const table of local) {
        for (const out of ["gen", "run"]) {
          const path = `${dir}/${out}/${table}`;
          assert(await latestVersion(localFs, path) !== null, `${path} was written`);
          const rows = countRows(await readSnapshot(localFs, path)) ?? 0;
          const spec = loaded.tables.find((t) => t.name === table)!;
          assert(rows >= spec.rowCount, `${path} has its ${spec.rowCount} rows (${rows})`);
        }
      }
    });
  });
}
