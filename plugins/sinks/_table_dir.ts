/**
 * The table folders of the file sinks: refusing a non-empty folder, staging a replacement
 * beside it, publishing finished files by rename, and the swap at close.
 *
 * A table lives in `DIR/<table>/`. In mode "error" that folder must be missing or empty, and
 * new files go straight into it. In mode "overwrite" over a non-empty folder, new files go to
 * a staging folder `DIR/.<table>.staging-<id>/` and replace the old folder only at
 * {@link TableDir.commit}, so a run that fails before then leaves the old table as it was.
 * Every file is written under a `.tmp-` name first and renamed into place once complete.
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
  /** Where new files go: {@link path}, or the staging folder when replacing a table. */
  readonly writeDir: string;
  /** A fresh temporary path in {@link writeDir} for a file to be published as `fileName`. */
  tempPath(fileName: string): string;
  /** Renames a complete temporary file to `fileName` in {@link writeDir}. */
  publish(tempPath: string, fileName: string): Promise<void>;
  /** Makes the staged files the table (swapping out the old folder); a no-op without staging. */
  commit(): Promise<void>;
  /**
   * Removes what this run left unfinished: temporary files and the staging folder. Files
   * already published (flushed) stay; a table folder this run created goes if still empty.
   */
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
      const writeDir = occupied.has(name) ? join(dir, `.${name}.staging-${shortId()}`) : path;
      const created = !(await exists(writeDir));
      await Deno.mkdir(writeDir, { recursive: true });
      dirs.set(name, tableDir(name, path, writeDir, created));
    }
  } catch (error) {
    for (const prepared of dirs.values()) await prepared.discard();
    throw error;
  }
  return dirs;
}

function tableDir(name: string, path: string, writeDir: string, created: boolean): TableDir {
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
      if (writeDir === path) return;
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
      if (writeDir !== path) {
        await removeIfPresent(writeDir);
        return;
      }
      for (const temp of temps) await removeIfPresent(temp);
      temps.clear();
      // Deno.remove without recursive refuses a folder that holds flushed files.
      if (created) await Deno.remove(writeDir).catch(() => {});
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
