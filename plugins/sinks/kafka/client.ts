/**
 * The Kafka sink's connection settings: brokers, TLS, SASL with secrets read from environment
 * variables (never from the config text), the client's options built from them, and errors
 * turned into messages that name the table, the sink and the brokers, with a hint, and that say
 * whether they can heal.
 *
 * The client is `@platformatic/kafka` (pure JavaScript: it runs under `deno run` and inside the
 * compiled binary), see docs/kafka.md for why.
 *
 * @module
 */
import type { BaseOptions } from "@platformatic/kafka";
import { SinkError } from "../../../lib/plugin/sink_errors.ts";
import { resolveConfigPath } from "../../../lib/plugin/paths.ts";

/** SASL mechanisms the sink takes. */
export const SASL_MECHANISMS = ["plain", "scram-sha-256", "scram-sha-512"] as const;

/** How the sink connects. */
export interface KafkaConnection {
  /** `host:port` of one or more brokers. */
  brokers: string[];
  /** Connect with TLS. */
  tls?: boolean;
  /** PEM file of the certificate authorities to trust (TLS). */
  tlsCaFile?: string;
  /** PEM files of a client certificate and its key (mutual TLS). */
  tlsCertFile?: string;
  tlsKeyFile?: string;
  /** Accept any server certificate (tests only). */
  tlsInsecure?: boolean;
  /** SASL mechanism, when the brokers ask for one. */
  saslMechanism?: typeof SASL_MECHANISMS[number];
  /** The SASL user name. */
  saslUsername?: string;
  /** The environment variable holding the SASL password. */
  saslPasswordEnv?: string;
  /** Milliseconds to wait for a broker's answer. */
  timeoutMs?: number;
  /** The config's folder, for relative certificate paths. */
  configDir?: string;
}

/** The default environment variable of the SASL password. */
export const DEFAULT_PASSWORD_ENV = "TABLESTREAM_KAFKA_PASSWORD";

/** `Kafka at host:port,...`, for messages. */
export function describeBrokers(connection: KafkaConnection): string {
  return `Kafka at ${connection.brokers.join(",")}`;
}

/** The options every client of the sink shares. */
export function clientOptions(connection: KafkaConnection, clientId: string): BaseOptions {
  const options: BaseOptions = {
    clientId,
    bootstrapBrokers: connection.brokers,
    connectTimeout: connection.timeoutMs ?? 10_000,
    requestTimeout: connection.timeoutMs ?? 30_000,
    timeout: connection.timeoutMs ?? 30_000,
    // The streaming server retries with its own back-off and shows the wait: a few quick
    // retries of the client ride over a leader moving, no more.
    retries: 3,
    retryDelay: 250,
  };
  if (connection.tls) {
    const read = (path: string) =>
      Deno.readTextFileSync(resolveConfigPath(connection.configDir ?? ".", path));
    options.tls = {
      ...(connection.tlsCaFile ? { ca: read(connection.tlsCaFile) } : {}),
      ...(connection.tlsCertFile ? { cert: read(connection.tlsCertFile) } : {}),
      ...(connection.tlsKeyFile ? { key: read(connection.tlsKeyFile) } : {}),
      ...(connection.tlsInsecure ? { rejectUnauthorized: false } : {}),
    };
  }
  if (connection.saslMechanism) {
    const variable = connection.saslPasswordEnv ?? DEFAULT_PASSWORD_ENV;
    const password = Deno.env.get(variable);
    if (password === undefined) {
      throw new SinkError(
        `The kafka sink's SASL password is read from the environment variable ${variable}, ` +
          "which is not set; set it (the config never holds secrets), or name another " +
          "variable with sasl_password_env",
        { healable: false },
      );
    }
    if (!connection.saslUsername) {
      throw new SinkError("The kafka sink's SASL needs a user name: set sasl_username", {
        healable: false,
      });
    }
    options.sasl = {
      mechanism: connection.saslMechanism.toUpperCase() as "PLAIN",
      username: connection.saslUsername,
      password,
    };
  }
  return options;
}

