/**
 * The `postgres` sink plugin: its options spec, and the sink it creates (sink.ts).
 *
 * @module
 */
import { createPostgresSink } from "./sink.ts";
import { DEFAULT_PROGRESS_TABLE, DEFAULT_SCHEMA } from "./connection.ts";
import { defineSink } from "../../../lib/plugin/define.ts";

/** Tables in PostgreSQL, loaded with COPY, resumable exactly-once. */
export const postgresSink = defineSink({
  name: "postgres",
  summary: "PostgreSQL tables loaded with COPY, one transaction per commit with its progress row.",
  options: {
    url: {
      type: "string",
      optional: true,
      description: "Connection URL; without it (and host...), PGHOST, PGUSER... apply",
      examples: ["postgres://user:secret@localhost:5432/shop"],
    },
    host: { type: "string", optional: true, description: "Server host" },
    port: { type: "integer", optional: true, min: 1, max: 65535, description: "Server port" },
    user: { type: "string", optional: true, description: "User name" },
    password: { type: "string", optional: true, description: "Password" },
    database: { type: "string", optional: true, description: "Database name" },
    schema: {
      type: "string",
      default: DEFAULT_SCHEMA,
      description: "Schema of the tables (created when missing)",
    },
    progress_table: {
      type: "string",
      default: DEFAULT_PROGRESS_TABLE,
      description: "Table recording each table's last commit point",
    },
  },
  create: (o) =>
    createPostgresSink({
      ...(o.url !== undefined ? { url: o.url } : {}),
      ...(o.host !== undefined ? { host: o.host } : {}),
      ...(o.port !== undefined ? { port: o.port } : {}),
      ...(o.user !== undefined ? { user: o.user } : {}),
      ...(o.password !== undefined ? { password: o.password } : {}),
      ...(o.database !== undefined ? { database: o.database } : {}),
      schema: o.schema,
      progressTable: o.progress_table,
    }),
});

export { createPostgresSink } from "./sink.ts";
export { DEFAULT_PROGRESS_TABLE, DEFAULT_SCHEMA, type PostgresSinkOptions } from "./connection.ts";
