/**
 * The seed's README of the streaming server shows Python snippets that read the tables the
 * server writes (`seed/streaming_server.md`: pandas through deltalake, with a filter; a table's
 * version, files and history). Each runs unchanged in the interop peer, in the folder that
 * holds our `delta_tables/` (the bundled example written by `run --fast-forward`), and sees our
 * tables: the rows our reader reads, our version, our files.
 */
import { assert, assertEquals, assertStringIncludes } from "../_assert.ts";
import { withTempDir } from "../_cli.ts";
import { externalTest, found, interopPeer, type Need, seedStreamingReadme } from "../_external.ts";
import { assertSameRows, type Described, Peer } from "./_peer.ts";
import { activeFiles, ok, subset } from "./_ours.ts";
import { localFs } from "../../lib/delta/fs.ts";
import { readSnapshot } from "../../lib/delta/log_reader.ts";

const EXAMPLE = new URL("../../examples/streaming_config.yaml", import.meta.url).pathname;
/** A snippet that reads tables: through deltalake, Polars, Spark or plain Parquet. */
const READS_TABLES = /DeltaTable\(|read_delta|scan_delta|\.read\.format|read_parquet/;

/** The peer and the seed's README, both needed. */
function needs(): Need<{ peer: string; readme: string }> {
  const peer = interopPeer();
  if (!peer.found) return peer;
  const readme = seedStreamingReadme();
  if (!readme.found) return readme;
  return found({ peer: peer.value, readme: readme.value });
}

/** The Python code blocks of a Markdown text that read tables. */
function readingSnippets(markdown: string): string[] {
  return [...markdown.matchAll(/```python\n([\s\S]*?)```/g)]
    .map((match) => match[1])
    .filter((code) => READS_TABLES.test(code));
}

/** What a snippet printed, and each pandas DataFrame it left in a variable, described. */
interface SnippetRun {
  printed: string;
  frames: Record<string, Described>;
}

/** Runs a snippet unchanged in the peer, with `cwd` as its working folder. */
function runSnippet(peer: Peer, code: string, cwd: string): Promise<SnippetRun> {
  return peer.py<SnippetRun>(
    "import contextlib, io\n" +
      "import pandas\n" +
      // deltalake 1.0 removed DeltaTable.files() (the active files' paths as the log holds
      // them), which a snippet calls: restored as deltalake 0.x defined it, for the snippet.
      "restore = not hasattr(DeltaTable, 'files')\n" +
      "if restore:\n" +
      "    DeltaTable.files = lambda self: pa.table(self.get_add_actions()).column('path').to_pylist()\n" +
      "printed = io.StringIO()\n" +
      "namespace = {'__name__': '__snippet__'}\n" +
      "here = os.getcwd()\n" +
      "os.chdir(args['cwd'])\n" +
      "try:\n" +
      "    with contextlib.redirect_stdout(printed):\n" +
      "        exec(compile(args['code'], 'streaming_server.md', 'exec'), namespace)\n" +
      "finally:\n" +
      "    os.chdir(here)\n" +
      "    if restore:\n" +
      "        del DeltaTable.files\n" +
      "frames = {name: described(pa.Table.from_pandas(value, preserve_index=False))\n" +
      "          for name, value in namespace.items() if isinstance(value, pandas.DataFrame)}\n" +
      "result = {'printed': printed.getvalue(), 'frames': frames}",
    { code, cwd },
  );
}

externalTest({
  name: "the seed README's Python snippets run unchanged on our run output and see our tables",
  need: needs(),
  fn: async ({ peer: url, readme }) => {
    const peer = new Peer(url);
    const snippets = readingSnippets(await Deno.readTextFile(readme));
    const tables = snippets.map((code) =>
      /DeltaTable\("\.\/delta_tables\/(\w+)"\)/.exec(code)?.[1]
    );
    // The two snippets the seed has today; a new one needs its checks here.
    assertEquals(tables, ["person", "orders"], "the snippets that read tables");
    await withTempDir(async (dir) => {
      const output = `${dir}/delta_tables`;
      await ok(
        ...["run", "--config", EXAMPLE, "--output", output, "--fast-forward", "--ticks", "6"],
        ...["--start-time", "2026-03-01T00:00:00Z", "--workers", "1"],
      );

      // Reading a table into pandas, whole and with a filter on `age`.
      const person = await runSnippet(peer, snippets[0], dir);
      const people = await peer.ours(`${output}/person`);
      assertStringIncludes(person.printed, `Total rows: ${people.count}\n`);
      assertSameRows(person.frames.df, people, "df");
      const older = await subset(people, (row) => Number(row.age) > 30);
      assert(older.count > 0 && older.count < people.count);
      assertSameRows(person.frames.df_filtered, older, "df_filtered");

      // Monitoring a table: its version, files and history.
      const orders = await runSnippet(peer, snippets[1], dir);
      const snapshot = await readSnapshot(localFs, `${output}/orders`);
      assertStringIncludes(orders.printed, `Version: ${snapshot.version}\n`);
      for (const file of await activeFiles(`${output}/orders`)) {
        assertStringIncludes(orders.printed, `'${file.path}'`);
      }
      const history = /^History: (.*)$/m.exec(orders.printed)?.[1] ?? "";
      assertEquals(history.match(/'version': \d+/g)?.length, snapshot.version + 1, history);
    });
  },
});
