/**
 * Registering a table's Avro schema with a Confluent Schema Registry (subject
 * `<topic>-value`, the default TopicNameStrategy) to get the id its values carry.
 *
 * @module
 */
import { SinkError } from "../../../lib/plugin/sink_errors.ts";
import type { AvroSchema } from "./avro.ts";

/** Registers (or finds) the schema under `subject`; returns its id. */
export async function registerSchema(
  url: string,
  subject: string,
  schema: AvroSchema,
): Promise<number> {
  const target = `${url.replace(/\/+$/, "")}/subjects/${encodeURIComponent(subject)}/versions`;
  const headers: Record<string, string> = {
    "content-type": "application/vnd.schemaregistry.v1+json",
  };
  const user = Deno.env.get("TABLESTREAM_SCHEMA_REGISTRY_USER");
  const password = Deno.env.get("TABLESTREAM_SCHEMA_REGISTRY_PASSWORD");
  if (user !== undefined) headers.authorization = `Basic ${btoa(`${user}:${password ?? ""}`)}`;
  let response: Response;
  try {
    response = await fetch(target, {
      method: "POST",
      headers,
      body: JSON.stringify({ schema: JSON.stringify(schema) }),
    });
  } catch (error) {
    throw new SinkError(`The Schema Registry at ${url} cannot be reached: ${error}`, {
      healable: true,
      cause: error,
    });
  }
  const text = await response.text();
  if (!response.ok) {
    throw new SinkError(
      `The Schema Registry at ${url} refused the schema of subject "${subject}" ` +
        `(HTTP ${response.status}: ${text.slice(0, 300)})`,
      { healable: response.status >= 500 || response.status === 429 },
    );
  }
  const id = JSON.parse(text).id;
  if (typeof id !== "number") {
    throw new SinkError(`The Schema Registry at ${url} answered no schema id: ${text}`, {
      healable: false,
    });
  }
  return id;
}
