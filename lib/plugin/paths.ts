/**
 * Paths written in a config (plugin files, a sink's `path`) are read from the config file's
 * folder, as a user expects of a file beside the config.
 *
 * @module
 */
import { isObjectStoreUrl } from "../objstore/location.ts";

/** The folder of a config file, against which the paths written in the config are read. */
export function configDir(file: string): string {
  return file.includes("/") ? file.slice(0, file.lastIndexOf("/")) : ".";
}

/**
 * A path written in a config, as a path from here: absolute ones and object-store URLs
 * (`s3://bucket/prefix`) stay as they are.
 */
export function resolveConfigPath(dir: string, path: string): string {
  if (path.startsWith("/") || isObjectStoreUrl(path)) return path;
  return `${dir.replace(/\/+$/, "")}/${path}`;
}
