/**
 * A small S3 client over `fetch`: the object operations the Delta log needs (GET with a
 * range, HEAD, PUT with `If-None-Match: *`, DELETE, ListObjectsV2) and multipart uploads of
 * large objects, signed with AWS Signature Version 4 (aws4fetch's signer: 11 KB, WebCrypto,
 * no dependencies, where the official SDK adds megabytes to the binary and to start-up).
 *
 * Requests that fail in a way that passes (a connection reset, HTTP 5xx, throttling, a
 * conditional-write conflict) are retried with exponential back-off and jitter; a request
 * whose outcome is unknown (it may have been applied) is reported as ambiguous, so that a
 * conditional PUT retried after its own success is not taken for a lost race.
 *
 * @module
 */
import { AwsV4Signer } from "aws4fetch";
import type { AwsCredentials, AwsSettings } from "./aws_config.ts";

/** How requests are retried. */
export interface RetryPolicy {
  /** Attempts per request, the first included; 8 by default. */
  attempts: number;
  /** The first back-off in ms, doubled per attempt up to `maxMs`; 100 by default. */
  baseMs: number;
  maxMs: number;
}

/** The default: 8 attempts, 0.1 s doubling to 5 s (about 12 s in all before failing). */
export const DEFAULT_RETRY: RetryPolicy = { attempts: 8, baseMs: 100, maxMs: 5_000 };

/** Options of {@link S3Client}. */
export interface S3ClientOptions {
  bucket: string;
  settings: AwsSettings;
  retry?: RetryPolicy;
  /** Objects from this size are uploaded in parts; 16 MiB by default. */
  multipartThreshold?: number;
  /** The size of each part (at least 5 MiB on AWS, but the last); 8 MiB by default. */
  partSize?: number;
  /** Parts uploaded at once; 4 by default. */
  partConcurrency?: number;
  /** Sends a request (tests inject faults); `fetch` by default. */
  fetch?: (request: Request) => Promise<Response>;
  /** Waits between attempts (tests skip the wait). */
  sleep?: (ms: number) => Promise<void>;
}

/** An object's size, modification time (ms) and ETag. */
export interface ObjectInfo {
  size: number;
  lastModified: number;
  etag?: string;
}

/** One object of a listing. */
export interface ListedObject {
  key: string;
  size: number;
  lastModified: number;
}

/**
 * A failed S3 request. `healable` says whether it can pass by itself (the streaming server
 * reads it: 5xx, throttling and connection failures are waited out; a denied access, a missing
 * bucket or a store that cannot do conditional writes stop the table).
 */
export class S3Error extends Error {
  /** Whether a later retry may succeed. */
  readonly healable: boolean;
  /** The HTTP status, when there was an answer. */
  readonly status?: number;
  /** S3's error code (`SlowDown`, `NoSuchBucket`, `AccessDenied`...), when it gave one. */
  readonly code?: string;

  constructor(
    message: string,
    options: { healable: boolean; status?: number; code?: string; cause?: unknown },
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "S3Error";
    this.healable = options.healable;
    if (options.status !== undefined) this.status = options.status;
    if (options.code !== undefined) this.code = options.code;
  }
}

/**
 * Whether an S3 answer can pass by itself, so the request is retried: 5xx but 501 (not
 * implemented), 429 and `SlowDown` (throttling), 408 and `RequestTimeout`, and 409's
 * `ConditionalRequestConflict` and `OperationAborted` (a concurrent operation on the same key,
 * which AWS says to retry). A missing status is a failure of the connection.
 *
 * @example
 * ```ts
 * isTransient(503, "SlowDown"); // true
 * isTransient(412, "PreconditionFailed"); // false: the object exists
 * ```
 */
export function isTransient(status: number | undefined, code?: string): boolean {
  if (status === undefined) return true;
  if (status >= 500) return status !== 501 && status !== 505;
  if (status === 408 || status === 429) return true;
  return code === "SlowDown" || code === "RequestTimeout" || code === "RequestTimeTooSkewed" ||
    code === "ConditionalRequestConflict" || code === "OperationAborted" ||
    code === "InternalError";
}

/** The result of a request that was sent until it got a final answer. */
interface Sent {
  response: Response;
  /** An earlier attempt may have been applied (its answer was lost or a 5xx). */
  ambiguous: boolean;
}

const EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/** A request to sign: `payloadHash` is the hex SHA-256 of the body (signed, so S3 checks it). */
export interface UnsignedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: Uint8Array<ArrayBuffer>;
  payloadHash: string;
}

