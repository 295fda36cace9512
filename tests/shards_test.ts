/**
 * Shards: N processes (here N CLI runs in this process, at once) each make their part of every
 * table into the same Delta tables, and the union is the single-process output row for row,
 * for N = 1, 2, 3 and 7, with foreign keys (zipf), `copy_from_fk` and `is_unique` keys.
 */
import { assert, assertEquals, assertRejects, assertStringIncludes } from "./_assert.ts";
import { cli, withTempDir, writeConfig } from "./_cli.ts";
import { outputDigests, SHARD_CONFIG, SHARD_TABLES } from "./_shards.ts";
import { localFs } from "../lib/delta/fs.ts";
import { readSnapshot } from "../lib/delta/log_reader.ts";
import { loadConfig } from "../lib/config/mod.ts";
import { engineOptions, runInputs, tableSpecs } from "../lib/config/engine_specs.ts";
import { Engine } from "../lib/engine/engine.ts";
import { generateAppIdBase, generateShard } from "../lib/parallel/shard_generate.ts";
import { createDeltaSink } from "../plugins/sinks/delta.ts";
import type { Sink } from "../lib/plugin/types.ts";
import { StreamingServer } from "../lib/schedule/server.ts";
import { STATE_PROPERTY } from "../lib/state/stream_state.ts";
import { within } from "./_wait.ts";

/** 2026-01-01T00:00:00Z: the run tests' start time. */
const START = Date.UTC(2026, 0, 1);

const COUNTS = [1, 2, 3, 7];

Deno.test("generate: the union of N shards is the single-process output, row for row", async () => {
  await withTempDir(async (dir) => {
    const config = await writeConfig(dir, SHARD_CONFIG);
    const single = await cli("generate", "-c", config, "-o", `${dir}/single`, "--workers", "1");
    assertEquals(single.code, 0, single.stderr);
    const expected = await outputDigests(`${dir}/single`);
    assertEquals(expected.orders.rows, 1000);
    for (const n of COUNTS) {
      const out = `${dir}/shards-${n}`;
      // All at once, as a Kubernetes Indexed Job starts them: they race to create each table.
      const runs = await Promise.all(
        Array.from({ length: n }, (_, i) =>
          cli(
            "generate",
            ...["-c", config, "-o", out, "--shard", `${i}/${n}`, "--workers", "1"],
            ...["--commit-rows", "170", "--batch-size", "64"],
          )),
      );
      for (const run of runs) assertEquals(run.code, 0, run.stderr);
      assertEquals(await outputDigests(out), expected, `${n} shards`);
      const snapshot = await readSnapshot(localFs, `${out}/orders`);
      const shards = [...snapshot.txns.keys()].filter((id) => id.includes(`-of-${n}`));
      assertEquals(shards.length, n, "every shard records its commit point");
      if (n === 3) {
        const inspect = await cli("inspect", `${out}/orders`);
        assertStringIncludes(inspect.stdout, "(3 of 3 have committed):");
        // Each shard's version is its rows committed: 333, 333 and 334 of 1000.
        assertStringIncludes(inspect.stdout, "shard 2/3  version 334");
        const json = JSON.parse((await cli("inspect", `${out}/orders`, "--json")).stdout);
        assertEquals(json.shards[0].versions.sort(), [333, 333, 334]);
      }
    }
  });
});

Deno.test("generate: a shard run again commits nothing; one stopped midway goes on after its last commit", async () => {
  await withTempDir(async (dir) => {
    const config = await writeConfig(dir, SHARD_CONFIG);
    const out = `${dir}/out`;
    const args = ["generate", "-c", config, "-o", out, "--workers", "1", "--commit-rows", "100"];
    const first = await cli(...args, "--shard", "0/2");
    assertEquals(first.code, 0, first.stderr);
    const again = await cli(...args, "--shard", "0/2");
    assertEquals(again.code, 0, again.stderr);
    assertStringIncludes(again.stdout, "orders: rows 1..500 of 1000: already committed");
    assertStringIncludes(again.stdout, "wrote 0 rows");
    // Shard 1 dies after its third commit to orders (as a kill would leave it), then runs again.
    const { config: loaded } = await loadConfig(config);
    const specs = tableSpecs(loaded!);
    const engine = new Engine(specs, runInputs(loaded!, {}, new Date(0)), engineOptions(loaded!));
    const shard = { index: 1, count: 2 };
    const bases = new Map<string, string>();
    for (const t of Object.keys(SHARD_TABLES)) {
      bases.set(t, await generateAppIdBase(loaded!, specs, t, engine.inputs));
    }
    let flushes = 0;
    const dying = (table: string): Sink => {
      const sink = createDeltaSink({ dir: out });
      return {
        ...sink,
        async flush(point) {
          if (table === "orders" && ++flushes > 3) throw new Error("killed");
          return await sink.flush(point);
        },
      };
    };
    const options = {
      tables: Object.keys(SHARD_TABLES),
      shard,
      appIdBase: (t: string) => bases.get(t)!,
      commitRows: 100,
    };
    await assertRejects(
      () => generateShard(engine, { ...options, sinkFor: dying }),
      Error,
      "killed",
    );
    const snapshot = await readSnapshot(localFs, `${out}/orders`);
    assertEquals(snapshot.txns.get(`${bases.get("orders")}:shard-1-of-2`)?.version, 300);
    const resumed = await generateShard(engine, {
      ...options,
      sinkFor: () => createDeltaSink({ dir: out }),
    });
    const orders = resumed.find((t) => t.table === "orders")!;
    assertEquals([orders.resumedFrom, orders.rows], [300, 200]);
    const single = await cli("generate", "-c", config, "-o", `${dir}/single`, "--workers", "1");
    assertEquals(single.code, 0, single.stderr);
    assertEquals(await outputDigests(out), await outputDigests(`${dir}/single`));
  });
});

