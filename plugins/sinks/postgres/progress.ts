/**
 * The progress table: one row per table and application with the last commit point, written in
 * the same transaction as the rows, read back to resume.
 *
 * @module
 */
import { type Connection, rows } from "./connection.ts";

export interface ProgressRow {
  appId: string;
  tick: number | null;
  version: number;
  properties: Record<string, string>;
}

/** A table's rows of the progress table, oldest version first (none when it does not exist). */
export async function progressRows(
  db: Connection,
  progress: string,
  table: string,
): Promise<ProgressRow[]> {
  const [[exists]] = await rows(db, "SELECT to_regclass($1) IS NOT NULL", [progress]);
  if (exists !== "t") return [];
  const found = await rows(
    db,
    `SELECT app_id, tick, version, properties FROM ${progress}
      WHERE table_name = $1 ORDER BY version, app_id`,
    [table],
  );
  return found.map(([appId, tick, version, properties]) => ({
    appId: appId!,
    tick: tick === null ? null : Number(tick),
    version: Number(version),
    properties: JSON.parse(properties ?? "{}"),
  }));
}
