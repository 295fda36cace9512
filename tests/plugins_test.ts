/**
 * User plugins end to end: the example config with one plugin of each kind generates real
 * tables (and webhook requests); `run` refuses a sink that cannot resume; a plugin that
 * throws at run time stops only its own table; `plugins` lists what a config loads.
 */
import { assert, assertEquals, assertStringIncludes } from "./_assert.ts";
import { cli, withTempDir, writeConfig } from "./_cli.ts";
import { tableRows } from "./_server.ts";

const EXAMPLE = new URL("../examples/plugins/config.yaml", import.meta.url).pathname;
const EXAMPLES = new URL("../examples/plugins/", import.meta.url).pathname;

/** Collects webhook requests on a free local port while `fn` runs. */
async function withWebhook<T>(
  fn: (url: string, received: { table: string; rows: Record<string, unknown>[] }[]) => Promise<T>,
): Promise<T> {
  const received: { table: string; rows: Record<string, unknown>[] }[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    received.push(await req.json());
    return new Response("ok");
  });
  try {
    return await fn(`http://127.0.0.1:${server.addr.port}/payments`, received);
  } finally {
    await server.shutdown();
  }
}

/** The example config in `dir`, posting to `url`, its plugins found where they are. */
async function exampleConfig(dir: string, url: string): Promise<string> {
  const text = (await Deno.readTextFile(EXAMPLE))
    .replace(/^( +)type: webhook$/m, `$1type: webhook\n$1options: { url: "${url}" }`)
    .replace(/^ {2}- (\w+\.ts)$/gm, `  - ${EXAMPLES}$1`);
  return await writeConfig(dir, text);
}

function luhnValid(number: string): boolean {
  const digits = [...number].reverse().map(Number);
  const sum = digits.reduce((s, d, i) => s + (i % 2 ? (d * 2 > 9 ? d * 2 - 9 : d * 2) : d), 0);
  return sum % 10 === 0;
}

Deno.test("the example plugins generate real tables and webhook requests", async () => {
  await withTempDir((dir) =>
    withWebhook(async (url, received) => {
      const config = await exampleConfig(dir, url);
      const result = await cli("generate", "--config", config, "--output", `${dir}/out`);
      assertEquals(result.code, 0, result.stderr);
      assertStringIncludes(result.stdout, `${dir}/out (delta), webhook (sinks.tables.payments)`);

      const customers = new Map((await tableRows(`${dir}/out/customers`)).map((c) => [c.id, c]));
      const cards = await tableRows(`${dir}/out/cards`);
      assertEquals(cards.length, 800);
      for (const card of cards) {
        const number = String(card.number);
        assert(number.length === 16 && number[0] === "4" && luhnValid(number), number);
        const owner = customers.get(card.customer_id);
        assert(owner, `card ${card.card_id} references customer ${card.customer_id}`);
        assertEquals(card.holder, owner.name, "copy_from_fk copies through the plugin's pick");
      }
      // pareto: the oldest fifth of the customers holds most cards.
      const oldest = cards.filter((c) => Number(c.customer_id) <= 100).length / cards.length;
      assert(oldest > 0.6, `pareto skew: ${oldest}`);

      const payments = received.flatMap((r) => r.rows);
      assertEquals(received.every((r) => r.table === "payments"), true);
      assertEquals(payments.length, 300);
      assert(payments.every((p) => /^[0-9a-f]{8}-[0-9a-f]{4}-7/.test(String(p.payment_id))));
      const ids = payments.map((p) => Number(p.card_id));
      assert(ids.every((id) => id >= 1 && id <= 800));
      // exponential from the newest: most payments are of recent cards.
      const mean = ids.reduce((a, b) => a + b, 0) / ids.length;
      assert(mean > 550, `exponential from the newest: mean card ${mean}`);
    })
  );
});

Deno.test("the plugins example runs as examples/README.md documents it, with no receiver", async () => {
  await withTempDir(async (dir) => {
    const result = await cli("generate", "--config", EXAMPLE, "--output", `${dir}/out`);
    assertEquals(result.code, 0, result.stderr);
    const lines = (await Deno.readTextFile(`${dir}/out/payments.webhook.jsonl`)).trim().split("\n");
    const rows = lines.flatMap((line) => JSON.parse(line).rows);
    assertEquals(rows.length, 300);
    assertEquals((await tableRows(`${dir}/out/cards`)).length, 800);
  });
});

Deno.test("a webhook that cannot be reached names the table, the URL and what to do", async () => {
  await withTempDir(async (dir) => {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const url = `http://127.0.0.1:${(listener.addr as Deno.NetAddr).port}/payments`;
    listener.close(); // nothing listens there now
    const config = await exampleConfig(dir, url);
    const result = await cli("generate", "--config", config, "--output", `${dir}/out`);
    assertEquals(result.code, 1);
    assertStringIncludes(result.stderr, `Cannot POST the rows of table "payments" to ${url}`);
    assertStringIncludes(result.stderr, "Start a receiver there, or leave out the sink's `url`");
  });
});