/**
 * The request signed with AWS Signature Version 4 for S3 (aws4fetch's signer), at `datetime`
 * (`20130524T000000Z`; now by default).
 */
export async function signRequest(
  input: UnsignedRequest,
  credentials: AwsCredentials,
  options: { region: string; datetime?: string; cache?: Map<string, ArrayBuffer> },
): Promise<Request> {
  const signed = await new AwsV4Signer({
    method: input.method,
    url: input.url,
    headers: { ...input.headers, "x-amz-content-sha256": input.payloadHash },
    accessKeyId: credentials.accessKeyId,
    secretAccessKey: credentials.secretAccessKey,
    ...(credentials.sessionToken ? { sessionToken: credentials.sessionToken } : {}),
    service: "s3",
    region: options.region,
    ...(options.datetime ? { datetime: options.datetime } : {}),
    ...(options.cache ? { cache: options.cache } : {}),
  }).sign();
  return new Request(signed.url, {
    method: input.method,
    headers: signed.headers,
    body: input.body ?? null,
  });
}

/** An S3 client of one bucket. */
export class S3Client {
  readonly bucket: string;
  readonly #settings: AwsSettings;
  readonly #retry: RetryPolicy;
  readonly #threshold: number;
  readonly #partSize: number;
  readonly #concurrency: number;
  readonly #fetch: (request: Request) => Promise<Response>;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #signingCache = new Map<string, ArrayBuffer>();
  /** Requests retried after a failure that passes, since the client was made. */
  retries = 0;

