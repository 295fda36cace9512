/**
 * The storage of a table by its location: the local disk for a path, S3 for an `s3://` URL
 * (credentials, region and endpoint as the AWS tools take them). One S3 file system per
 * bucket and settings, kept for the process, so its conditional-write check runs once.
 *
 * @module
 */
import { type DeltaFs, localFs } from "./fs.ts";
import { s3Fs } from "./s3_fs.ts";
import { awsSettings } from "../objstore/aws_config.ts";
import { isObjectStoreUrl, parseS3Url } from "../objstore/location.ts";
import { S3Client } from "../objstore/s3_client.ts";

const stores = new Map<string, DeltaFs>();

/**
 * The file system that holds `location`: {@link localFs} for a local path, an S3 one for
 * `s3://bucket/...`. Other URL schemes are refused, naming what works.
 *
 * @example
 * ```ts
 * const fs = fsFor("s3://lake/out/orders"); // AWS_* variables, ~/.aws/credentials
 * const snapshot = await readSnapshot(fs, "s3://lake/out/orders");
 * ```
 */
export function fsFor(location: string): DeltaFs {
  if (!isObjectStoreUrl(location)) return localFs;
  const { bucket } = parseS3Url(location);
  const settings = awsSettings();
  const key = JSON.stringify([bucket, settings]);
  let fs = stores.get(key);
  if (!fs) {
    fs = s3Fs(new S3Client({ bucket, settings }));
    stores.set(key, fs);
  }
  return fs;
}

export { isObjectStoreUrl };
