import { assert, assertEquals, assertRejects, assertStringIncludes } from "../../tests/_assert.ts";
import { deltaFixtureTest } from "../../tests/_external.ts";
import { type Action, commitFileName } from "./actions.ts";
import { joinPath, localFs } from "./fs.ts";
import { latestVersion, readCommit, readSnapshot } from "./log_reader.ts";
import { NotADeltaTable, UnsupportedTableFeature } from "./snapshot.ts";

deltaFixtureTest(
  "rs-simple_table: latest is version 4, the stray .tmp commit 5 is ignored",
  async (fixture) => {
    const snapshot = await readSnapshot(localFs, fixture("rs-simple_table"));
    assertEquals(snapshot.version, 4);
    assertEquals(await latestVersion(localFs, fixture("rs-simple_table")), 4);
    assertEquals(snapshot.files.length, 5);
    assertEquals(snapshot.checkpointVersion, undefined);
    assertEquals(snapshot.history.map((h) => h.version), [0, 1, 2, 3, 4]);
    assertEquals(snapshot.history[2].commitInfo.operation, "WRITE");
    assertEquals(snapshot.history[4].commitInfo.operation, "DELETE");
    assertEquals(
      snapshot.metadata.schemaString,
      '{"type":"struct","fields":[{"name":"id","type":"long","nullable":true,"metadata":{}}]}',
    );
    let removes = 0;
    for (let v = 0; v <= 4; v++) {
      removes += (await readCommit(localFs, fixture("rs-simple_table"), v)).filter((a) => a.remove)
        .length;
    }
    assertEquals(removes, 31);
  },
);

deltaFixtureTest("rs-simple_table: time travel to version 0 has its 6 files", async (fixture) => {
  const snapshot = await readSnapshot(localFs, fixture("rs-simple_table"), { version: 0 });
  assertEquals(snapshot.version, 0);
  assertEquals(snapshot.files.length, 6);
  await assertRejects(
    () => readSnapshot(localFs, fixture("rs-simple_table"), { version: 5 }),
    Error,
    "the latest version is 4",
  );
});

deltaFixtureTest(
  "rs-simple_table_with_checkpoint: replay starts at the version-10 checkpoint",
  async (fixture) => {
    const snapshot = await readSnapshot(localFs, fixture("rs-simple_table_with_checkpoint"));
    assertEquals(snapshot.version, 10);
    assertEquals(snapshot.checkpointVersion, 10);
    assertEquals(snapshot.files.length, 11);
    assertEquals(snapshot.history, []);
    assertEquals(snapshot.protocol, { minReaderVersion: 1, minWriterVersion: 2 });
    assertStringIncludes(snapshot.metadata.schemaString, '"name":"version","type":"integer"');
    assert(snapshot.files.every((f) => typeof f.size === "number" && f.size === 442));
    assertEquals(snapshot.files[0].partitionValues, {});
  },
);

deltaFixtureTest(
  "rs-python-0.25.5-checkpoint: checkpoint at 0 then one JSON commit",
  async (fixture) => {
    const snapshot = await readSnapshot(localFs, fixture("rs-python-0.25.5-checkpoint"));
    assertEquals(snapshot.version, 1);
    assertEquals(snapshot.checkpointVersion, 0);
    assertEquals(snapshot.history.map((h) => h.version), [1]);
    // The checkpoint's protocol has null readerFeatures/writerFeatures: read as absent.
    assertEquals(snapshot.protocol, { minReaderVersion: 1, minWriterVersion: 2 });
    assertEquals(snapshot.files.length, 2);
    for (const file of snapshot.files) assertEquals(JSON.parse(file.stats!).numRecords, 3);
  },
);

deltaFixtureTest(
  "rs-delta-2.2.0-partitioned-types: partition columns and values from the log",
  async (fixture) => {
    const snapshot = await readSnapshot(localFs, fixture("rs-delta-2.2.0-partitioned-types"));
    assertEquals(snapshot.version, 0);
    assertEquals(snapshot.metadata.partitionColumns, ["c1", "c2"]);
    assertEquals(
      snapshot.files.map((f) => f.partitionValues),
      [{ c1: "4", c2: "c" }, { c1: "5", c2: "b" }, { c1: "6", c2: "a" }],
    );
  },
);

