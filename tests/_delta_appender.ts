/**
 * A separate writer process for the Delta concurrency and crash tests:
 *
 *   deno run -A tests/_delta_appender.ts TABLE APP_ID COMMITS ROWS [HANG]
 *
 * appends COMMITS commits of ROWS rows to TABLE (a folder, or s3://bucket/prefix with the AWS
 * variables set) under APP_ID (row ids are
 * `writer * 1e6 + commit * ROWS + row`, writer being APP_ID's trailing number). With HANG
 * set to `before-commit` (data files written, nothing committed) or `before-link` (commit's
 * temporary file written, not yet published), the process stops there on the last commit,
 * prints `HANG`, and waits to be killed.
 *
 * @module
 */
import * as arrow from "apache-arrow";
import { type DeltaFs, localFs } from "../lib/delta/fs.ts";
import { fsFor } from "../lib/delta/storage.ts";
import { DeltaWriter } from "../lib/delta/writer.ts";

export const APPENDER_SCHEMA = new arrow.Schema([
  new arrow.Field("id", new arrow.Int64(), false),
  new arrow.Field("writer", new arrow.Utf8(), false),
]);

/** The batch a writer appends in its commit `commit`. */
export function appenderBatch(writer: number, commit: number, rows: number): arrow.Table {
  const ids = new BigInt64Array(rows);
  for (let r = 0; r < rows; r++) ids[r] = BigInt(writer * 1_000_000 + commit * rows + r);
  return new arrow.Table({
    id: arrow.makeVector(ids),
    writer: arrow.vectorFromArray(new Array(rows).fill(`w${writer}`), new arrow.Utf8()),
  });
}

function hangForever(): Promise<never> {
  console.log("HANG");
  return new Promise(() => setInterval(() => {}, 1000));
}

if (import.meta.main) {
  const [table, appId, commits, rows, hang] = Deno.args;
  const writerNumber = Number(/(\d+)$/.exec(appId)?.[1] ?? 0);
  const total = Number(commits);
  let hangNow = false;
  // A local folder, or an s3:// table (the AWS variables name the store).
  const base = fsFor(table);
  const fs: DeltaFs = {
    ...base,
    async putIfAbsent(path, data) {
      if (hangNow && hang === "before-link") {
        // As localFs.putIfAbsent does, up to the link: the temporary file, made durable.
        const tmp = `${path.slice(0, path.lastIndexOf("/"))}/.tmp`;
        await localFs.mkdir(tmp);
        await localFs.writeNew(`${tmp}/${path.slice(path.lastIndexOf("/") + 1)}.killed`, data);
        await hangForever();
      }
      return await base.putIfAbsent(path, data);
    },
  };
  const writer = await DeltaWriter.open(table, { schema: APPENDER_SCHEMA, appId, fs });
  const first = (writer.lastTxnVersion() ?? -1) + 1;
  for (let c = first; c < total; c++) {
    hangNow = c === total - 1 && hang !== undefined;
    const adds = await writer.writeFiles(appenderBatch(writerNumber, c, Number(rows)));
    if (hangNow && hang === "before-commit") await hangForever();
    await writer.commitFiles(adds, "append", { txnVersion: c });
  }
}
