/**
 * The layers of docs/architecture.md hold: every import of a file of `lib/` or `plugins/` (tests
 * aside) points to its own folder or to a layer below, and no files import each other in a
 * circle. Read from the source text, so it needs nothing but the files.
 */
import { assertEquals } from "./_assert.ts";

const ROOT = new URL("../", import.meta.url).pathname;

/**
 * The layers, bottom first, as docs/architecture.md lists them. A layer is a folder of `lib/`,
 * or `plugins` (all of `plugins/`), or `mod` (`lib/mod.ts`); tools sit on top.
 */
const LAYERS = [
  "objstore",
  "arrow",
  "expr",
  "plugin",
  "engine",
  "parquet",
  "delta",
  "output",
  "state",
  "stream",
  "changes",
  "plugins",
  "config",
  "diagram",
  "parallel",
  "schedule",
  "cli",
  "bench",
  "build",
  "mod",
];

/** Imports that still point up, each with the step that removes it: none may be added. */
const NOT_YET: string[] = [];

/** Every non-test TypeScript file of `lib/` and `plugins/`, relative to the root. */
function sourceFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of Deno.readDirSync(`${ROOT}${dir}`)) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory) walk(path);
      else if (entry.name.endsWith(".ts") && !entry.name.endsWith("_test.ts")) out.push(path);
    }
  };
  walk("lib");
  walk("plugins");
  return out.sort();
}

/** The files a source file imports (relative imports only: npm packages are not layers). */
function importsOf(file: string): string[] {
  const text = Deno.readTextFileSync(`${ROOT}${file}`);
  const found: string[] = [];
  const pattern = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+"(\.[^"]+)"/g;
  for (const match of text.matchAll(pattern)) found.push(resolve(file, match[1]));
  // Workers are imported by URL, not by `import`.
  for (const match of text.matchAll(/new URL\("(\.[^"]+\.ts)", import\.meta\.url\)/g)) {
    found.push(resolve(file, match[1]));
  }
  return found;
}

function resolve(from: string, relative: string): string {
  const parts = from.split("/").slice(0, -1);
  for (const piece of relative.split("/")) {
    if (piece === "..") parts.pop();
    else if (piece !== ".") parts.push(piece);
  }
  return parts.join("/");
}

/** The layer of a file, or undefined outside `lib/` and `plugins/` (tests, examples). */
function layerOf(file: string): string | undefined {
  const parts = file.split("/");
  if (parts[0] === "plugins") return "plugins";
  if (parts[0] !== "lib") return undefined;
  return parts.length === 2 ? "mod" : parts[1];
}

Deno.test("every import of lib/ and plugins/ points to its own layer or one below", () => {
  const upward: string[] = [];
  for (const file of sourceFiles()) {
    const from = layerOf(file)!;
    for (const target of importsOf(file)) {
      const to = layerOf(target);
      if (to === undefined || to === from) continue;
      if (!LAYERS.includes(from) || !LAYERS.includes(to)) {
        upward.push(`${file} -> ${target} (a layer docs/architecture.md does not list)`);
      } else if (LAYERS.indexOf(to) > LAYERS.indexOf(from)) {
        upward.push(`${file} -> ${target} (${from} may not use ${to})`);
      }
    }
  }
  assertEquals(upward.filter((u) => !NOT_YET.some((n) => u.startsWith(n))), []);
});

Deno.test("no files of lib/ and plugins/ import each other in a circle", () => {
  const graph = new Map(sourceFiles().map((f) => [f, importsOf(f)]));
  const circles: string[] = [];
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (file: string) => {
    state.set(file, "open");
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (!graph.has(next)) continue;
      if (state.get(next) === "open") {
        circles.push([...stack.slice(stack.indexOf(next)), next].join(" -> "));
      } else if (!state.has(next)) {
        visit(next);
      }
    }
    stack.pop();
    state.set(file, "done");
  };
  for (const file of graph.keys()) if (!state.has(file)) visit(file);
  assertEquals(circles.filter((c) => !NOT_YET.some((n) => c.startsWith(n))), []);
});

Deno.test("the layers are the ones docs/architecture.md lists, in its order", () => {
  const doc = Deno.readTextFileSync(`${ROOT}docs/architecture.md`);
  const listed = [...doc.matchAll(/^\| `(lib\/[a-z]+\/|plugins\/)`/gm)].map((m) =>
    m[1] === "plugins/" ? "plugins" : m[1].slice(4, -1)
  );
  assertEquals(listed, LAYERS.filter((l) => !["build", "mod"].includes(l)));
});
