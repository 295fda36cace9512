import { assertEquals } from "../../tests/_assert.ts";
import { decodePath, encodePath } from "./actions.ts";

Deno.test("add.path is quoted as Spark writes it (Hadoop's Path.toUri), so its VACUUM matches", () => {
  // Java's URI keeps unreserved characters, punctuation, `/`, `@` and non-ASCII letters; it
  // quotes space, `%`, the characters a path cannot hold, controls and space separators.
  const cases: [string, string][] = [
    ["city=München/part-0.parquet", "city=München/part-0.parquet"],
    ["c=東京/d=emoji 🎉/p.parquet", "c=東京/d=emoji%20🎉/p.parquet"],
    ["p=100%25/q=a%2Fb/x.parquet", "p=100%2525/q=a%252Fb/x.parquet"],
    ["k=v;x,y+z&$@!~*'()/x", "k=v;x,y+z&$@!~*'()/x"],
    ['a<b>|`c`"#?[]^{}\\', "a%3Cb%3E%7C%60c%60%22%23%3F%5B%5D%5E%7B%7D%5C"],
    ["tab\there\u007f\u0085", "tab%09here%7F%C2%85"],
    ["nb\u00a0sp\u3000\u2028", "nb%C2%A0sp%E3%80%80%E2%80%A8"],
    ["soft\u00adhyphen", "soft\u00adhyphen"],
  ];
  for (const [path, logged] of cases) {
    assertEquals(encodePath(path), logged, path);
    assertEquals(decodePath(logged), path, logged);
  }
});
