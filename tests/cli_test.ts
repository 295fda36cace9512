/** End-to-end CLI tests: real configs in, real files out, read back and compared. */
import { assert, assertEquals, assertStringIncludes } from "./_assert.ts";
import { cli, withTempDir, writeConfig } from "./_cli.ts";
import { localFs } from "../lib/delta/fs.ts";
import { readSnapshot } from "../lib/delta/log_reader.ts";
import {
  partFiles,
  plainRows,
  readCsv,
  readJsonArray,
  readJsonl,
  readOutputTable,
  readParquetDir,
  readSqlFiles,
} from "./_read.ts";

const SHOP = `
version: 1
config:
  seed: 7
  reference_time: "2026-02-01T00:00:00Z"
tables:
  - table_name: customers
    row_count: 120
    columns:
      - column_name: id
        data: row_id
        is_primary_key: true
      - column_name: email
        data: fake.email()
        null_percentage: 0.2
      - column_name: joined
        data: fake.date_between(start_date='-1y', end_date='today')
  - table_name: orders
    row_count: 700
    start_row_id: 5000
    columns:
      - column_name: order_id
        data: row_id
        is_primary_key: true
      - column_name: customer_id
        data: foreign_key("customers", "id", distribution="zipf")
      - column_name: email
        data: copy_from_fk("customer_id", "customers", "email")
      - column_name: qty
        data: random.randint(1, 5)
        type: int32
      - column_name: price
        data: round(random.uniform(1, 100), 2)
      - column_name: at
        data: datetime.now()
`;

const plain = plainRows;

Deno.test("generate writes Delta tables that read back with integrity and types", async () => {
  await withTempDir(async (dir) => {
    const config = await writeConfig(dir, SHOP);
    const result = await cli("generate", "--config", config, "--output", `${dir}/out`);
    assertEquals(result.code, 0, result.stderr);
    assertStringIncludes(result.stdout, "820 rows");
    const customers = await readOutputTable(`${dir}/out/customers`);
    const orders = await readOutputTable(`${dir}/out/orders`);
    assertEquals(customers.numRows, 120);
    assertEquals(orders.numRows, 700);
    const types = Object.fromEntries(orders.schema.fields.map((f) => [f.name, String(f.type)]));
    assertEquals(types, {
      order_id: "Int64",
      customer_id: "Int64",
      email: "Utf8",
      qty: "Int32",
      price: "Float64",
      at: "Timestamp<MICROSECOND, UTC>",
    });
    assertEquals(String(customers.schema.fields[2].type), "Date32<DAY>");
    const byId = new Map(plain(customers).map((r) => [r.id, r]));
    const rows = plain(orders);
    assertEquals(rows[0].order_id, 5000);
    for (const order of rows) {
      const parent = byId.get(order.customer_id);
      assert(parent, `order ${order.order_id}: no customer ${order.customer_id}`);
      assertEquals(order.email, parent.email);
      assertEquals(order.at, Date.parse("2026-02-01T00:00:00Z"));
    }
  });
});

Deno.test("generate is deterministic across runs and batch sizes", async () => {
  await withTempDir(async (dir) => {
    const config = await writeConfig(dir, SHOP);
    for (const [name, size] of [["a", "1000"], ["b", "7"]]) {
      const r = await cli("generate", "-c", config, "-o", `${dir}/${name}`, "--batch-size", size);
      assertEquals(r.code, 0, r.stderr);
    }
    for (const table of ["customers", "orders"]) {
      assertEquals(
        plain(await readOutputTable(`${dir}/b/${table}`)),
        plain(await readOutputTable(`${dir}/a/${table}`)),
      );
    }
  });
});