Deno.test("generate --shard: refuses overwrite, append, plain files, a missing reference time and a table of another run", async () => {
  await withTempDir(async (dir) => {
    const config = await writeConfig(dir, SHARD_CONFIG);
    const base = ["generate", "-c", config, "-o", `${dir}/out`, "--shard", "0/2"];
    const overwrite = await cli(...base, "--mode", "overwrite");
    assertEquals(overwrite.code, 2);
    assertStringIncludes(overwrite.stderr, "--mode overwrite with --shard is refused");
    const append = await cli(...base, "--mode", "append");
    assertEquals(append.code, 2);
    assertStringIncludes(append.stderr, "--mode append with --shard is refused");
    const csv = await cli(...base, "--format", "csv");
    assertEquals(csv.code, 2);
    assertStringIncludes(csv.stderr, "--shard needs --format delta");
    const noTime = await writeConfig(
      dir,
      SHARD_CONFIG.replace(/ {2}reference_time.*\n/, ""),
      "b.yaml",
    );
    const unfixed = await cli("generate", "-c", noTime, "-o", `${dir}/out`, "--shard", "0/2");
    assertEquals(unfixed.code, 2);
    assertStringIncludes(unfixed.stderr, "--shard needs a reference time all shards share");
    const both = await cli(...base, "--shards", "2");
    assertEquals(both.code, 2);
    assertStringIncludes(both.stderr, "not both");

    // An unsharded table, then shards into it; then shards of another count.
    assertEquals(
      (await cli("generate", "-c", config, "-o", `${dir}/plain`, "-t", "countries")).code,
      0,
    );
    const onPlain = await cli(
      "generate",
      "-c",
      config,
      "-o",
      `${dir}/plain`,
      "-t",
      "countries",
      "--shard",
      "0/2",
    );
    assertEquals(onPlain.code, 1);
    assertStringIncludes(onPlain.stderr, "was not written by the shards of this run");
    assertEquals((await cli(...base, "-t", "countries")).code, 0);
    const other = await cli(
      "generate",
      "-c",
      config,
      "-o",
      `${dir}/out`,
      "-t",
      "countries",
      "--shard",
      "0/3",
    );
    assertEquals(other.code, 1);
    assertStringIncludes(other.stderr, "was written by 2 shards of this run, not 3");
    const seed = await cli(...base, "-t", "countries", "--seed", "8");
    assertEquals(seed.code, 1);
    assertStringIncludes(seed.stderr, "was not written by the shards of this run");
  });
});

Deno.test("generate: the shard comes from TABLESTREAM_SHARD, or --shards with JOB_COMPLETION_INDEX", async () => {
  const { main } = await import("../lib/cli/main.ts");
  await withTempDir(async (dir) => {
    const config = await writeConfig(dir, SHARD_CONFIG);
    const run = async (env: Record<string, string>, ...extra: string[]) => {
      let stdout = "";
      let stderr = "";
      const code = await main(
        ["generate", "-c", config, "-o", `${dir}/out`, "-t", "countries", ...extra],
        {
          stdout: (t) => void (stdout += t),
          stderr: (t) => void (stderr += t),
          env: (name) => env[name],
        },
      );
      return { code, stdout, stderr };
    };
    const indexed = await run({ JOB_COMPLETION_INDEX: "1" }, "--shards", "3");
    assertEquals(indexed.code, 0, indexed.stderr);
    assertStringIncludes(indexed.stdout, "Shard 1/3");
    const fromEnv = await run({ TABLESTREAM_SHARD: "2/3" });
    assertEquals(fromEnv.code, 0, fromEnv.stderr);
    assertStringIncludes(fromEnv.stdout, "Shard 2/3");
    const flagWins = await run({ TABLESTREAM_SHARD: "2/3" }, "--shard", "0/3");
    assertEquals(flagWins.code, 0, flagWins.stderr);
    assertStringIncludes(flagWins.stdout, "Shard 0/3");
    const missing = await run({}, "--shards", "3");
    assertEquals(missing.code, 2);
    assertStringIncludes(missing.stderr, "needs this process's index in JOB_COMPLETION_INDEX");
    const tooBig = await run({ JOB_COMPLETION_INDEX: "3" }, "--shards", "3");
    assertEquals(tooBig.code, 2);
    assertStringIncludes(tooBig.stderr, "JOB_COMPLETION_INDEX is 3/3");
  });
  assert(SHARD_TABLES.countries);
});