  constructor(options: S3ClientOptions) {
    this.bucket = options.bucket;
    this.#settings = options.settings;
    this.#retry = options.retry ?? DEFAULT_RETRY;
    this.#partSize = options.partSize ?? 8 * 1024 * 1024;
    this.#threshold = options.multipartThreshold ?? 16 * 1024 * 1024;
    this.#concurrency = options.partConcurrency ?? 4;
    this.#fetch = options.fetch ?? ((request) => fetch(request));
    this.#sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** `s3://bucket/key`, for messages. */
  url(key: string): string {
    return `s3://${this.bucket}/${key}`;
  }

  /** The object's bytes (of `range`, an HTTP byte range), or null when it does not exist. */
  async get(
    key: string,
    range?: string,
  ): Promise<{ bytes: Uint8Array; size: number } | null> {
    const headers: Record<string, string> = range ? { range } : {};
    const { response } = await this.#send("GET", key, { headers, accept: [404, 416] });
    if (response.status === 404) return discard(response, null);
    if (response.status === 416) {
      // An empty object has no last bytes to give.
      await response.body?.cancel();
      return range ? await this.get(key) : null;
    }
    const bytes = new Uint8Array(await response.arrayBuffer());
    const total = /\/(\d+)$/.exec(response.headers.get("content-range") ?? "")?.[1];
    return { bytes, size: total ? Number(total) : bytes.length };
  }

  /** The object's size and modification time, or null when it does not exist. */
  async head(key: string): Promise<ObjectInfo | null> {
    const { response } = await this.#send("HEAD", key, { accept: [404] });
    await response.body?.cancel();
    if (response.status === 404) return null;
    return {
      size: Number(response.headers.get("content-length") ?? 0),
      lastModified: Date.parse(response.headers.get("last-modified") ?? "") || 0,
      etag: response.headers.get("etag") ?? undefined,
    };
  }

  /**
   * Writes an object. With `ifNoneMatch`, only if the key does not exist (`If-None-Match:
   * *`): `created` is false when it did. `ambiguous` says that an earlier attempt of this
   * very request may have created it (its answer was lost), so a false `created` may be this
   * writer's own object: the caller compares the content.
   */
  async put(
    key: string,
    body: Uint8Array,
    options: { ifNoneMatch?: boolean } = {},
  ): Promise<{ created: boolean; ambiguous: boolean }> {
    if (!options.ifNoneMatch && body.length >= this.#threshold) {
      await this.#multipart(key, body);
      return { created: true, ambiguous: false };
    }
    const headers: Record<string, string> = options.ifNoneMatch ? { "if-none-match": "*" } : {};
    const { response, ambiguous } = await this.#send("PUT", key, {
      headers,
      body,
      accept: options.ifNoneMatch ? [412] : [],
    });
    await response.body?.cancel();
    return { created: response.status !== 412, ambiguous };
  }

  /** Deletes an object; no error when it does not exist. */
  async delete(key: string): Promise<void> {
    const { response } = await this.#send("DELETE", key, { accept: [404] });
    await response.body?.cancel();
  }

  /**
   * The objects under `prefix` (every page of ListObjectsV2); with a `delimiter`, the
   * common prefixes below it too (the sub-folders).
   */
  async list(
    prefix: string,
    delimiter?: string,
  ): Promise<{ objects: ListedObject[]; prefixes: string[] }> {
    const objects: ListedObject[] = [];
    const prefixes: string[] = [];
    let token: string | undefined;
    do {
      const query: [string, string][] = [["list-type", "2"], ["prefix", prefix]];
      if (delimiter) query.push(["delimiter", delimiter]);
      if (token) query.push(["continuation-token", token]);
      const { response } = await this.#send("GET", "", { query });
      const xml = await response.text();
      for (const block of elements(xml, "Contents")) {
        objects.push({
          key: text(block, "Key") ?? "",
          size: Number(text(block, "Size") ?? 0),
          lastModified: Date.parse(text(block, "LastModified") ?? "") || 0,
        });
      }
      for (const block of elements(xml, "CommonPrefixes")) {
        const p = text(block, "Prefix");
        if (p !== undefined) prefixes.push(p);
      }
      token = text(xml, "IsTruncated") === "true" ? text(xml, "NextContinuationToken") : undefined;
    } while (token);
    return { objects, prefixes };
  }

  /** Uploads `body` in parts, several at once; aborts the upload when a part fails for good. */
  async #multipart(key: string, body: Uint8Array): Promise<void> {
    const created = await this.#send("POST", key, { query: [["uploads", ""]] });
    const uploadId = text(await created.response.text(), "UploadId");
    if (!uploadId) {
      throw new S3Error(`${this.url(key)}: the store started no multipart upload`, {
        healable: true,
      });
    }
    try {
      const count = Math.ceil(body.length / this.#partSize);
      const etags: string[] = new Array(count);
      let next = 0;
      const worker = async () => {
        while (next < count) {
          const index = next++;
          const part = body.subarray(index * this.#partSize, (index + 1) * this.#partSize);
          const { response } = await this.#send("PUT", key, {
            query: [["partNumber", String(index + 1)], ["uploadId", uploadId]],
            body: part,
          });
          await response.body?.cancel();
          const etag = response.headers.get("etag");
          if (!etag) {
            throw new S3Error(`${this.url(key)}: part ${index + 1} was stored without an ETag`, {
              healable: true,
            });
          }
          etags[index] = etag;
        }
      };
      await Promise.all(Array.from({ length: Math.min(this.#concurrency, count) }, worker));
      const xml = "<CompleteMultipartUpload>" +
        etags.map((etag, i) =>
          `<Part><PartNumber>${i + 1}</PartNumber><ETag>${escapeXml(etag)}</ETag></Part>`
        ).join("") + "</CompleteMultipartUpload>";
      const { response, ambiguous } = await this.#send("POST", key, {
        query: [["uploadId", uploadId]],
        body: new TextEncoder().encode(xml),
        accept: [404],
      });
      const answer = await response.text();
      if (response.status === 404) {
        // An earlier attempt completed it (its answer was lost): the object is there.
        const info = ambiguous ? await this.head(key) : null;
        if (info?.size === body.length) return;
        throw errorOf(this.url(key), 404, answer, "completing a multipart upload");
      }
      // CompleteMultipartUpload may answer 200 and fail in the body (AWS docs say so).
      if (/<Error>/.test(answer)) {
        throw errorOf(this.url(key), 500, answer, "completing a multipart upload");
      }
    } catch (error) {
      // The parts cost storage until aborted; a lifecycle rule cleans up what a crash leaves.
      await this.#send("DELETE", key, { query: [["uploadId", uploadId]], accept: [404] })
        .then((r) => r.response.body?.cancel(), () => {});
      throw error;
    }
  }

  /**
   * Sends a signed request until it gets a final answer: 2xx, or one of `accept`; failures
   * that pass are retried (a fresh signature each time), others thrown as {@link S3Error}.
   */
  async #send(
    method: string,
    key: string,
    options: {
      query?: [string, string][];
      headers?: Record<string, string>;
      body?: Uint8Array;
      accept?: number[];
    } = {},
  ): Promise<Sent> {
    const credentials = this.#settings.credentials;
    if (!credentials) {
      throw new S3Error(
        `No AWS credentials for ${this.url(key)}: set AWS_ACCESS_KEY_ID and ` +
          "AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary ones), or AWS_PROFILE " +
          "with a profile of ~/.aws/credentials",
        { healable: false },
      );
    }
    const url = this.#urlOf(key, options.query ?? []);
    // Every Uint8Array is a fine body; the DOM types want one over an ArrayBuffer.
    const body = options.body as Uint8Array<ArrayBuffer> | undefined;
    const payloadHash = body && body.length > 0 ? await sha256Hex(body) : EMPTY_SHA256;
    let ambiguous = false;
    for (let attempt = 1;; attempt++) {
      let failure: S3Error;
      try {
        const request = await signRequest(
          { method, url, headers: options.headers ?? {}, payloadHash, ...(body ? { body } : {}) },
          credentials,
          { region: this.#settings.region, cache: this.#signingCache },
        );
        const response = await this.#fetch(request);
        if (response.ok || options.accept?.includes(response.status)) {
          return { response, ambiguous };
        }
        const answer = method === "HEAD" ? "" : await response.text().catch(() => "");
        failure = errorOf(this.url(key), response.status, answer, method + describe(options));
        if (response.status >= 500 && method !== "GET" && method !== "HEAD") ambiguous = true;
      } catch (error) {
        if (error instanceof S3Error) throw error;
        // No answer: the request may or may not have reached the store.
        if (method !== "GET" && method !== "HEAD") ambiguous = true;
        failure = new S3Error(
          `${method} ${this.url(key)} failed: ${(error as Error).message}`,
          { healable: true, cause: error },
        );
      }
      if (!failure.healable || attempt >= this.#retry.attempts) {
        if (failure.healable) failure.message += ` (after ${attempt} attempts)`;
        throw failure;
      }
      this.retries++;
      const limit = Math.min(this.#retry.maxMs, this.#retry.baseMs * 2 ** (attempt - 1));
      await this.#sleep(limit / 2 + Math.random() * limit / 2);
    }
  }

  /** The request URL: path-style under a custom endpoint, virtual-hosted on AWS. */
  #urlOf(key: string, query: [string, string][]): string {
    const path = key.split("/").map(encodeRfc3986).join("/");
    const { endpoint, region } = this.#settings;
    const base = endpoint
      ? `${endpoint}/${this.bucket}`
      // A bucket with dots breaks the TLS name of virtual hosting: path-style for it.
      : this.bucket.includes(".")
      ? `https://s3.${region}.amazonaws.com/${this.bucket}`
      : `https://${this.bucket}.s3.${region}.amazonaws.com`;
    const search = query.map(([k, v]) => `${encodeRfc3986(k)}=${encodeRfc3986(v)}`).join("&");
    return `${base}/${path}${search ? `?${search}` : ""}`;
  }
}

