/**
 * The small file-system interface the Delta log code works over. The protocol code never
 * touches `Deno.*` directly, so tests can inject failures (a crash between data files and
 * the commit, a lost race), and the same code works over an object store (`s3_fs.ts`).
 *
 * Paths are plain strings joined with `/`: local paths, or `s3://bucket/key` URLs.
 *
 * @module
 */
import { joinPath as joinLocation } from "../objstore/location.ts";

/** An entry of a folder listing. */
export interface FsEntry {
  name: string;
  isFile: boolean;
  isDirectory: boolean;
}

/** What the Delta code needs from storage. */
export interface DeltaFs {
  /** The whole file; throws `Deno.errors.NotFound` when it is missing. */
  readFile(path: string): Promise<Uint8Array>;
  /**
   * The last `length` bytes of a file (all of it when shorter) and its size, without reading
   * the rest (Parquet footers). Optional: {@link readTail} falls back to `readFile`.
   */
  readTail?(path: string, length: number): Promise<{ bytes: Uint8Array; size: number }>;
  /**
   * `length` bytes of a file from `offset`, without reading the rest (the column chunks a
   * reader decodes). Optional: readers then read the whole file.
   */
  readRange?(path: string, offset: number, length: number): Promise<Uint8Array>;
  /** Entries of a folder; an empty list when the folder is missing. */
  list(dir: string): Promise<FsEntry[]>;
  /** Size in bytes and modification time (ms), or null when missing. */
  stat(path: string): Promise<{ size: number; mtime: number } | null>;
  /** Creates a folder and its parents; no error when it exists (nothing on an object store). */
  mkdir(dir: string): Promise<void>;
  /**
   * Writes a new file completely and durably (fsync); fails if it exists. A failed write
   * (a full disk) leaves no partial file behind. Large files go to an object store in parts.
   */
  writeNew(path: string, data: Uint8Array): Promise<void>;
  /**
   * Writes `data` as `path` only if `path` does not exist, atomically: readers see all of it
   * or nothing, and of two writers only one succeeds (a hard link of a temporary file on a
   * local disk, a conditional PUT on an object store). Returns false when `path` already
   * exists: another writer won. The put-if-absent of every commit.
   */
  putIfAbsent(path: string, data: Uint8Array): Promise<boolean>;
  /**
   * Writes `data` as `path`, replacing what is there, atomically (readers see the old or the
   * new file whole); for files that may be overwritten (`_last_checkpoint`), never commits.
   */
  overwrite(path: string, data: Uint8Array): Promise<void>;
  /** Removes a file; no error when missing. */
  remove(path: string): Promise<void>;
  /**
   * Removes a folder and what is in it, where folders exist (a local disk); an object store
   * has none to remove once its files are gone.
   */
  removeFolder?(dir: string): Promise<void>;
}

/** Joins path parts with `/`, without doubling separators, keeping a leading `scheme://`. */
export const joinPath = joinLocation;

/** A table's `_delta_log` folder. */
export function logFolder(table: string): string {
  return joinLocation(table, "_delta_log");
}

/** The last `length` bytes of a file and its size, through `fs.readTail` when it has one. */
export async function readTail(
  fs: DeltaFs,
  path: string,
  length: number,
): Promise<{ bytes: Uint8Array; size: number }> {
  if (fs.readTail) return await fs.readTail(path, length);
  const bytes = await fs.readFile(path);
  return { bytes: bytes.subarray(Math.max(0, bytes.length - length)), size: bytes.length };
}

