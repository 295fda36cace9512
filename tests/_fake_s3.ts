/**
 * A small S3 server in memory on a loopback port, for the main suite's tests of the object
 * store code: path-style object GET (with ranges), HEAD, PUT (with `If-None-Match: *`),
 * DELETE, ListObjectsV2 (paged), multipart uploads. It checks that every request is signed
 * and that the body matches its `x-amz-content-sha256`, not the signature itself (moto, in the
 * interop suite, is the real API). Faults are injected on demand: an answer of any status
 * instead of the request, or after applying it (the answer lost: an ambiguous outcome), and a
 * store that ignores or refuses conditional writes.
 *
 * @module
 */

/** A request as faults see it. */
export interface FakeRequest {
  method: string;
  bucket: string;
  key: string;
  query: URLSearchParams;
  headers: Headers;
}

/** A fault: `times` requests that `match` get `status` (and `code`), before or after applying. */
export interface Fault {
  match(request: FakeRequest): boolean;
  status: number;
  code?: string;
  /** Apply the request, then answer the fault (the store did it, the client cannot know). */
  applied?: boolean;
  times?: number;
}

interface StoredObject {
  bytes: Uint8Array;
  mtime: number;
  etag: string;
}

/** The fake server. */
export interface FakeS3 {
  /** `http://127.0.0.1:PORT`, for `AWS_ENDPOINT_URL`. */
  endpoint: string;
  /** Objects of a bucket by key (made with the bucket). */
  objects(bucket: string): Map<string, StoredObject>;
  /** Multipart uploads in progress. */
  uploads: Map<string, { bucket: string; key: string; parts: Map<number, Uint8Array> }>;
  /** Faults to inject, consumed as they match. */
  faults: Fault[];
  /** How the store treats `If-None-Match: *`: honoured, ignored, or refused with 501. */
  conditional: "yes" | "ignored" | "refused";
  /** Requests seen, as `METHOD key?query`. */
  log: string[];
  /** Objects per page of a listing (small, to exercise continuation). */
  pageSize: number;
  /** Every fault consumed, or not. */
  close(): Promise<void>;
}