/** The S3 error of an answer: its `<Code>` and `<Message>`, healable when it passes. */
function errorOf(url: string, status: number, body: string, what: string): S3Error {
  const code = text(body, "Code");
  const message = text(body, "Message");
  const hint = status === 403
    ? " (check the credentials and the bucket's permissions)"
    : code === "NoSuchBucket"
    ? " (create the bucket first)"
    : "";
  return new S3Error(
    `${what} of ${url} failed: HTTP ${status}${code ? ` ${code}` : ""}${
      message ? `: ${message}` : ""
    }${hint}`,
    { healable: isTransient(status, code), status, ...(code ? { code } : {}) },
  );
}

function describe(options: { query?: [string, string][] }): string {
  const names = (options.query ?? []).map(([k]) => k).filter((k) => k !== "prefix");
  return names.length ? ` (${names.join(", ")})` : "";
}

async function discard<T>(response: Response, value: T): Promise<T> {
  await response.body?.cancel();
  return value;
}

/** Percent-encodes as SigV4 wants: everything but unreserved characters (RFC 3986). */
function encodeRfc3986(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes as BufferSource));
  let hex = "";
  for (const b of digest) hex += b.toString(16).padStart(2, "0");
  return hex;
}

/** The inner texts of every `<name>` element (not nested in one another). */
function elements(xml: string, name: string): string[] {
  const out: string[] = [];
  const pattern = new RegExp(`<${name}>([\\s\\S]*?)</${name}>`, "g");
  for (const match of xml.matchAll(pattern)) out.push(match[1]);
  return out;
}

/** The decoded text of the first `<name>` element, or undefined. */
function text(xml: string, name: string): string | undefined {
  const match = new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(xml);
  return match ? unescapeXml(match[1]) : undefined;
}

function unescapeXml(value: string): string {
  return value.replace(/&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g, (_, entity: string) => {
    if (entity[0] === "#") {
      return String.fromCodePoint(
        entity[1] === "x" ? parseInt(entity.slice(2), 16) : Number(entity.slice(1)),
      );
    }
    return { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" }[entity]!;
  });
}

function escapeXml(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}