Deno.test("generate writes CSV and JSON lines with the same values", async () => {
  await withTempDir(async (dir) => {
    const config = await writeConfig(dir, SHOP);
    for (const format of ["csv", "jsonl", "parquet"]) {
      const r = await cli("generate", "-c", config, "-o", `${dir}/${format}`, "-f", format);
      assertEquals(r.code, 0, r.stderr);
    }
    const parquet = plain(await readParquetDir(`${dir}/parquet/orders`));
    const [csvFile] = await partFiles(`${dir}/csv/orders`, ".csv");
    const [header, ...records] = await readCsv(`${dir}/csv/orders/${csvFile}`);
    assertEquals(header, ["order_id", "customer_id", "email", "qty", "price", "at"]);
    assertEquals(records.length, 700);
    const [jsonFile] = await partFiles(`${dir}/jsonl/orders`, ".jsonl");
    const json = await readJsonl(`${dir}/jsonl/orders/${jsonFile}`);
    assertEquals(json.length, 700);
    for (let i = 0; i < 700; i++) {
      const p = parquet[i];
      assertEquals(Number(records[i][0]), p.order_id);
      assertEquals(records[i][2], p.email === null ? "" : p.email);
      assertEquals(Number(records[i][4]), p.price);
      assertEquals(records[i][5], "2026-02-01T00:00:00.000000Z");
      assertEquals(json[i].order_id, p.order_id);
      assertEquals(json[i].email, p.email);
      assertEquals(json[i].qty, p.qty);
      assertEquals(json[i].at, "2026-02-01T00:00:00.000000Z");
    }
  });
});

Deno.test("generate --format json and sql write what JSON and a database read back", async () => {
  await withTempDir(async (dir) => {
    const config = await writeConfig(dir, SHOP);
    for (const format of ["parquet", "json", "sql"]) {
      const r = await cli("generate", "-c", config, "-o", `${dir}/${format}`, "-f", format);
      assertEquals(r.code, 0, r.stderr);
      assertStringIncludes(r.stdout, `(${format})`);
    }
    const parquet = await readParquetDir(`${dir}/parquet/orders`);
    const expected = plain(parquet);
    const [jsonFile] = await partFiles(`${dir}/json/orders`, ".json");
    const json = await readJsonArray(`${dir}/json/orders/${jsonFile}`);
    const sqlFiles = (await partFiles(`${dir}/sql/orders`, ".sql")).map((f) =>
      `${dir}/sql/orders/${f}`
    );
    const sql = await readSqlFiles(sqlFiles, "orders", parquet.schema);
    assertEquals(json.length, 700);
    assertEquals(sql.length, 700);
    for (let i = 0; i < 700; i++) {
      const p = expected[i];
      for (const key of ["order_id", "customer_id", "email", "qty", "price"]) {
        assertEquals(json[i][key], p[key], `json ${key}`);
        const value = sql[i][key];
        assertEquals(typeof value === "bigint" ? Number(value) : value, p[key], `sql ${key}`);
      }
      assertEquals(json[i].at, "2026-02-01T00:00:00.000000Z");
      assertEquals(sql[i].at, "2026-02-01 00:00:00");
    }
    const bad = await cli("generate", "-c", config, "-o", `${dir}/x`, "-f", "xml");
    assertEquals(bad.code, 2);
    assertStringIncludes(bad.stderr, `"delta", "parquet", "csv", "jsonl", "json" or "sql"`);
  });
});

Deno.test("generate --table writes the table and the tables it reads from", async () => {
  await withTempDir(async (dir) => {
    const config = await writeConfig(dir, SHOP);
    const r = await cli("generate", "-c", config, "-o", `${dir}/out`, "--table", "customers");
    assertEquals(r.code, 0, r.stderr);
    const names = [];
    for await (const e of Deno.readDir(`${dir}/out`)) names.push(e.name);
    assertEquals(names, ["customers"]);
    const r2 = await cli("generate", "-c", config, "-o", `${dir}/out2`, "--table", "orders");
    assertEquals(r2.code, 0, r2.stderr);
    assertEquals((await readOutputTable(`${dir}/out2/customers`)).numRows, 120);
    const bad = await cli("generate", "-c", config, "-o", `${dir}/out3`, "--table", "order");
    assertEquals(bad.code, 2);
    assertStringIncludes(bad.stderr, 'did you mean "orders"');
  });
});

