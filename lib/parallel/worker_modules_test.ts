import { assertEquals } from "../../tests/_assert.ts";

/**
 * The npm packages a generation worker loads at start: those reached from worker.ts by static
 * imports, as `deno info` resolves the graph (dynamic imports are loaded only when called).
 */
async function staticNpmPackages(entry: string): Promise<Set<string>> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", entry],
    stdout: "piped",
    stderr: "null",
  }).output();
  const info = JSON.parse(new TextDecoder().decode(out.stdout)) as {
    roots: string[];
    redirects: Record<string, string>;
    modules: {
      specifier: string;
      kind: string;
      npmPackage?: string;
      dependencies?: { code?: { specifier: string }; isDynamic?: boolean }[];
    }[];
  };
  const bySpecifier = new Map(info.modules.map((m) => [m.specifier, m]));
  const packages = new Set<string>();
  const seen = new Set<string>();
  const queue = [...info.roots];
  while (queue.length) {
    let specifier = queue.pop()!;
    specifier = info.redirects[specifier] ?? specifier;
    if (seen.has(specifier)) continue;
    seen.add(specifier);
    const module = bySpecifier.get(specifier);
    if (!module) continue;
    if (module.npmPackage) packages.add(module.npmPackage.replace(/@[^@]*$/, ""));
    for (const dependency of module.dependencies ?? []) {
      if (dependency.code && !dependency.isDynamic) queue.push(dependency.code.specifier);
    }
  }
  return packages;
}

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