/** Runs `run --fast-forward` for 40 ticks from START as N shards at once (or unsharded). */
async function runShards(config: string, out: string, n: number | undefined, starts?: number[]) {
  const servers = Array.from({ length: n ?? 1 }, (_, i) =>
    new StreamingServer({
      config,
      output: out,
      startTime: new Date(starts?.[i] ?? START),
      fastForward: true,
      ticks: 40,
      workers: 1,
      commitRows: 97,
      pollMs: 5,
      ...(n === undefined ? {} : { shard: { index: i, count: n } }),
    }));
  const summaries = await within(
    `${n ?? 1} servers`,
    Promise.all(servers.map((s) => s.start())),
    120_000,
  );
  for (const summary of summaries) assertEquals(summary.failed, []);
  return summaries;
}

Deno.test("run: the union of N shards is the single-process stream, row for row", async () => {
  await withTempDir(async (dir) => {
    const config = await writeConfig(dir, SHARD_CONFIG);
    await runShards(config, `${dir}/single`, undefined);
    const expected = await outputDigests(`${dir}/single`);
    assert(expected.orders.rows > 1000 + 40 * 100, "orders streamed");
    for (const n of COUNTS) {
      const out = `${dir}/shards-${n}`;
      const summaries = await runShards(config, out, n);
      assertEquals(await outputDigests(out), expected, `${n} shards`);
      const written = summaries.flatMap((s) => s.tables).filter((t) => t.table === "orders");
      assertEquals(written.reduce((sum, t) => sum + t.rowsWritten, 0), expected.orders.rows);
      // Shard 0 alone writes the replaced table.
      const prices = summaries.map((s) => s.tables.some((t) => t.table === "prices"));
      assertEquals(prices, Array.from({ length: n }, (_, i) => i === 0));
    }
  });
});

Deno.test("run: shards started at other times all follow the first shard's stream state", async () => {
  await withTempDir(async (dir) => {
    const config = await writeConfig(dir, SHARD_CONFIG);
    const out = `${dir}/shards`;
    await runShards(config, out, 3, [START, START + 10_000, START + 20_000]);
    const snapshot = await readSnapshot(localFs, `${out}/orders`);
    const startMs = JSON.parse(snapshot.metadata.configuration[STATE_PROPERTY]).startMs;
    assert([START, START + 10_000, START + 20_000].includes(startMs));
    await runShards(config, `${dir}/single`, undefined, [startMs]);
    assertEquals(await outputDigests(out), await outputDigests(`${dir}/single`));
    // Started again with 2 shards, or unsharded, the tables are refused, saying why.
    const two = new StreamingServer({
      config,
      output: out,
      fastForward: true,
      ticks: 1,
      shard: { index: 0, count: 2 },
    });
    await assertRejects(() => two.start(), Error, "is written by 3 shards, not 2 shards");
    const plain = new StreamingServer({ config, output: out, fastForward: true, ticks: 1 });
    await assertRejects(() => plain.start(), Error, "run it with --shard i/3");
  });
});

Deno.test("the process recipe: seq 0 3 | xargs -P 4 -I{} tablestream generate --shard {}/4 ... writes one run's rows", async () => {
  await withTempDir(async (dir) => {
    const config = await writeConfig(dir, SHARD_CONFIG);
    const tablestream = `${Deno.execPath()} run -A ${
      new URL("../main.ts", import.meta.url).pathname
    }`;
    const script = `seq 0 3 | xargs -P 4 -I{} ${tablestream} generate --shard {}/4 ` +
      `--config ${config} --output ${dir}/shards --workers 1`;
    const result = await within(
      "xargs",
      new Deno.Command("bash", { args: ["-c", script], stdout: "piped", stderr: "piped" }).output(),
      120_000,
    );
    assertEquals(result.code, 0, new TextDecoder().decode(result.stderr));
    const single = await cli("generate", "-c", config, "-o", `${dir}/single`, "--workers", "1");
    assertEquals(single.code, 0, single.stderr);
    assertEquals(await outputDigests(`${dir}/shards`), await outputDigests(`${dir}/single`));
  });
});