Deno.test("a non-empty table folder is refused unless --mode overwrite", async () => {
  await withTempDir(async (dir) => {
    const config = await writeConfig(dir, SHOP);
    assertEquals((await cli("generate", "-c", config, "-o", `${dir}/out`)).code, 0);
    const again = await cli("generate", "-c", config, "-o", `${dir}/out`, "--seed", "8");
    assertEquals(again.code, 1);
    assertStringIncludes(again.stderr, "--mode overwrite");
    const before = plain(await readOutputTable(`${dir}/out/orders`));
    const over = await cli(
      "generate",
      "-c",
      config,
      "-o",
      `${dir}/out`,
      "--seed",
      "8",
      "--mode",
      "overwrite",
    );
    assertEquals(over.code, 0, over.stderr);
    const after = plain(await readOutputTable(`${dir}/out/orders`));
    assertEquals(after.length, 700);
    assert(
      JSON.stringify(after) !== JSON.stringify(before),
      "overwrite with another seed changed nothing",
    );
  });
});

Deno.test("an invalid config exits 2, prints positioned diagnostics and writes nothing", async () => {
  await withTempDir(async (dir) => {
    const config = await writeConfig(
      dir,
      SHOP.replace("data: fake.email()", "data: fake.emial()").replace(
        '"customers", "id", distribution',
        '"customer", "id", distribution',
      ),
    );
    for (const command of ["generate", "preview", "validate"]) {
      const r = await cli(
        command,
        "-c",
        config,
        ...(command === "generate" ? ["-o", `${dir}/out`] : []),
      );
      assertEquals(r.code, 2, command);
      assertStringIncludes(r.stderr, "config.yaml:14:");
      assertStringIncludes(r.stderr, "fake.email()");
      assertStringIncludes(r.stderr, "customers");
    }
    let exists = true;
    await Deno.stat(`${dir}/out`).catch(() => exists = false);
    assertEquals(exists, false);
  });
});

Deno.test("validate, preview and help on the bundled example", async () => {
  const ok = await cli("validate", "--config", "examples/streaming_config.yaml");
  assertEquals(ok.code, 0, ok.stderr);
  assertStringIncludes(ok.stdout, "3 tables");
  const preview = await cli(
    "preview",
    "-c",
    "examples/streaming_config.yaml",
    "-t",
    "orders",
    "-n",
    "3",
  );
  assertEquals(preview.code, 0, preview.stderr);
  assertStringIncludes(preview.stdout, "customer_email");
  assertEquals(preview.stdout.trim().split("\n").length >= 5, true);
  for (const command of ["generate", "preview", "validate"]) {
    const help = await cli(command, "--help");
    assertEquals(help.code, 0);
    assertStringIncludes(help.stdout, `Usage: tablestream ${command}`);
  }
  assertEquals((await cli("generat")).code, 2);
  assertStringIncludes((await cli("generat")).stderr, 'did you mean "generate"');
  assertEquals((await cli("generate", "--confg", "x")).code, 2);
  assertStringIncludes((await cli("generate", "--confg", "x")).stderr, "did you mean --config");
});

Deno.test("the bundled example generates with intact foreign keys", async () => {
  await withTempDir(async (dir) => {
    const r = await cli("generate", "-c", "examples/streaming_config.yaml", "-o", dir);
    assertEquals(r.code, 0, r.stderr);
    const customers = new Map(
      plain(await readOutputTable(`${dir}/customers`)).map((c) => [c.id, c]),
    );
    const orders = plain(await readOutputTable(`${dir}/orders`));
    assertEquals(orders.length, 5000);
    for (const o of orders) assertEquals(o.customer_email, customers.get(o.customer_id)?.email);
  });
});

Deno.test("main.ts runs as a process and returns exit codes", async () => {
  const run = async (...args: string[]) => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "main.ts", ...args],
      stdout: "piped",
      stderr: "piped",
    }).output();
    return { code: out.code, stderr: new TextDecoder().decode(out.stderr) };
  };
  assertEquals((await run("validate", "-c", "examples/streaming_config.yaml")).code, 0);
  assertEquals((await run("validate")).code, 2);
  assertEquals((await run("validate", "-c", "does/not/exist.yaml")).code, 2);
});

Deno.test("a runtime failure exits 1, names the cell, and leaves no partial tables", async () => {
  await withTempDir(async (dir) => {
    const config = await writeConfig(
      dir,
      `tables:
  - table_name: parents
    row_count: 5
    columns:
      - {column_name: id, data: row_id, is_primary_key: true}
  - table_name: kids
    row_count: 6
    columns:
      - {column_name: id, data: row_id}
      - {column_name: parent_id, data: 'foreign_key("parents", "id", is_unique=True)'}
`,
    );
    const r = await cli("generate", "-c", config, "-o", `${dir}/out`, "--batch-size", "2");
    assertEquals(r.code, 1);
    assertStringIncludes(r.stderr, 'table "kids", column "parent_id", row 6');
    assertStringIncludes(r.stderr, "ran out of parent keys");
    const left: string[] = [];
    for (const e of await localFs.list(`${dir}/out`)) left.push(e.name);
    assertEquals(left, []);
  });
});

