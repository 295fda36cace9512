/**
 * Where a table lives: a local path, or an object-store URL (`s3://bucket/prefix`). Paths of
 * both kinds are plain strings joined with `/`; a URL keeps its `scheme://`.
 *
 * @module
 */

/** A bucket and a key (without a leading `/`) of an S3 URL. */
export interface S3Location {
  bucket: string;
  key: string;
}

/** URL schemes read as S3 (`s3a://` is Hadoop's name for the same). */
const S3_SCHEMES = ["s3://", "s3a://"];

/** A scheme prefix, `gs://`, `abfss://`, `file://`: anything that is not a local path. */
const SCHEME = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//;

/** Whether `path` names an object store (`s3://...`) rather than a local path. */
export function isObjectStoreUrl(path: string): boolean {
  return SCHEME.test(path) && !path.startsWith("file://");
}

/**
 * The bucket and key of an `s3://bucket/key` URL. Other schemes are refused, naming what to
 * use instead (GCS and R2 speak the S3 API).
 *
 * @example
 * ```ts
 * parseS3Url("s3://lake/tables/orders"); // { bucket: "lake", key: "tables/orders" }
 * ```
 */
export function parseS3Url(url: string): S3Location {
  const scheme = S3_SCHEMES.find((s) => url.startsWith(s));
  if (!scheme) {
    const found = SCHEME.exec(url)?.[1] ?? url;
    throw new Error(
      `Cannot write or read "${url}": tablestream speaks the S3 API only (s3://bucket/prefix), ` +
        `not ${found}://. Google Cloud Storage and Cloudflare R2 work through their S3 ` +
        "APIs: s3://bucket/prefix with AWS_ENDPOINT_URL set to the store's S3 endpoint",
    );
  }
  const rest = url.slice(scheme.length);
  const slash = rest.indexOf("/");
  const bucket = slash < 0 ? rest : rest.slice(0, slash);
  const key = slash < 0 ? "" : rest.slice(slash + 1).replace(/\/+$/, "");
  if (!/^[a-z0-9][a-z0-9.\-_]{1,254}$/.test(bucket)) {
    throw new Error(
      `"${url}" does not name a bucket: an S3 URL is s3://bucket/prefix, the bucket 2 to ` +
        "255 characters of lower-case letters, digits, dots, hyphens and underscores",
    );
  }
  if (key && key.split("/").some((part) => part === "" || part === "." || part === "..")) {
    throw new Error(
      `"${url}" has an empty, "." or ".." part in its key; write the prefix without them`,
    );
  }
  return { bucket, key };
}

/** The `s3://` URL of a bucket and key. */
export function s3Url(location: S3Location): string {
  return `s3://${location.bucket}${location.key ? `/${location.key}` : ""}`;
}

/**
 * Joins path parts with `/`, without doubling separators, keeping a leading `scheme://`.
 *
 * @example
 * ```ts
 * joinPath("s3://lake/out/", "orders"); // "s3://lake/out/orders"
 * joinPath("out", "orders", "_delta_log"); // "out/orders/_delta_log"
 * ```
 */
export function joinPath(...parts: string[]): string {
  const joined = parts.filter((p) => p !== "").join("/");
  const scheme = SCHEME.exec(joined)?.[0] ?? "";
  return scheme + joined.slice(scheme.length).replace(/\/{2,}/g, "/");
}
