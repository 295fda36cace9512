import { assert, assertEquals, assertRejects } from "../../tests/_assert.ts";
import { fakeSettings, startFakeS3 } from "../../tests/_fake_s3.ts";
import { classifyError } from "../plugin/sink_errors.ts";
import { isTransient, S3Client, S3Error, signRequest } from "./s3_client.ts";

const EMPTY = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
const EXAMPLE_KEYS = {
  accessKeyId: "AKIAIOSFODNN7EXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
};

/** The signature of a request signed at the AWS examples' moment. */
async function signature(
  method: string,
  url: string,
  headers: Record<string, string>,
  payloadHash = EMPTY,
): Promise<string> {
  const request = await signRequest(
    { method, url, headers, payloadHash },
    EXAMPLE_KEYS,
    { region: "us-east-1", datetime: "20130524T000000Z" },
  );
  return /Signature=([0-9a-f]{64})/.exec(request.headers.get("authorization") ?? "")![1];
}

// The examples of AWS's "Signature Calculations for the Authorization Header: Transferring
// Payload in a Single Chunk (AWS Signature Version 4)", Amazon S3 API reference.
Deno.test("SigV4: the signatures of AWS's S3 examples", async () => {
  assertEquals(
    await signature("GET", "https://examplebucket.s3.amazonaws.com/?lifecycle=", {}),
    "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543",
  );
  assertEquals(
    await signature("GET", "https://examplebucket.s3.amazonaws.com/?max-keys=2&prefix=J", {}),
    "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7",
  );
  assertEquals(
    await signature(
      "PUT",
      "https://examplebucket.s3.amazonaws.com/test%24file.text",
      { date: "Fri, 24 May 2013 00:00:00 GMT", "x-amz-storage-class": "REDUCED_REDUNDANCY" },
      "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072",
    ),
    "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd",
  );
});

Deno.test("retry classification: 5xx, throttling and conflicts pass; the rest does not", () => {
  for (
    const [status, code] of [[500], [503, "SlowDown"], [429], [408], [400, "RequestTimeout"], [
      409,
      "ConditionalRequestConflict",
    ], [undefined]] as const
  ) {
    assertEquals(isTransient(status, code), true, `${status} ${code}`);
  }
  for (
    const [status, code] of [
      [501, "NotImplemented"],
      [403, "AccessDenied"],
      [404, "NoSuchBucket"],
      [
        412,
        "PreconditionFailed",
      ],
      [400, "InvalidArgument"],
    ] as const
  ) {
    assertEquals(isTransient(status, code), false, `${status} ${code}`);
  }
  // run waits out what passes and stops on the rest (lib/plugin/sink_errors.ts).
  const passing = new S3Error("x", { healable: true, status: 503 });
  const final = new S3Error("x", { healable: false, status: 403 });
  assertEquals(classifyError(new Error("commit failed", { cause: passing })).healable, true);
  assertEquals(classifyError(new Error("commit failed", { cause: final })).healable, false);
});

const noWait = { sleep: () => Promise.resolve() };

Deno.test("S3 client: objects, ranges, listings across pages, keys that need encoding", async () => {
  const fake = startFakeS3();
  try {
    const client = new S3Client({ bucket: "lake", settings: fakeSettings(fake), ...noWait });
    const bytes = (s: string) => new TextEncoder().encode(s);
    const keys = ["t/a=1/x y+z.parquet", "t/a=Ü%3A/é.parquet", "t/_delta_log/0.json", "t/b"];
    for (const key of keys) assertEquals((await client.put(key, bytes(key))).created, true);
    for (const key of keys) {
      assertEquals(new TextDecoder().decode((await client.get(key))!.bytes), key);
    }
    assertEquals(await client.get("t/b", "bytes=-1"), { bytes: bytes("b"), size: 3 });
    assertEquals((await client.head("t/b"))?.size, 3);
    assertEquals(await client.head("t/none"), null);
    assertEquals(await client.get("t/none"), null);
    const listed = await client.list("t/", "/");
    assertEquals(listed.objects.map((o) => o.key), ["t/b"]);
    assertEquals(listed.prefixes, ["t/_delta_log/", "t/a=1/", "t/a=Ü%3A/"]);
    assertEquals((await client.list("t/")).objects.length, 4); // two pages of three
    await client.delete("t/b");
    await client.delete("t/b");
    assertEquals(await client.head("t/b"), null);
  } finally {
    await fake.close();
  }
});

