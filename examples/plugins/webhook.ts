/**
 * An example sink plugin: each flush POSTs the rows written since the last one to a URL, as
 * JSON `{ "table": ..., "tick": ..., "rows": [...] }` per table. Without a `url` it appends
 * the same JSON, a line per flush and table, to `<table>.webhook.jsonl` in the output folder
 * (or beside the config), so the example runs with no receiver.
 *
 *   sinks:
 *     tables:
 *       events: { type: webhook, options: { url: "http://localhost:8080/hook" } }
 *
 * It buffers rows in `write` and sends them in `flush`, as docs/plugins.md asks: nothing is
 * visible before a flush. It cannot read back what it sent, so `run` (which must resume
 * exactly) refuses it; use it with `generate`. Its failures say whether they can heal
 * (`SinkError`): a receiver that is down or answers 429 or 5xx may come back, one that
 * answers another 4xx will not.
 */
import type { PluginApi, Sink } from "../../lib/mod.ts";

type Batch = Parameters<Sink["write"]>[1];

/** A JSON-friendly value of an Arrow cell: bigints as numbers when safe, times as ISO text. */
function plain(value: unknown, type: string): unknown {
  if (typeof value === "bigint") {
    return value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : String(value);
  }
  if (typeof value === "number" && (type.startsWith("Timestamp") || type.startsWith("Date"))) {
    return new Date(Math.floor(value)).toISOString();
  }
  return value;
}

/** POSTs one table's rows; a failure says which table and URL, what to do, and if it can heal. */
async function post(
  SinkError: PluginApi["SinkError"],
  url: string,
  table: string,
  body: string,
  headers: unknown,
): Promise<void> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", ...(headers as Record<string, string>) },
      body,
    });
  } catch (error) {
    throw new SinkError(
      `Cannot POST the rows of table "${table}" to ${url}: ${(error as Error).message}. ` +
        "Start a receiver there, or leave out the sink's `url` option to write the rows to " +
        `${table}.webhook.jsonl instead`,
      { healable: true, cause: error }, // a receiver that is down may come back
    );
  }
  await response.body?.cancel();
  if (!response.ok) {
    const status = response.status;
    throw new SinkError(`${url} answered ${status} to the rows of table "${table}"`, {
      healable: status === 429 || status >= 500,
    });
  }
}

export default ({ defineSink, SinkError }: PluginApi) =>
  defineSink({
    name: "webhook",
    summary: "POSTs each flush's rows as JSON to a URL (one request per table).",
    options: {
      url: {
        type: "string",
        default: "",
        description: "Where to POST; empty: append to `<table>.webhook.jsonl` instead",
        examples: ["http://localhost:8080/hook"],
      },
      headers: { type: "any", default: {}, description: "Extra request headers" },
    },
    create({ url, headers }, { output, configDir }): Sink {
      const pending = new Map<string, Batch[]>();
      const deliver = url === ""
        ? (table: string, body: string) =>
          Deno.writeTextFile(`${output ?? configDir}/${table}.webhook.jsonl`, body + "\n", {
            append: true,
          })
        : (table: string, body: string) => post(SinkError, url as string, table, body, headers);
      const send = async (tick?: number) => {
        for (const [table, batches] of pending) {
          if (batches.length === 0) continue;
          const rows = batches.flatMap((batch) => {
            const names = batch.schema.fields.map((f) => [f.name, String(f.type)]);
            return Array.from({ length: batch.numRows }, (_, i) =>
              Object.fromEntries(
                names.map(([n, t]) => [n, plain(batch.getChild(n)!.get(i), t)]),
              ));
          });
          await deliver(table, JSON.stringify({ table, tick, rows }));
          pending.set(table, []);
        }
      };
      return {
        open(tables) {
          for (const t of tables) pending.set(t.name, []);
          return Promise.resolve();
        },
        write(table, batch) {
          pending.get(table)!.push(batch);
          return Promise.resolve();
        },
        flush: (point) => send(point?.tick),
        close: () => send(),
        abort() {
          pending.clear();
          return Promise.resolve();
        },
      };
    },
  });