Deno.test("generate --mode append adds a commit with new keys and intact joins", async () => {
  await withTempDir(async (dir) => {
    const config = await writeConfig(dir, SHOP);
    const out = `${dir}/out`;
    assertEquals((await cli("generate", "-c", config, "-o", out)).code, 0);
    const appended = await cli("generate", "-c", config, "-o", out, "--mode", "append");
    assertEquals(appended.code, 0, appended.stderr);
    const snapshot = await readSnapshot(localFs, `${out}/orders`);
    assertEquals(snapshot.version, 1);
    assertEquals(snapshot.txns.get("tablestream:orders")?.version, 1);
    assertEquals(snapshot.history.map((h) => h.commitInfo.operation), [
      "CREATE TABLE AS SELECT",
      "WRITE",
    ]);
    const customers = plain(await readOutputTable(`${out}/customers`));
    const orders = plain(await readOutputTable(`${out}/orders`));
    assertEquals(customers.length, 240);
    assertEquals(orders.length, 1400);
    // Keys continue after the rows already there: no duplicates.
    assertEquals(new Set(customers.map((c) => c.id)).size, 240);
    assertEquals(new Set(orders.map((o) => o.order_id)).size, 1400);
    assertEquals(Math.max(...orders.map((o) => o.order_id as number)), 5000 + 1399);
    // Every order's customer exists and its copied email matches.
    const emails = new Map(customers.map((c) => [c.id, c.email]));
    for (const order of orders) {
      assert(emails.has(order.customer_id), `order ${order.order_id} has no customer`);
      assertEquals(order.email, emails.get(order.customer_id));
    }
  });
});

Deno.test("generate --mode append needs the delta format", async () => {
  await withTempDir(async (dir) => {
    const config = await writeConfig(dir, SHOP);
    const r = await cli(
      "generate",
      "-c",
      config,
      "-o",
      `${dir}/o`,
      "-f",
      "csv",
      "--mode",
      "append",
    );
    assertEquals(r.code, 2);
    assertStringIncludes(r.stderr, "--mode append needs --format delta");
  });
});

Deno.test("inspect describes a table; optimize compacts it; --json is machine-readable", async () => {
  await withTempDir(async (dir) => {
    const config = await writeConfig(dir, SHOP);
    const out = `${dir}/out`;
    assertEquals((await cli("generate", "-c", config, "-o", out, "--batch-size", "100")).code, 0);
    assertEquals((await cli("generate", "-c", config, "-o", out, "--mode", "append")).code, 0);
    const text = await cli("inspect", `${out}/orders`);
    assertEquals(text.code, 0, text.stderr);
    for (
      const part of [
        "Version:     1",
        "Protocol:    reader 1, writer 2",
        "Files:       2 active, 1400 rows",
        "  order_id     long",
        "  qty          integer",
        "  at           timestamp",
        "tablestream:orders  version 1",
        "WRITE (Append), 700 rows",
      ]
    ) assertStringIncludes(text.stdout, part);

    const optimized = await cli("optimize", `${out}/orders`);
    assertEquals(optimized.code, 0, optimized.stderr);
    assertStringIncludes(optimized.stdout, "compacted 2 files (1400 rows");
    const json = JSON.parse((await cli("inspect", `${out}/orders`, "--json")).stdout);
    assertEquals(json.version, 2);
    assertEquals(json.files, 1);
    assertEquals(json.rows, 1400);
    assertEquals(json.history[0].operation, "OPTIMIZE");
    assertEquals(json.txns.map((t: { appId: string }) => t.appId).sort(), [
      "tablestream:optimize",
      "tablestream:orders",
    ]);
    assertEquals((await readOutputTable(`${out}/orders`)).numRows, 1400);

    const missing = await cli("inspect", `${dir}/nowhere`);
    assertEquals(missing.code, 1);
    assertStringIncludes(missing.stderr, "is not a Delta table");
  });
});