/** The local disk. */
export const localFs: DeltaFs = {
  readFile: (path) => Deno.readFile(path),
  async readTail(path, length) {
    using file = await Deno.open(path, { read: true });
    const size = (await file.stat()).size;
    const bytes = new Uint8Array(Math.min(length, size));
    await file.seek(size - bytes.length, Deno.SeekMode.Start);
    for (let done = 0; done < bytes.length;) {
      const n = await file.read(bytes.subarray(done));
      if (n === null) throw new Error(`${path} ended while reading its last bytes`);
      done += n;
    }
    return { bytes, size };
  },
  async readRange(path, offset, length) {
    using file = await Deno.open(path, { read: true });
    const bytes = new Uint8Array(length);
    await file.seek(offset, Deno.SeekMode.Start);
    for (let done = 0; done < bytes.length;) {
      const n = await file.read(bytes.subarray(done));
      if (n === null) throw new Error(`${path} ended before byte ${offset + length}`);
      done += n;
    }
    return bytes;
  },
  async list(dir) {
    const entries: FsEntry[] = [];
    try {
      for await (const e of Deno.readDir(dir)) {
        entries.push({ name: e.name, isFile: e.isFile, isDirectory: e.isDirectory });
      }
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
    return entries;
  },
  async stat(path) {
    try {
      const info = await Deno.stat(path);
      return { size: info.size, mtime: info.mtime?.getTime() ?? 0 };
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return null;
      throw error;
    }
  },
  mkdir: (dir) => Deno.mkdir(dir, { recursive: true }),
  async writeNew(path, data) {
    if (data.length > SMALL_WRITE_BYTES) return await writeNewFile(path, data);
    // A small file (a live tick's data file, a commit): creating, writing and closing it are
    // done in this thread, where each async call would cost a hop to a blocking thread and
    // back, a duplicated descriptor and a wake-up; only the fsync, which waits for the
    // disk, goes to a blocking thread.
    const file = Deno.openSync(path, { write: true, createNew: true });
    try {
      for (let done = 0; done < data.length;) done += file.writeSync(data.subarray(done));
      await file.syncData();
    } catch (error) {
      file.close();
      // A partial data file (the disk filled up) must not stay where a reader listing the
      // folder would find it; the write is retried under a new name.
      removeQuietly(path);
      throw error;
    }
    file.close();
  },
  async putIfAbsent(path, data) {
    const temp = await writeTemp(path, data);
    try {
      // A metadata operation that waits for no disk: done in this thread (see writeNew).
      Deno.linkSync(temp, path);
      return true;
    } catch (error) {
      if (error instanceof Deno.errors.AlreadyExists) return false;
      throw error;
    } finally {
      removeQuietly(temp);
    }
  },
  async overwrite(path, data) {
    const temp = await writeTemp(path, data);
    try {
      await Deno.rename(temp, path);
    } catch (error) {
      await Deno.remove(temp).catch(() => {});
      throw error;
    }
  },
  async remove(path) {
    try {
      await Deno.remove(path);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
  },
  async removeFolder(dir) {
    await Deno.remove(dir, { recursive: true }).catch((error) => {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    });
  },
};

/**
 * Files up to this size are created and written in this thread (a live tick's data file, a
 * commit, a checkpoint of a small table); larger ones in a blocking thread, so that writing
 * a large data file does not hold up the event loop.
 */
const SMALL_WRITE_BYTES = 256 * 1024;

/**
 * Writes a new file in a blocking thread: the path of large files. The file is created here
 * and its first write is under way when this returns, so what the caller does meanwhile (a
 * data file's statistics) runs beside the write rather than before it.
 */
async function writeNewFile(path: string, data: Uint8Array): Promise<void> {
  using file = Deno.openSync(path, { write: true, createNew: true });
  try {
    for (let done = 0; done < data.length;) done += await file.write(data.subarray(done));
    await file.syncData();
  } catch (error) {
    // A partial data file (the disk filled up) must not stay where a reader listing the
    // folder would find it; the write is retried under a new name.
    await Deno.remove(path).catch(() => {});
    throw error;
  }
}

/** Removes a file, ignoring a failure (it may be gone already). */
function removeQuietly(path: string): void {
  try {
    Deno.removeSync(path);
  } catch {
    // Nothing to do: a stray temporary file is ignored by readers.
  }
}

/**
 * Writes `data` durably to a fresh temporary file in the `.tmp/` folder beside `path` (made
 * when missing; readers of the log ignore it), whence it is published by a link or a rename.
 */
async function writeTemp(path: string, data: Uint8Array): Promise<string> {
  const slash = path.lastIndexOf("/");
  const dir = slash < 0 ? ".tmp" : `${path.slice(0, slash)}/.tmp`;
  const temp = `${dir}/${path.slice(slash + 1)}.${crypto.randomUUID()}`;
  try {
    await localFs.writeNew(temp, data);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    Deno.mkdirSync(dir, { recursive: true });
    await localFs.writeNew(temp, data);
  }
  return temp;
}
