import { assertEquals, assertThrows } from "../../tests/_assert.ts";
import { isObjectStoreUrl, joinPath, parseS3Url, s3Url } from "./location.ts";

Deno.test("s3:// URLs: bucket and key; s3a:// is the same; local paths are not URLs", () => {
  assertEquals(parseS3Url("s3://lake/tables/orders"), { bucket: "lake", key: "tables/orders" });
  assertEquals(parseS3Url("s3://lake/tables/orders/"), { bucket: "lake", key: "tables/orders" });
  assertEquals(parseS3Url("s3a://lake/t"), { bucket: "lake", key: "t" });
  assertEquals(parseS3Url("s3://lake"), { bucket: "lake", key: "" });
  assertEquals(s3Url({ bucket: "lake", key: "a/b" }), "s3://lake/a/b");
  assertEquals(isObjectStoreUrl("s3://lake/t"), true);
  assertEquals(isObjectStoreUrl("out/orders"), false);
  assertEquals(isObjectStoreUrl("/tmp/x:y//z"), false);
  assertEquals(isObjectStoreUrl("file:///tmp/out"), false);
});

Deno.test("other schemes and malformed URLs are refused, naming what works", () => {
  assertThrows(() => parseS3Url("gs://bucket/t"), Error, "AWS_ENDPOINT_URL");
  assertThrows(() => parseS3Url("abfss://c@a.dfs.core.windows.net/t"), Error, "not abfss://");
  assertThrows(() => parseS3Url("s3://Lake/t"), Error, "does not name a bucket");
  assertThrows(() => parseS3Url("s3:///t"), Error, "does not name a bucket");
  assertThrows(() => parseS3Url("s3://lake/a//b"), Error, "empty");
  assertThrows(() => parseS3Url("s3://lake/a/../b"), Error, '".."');
});

Deno.test("joinPath keeps a URL's scheme and folds doubled separators", () => {
  assertEquals(
    joinPath("s3://lake/out/", "orders", "_delta_log"),
    "s3://lake/out/orders/_delta_log",
  );
  assertEquals(joinPath("out//x", "", "y"), "out/x/y");
  assertEquals(joinPath("/abs", "t"), "/abs/t");
});