Deno.test("S3 client: throttling and 5xx are retried; a conditional PUT is never an overwrite", async () => {
  const fake = startFakeS3();
  try {
    const client = new S3Client({ bucket: "lake", settings: fakeSettings(fake), ...noWait });
    fake.faults.push({ match: (r) => r.method === "PUT", status: 503, code: "SlowDown", times: 2 });
    assertEquals(await client.put("k", new Uint8Array([1]), { ifNoneMatch: true }), {
      created: true,
      ambiguous: true,
    });
    assertEquals(client.retries, 2);
    assertEquals(await client.put("k", new Uint8Array([2]), { ifNoneMatch: true }), {
      created: false,
      ambiguous: false,
    });
    assertEquals(fake.objects("lake").get("k")?.bytes, new Uint8Array([1]));
    // Applied, then its answer lost: the retry finds the key taken, and says it may be its own.
    fake.faults.push({ match: (r) => r.method === "PUT", status: 500, applied: true });
    assertEquals(await client.put("j", new Uint8Array([3]), { ifNoneMatch: true }), {
      created: false,
      ambiguous: true,
    });
    // A conflicting conditional write in flight (409) is retried, not taken for "exists".
    fake.faults.push({
      match: (r) => r.method === "PUT",
      status: 409,
      code: "ConditionalRequestConflict",
    });
    assertEquals((await client.put("i", new Uint8Array([4]), { ifNoneMatch: true })).created, true);
  } finally {
    await fake.close();
  }
});

Deno.test("S3 client: what does not pass fails at once; what lasts fails after the attempts", async () => {
  const fake = startFakeS3();
  try {
    const settings = fakeSettings(fake);
    const client = new S3Client({ bucket: "lake", settings, ...noWait });
    fake.faults.push({ match: () => true, status: 403, code: "AccessDenied" });
    const denied = (await assertRejects(() => client.get("k"), S3Error, "AccessDenied")) as S3Error;
    assertEquals([denied.healable, denied.status, client.retries], [false, 403, 0]);
    fake.faults.push({ match: () => true, status: 503, code: "SlowDown", times: 100 });
    const slow = (await assertRejects(
      () => client.head("k"),
      S3Error,
      "after 8 attempts",
    )) as S3Error;
    assertEquals(slow.healable, true);
    fake.faults.length = 0;
    const missing = new S3Client({ bucket: "other", settings, ...noWait });
    const error = (await assertRejects(() =>
      missing.put("k", new Uint8Array()), S3Error)) as S3Error;
    assertEquals([error.code, error.healable], ["NoSuchBucket", false]);
    const anonymous = new S3Client({
      bucket: "lake",
      settings: { ...settings, credentials: undefined },
    });
    await assertRejects(() => anonymous.get("k"), S3Error, "AWS_ACCESS_KEY_ID");
    // No server at all: a connection refused passes, after the attempts.
    const port = fake.endpoint;
    await fake.close();
    const gone = new S3Client({
      bucket: "lake",
      settings: { ...settings, endpoint: port },
      ...noWait,
    });
    const refused = (await assertRejects(
      () => gone.get("k"),
      S3Error,
      "after 8 attempts",
    )) as S3Error;
    assertEquals(refused.healable, true);
  } finally {
    await fake.close().catch(() => {});
  }
});

Deno.test("S3 client: large objects go up in parts, retried part by part; a failed upload is aborted", async () => {
  const fake = startFakeS3();
  try {
    const client = new S3Client({
      bucket: "lake",
      settings: fakeSettings(fake),
      multipartThreshold: 1000,
      partSize: 300,
      partConcurrency: 2,
      ...noWait,
    });
    const data = Uint8Array.from({ length: 1100 }, (_, i) => i % 251);
    fake.faults.push({ match: (r) => r.query.get("partNumber") === "2", status: 500 });
    await client.put("big", data);
    assertEquals(fake.objects("lake").get("big")?.bytes, data);
    assert(fake.log.filter((l) => l.includes("partNumber=")).length === 5, fake.log.join("\n"));
    assertEquals(fake.uploads.size, 0);
    // The answer to the completion lost after it completed: the object is there, and whole.
    fake.faults.push({
      match: (r) => r.query.has("uploadId") && r.method === "POST",
      status: 500,
      applied: true,
    });
    await client.put("big2", data);
    assertEquals(fake.objects("lake").get("big2")?.bytes, data);
    // A part that keeps failing: the upload is aborted, nothing is left.
    fake.faults.push({
      match: (r) => r.query.get("partNumber") === "3",
      status: 403,
      code: "AccessDenied",
    });
    await assertRejects(() => client.put("big3", data), S3Error, "AccessDenied");
    assertEquals(fake.uploads.size, 0);
    assertEquals(fake.objects("lake").has("big3"), false);
  } finally {
    await fake.close();
  }
});