const BUFFERING_SINK = `
export default ({ defineSink }) => defineSink({
  name: "ndjson_file",
  summary: "Buffers rows in write and appends them to a file in flush, as docs/plugins.md says.",
  options: { path: { type: "string", description: "The file" } },
  create({ path }) {
    let pending = [];
    return {
      open: async () => {},
      write: async (table, batch) => {
        for (let i = 0; i < batch.numRows; i++) {
          pending.push(JSON.stringify({ table, id: Number(batch.getChild("id").get(i)) }));
        }
      },
      flush: async () => {
        if (pending.length) await Deno.writeTextFile(path, pending.join("\\n") + "\\n", { append: true });
        pending = [];
      },
      close: async () => {}, // releases only: the rows were committed by flush
      abort: async () => { pending = []; },
    };
  },
});
`;

Deno.test("generate flushes a user sink before closing it, as run does", async () => {
  await withTempDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/ndjson.js`, BUFFERING_SINK);
    const config = await writeConfig(
      dir,
      `plugins: [ndjson.js]
sinks:
  default: { type: ndjson_file, options: { path: "${dir}/rows.ndjson" } }
tables:
  - table_name: t
    row_count: 4000
    columns:
      - { column_name: id, data: row_id }
`,
    );
    const result = await cli("generate", "--config", config, "--batch-size", "1000");
    assertEquals(result.code, 0, result.stderr);
    const lines = (await Deno.readTextFile(`${dir}/rows.ndjson`)).trim().split("\n");
    assertEquals(lines.map((l) => JSON.parse(l).id), Array.from({ length: 4000 }, (_, i) => i + 1));
  });
});

Deno.test("run refuses a sink that cannot resume, naming the table", async () => {
  await withTempDir((dir) =>
    withWebhook(async (url) => {
      const config = await exampleConfig(dir, url);
      const result = await cli("run", "--config", config, "--output", `${dir}/out`, "--ticks", "1");
      assertEquals(result.code, 1);
      assertStringIncludes(result.stderr, 'The sink of table "payments" cannot be resumed');
    })
  );
});

const THROWING = `
export default ({ defineColumnFunction }) => defineColumnFunction({
  name: "fragile",
  summary: "Fails from row 30 on.",
  options: {},
  params: [],
  returns: "int",
  create: () => (_args, cell) => {
    if (cell.rowId >= 30) throw new Error("the plugin broke");
    return cell.rowId * 2;
  },
});
`;

function throwingConfig(plugin: string): string {
  return `
plugins: [${plugin}]
tables:
  - table_name: steady
    row_count: 10
    columns:
      - { column_name: id, data: row_id, is_primary_key: true }
  - table_name: shaky
    row_count: 10
    columns:
      - { column_name: id, data: row_id, is_primary_key: true }
      - { column_name: doubled, data: fragile() }
`;
}

Deno.test("a plugin that throws at run time stops its own table only", async () => {
  await withTempDir(async (dir) => {
    const plugin = `${dir}/fragile.js`;
    await Deno.writeTextFile(plugin, THROWING);
    const config = await writeConfig(dir, throwingConfig(plugin));
    const run = await cli(
      "run",
      "--config",
      config,
      "--output",
      `${dir}/out`,
      "--fast-forward",
      "--ticks",
      "6",
      "--start-time",
      "2026-01-01",
    );
    assertEquals(run.code, 1, run.stderr);
    assertStringIncludes(run.stderr, 'Table "shaky" stopped');
    assertStringIncludes(run.stderr, "the plugin broke");
    assertEquals((await tableRows(`${dir}/out/steady`)).length, 10 + 6 * 10);
    const shaky = await tableRows(`${dir}/out/shaky`);
    assertEquals(shaky.map((r) => r.doubled).slice(0, 3), [2, 4, 6]);
    assert(shaky.length < 30, "no row past the failure was committed");

    const generated = await cli("generate", "--config", config, "--output", `${dir}/gen`);
    assertEquals(generated.code, 0, "10 rows each: row 30 is never reached");
  });
});

Deno.test("plugins --config lists the config's plugins with their sources", async () => {
  await withTempDir((dir) =>
    withWebhook(async (url) => {
      const config = await exampleConfig(dir, url);
      const result = await cli("plugins", "--config", config, "--json");
      assertEquals(result.code, 0, result.stderr);
      const listed = JSON.parse(result.stdout) as { kind: string; name: string; source: string }[];
      const mine = listed.filter((p) => p.source !== "built-in").map((p) => `${p.kind}:${p.name}`);
      assertEquals(mine, ["distribution:pareto", "column:luhn_card_number", "sink:webhook"]);
      assert(listed.some((p) => p.name === "zipf" && p.source === "built-in"));
    })
  );
});
