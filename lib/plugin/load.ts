/**
 * Loading user plugin files (`.ts` or `.js`) under `deno run` and in the compiled binary.
 *
 * A file is first imported as it is. Where that fails (a compiled binary that cannot import
 * from disk, or cannot strip types), it is read, its types are stripped by a bundled
 * transpiler (sucrase), and the JavaScript is imported as a `data:` URL, which works
 * everywhere. Either way the file gets what it needs without importing any package: the
 * helpers come as the argument of its default export, faker and the random stream in the
 * `ctx` of each call, and the Arrow batches a sink receives carry their own methods.
 *
 * @module
 */
import * as arrow from "apache-arrow";
import { defineColumnFunction, defineDistribution, defineSink } from "./define.ts";
import { PluginError, pluginProblems } from "./registry.ts";
import type { Plugin } from "./types.ts";
import { CommitConflict, PropertyConflict, SinkError } from "./sink_errors.ts";

/** What a plugin file's default-exported function receives. */
export interface PluginApi {
  defineDistribution: typeof defineDistribution;
  defineColumnFunction: typeof defineColumnFunction;
  defineSink: typeof defineSink;
  /** The apache-arrow module, for sinks that build or read Arrow data. */
  arrow: typeof arrow;
  /**
   * The error a sink throws when it knows whether the failure can heal: `run` waits for a
   * sink whose error can heal and stops the table at once on one that cannot.
   */
  SinkError: typeof SinkError;
  /** The error of a flush whose commit point another writer took (`CommitPoint.after`). */
  CommitConflict: typeof CommitConflict;
  /** The error of a flush whose `expect`ed properties another writer set first. */
  PropertyConflict: typeof PropertyConflict;
}

/** The API handed to plugin files. */
export const PLUGIN_API: PluginApi = Object.freeze({
  defineDistribution,
  defineColumnFunction,
  defineSink,
  arrow,
  SinkError,
  CommitConflict,
  PropertyConflict,
});

/** How to load a file: as it is, through the transpiler, or the first that works. */
export type LoadMode = "auto" | "import" | "transpile";

/** Options of {@link loadPluginFile}. */
export interface LoadOptions {
  mode?: LoadMode;
  /** Imports a module; replaceable in tests (e.g. to act as a binary that cannot). */
  importModule?: (specifier: string) => Promise<Record<string, unknown>>;
}

/** How a file was loaded, for `plugins` and the logs. */
export interface LoadedFile {
  path: string;
  via: "import" | "transpile";
  plugins: Plugin[];
}

// A user's file, by its own path: the only import() of a path known at run time, and never a
// project file.
const nativeImport = (specifier: string) => import(specifier);

function fileUrl(path: string): string {
  const absolute = path.startsWith("/") ? path : `${Deno.cwd()}/${path}`;
  return new URL(`file://${absolute.split("/").map(encodeURIComponent).join("/")}`).href;
}

/**
 * The JavaScript of a plugin file, types stripped; syntax errors name file, line, column.
 * sucrase is loaded on the first call, not with the program: every generation worker loads
 * this module with the config, and importing sucrase cost each about 30 ms though few configs
 * have plugin files to transpile. The specifier is a string literal, so `deno compile` embeds
 * it all the same.
 */
export async function transpilePlugin(path: string, source: string): Promise<string> {
  const typed = /\.(ts|mts|cts)$/.test(path);
  const { transform } = await import("sucrase");
  try {
    return transform(source, {
      transforms: typed ? ["typescript"] : [],
      filePath: path,
      disableESTransforms: true,
    }).code;
  } catch (error) {
    const loc = (error as { loc?: { line: number; column: number } }).loc;
    const message = (error as Error).message.replace(/\s*\(\d+:\d+\)$/, "")
      .replace(/^Error transforming [^:]*: /, "");
    throw new PluginError(
      loc ? `${path}:${loc.line}:${loc.column + 1}` : path,
      `syntax error: ${message}`,
    );
  }
}