Deno.test("partition_by in the config gives a partitioned Delta table", async () => {
  await withTempDir(async (dir) => {
    const config = await writeConfig(
      dir,
      `config: {seed: 3}
tables:
  - table_name: events
    row_count: 50
    partition_by: [kind]
    columns:
      - {column_name: id, data: row_id, is_primary_key: true}
      - {column_name: kind, data: 'random.choice(["click", "view", "buy"])'}
`,
    );
    const r = await cli("generate", "-c", config, "-o", `${dir}/out`);
    assertEquals(r.code, 0, r.stderr);
    const snapshot = await readSnapshot(localFs, `${dir}/out/events`);
    assertEquals(snapshot.metadata.partitionColumns, ["kind"]);
    assertEquals(
      [...new Set(snapshot.files.map((f) => f.path.split("/")[0]))].sort(),
      ["kind=buy", "kind=click", "kind=view"],
    );
    const rows = plain(await readOutputTable(`${dir}/out/events`));
    assertEquals(rows.length, 50);
    assertEquals(new Set(rows.map((row) => row.id)).size, 50);
    // The same rows as unpartitioned Parquet output of the same config.
    assertEquals((await cli("generate", "-c", config, "-o", `${dir}/pq`, "-f", "parquet")).code, 0);
    const byId = (a: Record<string, unknown>, b: Record<string, unknown>) =>
      (a.id as number) - (b.id as number);
    assertEquals(rows.sort(byId), plain(await readParquetDir(`${dir}/pq/events`)).sort(byId));
  });
});

Deno.test("validate, generate and a shard of generate warn of a column stored as text because its type is per row", async () => {
  await withTempDir(async (dir) => {
    const config = await writeConfig(
      dir,
      `
version: 1
config: { seed: 1 }
tables:
  - table_name: mixed
    row_count: 4
    columns:
      - { column_name: id, data: row_id }
      - { column_name: text, data: "[1, 'a'][row_id % 2]" }
`,
    );
    for (const command of ["validate", "generate"]) {
      const r = await cli(
        command,
        "-c",
        config,
        ...(command === "generate" ? ["-o", `${dir}/out`, "-f", "jsonl"] : []),
      );
      assertEquals(r.code, 0, `${command}: ${r.stderr}`);
      assertStringIncludes(r.stderr, "untyped-column");
      assertStringIncludes(r.stderr, "config.yaml:9:");
    }
    const [file] = await partFiles(`${dir}/out/mixed`, ".jsonl");
    const rows = await readJsonl(`${dir}/out/mixed/${file}`);
    assertEquals(rows.map((r) => r.text), ["a", "1", "a", "1"]);
    // A shard of generate says it too.
    const shard = await cli(
      "generate",
      ...["-c", config, "-o", `${dir}/shards`, "--shard", "0/2"],
      ...["--reference-time", "2026-01-01T00:00:00Z", "--workers", "1"],
    );
    assertEquals(shard.code, 0, shard.stderr);
    assertStringIncludes(shard.stderr, "untyped-column");
    assertStringIncludes(shard.stderr, "config.yaml:9:");
  });
});

Deno.test("validate computes a sample of each table's changes: an update that fails is an error at its column", async () => {
  await withTempDir(async (dir) => {
    const config = await writeConfig(
      dir,
      `
config: { seed: 1 }
tables:
  - table_name: orders
    row_count: 20
    changes:
      updates_per_minute: 30
      update_columns: [status]
    columns:
      - { column_name: id, data: row_id, is_primary_key: true }
      - column_name: status
        data: '"placed" if version == 0 else previous + 1'
`,
    );
    const r = await cli("validate", "-c", config);
    assertEquals(r.code, 2, r.stderr);
    assertStringIncludes(r.stderr, "config.yaml:12:15: error[runtime-error]");
    assertStringIncludes(r.stderr, 'column "status"');
    const fixed = config.replace("config.yaml", "fixed.yaml");
    await Deno.writeTextFile(
      fixed,
      (await Deno.readTextFile(config)).replace("previous + 1", 'previous + "!"'),
    );
    const ok = await cli("validate", "-c", fixed);
    assertEquals(ok.code, 0, ok.stderr);
  });
});