deltaFixtureTest(
  "rs-table-with-dv-small: the file is re-added with its deletion vector",
  async (fixture) => {
    const snapshot = await readSnapshot(localFs, fixture("rs-table-with-dv-small"));
    assertEquals(snapshot.protocol.readerFeatures, ["deletionVectors"]);
    // The remove (no vector) and the add (with one) are two keys: one file stays active.
    assertEquals(snapshot.files.length, 1);
    assertEquals((snapshot.files[0].deletionVector as { cardinality: number }).cardinality, 2);
  },
);

deltaFixtureTest(
  "spark-basic-with-inserts-overwrite-restore: checkpoint at 3 after restore",
  async (fixture) => {
    const snapshot = await readSnapshot(
      localFs,
      fixture("spark-basic-with-inserts-overwrite-restore"),
    );
    assertEquals(snapshot.version, 3);
    assertEquals(snapshot.checkpointVersion, 3);
    assertEquals(snapshot.files.length, 4);
    // Time travel below the checkpoint replays JSON from version 0.
    const v2 = await readSnapshot(localFs, fixture("spark-basic-with-inserts-overwrite-restore"), {
      version: 2,
    });
    assertEquals(v2.checkpointVersion, undefined);
    assertEquals(v2.files.length, 2);
    assertEquals(v2.history[2].commitInfo.operation, "WRITE");
  },
);

deltaFixtureTest(
  "spark-data-reader-timestamp_ntz: reader 3 with timestampNtz is accepted",
  async (fixture) => {
    const snapshot = await readSnapshot(localFs, fixture("spark-data-reader-timestamp_ntz"));
    assertEquals(snapshot.version, 1);
    assertEquals(snapshot.protocol.minReaderVersion, 3);
    assertEquals(snapshot.protocol.readerFeatures, ["timestampNtz"]);
    assertEquals(snapshot.files.length, 4);
  },
);

deltaFixtureTest("other fixtures: versions and file counts", async (fixture) => {
  for (
    const [name, version, files] of [
      ["rs-table_with_edge_timestamps", 0, 2],
      ["spark-data-skipping-basic-stats-all-types", 0, 1],
      ["spark-kernel-timestamp-TIMESTAMP_MICROS", 0, 5],
      ["spark-basic-decimal-table", 0, 4],
    ] as const
  ) {
    const snapshot = await readSnapshot(localFs, fixture(name));
    assertEquals([snapshot.version, snapshot.files.length], [version, files], name);
  }
});

// A log built by hand in a temp dir.

const PROTOCOL: Action = { protocol: { minReaderVersion: 1, minWriterVersion: 2 } };
const SCHEMA =
  '{"type":"struct","fields":[{"name":"id","type":"long","nullable":true,"metadata":{}}]}';
const metaData = (configuration: Record<string, string> = {}): Action => ({
  metaData: {
    id: "t1",
    format: { provider: "parquet", options: {} },
    schemaString: SCHEMA,
    partitionColumns: [],
    configuration,
  },
});
const add = (path: string): Action => ({
  add: { path, partitionValues: {}, size: 1, modificationTime: 1, dataChange: true },
});
const remove = (path: string): Action => ({ remove: { path, dataChange: true } });
const txn = (appId: string, version: number): Action => ({ txn: { appId, version } });
const info = (operation: string): Action => ({ commitInfo: { operation } });

async function writeLog(table: string, commits: Action[][], from = 0): Promise<void> {
  await Deno.mkdir(joinPath(table, "_delta_log"), { recursive: true });
  for (let i = 0; i < commits.length; i++) {
    const text = commits[i].map((a) => JSON.stringify(a)).join("\n") + "\n";
    await Deno.writeTextFile(joinPath(table, "_delta_log", commitFileName(from + i)), text);
  }
}

