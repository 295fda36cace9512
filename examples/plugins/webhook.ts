/**
 * An example sink plugin: each flush POSTs the rows written since the last one to a URL, as
 * JSON `{ "table": ..., "tick": ..., "rows": [...] }` per table.
 *
 *   sinks:
 *     tables:
 *       events: { type: webhook, options: { url: "http://localhost:8080/hook" } }
 *
 * It cannot read back what it sent, so `run` (which must resume exactly) refuses it; use it
 * with `generate`.
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

export default ({ defineSink }: PluginApi) =>
  defineSink({
    name: "webhook",
    summary: "POSTs each flush's rows as JSON to a URL (one request per table).",
    options: {
      url: {
        type: "string",
        description: "Where to POST",
        examples: ["http://localhost:8080/hook"],
      },
      headers: { type: "any", default: {}, description: "Extra request headers" },
    },
    create({ url, headers }): Sink {
      const pending = new Map<string, Batch[]>();
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
          const response = await fetch(url, {
            method: "POST",
            headers: { "content-type": "application/json", ...(headers as Record<string, string>) },
            body: JSON.stringify({ table, tick, rows }),
          });
          await response.body?.cancel();
          if (!response.ok) throw new Error(`${url} answered ${response.status}`);
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