/** Starts a fake S3 with the given buckets. */
export function startFakeS3(buckets: string[] = ["lake"]): FakeS3 {
  const store = new Map<string, Map<string, StoredObject>>(buckets.map((b) => [b, new Map()]));
  let uploadCount = 0;
  const fake: FakeS3 = {
    endpoint: "",
    objects: (bucket) => store.get(bucket)!,
    uploads: new Map(),
    faults: [],
    conditional: "yes",
    log: [],
    pageSize: 3,
    close: async () => await server.shutdown(),
  };

  const xml = (status: number, body: string) =>
    new Response(`<?xml version="1.0" encoding="UTF-8"?>\n${body}`, {
      status,
      headers: { "content-type": "application/xml" },
    });
  const error = (status: number, code: string) =>
    xml(status, `<Error><Code>${code}</Code><Message>${code}</Message></Error>`);
  const escape = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;");

  async function handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const [bucket = "", ...rest] = url.pathname.slice(1).split("/");
    const key = rest.map(decodeURIComponent).join("/");
    const query = url.searchParams;
    const method = request.method;
    fake.log.push(`${method} ${key}${url.search}`);
    if (!request.headers.get("authorization")?.startsWith("AWS4-HMAC-SHA256 ")) {
      return error(403, "AccessDenied");
    }
    const body = new Uint8Array(await request.arrayBuffer());
    const claimed = request.headers.get("x-amz-content-sha256");
    if (claimed !== await sha256Hex(body)) return error(400, "XAmzContentSHA256Mismatch");
    const objects = store.get(bucket);
    if (!objects) return error(404, "NoSuchBucket");
    const info: FakeRequest = { method, bucket, key, query, headers: request.headers };
    const fault = fake.faults.find((f) => f.match(info));
    if (fault) {
      fault.times = (fault.times ?? 1) - 1;
      if (fault.times <= 0) fake.faults.splice(fake.faults.indexOf(fault), 1);
      if (!fault.applied) return error(fault.status, fault.code ?? "InternalError");
      await apply(info, body, objects);
      return error(fault.status, fault.code ?? "InternalError");
    }
    return await apply(info, body, objects);
  }

  async function apply(
    request: FakeRequest,
    body: Uint8Array,
    objects: Map<string, StoredObject>,
  ): Promise<Response> {
    const { method, key, query, headers } = request;
    if (method === "GET" && key === "" && query.get("list-type") === "2") {
      const prefix = query.get("prefix") ?? "";
      const delimiter = query.get("delimiter");
      const after = query.get("continuation-token") ?? "";
      const entries: string[] = [];
      const seen = new Set<string>();
      for (const k of [...objects.keys()].sort()) {
        if (!k.startsWith(prefix)) continue;
        const cut = delimiter ? k.indexOf(delimiter, prefix.length) : -1;
        const name = cut >= 0 ? k.slice(0, cut + 1) : k;
        if (seen.has(name)) continue;
        seen.add(name);
        entries.push(name);
      }
      const page = entries.filter((e) => e > after).slice(0, fake.pageSize);
      const truncated = entries.filter((e) => e > after).length > page.length;
      const parts = page.map((name) => {
        const object = objects.get(name);
        if (!object) return `<CommonPrefixes><Prefix>${escape(name)}</Prefix></CommonPrefixes>`;
        return `<Contents><Key>${escape(name)}</Key><Size>${object.bytes.length}</Size>` +
          `<LastModified>${new Date(object.mtime).toISOString()}</LastModified></Contents>`;
      });
      return xml(
        200,
        `<ListBucketResult><IsTruncated>${truncated}</IsTruncated>${parts.join("")}` +
          (truncated
            ? `<NextContinuationToken>${escape(page.at(-1)!)}</NextContinuationToken>`
            : "") +
          "</ListBucketResult>",
      );
    }
    if (method === "GET" || method === "HEAD") {
      const object = objects.get(key);
      if (!object) {
        return method === "HEAD" ? new Response(null, { status: 404 }) : error(404, "NoSuchKey");
      }
      const headers = {
        "last-modified": new Date(object.mtime).toUTCString(),
        etag: object.etag,
      };
      if (method === "HEAD") {
        return new Response(null, {
          headers: { ...headers, "content-length": String(object.bytes.length) },
        });
      }
      const range = /^bytes=-(\d+)$/.exec(request.headers.get("range") ?? "");
      if (range) {
        if (object.bytes.length === 0) return error(416, "InvalidRange");
        const start = Math.max(0, object.bytes.length - Number(range[1]));
        return new Response(object.bytes.slice(start) as Uint8Array<ArrayBuffer>, {
          status: 206,
          headers: {
            ...headers,
            "content-range": `bytes ${start}-${object.bytes.length - 1}/${object.bytes.length}`,
          },
        });
      }
      return new Response(object.bytes as Uint8Array<ArrayBuffer>, { headers });
    }
    if (method === "PUT" && query.has("uploadId")) {
      const upload = fake.uploads.get(query.get("uploadId")!);
      if (!upload) return error(404, "NoSuchUpload");
      upload.parts.set(Number(query.get("partNumber")), body);
      return new Response(null, { headers: { etag: `"${await md5ish(body)}"` } });
    }
    if (method === "PUT") {
      const etag = `"${await md5ish(body)}"`;
      // The check and the write with no await between: atomic, as the store's must be.
      if (headers.get("if-none-match") === "*") {
        if (fake.conditional === "refused") return error(501, "NotImplemented");
        if (fake.conditional === "yes" && objects.has(key)) {
          return error(412, "PreconditionFailed");
        }
      }
      objects.set(key, { bytes: body, mtime: Date.now(), etag });
      return new Response(null, { headers: { etag } });
    }
    if (method === "POST" && query.has("uploads")) {
      const id = `upload-${++uploadCount}`;
      fake.uploads.set(id, { bucket: request.bucket, key, parts: new Map() });
      return xml(
        200,
        `<InitiateMultipartUploadResult><UploadId>${id}</UploadId></InitiateMultipartUploadResult>`,
      );
    }
    if (method === "POST" && query.has("uploadId")) {
      const upload = fake.uploads.get(query.get("uploadId")!);
      if (!upload) return error(404, "NoSuchUpload");
      const numbers = [...new TextDecoder().decode(body).matchAll(/<PartNumber>(\d+)</g)].map((
        m,
      ) => Number(m[1]));
      const chunks = numbers.map((n) => upload.parts.get(n)!);
      const all = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
      let offset = 0;
      for (const chunk of chunks) {
        all.set(chunk, offset);
        offset += chunk.length;
      }
      objects.set(key, {
        bytes: all,
        mtime: Date.now(),
        etag: `"${await md5ish(all)}-${numbers.length}"`,
      });
      fake.uploads.delete(query.get("uploadId")!);
      return xml(
        200,
        `<CompleteMultipartUploadResult><Key>${escape(key)}</Key></CompleteMultipartUploadResult>`,
      );
    }
    if (method === "DELETE" && query.has("uploadId")) {
      fake.uploads.delete(query.get("uploadId")!);
      return new Response(null, { status: 204 });
    }
    if (method === "DELETE") {
      objects.delete(key);
      return new Response(null, { status: 204 });
    }
    return error(400, "NotSupportedByTheFake");
  }

  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    handle,
  );
  fake.endpoint = `http://127.0.0.1:${server.addr.port}`;
  return fake;
}

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** An ETag-like digest (S3's is the MD5, which WebCrypto lacks; any digest will do here). */
async function md5ish(bytes: Uint8Array): Promise<string> {
  return (await sha256Hex(bytes)).slice(0, 32);
}

/**
 * The AWS settings of the fake: its endpoint, test keys, region us-east-1, as `S3Client`
 * takes them.
 */
export function fakeSettings(fake: FakeS3) {
  return {
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
    credentialSource: "the tests",
    region: "us-east-1",
    endpoint: fake.endpoint,
  };
}

/**
 * Runs `fn` with the AWS variables pointing at `endpoint` (and back as they were after), for
 * code that finds its store by itself (`fsFor`, the CLI).
 */
export async function withAwsEnv<T>(endpoint: string, fn: () => Promise<T>): Promise<T> {
  const values: Record<string, string> = {
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: "test",
    AWS_REGION: "us-east-1",
  };
  const before = Object.fromEntries(Object.keys(values).map((k) => [k, Deno.env.get(k)]));
  for (const [k, v] of Object.entries(values)) Deno.env.set(k, v);
  try {
    return await fn();
  } finally {
    for (const [k, v] of Object.entries(before)) {
      if (v === undefined) Deno.env.delete(k);
      else Deno.env.set(k, v);
    }
  }
}
