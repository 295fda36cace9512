/**
 * Our README's Python snippets ("Reading the tables": Spark, delta-rs and Polars) run
 * unchanged in the interop peer on the bundled example written by `run --fast-forward` into
 * `out/`, in the folder that holds it, and see our tables.
 */
import { assertEquals, assertStringIncludes } from "../_assert.ts";
import { withTempDir } from "../_cli.ts";
import { assertSameRows, type Described, interopTest, type Peer } from "./_peer.ts";
import { activeFiles, ok } from "./_ours.ts";
import { localFs } from "../../lib/delta/fs.ts";
import { readSnapshot } from "../../lib/delta/log_reader.ts";

const README = new URL("../../README.md", import.meta.url);
const EXAMPLE = new URL("../../examples/streaming_config.yaml", import.meta.url).pathname;

/** The Python code blocks of the README's section on reading the tables. */
async function readingSnippets(): Promise<string[]> {
  const text = await Deno.readTextFile(README);
  const section = /\n## Reading the tables\n([\s\S]*?)\n## /.exec(text)?.[1];
  if (!section) throw new Error("README.md has no section ## Reading the tables");
  return [...section.matchAll(/```python\n([\s\S]*?)```/g)].map((match) => match[1]);
}

/** What a snippet printed, and each DataFrame (Spark, Polars, pandas) it left, described. */
interface SnippetRun {
  printed: string;
  frames: Record<string, Described>;
}

/**
 * Runs a snippet unchanged in the peer with `cwd` as its working folder, for Python and for
 * Spark's relative paths (the local file system's working folder), and `spark` the session.
 */
function runSnippet(peer: Peer, code: string, cwd: string): Promise<SnippetRun> {
  return peer.py<SnippetRun>(
    "import contextlib, io\n" +
      "import pandas\n" +
      "from pyspark.sql import DataFrame as SparkFrame\n" +
      "session = spark()\n" +
      "Path = session._jvm.org.apache.hadoop.fs.Path\n" +
      "local = session._jvm.org.apache.hadoop.fs.FileSystem.getLocal(\n" +
      "    session._jsc.hadoopConfiguration())\n" +
      "folder = local.getWorkingDirectory()\n" +
      "here = os.getcwd()\n" +
      "printed = io.StringIO()\n" +
      "namespace = {'__name__': '__snippet__', 'spark': session}\n" +
      "os.chdir(args['cwd'])\n" +
      "local.setWorkingDirectory(Path('file:' + args['cwd']))\n" +
      "try:\n" +
      "    with contextlib.redirect_stdout(printed):\n" +
      "        exec(compile(args['code'], 'README.md', 'exec'), namespace)\n" +
      "finally:\n" +
      "    os.chdir(here)\n" +
      "    local.setWorkingDirectory(folder)\n" +
      "def arrow_of(value):\n" +
      "    if isinstance(value, SparkFrame):\n" +
      "        return value.toArrow()\n" +
      "    if isinstance(value, pl.DataFrame):\n" +
      "        return value.to_arrow()\n" +
      "    if isinstance(value, pandas.DataFrame):\n" +
      "        return pa.Table.from_pandas(value, preserve_index=False)\n" +
      "frames = {name: described(arrow_of(value)) for name, value in namespace.items()\n" +
      "          if arrow_of(value) is not None}\n" +
      "result = {'printed': printed.getvalue(), 'frames': frames}",
    { code, cwd },
  );
}

interopTest(
  "the README's Python snippets run unchanged on our run output and see our tables",
  async (peer) => {
    const [sparkSnippet, deltaRsSnippet, ...more] = await readingSnippets();
    assertEquals(more.length, 0, "a new snippet needs its checks here");
    await withTempDir(async (dir) => {
      const out = `${dir}/out`;
      await ok(
        ...["run", "--config", EXAMPLE, "--output", out, "--fast-forward", "--ticks", "6"],
        ...["--start-time", "2026-03-01T00:00:00Z", "--workers", "1"],
      );
      const orders = await peer.ours(`${out}/orders`);
      const { version } = await readSnapshot(localFs, `${out}/orders`);

      // Spark: the table, its history, version 0.
      const spark = await runSnippet(peer, sparkSnippet, dir);
      assertSameRows(spark.frames.orders, orders, "Spark's orders");
      const listed = [...spark.printed.matchAll(/^\|\s*(\d+)\|/gm)].map((m) => Number(m[1]));
      assertEquals(listed.sort((a, b) => a - b), Array.from({ length: version + 1 }, (_, v) => v));

      // delta-rs and Polars: version, schema and files; the table, and a join.
      const deltaRs = await runSnippet(peer, deltaRsSnippet, dir);
      const files = (await activeFiles(`${out}/orders`)).length;
      const first = deltaRs.printed.split("\n")[0];
      assertEquals([first.split(" ")[0], first.split(" ").at(-1)], [
        String(version),
        String(files),
      ]);
      assertSameRows(deltaRs.frames.orders, orders, "Polars' orders");
      assertStringIncludes(deltaRs.printed, "shape: (5,");
    });
  },
);
