/**
 * What the file sinks' specs share: where a file sink writes (its `path` option, else
 * `--output`) and the Parquet options.
 *
 * @module
 */
import { resolveConfigPath } from "../../lib/plugin/paths.ts";
import type { SinkContext } from "../../lib/plugin/types.ts";
import { isObjectStoreUrl } from "../../lib/objstore/location.ts";

/**
 * The folder a file sink writes: its `path` option (relative to the config), else --output.
 * Only the Delta sink writes to an object store (`s3://`).
 */
export function sinkFolder(path: string | undefined, ctx: SinkContext, sink: string): string {
  const folder = path !== undefined ? resolveConfigPath(ctx.configDir, path) : ctx.output;
  if (folder === undefined) {
    throw new Error(`The ${sink} sink needs a folder: give it a \`path\` option, or --output DIR`);
  }
  if (sink !== "delta" && isObjectStoreUrl(folder)) {
    throw new Error(
      `The ${sink} sink writes local folders, and "${folder}" is an object store, where ` +
        "tablestream writes Delta tables only (--format delta, the default)",
    );
  }
  return folder;
}

/** The `path` option of a file sink. */
export const PATH = {
  type: "string",
  optional: true,
  description:
    "Output folder, one table per subfolder (relative to the config; s3://bucket/prefix for Delta); --output by default",
  examples: ["out"],
} as const;

/** The Parquet options of the Parquet and Delta sinks. */
export const PARQUET = {
  compression: {
    type: "string",
    default: "snappy",
    choices: ["snappy", "zstd", "none"],
    description: "Parquet compression of data files",
  },
  target_file_rows: {
    type: "integer",
    default: 1_000_000,
    min: 1,
    description: "Most rows per data file",
  },
} as const;
