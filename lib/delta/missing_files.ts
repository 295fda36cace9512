/**
 * Data files the log says are active but that are not on disk as the log describes them
 * (deleted by hand, lost in a copy, cut short): readers such as Spark fail on such a table,
 * so writers refuse to add to it and `inspect` names them.
 *
 * @module
 */
import { type Add, decodePath } from "./actions.ts";
import { type DeltaFs, joinPath } from "./fs.ts";

/** An active file that is missing, or whose size is not the logged one. */
export interface MissingFile {
  /** The file's path in the table, as the log has it (decoded). */
  path: string;
  /** `missing`, or `size` (on disk, but not the size the log says). */
  problem: "missing" | "size";
  /** Its size on disk, for `size`. */
  size?: number;
  /** The size the log says. */
  expected: number;
}

/** Files stat'ed at the same time: enough to hide latency, few enough for any file system. */
const PARALLEL_STATS = 32;

/** The active files of a table that are missing or of another size than logged. */
export async function findMissingFiles(
  fs: DeltaFs,
  table: string,
  files: readonly Pick<Add, "path" | "size">[],
): Promise<MissingFile[]> {
  const out: MissingFile[] = [];
  for (let i = 0; i < files.length; i += PARALLEL_STATS) {
    const chunk = files.slice(i, i + PARALLEL_STATS);
    const stats = await Promise.all(
      chunk.map((file) => fs.stat(joinPath(table, decodePath(file.path)))),
    );
    chunk.forEach((file, k) => {
      const stat = stats[k];
      const path = decodePath(file.path);
      if (stat === null) out.push({ path, problem: "missing", expected: file.size });
      else if (stat.size !== file.size) {
        out.push({ path, problem: "size", size: stat.size, expected: file.size });
      }
    });
  }
  return out;
}

/** What is wrong with the files, naming (the first of) them. */
export function missingFilesReason(missing: readonly MissingFile[]): string {
  const shown = missing.slice(0, 3).map((m) =>
    m.problem === "missing"
      ? `${m.path} (missing)`
      : `${m.path} (${m.size} bytes on disk, ${m.expected} in the log)`
  );
  const more = missing.length > 3 ? ` and ${missing.length - 3} more` : "";
  const files = missing.length === 1 ? "1 data file is" : `${missing.length} data files are`;
  return `${files} not on disk as its log says: ${shown.join(", ")}${more}`;
}

/** Why a table with missing files cannot be written. */
export function missingFilesMessage(table: string, missing: readonly MissingFile[]): string {
  return `Delta table "${table}" cannot be added to: ${missingFilesReason(missing)}. Readers ` +
    "such as Spark fail on it: restore the files, or replace the table (generate --mode " +
    "overwrite, or another --output)";
}
