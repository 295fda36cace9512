/**
 * The `kafka` sink plugin: its options spec, and the sink it creates (sink.ts).
 *
 * @module
 */
import { createKafkaSink } from "./sink.ts";
import { COMPRESSIONS, DELIVERIES } from "./sink.ts";
import { DEFAULT_PASSWORD_ENV, SASL_MECHANISMS } from "./client.ts";
import { DEFAULT_PROGRESS_TOPIC } from "./progress.ts";
import { defineSink } from "../../../lib/plugin/define.ts";
import { SinkError } from "../../../lib/plugin/sink_errors.ts";
import { type Envelope, ENVELOPE_OPTION } from "../_debezium.ts";

/** Kafka topics, one transaction per commit: exactly once for read_committed consumers. */
export const kafkaSink = defineSink({
  name: "kafka",
  summary:
    "Kafka topics, one transaction per commit with its commit point: exactly once for read_committed consumers.",
  options: {
    brokers: {
      type: "string[]",
      description: "Bootstrap brokers, host:port",
      examples: [["localhost:9092"]],
    },
    topic: {
      type: "string",
      default: "{table}",
      description: "The topic of a table; {table} stands for the table's name",
      examples: ["fake.{table}"],
    },
    key: {
      type: "string[]",
      optional: true,
      description: "Key columns (default: the primary key; [] for records without a key)",
      examples: [["id"], ["order_id", "line"]],
    },
    format: {
      type: "string",
      default: "json",
      choices: ["json", "avro"],
      description: "Values: JSON objects as the jsonl sink writes them, or Avro",
    },
    envelope: ENVELOPE_OPTION,
    schema_registry: {
      type: "string",
      optional: true,
      description:
        "Avro: a Confluent Schema Registry URL; values then carry its wire format (user and " +
        "password from TABLESTREAM_SCHEMA_REGISTRY_USER and _PASSWORD)",
      examples: ["http://localhost:8081"],
    },
    headers: {
      type: "any",
      optional: true,
      description: "Static headers of every record, a mapping of names to strings",
      examples: [{ source: "tablestream" }],
    },
    header_table: {
      type: "boolean",
      default: false,
      description: "Add a tablestream.table header with the table's name",
    },
    header_tick: {
      type: "boolean",
      default: false,
      description: "Add a tablestream.tick header: the tick of the commit that carried the row",
    },
    compression: {
      type: "string",
      default: "none",
      choices: COMPRESSIONS,
      description: "Compression of record batches",
    },
    delivery: {
      type: "string",
      default: "auto",
      choices: DELIVERIES,
      description:
        "exactly_once (transactions, or an error), at_least_once (no transactions), or auto " +
        "(transactions when the brokers allow them, else at least once with a warning)",
    },
    create_topics: {
      type: "boolean",
      default: true,
      description: "Create missing topics (and the progress topic)",
    },
    partitions: {
      type: "integer",
      default: -1,
      min: -1,
      description: "Partitions of a created topic (-1: the broker's num.partitions)",
    },
    replication_factor: {
      type: "integer",
      default: -1,
      min: -1,
      description: "Replication factor of created topics (-1: the broker's default)",
    },
    progress_topic: {
      type: "string",
      default: DEFAULT_PROGRESS_TOPIC,
      description: "Compacted topic of each table's commit point, written in its transactions",
    },
    tls: { type: "boolean", default: false, description: "Connect with TLS" },
    tls_ca_file: { type: "string", optional: true, description: "PEM file of trusted CAs" },
    tls_cert_file: {
      type: "string",
      optional: true,
      description: "PEM file of a client certificate",
    },
    tls_key_file: { type: "string", optional: true, description: "PEM file of its key" },
    sasl_mechanism: {
      type: "string",
      optional: true,
      choices: SASL_MECHANISMS,
      description: "SASL mechanism",
    },
    sasl_username: { type: "string", optional: true, description: "SASL user name" },
    sasl_password_env: {
      type: "string",
      default: DEFAULT_PASSWORD_ENV,
      description: "The environment variable holding the SASL password (never the config)",
    },
    timeout_ms: {
      type: "integer",
      default: 30_000,
      min: 1_000,
      description: "Milliseconds to wait for a broker, and the transaction timeout",
    },
  },
  create(o, ctx) {
    const headers = o.headers as unknown;
    if (
      headers !== undefined &&
      (typeof headers !== "object" || headers === null || Array.isArray(headers) ||
        Object.values(headers).some((v) => typeof v !== "string"))
    ) {
      throw new SinkError("The kafka sink's headers must be a mapping of names to strings", {
        healable: false,
      });
    }
    return createKafkaSink({
      brokers: o.brokers,
      topic: (table) => o.topic.replaceAll("{table}", table),
      key: () => o.key,
      format: o.format as "json" | "avro",
      envelope: o.envelope as Envelope,
      ...(o.schema_registry !== undefined ? { schemaRegistry: o.schema_registry } : {}),
      ...(headers !== undefined ? { headers: headers as Record<string, string> } : {}),
      headerTable: o.header_table,
      headerTick: o.header_tick,
      compression: o.compression as typeof COMPRESSIONS[number],
      delivery: o.delivery as typeof DELIVERIES[number],
      createTopics: o.create_topics,
      partitions: o.partitions,
      replicationFactor: o.replication_factor,
      progressTopic: o.progress_topic,
      tls: o.tls,
      ...(o.tls_ca_file !== undefined ? { tlsCaFile: o.tls_ca_file } : {}),
      ...(o.tls_cert_file !== undefined ? { tlsCertFile: o.tls_cert_file } : {}),
      ...(o.tls_key_file !== undefined ? { tlsKeyFile: o.tls_key_file } : {}),
      ...(o.sasl_mechanism !== undefined
        ? { saslMechanism: o.sasl_mechanism as typeof SASL_MECHANISMS[number] }
        : {}),
      ...(o.sasl_username !== undefined ? { saslUsername: o.sasl_username } : {}),
      saslPasswordEnv: o.sasl_password_env,
      timeoutMs: o.timeout_ms,
      configDir: ctx.configDir,
      warn: (message) => console.warn(`warning: ${message}`),
    });
  },
});

export { createKafkaSink, type KafkaSinkOptions } from "./sink.ts";
