/**
 * The Delta file-system interface over S3 (and the stores that speak its API: MinIO,
 * Cloudflare R2, Google Cloud Storage). Paths are `s3://bucket/key` URLs; folders are key
 * prefixes, so `mkdir` does nothing.
 *
 * A commit is a PUT with `If-None-Match: *`: the store writes it only if no object has that
 * key, and answers 412 otherwise, which is a lost race (another writer has the version), never
 * an overwrite. Before its first commit the file system checks that the store really does
 * conditional writes (a store that ignores the header would let two writers overwrite each
 * other's commits) and refuses the store if not.
 *
 * @module
 */
import type { DeltaFs, FsEntry } from "./fs.ts";
import { parseS3Url } from "../objstore/location.ts";
import { type S3Client, S3Error } from "../objstore/s3_client.ts";

/**
 * The store ignores or refuses `If-None-Match: *`: commits there could overwrite each other.
 * It cannot heal, so the streaming server stops the table.
 */
export class ConditionalWritesUnsupported extends Error {
  readonly healable = false;

  constructor(bucket: string, how: string, options?: { cause?: unknown }) {
    super(
      `The object store of s3://${bucket} ${how}: it does not do conditional writes ` +
        "(PUT with If-None-Match: *), so two writers could overwrite each other's Delta " +
        "commits, and tablestream does not write tables there. Use a store that does " +
        "(AWS S3, MinIO, Cloudflare R2, Google Cloud Storage through its S3 API), or write " +
        "to a local or mounted folder",
      options,
    );
    this.name = "ConditionalWritesUnsupported";
  }
}

/**
 * A {@link DeltaFs} over one bucket of `client`.
 *
 * @example
 * ```ts
 * import { S3Client } from "../objstore/s3_client.ts";
 * import { awsSettings } from "../objstore/aws_config.ts";
 * const fs = s3Fs(new S3Client({ bucket: "lake", settings: awsSettings() }));
 * await fs.putIfAbsent("s3://lake/t/_delta_log/00000000000000000000.json", bytes);
 * ```
 */
export function s3Fs(client: S3Client): DeltaFs {
  let checked: Promise<void> | undefined;

  const keyOf = (path: string): string => {
    const { bucket, key } = parseS3Url(path);
    if (bucket !== client.bucket) {
      throw new Error(`${path} is not in the bucket ${client.bucket} this file system reads`);
    }
    return key;
  };
  const notFound = (path: string) => new Deno.errors.NotFound(`${path} does not exist`);

  /** Once per bucket: a conditional PUT twice to one key must be refused the second time. */
  const checkConditionalWrites = (key: string): Promise<void> => {
    checked ??= (async () => {
      const dir = key.slice(0, key.lastIndexOf("/") + 1);
      const probe = `${dir}.tmp/conditional-write-check-${crypto.randomUUID()}`;
      const bytes = new TextEncoder().encode("tablestream checks If-None-Match\n");
      try {
        await client.put(probe, bytes, { ifNoneMatch: true });
        const second = await client.put(probe, bytes, { ifNoneMatch: true });
        if (second.created && !second.ambiguous) {
          throw new ConditionalWritesUnsupported(
            client.bucket,
            "overwrote an object it was told to keep",
          );
        }
      } catch (error) {
        if (error instanceof S3Error && (error.status === 501 || error.code === "NotImplemented")) {
          throw new ConditionalWritesUnsupported(client.bucket, "refused If-None-Match", {
            cause: error,
          });
        }
        throw error;
      } finally {
        await client.delete(probe).catch(() => {});
      }
    })();
    // A failure that passes (the store down) is checked again next time.
    checked.catch((error) => {
      if (!(error instanceof ConditionalWritesUnsupported)) checked = undefined;
    });
    return checked;
  };

  return {
    async readFile(path) {
      const object = await client.get(keyOf(path));
      if (!object) throw notFound(path);
      return object.bytes;
    },
    async readTail(path, length) {
      const object = await client.get(keyOf(path), `bytes=-${Math.max(1, length)}`);
      if (!object) throw notFound(path);
      return object;
    },
    async list(dir) {
      const key = keyOf(dir);
      const prefix = key ? `${key}/` : "";
      const { objects, prefixes } = await client.list(prefix, "/");
      const entries: FsEntry[] = [];
      for (const object of objects) {
        const name = object.key.slice(prefix.length);
        // A "folder" object some tools make ("dir/") is not a file of the folder.
        if (name !== "") entries.push({ name, isFile: true, isDirectory: false });
      }
      for (const p of prefixes) {
        entries.push({
          name: p.slice(prefix.length).replace(/\/$/, ""),
          isFile: false,
          isDirectory: true,
        });
      }
      return entries;
    },
    async stat(path) {
      const info = await client.head(keyOf(path));
      return info ? { size: info.size, mtime: info.lastModified } : null;
    },
    async mkdir() {},
    async writeNew(path, data) {
      const key = keyOf(path);
      await checkConditionalWrites(key);
      // Data files have unique names; only small objects carry the condition, as a
      // multipart upload is not conditional on every store.
      const { created, ambiguous } = await client.put(key, data, {
        ifNoneMatch: data.length < 5 * 1024 * 1024,
      });
      if (!created && !ambiguous) throw new Deno.errors.AlreadyExists(`${path} exists`);
    },
    async putIfAbsent(path, data) {
      const key = keyOf(path);
      await checkConditionalWrites(key);
      const { created, ambiguous } = await client.put(key, data, { ifNoneMatch: true });
      if (created) return true;
      if (!ambiguous) return false;
      // An attempt whose answer was lost may have written it: then the object is ours.
      const existing = await client.get(key);
      return existing !== null && equalBytes(existing.bytes, data);
    },
    async overwrite(path, data) {
      await client.put(keyOf(path), data);
    },
    async remove(path) {
      await client.delete(keyOf(path));
    },
  };
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
