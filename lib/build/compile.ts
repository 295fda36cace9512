/**
 * `deno task compile`: builds the single binary `dist/tablestream` (or, with `--target T`,
 * `dist/tablestream-T`, or every target with `--target all`).
 *
 * Every built-in is reached by static imports from `main.ts`, so `deno compile` embeds it,
 * parquet-wasm's `.wasm` included (a static Wasm import). Only the npm packages the binary
 * reaches are embedded (not DuckDB and the type packages of the tests).
 * `deno compile` downloads its runtime (`denort`) unless `DENORT_BIN` points at one; the
 * environment is passed through, so `DENORT_BIN=/path/to/denort deno task compile` works
 * where the download cannot.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { v8FlagsArgument } from "../cli/v8_flags.ts";

/** The platforms `deno compile --target` supports. */
export const TARGETS = [
  "x86_64-unknown-linux-gnu",
  "aarch64-unknown-linux-gnu",
  "x86_64-apple-darwin",
  "aarch64-apple-darwin",
  "x86_64-pc-windows-msvc",
] as const;

/** What the binary may do: read configs and plugins, write tables, serve HTTP, read env. */
export const PERMISSIONS = ["--allow-read", "--allow-write", "--allow-net", "--allow-env"];

const ROOT = new URL("../../", import.meta.url).pathname;

/** The generation worker's module, which `new Worker(...)` loads (relative to the root). */
export const WORKER_ENTRY = "lib/parallel/worker.ts";

/** The Parquet encoder worker's module, which `new Worker(...)` loads (relative to the root). */
export const ENCODER_WORKER_ENTRY = "lib/parquet/encoder_worker.ts";

/** What `deno info --json` reports of a module graph. */
export interface DenoInfo {
  modules: { kind: string; specifier: string; local?: string; mediaType?: string }[];
  npmPackages: Record<string, { name: string; version: string; dependencies: string[] }>;
}

/** The module graph of `main.ts`, as `deno info --json` reports it. */
export async function moduleGraph(): Promise<DenoInfo> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", "main.ts"],
    cwd: ROOT,
    stdout: "piped",
    stderr: "inherit",
  }).output();
  if (!out.success) throw new Error("deno info main.ts failed");
  return JSON.parse(new TextDecoder().decode(out.stdout));
}

/** The `deno compile` arguments for one target (undefined: the host). */
export function compileArgs(target?: string, output = "dist"): string[] {
  const name = target ? `tablestream-${target}` : "tablestream";
  return [
    "compile",
    ...PERMISSIONS,
    // The heap settings the process runs with (lib/cli/v8_flags.ts), built in.
    v8FlagsArgument(),
    // Embed only the npm packages main.ts reaches: not DuckDB and the tests' type packages.
    "--node-modules-dir=none",
    "--exclude-unused-npm",
    // Workers are started from a URL, not imported: embed their entry points.
    "--include",
    WORKER_ENTRY,
    "--include",
    ENCODER_WORKER_ENTRY,
    ...(target ? ["--target", target] : []),
    "--output",
    `${output}/${name}${target?.includes("windows") ? ".exe" : ""}`,
    "main.ts",
  ];
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      target: { type: "string" },
      output: { type: "string", default: "dist" },
      print: { type: "boolean" },
    },
  });
  const targets = values.target === "all" ? [...TARGETS] : [values.target];
  for (const target of targets) {
    if (target !== undefined && !(TARGETS as readonly string[]).includes(target)) {
      console.error(`Unknown target "${target}"; use one of ${TARGETS.join(", ")} or all`);
      Deno.exit(2);
    }
  }
  for (const target of targets) {
    const args = compileArgs(target, values.output);
    if (values.print) {
      console.log(["deno", ...args].join(" "));
      continue;
    }
    const status = await new Deno.Command(Deno.execPath(), { args, cwd: ROOT }).spawn().status;
    if (!status.success) {
      console.error(
        "deno compile failed. Where its runtime cannot be downloaded, set DENORT_BIN to a " +
          'denort binary of the same Deno version (see README, "The binary").',
      );
      Deno.exit(status.code || 1);
    }
  }
}