/** Kafka's error names (`apiId`) of failures no retry fixes. */
const PERMANENT = new Set([
  "SASL_AUTHENTICATION_FAILED",
  "TOPIC_AUTHORIZATION_FAILED",
  "GROUP_AUTHORIZATION_FAILED",
  "CLUSTER_AUTHORIZATION_FAILED",
  "TRANSACTIONAL_ID_AUTHORIZATION_FAILED",
  "UNSUPPORTED_SASL_MECHANISM",
  "ILLEGAL_SASL_STATE",
  "MESSAGE_TOO_LARGE",
  "RECORD_LIST_TOO_LARGE",
  "INVALID_TOPIC_EXCEPTION",
  "INVALID_CONFIG",
  "INVALID_REQUIRED_ACKS",
  "INVALID_REPLICATION_FACTOR",
  "INVALID_PARTITIONS",
  "POLICY_VIOLATION",
  "UNSUPPORTED_VERSION",
  "UNSUPPORTED_COMPRESSION_TYPE",
  "INVALID_RECORD",
  "CORRUPT_MESSAGE",
]);

/** A TLS handshake refused because the brokers' certificate is not trusted (or not theirs). */
const UNTRUSTED =
  /certificate|UnknownIssuer|unable to verify|self[- ]signed|CERT_|NotValidForName|invalid peer/i;

/** What a client error is: Kafka's error names found in it, and whether it is about auth. */
function inspectError(
  error: unknown,
): { apis: string[]; auth: boolean; untrusted: boolean; messages: string[] } {
  const apis: string[] = [];
  const messages: string[] = [];
  let auth = false;
  const seen = new Set<unknown>();
  const stack = [error];
  while (stack.length) {
    const e = stack.pop() as {
      apiId?: string;
      code?: string;
      errors?: unknown[];
      cause?: unknown;
      message?: string;
    } | undefined;
    if (!e || typeof e !== "object" || seen.has(e)) continue;
    seen.add(e);
    if (typeof e.apiId === "string") apis.push(e.apiId);
    if (e.code === "PLT_KFK_AUTHENTICATION") auth = true;
    if (typeof e.message === "string" && e.message && !messages.includes(e.message)) {
      messages.push(e.message);
    }
    if (Array.isArray(e.errors)) stack.push(...e.errors);
    if (e.cause) stack.push(e.cause);
  }
  const untrusted = messages.some((m) => UNTRUSTED.test(m));
  return { apis, auth, untrusted, messages };
}

/** The one-line cause of a client error: Kafka's error names, else its messages. */
export function describeError(error: unknown): string {
  const { apis, messages } = inspectError(error);
  const named = [...new Set(apis)].join(", ");
  const text = messages.slice(0, 3).join(": ");
  return named ? `${named} (${text})` : text || String(error);
}

/** Whether a client error can heal by itself (a broker restarting) or not (credentials). */
export function isHealable(error: unknown): boolean {
  const { apis, auth, untrusted } = inspectError(error);
  if (auth || untrusted) return false;
  if (apis.some((api) => PERMANENT.has(api))) return false;
  return true;
}

/** What a user can do about an error, when we know. */
function hint(error: unknown): string {
  const { apis, auth, untrusted } = inspectError(error);
  if (untrusted) {
    return "the brokers' TLS certificate is not trusted: give tls_ca_file the PEM file of the " +
      "CA that signed it (and connect by the name or address the certificate is for)";
  }
  if (auth || apis.includes("SASL_AUTHENTICATION_FAILED")) {
    return "check sasl_mechanism, sasl_username and the password variable (sasl_password_env)";
  }
  if (apis.some((a) => a.endsWith("_AUTHORIZATION_FAILED"))) {
    return "grant the user the ACLs it needs: Write and Describe on the topics, Write on its " +
      "transactional ids (or use delivery: at_least_once)";
  }
  if (apis.includes("MESSAGE_TOO_LARGE")) return "raise the topic's max.message.bytes";
  return "the table waits and retries while the brokers are unreachable";
}

/**
 * Wraps a client error into a {@link SinkError}: what failed, on which table and brokers,
 * Kafka's error, and a hint; healable unless no retry can fix it.
 */
export function kafkaError(what: string, where: string, error: unknown): SinkError {
  if (error instanceof SinkError) return error;
  const healable = isHealable(error);
  return new SinkError(
    `${what} (${where}): ${describeError(error)}; ${hint(error)}`,
    { healable, cause: error },
  );
}
