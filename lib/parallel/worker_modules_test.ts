import { assertEquals } from "../../tests/_assert.ts";
import { staticNpmPackages } from "../../tests/_module_graph.ts";

Deno.test("a generation worker starts without the packages only sinks and plugin files use", async () => {
  const packages = await staticNpmPackages(new URL("./worker.ts", import.meta.url).pathname);
  // Each cost every worker's start-up time though a worker never connects to a server nor
  // transpiles a plugin file: pg about 13 ms, sucrase about 30 ms, the Kafka client 0.2 s.
  for (const name of ["pg", "sucrase", "@platformatic/kafka", "@duckdb/node-api"]) {
    assertEquals(packages.has(name), false, `worker.ts imports ${name} statically`);
  }
  // What it does need is still there (the walk follows the graph).
  assertEquals(packages.has("apache-arrow"), true);
});