async function withTemp(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "log_reader_test_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("replay: adds, removes, overwrite, txn per appId, history", async () => {
  await withTemp(async (table) => {
    await writeLog(table, [
      [
        info("CREATE"),
        PROTOCOL,
        metaData(),
        add("a.parquet"),
        add("b%20c.parquet"),
        txn("app1", 0),
      ],
      [info("WRITE"), add("c.parquet"), remove("a.parquet"), txn("app1", 1), txn("app2", 5)],
      // An overwrite; the remove's path is written decoded, and still matches.
      [info("OVERWRITE"), remove("b c.parquet"), remove("c.parquet"), add("d.parquet"), {
        ...metaData({ "delta.appendOnly": "false" }),
      }],
      // A re-add of the same path replaces the earlier add and moves it last.
      [info("WRITE"), add("e.parquet"), add("d.parquet"), txn("app1", 2), { unknownAction: {} }],
    ]);
    await Deno.mkdir(joinPath(table, "_delta_log", ".tmp"));
    await Deno.writeTextFile(joinPath(table, "_delta_log", ".tmp", commitFileName(4)), "junk");
    await Deno.writeTextFile(joinPath(table, "_delta_log", "00000000000000000004.json.tmp"), "x");

    const snapshot = await readSnapshot(localFs, table);
    assertEquals(snapshot.version, 3);
    assertEquals(await latestVersion(localFs, table), 3);
    assertEquals(snapshot.files.map((f) => f.path), ["e.parquet", "d.parquet"]);
    assertEquals(snapshot.metadata.configuration, { "delta.appendOnly": "false" });
    assertEquals(Object.fromEntries(snapshot.txns), {
      app1: { appId: "app1", version: 2 },
      app2: { appId: "app2", version: 5 },
    });
    assertEquals(
      snapshot.history.map((h) => [h.version, h.commitInfo.operation]),
      [[0, "CREATE"], [1, "WRITE"], [2, "OVERWRITE"], [3, "WRITE"]],
    );

    const v1 = await readSnapshot(localFs, table, { version: 1 });
    assertEquals(v1.files.map((f) => f.path), ["b%20c.parquet", "c.parquet"]);
    assertEquals(v1.txns.get("app1")?.version, 1);
    assertEquals((await readCommit(localFs, table, 1)).length, 5);
  });
});

Deno.test("replay: a gap in the versions is an error naming the missing commit", async () => {
  await withTemp(async (table) => {
    await writeLog(table, [[PROTOCOL, metaData()], [add("a.parquet")]]);
    await writeLog(table, [[add("b.parquet")]], 3);
    await assertRejects(() => readSnapshot(localFs, table), Error, commitFileName(2));
    // Up to the gap the log is fine.
    assertEquals((await readSnapshot(localFs, table, { version: 1 })).files.length, 1);
  });
});

Deno.test("replay: a malformed line is an error naming the file and line", async () => {
  await withTemp(async (table) => {
    await writeLog(table, [[PROTOCOL, metaData()]]);
    await Deno.writeTextFile(
      joinPath(table, "_delta_log", commitFileName(1)),
      '{"add":{"path":"a","partitionValues":{},"size":1,"modificationTime":1,"dataChange":true}}\n{oops\n',
    );
    await assertRejects(() => readSnapshot(localFs, table), Error, `${commitFileName(1)}, line 2`);
  });
});

Deno.test("replay: no log is NotADeltaTable; missing commit 0 without checkpoint is an error", async () => {
  await withTemp(async (table) => {
    await assertRejects(() => readSnapshot(localFs, table), NotADeltaTable);
    assertEquals(await latestVersion(localFs, table), null);
    await writeLog(table, [[add("x")]], 1);
    await assertRejects(() => readSnapshot(localFs, table), Error, commitFileName(0));
    await assertRejects(() => readCommit(localFs, table, 7), Error, "does not exist");
  });
});

Deno.test("replay: unsupported protocols are refused naming the feature", async () => {
  const cases: [Action, Action, string][] = [
    [{ protocol: { minReaderVersion: 4, minWriterVersion: 7 } }, metaData(), "reader version 4"],
    [
      {
        protocol: {
          minReaderVersion: 3,
          minWriterVersion: 7,
          readerFeatures: ["timestampNtz", "variantType"],
          writerFeatures: ["timestampNtz", "variantType"],
        },
      },
      metaData(),
      "variantType",
    ],
    [
      { protocol: { minReaderVersion: 2, minWriterVersion: 5 } },
      metaData({ "delta.columnMapping.mode": "bogus" }),
      'column mapping mode "bogus"',
    ],
  ];
  for (const [protocol, meta, message] of cases) {
    await withTemp(async (table) => {
      await writeLog(table, [[protocol, meta]]);
      await assertRejects(() => readSnapshot(localFs, table), UnsupportedTableFeature, message);
    });
  }
  // Reader 2 without column mapping is fine.
  await withTemp(async (table) => {
    await writeLog(table, [[
      { protocol: { minReaderVersion: 2, minWriterVersion: 5 } },
      metaData(),
    ]]);
    assertEquals((await readSnapshot(localFs, table)).version, 0);
  });
});

