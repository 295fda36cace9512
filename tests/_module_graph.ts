/**
 * What `deno info` says of a module graph, for tests that keep workers' start-up light.
 *
 * @module
 */

/**
 * The npm packages a module loads at start (a worker's entry point): those reached from it by
 * static imports, as `deno info` resolves the graph (dynamic imports are loaded only when called).
 */
export async function staticNpmPackages(entry: string): Promise<Set<string>> {
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
