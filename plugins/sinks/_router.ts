/**
 * One sink made of several: each table goes to the sink its config names (`sinks:`), so a
 * batch run can write some tables as Delta, one to Postgres and one to a webhook at once.
 *
 * @module
 */
import type { FlushResult, Sink, SinkTable } from "../../lib/plugin/types.ts";

/** A sink and the tables it takes. */
export interface Route {
  sink: Sink;
  tables: readonly string[];
}

/**
 * A sink sending each table to its route's sink. Opening opens every sink with its tables
 * (all before any row is written); a flush flushes each; a failure aborts them all.
 */
export function createRoutingSink(routes: readonly Route[]): Sink {
  if (routes.length === 1) return routes[0].sink;
  const byTable = new Map<string, Sink>();
  for (const route of routes) for (const t of route.tables) byTable.set(t, route.sink);
  const sinkOf = (table: string) => {
    const sink = byTable.get(table);
    if (!sink) throw new Error(`Table "${table}" has no sink`);
    return sink;
  };
  let opened: Route[] = [];
  const each = async (step: (sink: Sink) => Promise<unknown>) => {
    for (const route of opened) await step(route.sink);
  };
  return {
    async open(tables, options) {
      const given = new Map(tables.map((t) => [t.name, t]));
      for (const route of routes) {
        const mine = route.tables.map((t) => given.get(t)).filter((t): t is SinkTable => !!t);
        if (mine.length === 0) continue;
        await route.sink.open(mine, options);
        opened.push({ sink: route.sink, tables: mine.map((t) => t.name) });
      }
      for (const table of tables) sinkOf(table.name);
    },
    write: (table, batch) => sinkOf(table).write(table, batch),
    parquetPartSpec: (table) => sinkOf(table).parquetPartSpec?.(table),
    writeParquetPart(table, part) {
      const sink = sinkOf(table);
      if (!sink.writeParquetPart) throw new Error(`The sink of table "${table}" takes batches`);
      return sink.writeParquetPart(table, part);
    },
    recordSpec: (table) => sinkOf(table).recordSpec?.(table),
    writeRecords(table, records) {
      const sink = sinkOf(table);
      if (!sink.writeRecords) throw new Error(`The sink of table "${table}" takes batches`);
      return sink.writeRecords(table, records);
    },
    async flush(point) {
      const result: FlushResult = {};
      await each(async (sink) => {
        const r = await sink.flush(point);
        if (r?.bytes) result.bytes = (result.bytes ?? 0) + r.bytes;
      });
      return result;
    },
    close: () => each((sink) => sink.close()),
    async abort() {
      await each((sink) => sink.abort?.() ?? Promise.resolve());
      opened = [];
    },
    inspect: (table) => sinkOf(table).inspect?.(table) ?? Promise.resolve(null),
    read(table, columns, options) {
      const sink = sinkOf(table);
      if (!sink.read) throw new Error(`The sink of table "${table}" cannot read it back`);
      return sink.read(table, columns, options);
    },
  };
}