deltaFixtureTest(
  "replay: checkpoint found by listing despite a stale or missing _last_checkpoint",
  async (fixture) => {
    await withTemp(async (table) => {
      const log = joinPath(table, "_delta_log");
      await Deno.mkdir(log, { recursive: true });
      const source = joinPath(fixture("rs-simple_table_with_checkpoint"), "_delta_log");
      await Deno.copyFile(
        joinPath(source, "00000000000000000010.checkpoint.parquet"),
        joinPath(log, "00000000000000000010.checkpoint.parquet"),
      );
      // Commits 0..9 were cleaned up: only the checkpoint can give the state.
      await Deno.copyFile(joinPath(source, commitFileName(10)), joinPath(log, commitFileName(10)));
      let snapshot = await readSnapshot(localFs, table);
      assertEquals([snapshot.version, snapshot.checkpointVersion, snapshot.files.length], [
        10,
        10,
        11,
      ]);

      // A stale pointer (to a checkpoint that is gone) and a newer commit after the checkpoint.
      await Deno.writeTextFile(joinPath(log, "_last_checkpoint"), '{"version":5,"size":6}');
      const first = snapshot.files[0].path;
      await writeLog(table, [[info("DELETE"), remove(first), add("new.parquet")]], 11);
      snapshot = await readSnapshot(localFs, table);
      assertEquals([snapshot.version, snapshot.checkpointVersion, snapshot.files.length], [
        11,
        10,
        11,
      ]);
      assertEquals(snapshot.files.at(-1)?.path, "new.parquet");
      assert(!snapshot.files.some((f) => f.path === first));
      assertEquals(snapshot.history.map((h) => h.version), [11]);

      // A malformed _last_checkpoint is ignored too.
      await Deno.writeTextFile(joinPath(log, "_last_checkpoint"), "{nope");
      assertEquals((await readSnapshot(localFs, table)).version, 11);

      // Time travel below the only checkpoint, with commits 0..9 gone, is a clear error.
      await assertRejects(
        () => readSnapshot(localFs, table, { version: 9 }),
        Error,
        "no checkpoint at or below version 9",
      );
    });
  },
);

deltaFixtureTest("replay: multi-part checkpoints count only when complete", async (fixture) => {
  await withTemp(async (table) => {
    const log = joinPath(table, "_delta_log");
    await Deno.mkdir(log, { recursive: true });
    const source = joinPath(fixture("rs-simple_table_with_checkpoint"), "_delta_log");
    const checkpoint = joinPath(source, "00000000000000000010.checkpoint.parquet");
    const part = (i: number) =>
      joinPath(log, `00000000000000000010.checkpoint.000000000${i}.0000000002.parquet`);
    await Deno.copyFile(joinPath(source, commitFileName(10)), joinPath(log, commitFileName(10)));
    await Deno.copyFile(checkpoint, part(1));
    // Part 2 of 2 is missing: no usable checkpoint, and commits 0..9 are gone.
    await assertRejects(() => readSnapshot(localFs, table), Error, commitFileName(0));
    // Both parts (here each a full copy; replay is idempotent): replay starts at 10.
    await Deno.copyFile(checkpoint, part(2));
    const snapshot = await readSnapshot(localFs, table);
    assertEquals([snapshot.version, snapshot.checkpointVersion, snapshot.files.length], [
      10,
      10,
      11,
    ]);
  });
});

deltaFixtureTest(
  "replay: _last_checkpoint finds a checkpoint a lagging listing misses",
  async (fixture) => {
    await withTemp(async (table) => {
      const log = joinPath(table, "_delta_log");
      await Deno.mkdir(log, { recursive: true });
      const source = joinPath(fixture("rs-simple_table_with_checkpoint"), "_delta_log");
      for (const name of ["00000000000000000010.checkpoint.parquet", "_last_checkpoint"]) {
        await Deno.copyFile(joinPath(source, name), joinPath(log, name));
      }
      await Deno.copyFile(joinPath(source, commitFileName(10)), joinPath(log, commitFileName(10)));
      const lagging = {
        ...localFs,
        list: async (dir: string) =>
          (await localFs.list(dir)).filter((e) => !e.name.includes("checkpoint.parquet")),
      };
      const snapshot = await readSnapshot(lagging, table);
      assertEquals([snapshot.version, snapshot.checkpointVersion, snapshot.files.length], [
        10,
        10,
        11,
      ]);
    });
  },
);
