/**
 * Reading checkpoints (PROTOCOL.md, "Checkpoints"): classic and multi-part Parquet files (V1
 * spec), and V2 spec checkpoints, UUID-named in Parquet or JSON, or classic-named, whose file
 * actions may live in sidecar files under `_delta_log/_sidecars/`. Every kind comes out as the
 * same actions a JSON commit holds.
 *
 * @module
 */
import type { Action } from "./actions.ts";
import { parseCommit } from "./actions.ts";
import { type DeltaFs, joinPath } from "./fs.ts";
import { readParquetColumns } from "../parquet/mod.ts";

/** The action columns of a checkpoint that replay needs. */
const CHECKPOINT_COLUMNS = [
  "txn",
  "add",
  "remove",
  "metaData",
  "protocol",
  "domainMetadata",
  "checkpointMetadata",
  "sidecar",
];
/** Sidecar files hold file actions only (PROTOCOL.md, "Sidecar Files"). */
const SIDECAR_COLUMNS = ["add", "remove"];
/** The folder of sidecar files, in `_delta_log`. */
const SIDECARS = "_sidecars";

/** A `sidecar` action: a file of the checkpoint's file actions. */
interface Sidecar {
  path: string;
  sizeInBytes?: number;
}

/**
 * The actions of one checkpoint file of the log at `logDir` (`file` is its name there), the
 * actions of the sidecar files it names included, in their place. `checkpointMetadata` and
 * `sidecar` actions are dropped: they describe the checkpoint, not the table.
 */
export async function readCheckpoint(fs: DeltaFs, logDir: string, file: string): Promise<Action[]> {
  const path = joinPath(logDir, file);
  const actions = file.endsWith(".json")
    ? parseCommit(new TextDecoder().decode(await fs.readFile(path)), path)
    : await readParquetActions(fs, path, CHECKPOINT_COLUMNS);
  const out: Action[] = [];
  for (const action of actions) {
    const sidecar = action.sidecar as Sidecar | undefined;
    if (sidecar) {
      out.push(...await readSidecar(fs, logDir, sidecar, path));
    } else if (!action.checkpointMetadata) {
      out.push(action);
    }
  }
  return out;
}

/** The file actions of a sidecar; a missing one fails naming it and its checkpoint. */
async function readSidecar(
  fs: DeltaFs,
  logDir: string,
  sidecar: Sidecar,
  checkpoint: string,
): Promise<Action[]> {
  if (typeof sidecar.path !== "string" || sidecar.path === "") {
    throw new Error(`Malformed Delta checkpoint ${checkpoint}: a sidecar action has no path`);
  }
  // Writers are encouraged to store the name only; a full path must still be in _sidecars.
  const name = decodeURIComponent(sidecar.path).split("/").pop()!;
  const path = joinPath(logDir, `${SIDECARS}/${name}`);
  if (await fs.stat(path) === null) {
    throw new Error(
      `Delta checkpoint ${checkpoint} names the sidecar file ${path}, which is missing`,
    );
  }
  return await readParquetActions(fs, path, SIDECAR_COLUMNS);
}

/** The actions of one checkpoint or sidecar Parquet file, shaped like JSON commit actions. */
async function readParquetActions(
  fs: DeltaFs,
  path: string,
  wanted: readonly string[],
): Promise<Action[]> {
  let table;
  try {
    ({ table } = await readParquetColumns(await fs.readFile(path), wanted));
  } catch (error) {
    throw new Error(`Cannot read Delta checkpoint ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const columns = table.schema.fields.map((f) => f.name);
  const vectors = columns.map((name) => table.getChild(name)!);
  const actions: Action[] = [];
  for (let row = 0; row < table.numRows; row++) {
    const action: Action = {};
    columns.forEach((name, i) => {
      const value = vectors[i].get(row);
      if (value !== null && value !== undefined) action[name] = dropNulls(toPlain(value));
    });
    actions.push(action);
  }
  return actions;
}

/** Arrow values (struct rows, map rows, vectors, bigints) as plain JSON-like values. */
function toPlain(value: unknown): unknown {
  if (typeof value === "bigint") return Number(value);
  if (value === null || typeof value !== "object") return value;
  if (value instanceof Uint8Array) return value;
  if (Array.isArray(value)) return value.map(toPlain);
  // Vectors (lists) turn into arrays, struct and map rows into objects.
  const v = value as { toJSON?: () => unknown };
  const json = typeof v.toJSON === "function" ? v.toJSON() : value;
  if (Array.isArray(json)) return json.map(toPlain);
  const out: Record<string, unknown> = {};
  for (const [k, item] of Object.entries(json as Record<string, unknown>)) out[k] = toPlain(item);
  return out;
}

/** Drops the null fields of a checkpoint action (absent optional fields read as nulls). */
function dropNulls(value: unknown): unknown {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null));
}