/** Imports plugin JavaScript as a `data:` URL (what works in a compiled binary). */
async function importTranspiled(
  path: string,
  importModule: NonNullable<LoadOptions["importModule"]>,
): Promise<Record<string, unknown>> {
  let source: string;
  try {
    source = await Deno.readTextFile(path);
  } catch (error) {
    throw new PluginError(path, `cannot read the plugin file: ${(error as Error).message}`);
  }
  const code = await transpilePlugin(path, source);
  const relative = /^\s*(?:import|export)\s[^;]*?from\s*["'](\.{1,2}\/[^"']+)["']/m.exec(code);
  if (relative) {
    throw new PluginError(
      path,
      `imports "${relative[1]}"; a plugin loaded from its text must be one file (put the ` +
        "code in it, or import it as a module where the binary can)",
    );
  }
  const url = `data:application/javascript;base64,${encodeBase64(code)}`;
  return await importModule(url);
}

function encodeBase64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/**
 * The plugins a module offers: its named exports that are plugins, and its default export
 * (a plugin, a list, or a function given {@link PLUGIN_API} returning either).
 */
export function pluginsOfModule(path: string, module: Record<string, unknown>): Plugin[] {
  const found: Plugin[] = [];
  const problems: string[] = [];
  const offer = (value: unknown, where: string) => {
    const list = Array.isArray(value) ? value : [value];
    list.forEach((item, i) => {
      const at = Array.isArray(value) ? `${where}[${i}]` : where;
      const wrong = pluginProblems(item);
      if (wrong.length) problems.push(`${at}: ${wrong.join("; ")}`);
      else found.push(item as Plugin);
    });
  };
  for (const [name, value] of Object.entries(module)) {
    if (name === "default") {
      let given = value;
      if (typeof value === "function") {
        try {
          given = value(PLUGIN_API);
        } catch (error) {
          throw new PluginError(path, `its default export threw: ${(error as Error).message}`);
        }
      }
      offer(given, "export default");
    } else if (value && typeof value === "object" && "kind" in value) {
      offer(value, `export ${name}`);
    }
  }
  if (problems.length) throw new PluginError(path, problems.join("\n  "));
  if (found.length === 0) {
    throw new PluginError(
      path,
      "exports no plugin; export objects made with defineDistribution, defineColumnFunction " +
        "or defineSink (see docs/plugins.md)",
    );
  }
  return found;
}

/** Loads a plugin file and returns its plugins (checked for shape, not yet registered). */
export async function loadPluginFile(path: string, options: LoadOptions = {}): Promise<LoadedFile> {
  const mode = options.mode ?? "auto";
  const importModule = options.importModule ?? nativeImport;
  if (mode !== "transpile") {
    try {
      const module = await importModule(fileUrl(path));
      return { path, via: "import", plugins: pluginsOfModule(path, module) };
    } catch (error) {
      // A syntax error is the file's own: the transpiler would only find it again.
      const syntax = /SyntaxError|could not be parsed/.test(String((error as Error)?.message));
      if (mode === "import" || error instanceof PluginError || syntax) throw wrap(path, error);
      try {
        const module = await importTranspiled(path, importModule);
        return { path, via: "transpile", plugins: pluginsOfModule(path, module) };
      } catch (fallback) {
        const wrapped = wrap(path, fallback);
        wrapped.message += `\n  (importing it directly failed too: ${firstLine(error)})`;
        throw wrapped;
      }
    }
  }
  const module = await importTranspiled(path, importModule).catch((e) => {
    throw wrap(path, e);
  });
  return { path, via: "transpile", plugins: pluginsOfModule(path, module) };
}

function firstLine(error: unknown): string {
  return String((error as Error)?.message ?? error).split("\n")[0];
}

function wrap(path: string, error: unknown): PluginError {
  if (error instanceof PluginError) return error;
  // Deno's parse errors end with `at <url>:line:column`; sucrase keeps line numbers, so a
  // position in the transpiled data: URL is the same position in the file.
  const text = String((error as Error)?.message ?? error);
  const at = /\n\s*at (?:file:|data:)[^\n]*?:(\d+):(\d+)\s*$/.exec(text);
  const where = at ? `${path}:${at[1]}:${at[2]}` : path;
  const what = /SyntaxError/.test(text) ? "syntax error" : "cannot load the plugin file";
  return new PluginError(
    where,
    `${what}: ${firstLine(error).replace(/^(TypeError: )?SyntaxError: /, "")}`,
  );
}
