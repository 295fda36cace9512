/**
 * The table folders of the file sinks: refusing a non-empty folder, staging a replacement
 * beside it, publishing finished files by rename, and the swap at close.
 *
 * A table lives in `DIR/<table>/`. In mode "error" that folder must be missing or empty; in
 * mode "overwrite" it may hold an older table. Either way new files go to a staging folder
 * `DIR/.<table>.staging-<id>/`, which becomes the table only at {@link TableDir.commit}: a
 * table folder appears whole or not at all, and a run that fails (or is killed) before then
 * leaves what was there as it was. Every file is written under a `.tmp-` name first and
 * renamed into place once complete.
 *
 * @module
 */
import type { SinkOpenOptions } from "../../lib/plugin/types.ts";

/** One table's folder, as a file sink writes it. */
export interface TableDir {
  /** The table name. */
  readonly name: string;
  /** Where the finished table is visible: `DIR/<table>`. */
  readonly path: string;
  /** Where new files go: the staging folder, until {@link commit}. */
  readonly writeDir: string;
  /** A fresh temporary path in {@link writeDir} for a file to be published as `fileName`. */
  tempPath(fileName: string): string;
  /** Renames a complete temporary file to `fileName` in {@link writeDir}. */
  publish(tempPath: string, fileName: string): Promise<void>;
  /** Makes the staged files the table (swapping out an old folder). */
  commit(): Promise<void>;
  /** Removes what this run left unfinished: the staging folder, with everything in it. */
  discard(): Promise<void>;
}

/** A short random id, for names that must not collide with another run's. */
export function shortId(): string {
  return crypto.randomUUID().slice(0, 8);
}

/**
 * Checks every table folder under `dir` first, then prepares them all; a refusal leaves the
 * file system untouched.
 *
 * @throws {Error} When mode is "error" and a table folder is not empty.
 */
export async function openTableDirs(
  dir: string,
  names: readonly string[],
  options: SinkOpenOptions,
): Promise<Map<string, TableDir>> {
  if (options.mode === "append") {
    throw new Error(
      "Plain files cannot be appended to safely; --mode append needs --format delta",
    );
  }
  const occupied = new Set<string>();
  for (const name of names) {
    options.signal?.throwIfAborted();
    checkTableName(name);
    const path = join(dir, name);
    if (await hasEntries(path)) {
      if (options.mode === "error") {
        throw new Error(
          `Table folder "${path}" is not empty; use --mode overwrite to replace it`,
        );
      }
      occupied.add(name);
    }
  }
  const dirs = new Map<string, TableDir>();
  try {
    for (const name of names) {
      options.signal?.throwIfAborted();
      const path = join(dir, name);
      const writeDir = join(dir, `.${name}.staging-${shortId()}`);
      await Deno.mkdir(writeDir, { recursive: true });
      dirs.set(name, tableDir(name, path, writeDir, occupied.has(name)));
    }
  } catch (error) {
    for (const prepared of dirs.values()) await prepared.discard();
    throw error;
  }
  return dirs;
}

function tableDir(name: string, path: string, writeDir: string, replaces: boolean): TableDir {
  const temps = new Set<string>();
  return {
    name,
    path,
    writeDir,
    tempPath(fileName) {
      const temp = join(writeDir, `.tmp-${shortId()}-${fileName}`);
      temps.add(temp);
      return temp;
    },
    async publish(tempPath, fileName) {
      await Deno.rename(tempPath, join(writeDir, fileName));
      temps.delete(tempPath);
    },
    async commit() {
      if (!replaces) {
        // An empty table folder may be there (mode "error" allows it): the staged one takes
        // its place.
        await Deno.remove(path).catch(() => {});
        await Deno.rename(writeDir, path);
        return;
      }
      // No portable atomic swap of two folders exists: move the old one aside, move the new
      // one in, then delete the old one. Only the moment between the two renames lacks a table.
      const old = `${writeDir.slice(0, writeDir.lastIndexOf(".staging-"))}.old-${shortId()}`;
      await Deno.rename(path, old);
      try {
        await Deno.rename(writeDir, path);
      } catch (error) {
        await Deno.rename(old, path);
        throw error;
      }
      await Deno.remove(old, { recursive: true });
    },
    async discard() {
      await removeIfPresent(writeDir);
      temps.clear();
    },
  };
}

/**
 * Writes bytes to a file completely and makes them durable before returning, so a rename
 * afterwards never publishes a partial file.
 */
export async function writeDurably(path: string, chunks: Iterable<Uint8Array>): Promise<void> {
  using file = await Deno.open(path, { write: true, createNew: true });
  for (const chunk of chunks) await writeAll(file, chunk);
  await file.syncData();
}

/** Writes all of `bytes`, however many calls the writer needs. */
export async function writeAll(
  writer: { write(p: Uint8Array): Promise<number> },
  bytes: Uint8Array,
): Promise<void> {
  let done = 0;
  while (done < bytes.length) done += await writer.write(bytes.subarray(done));
}

/** Part file names sort in write order: `part-00000`, `part-00001`, ... */
export function partName(index: number): string {
  return `part-${String(index).padStart(5, "0")}`;
}

/** Refuses a table name that cannot be a folder name. */
export function checkTableName(name: string): void {
  if (name === "" || name === "." || name === ".." || /[\\/\0]/.test(name)) {
    throw new Error(`Table name "${name}" cannot be a folder name; use letters, digits and _`);
  }
}

/** Whether a folder exists and has entries (refusing a file in its place). */
export async function hasEntries(path: string): Promise<boolean> {
  try {
    for await (const _ of Deno.readDir(path)) return true;
    return false;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    if (error instanceof Deno.errors.NotADirectory) {
      throw new Error(`"${path}" is a file, not a table folder; move it away or pick another dir`);
    }
    throw error;
  }
}

async function removeIfPresent(path: string): Promise<void> {
  try {
    await Deno.remove(path, { recursive: true });
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
}

function join(dir: string, name: string): string {
  return dir.endsWith("/") ? dir + name : `${dir}/${name}`;
}

/** Whether anything exists at `path`. */
export async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}
