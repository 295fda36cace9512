/**
 * A short digest of a table's rows, to compare outputs that must be identical.
 *
 * @module
 */
import type * as arrow from "apache-arrow";
import { exactJson } from "./_delta.ts";

/**
 * SHA-256 (first 12 bytes, hex) of the rows as text: values, not one Arrow layout's bytes.
 * Values count as `Object.is` compares them: NaN, the infinities and -0 are kept apart from
 * null and 0 (JSON alone would merge them).
 */
export async function digestRows(table: arrow.Table): Promise<string> {
  const text = table.toArray().map((row) =>
    JSON.stringify(row.toJSON(), (k, v) => typeof v === "bigint" ? `${v}n` : exactJson(k, v))
  ).join("\n");
  const hash = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(hash).slice(0, 12)].map((b) => b.toString(16).padStart(2, "0"))
    .join("");
}
