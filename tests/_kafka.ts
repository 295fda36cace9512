/**
 * A Kafka broker for the tests that need one. `KAFKA_BROKERS` names one to use (host:port,...);
 * otherwise a throwaway single-node cluster of Apache Kafka 4.1.0 in KRaft mode (no ZooKeeper)
 * is started from Maven Central's jars, on free ports of 127.0.0.1, with transactions enabled
 * (replication factors and min.insync.replicas of 1) and two listeners: PLAINTEXT, and
 * SASL_PLAINTEXT with PLAIN and SCRAM-SHA-256/512 users (`tablestream`, password
 * {@link SASL_PASSWORD}). It is stopped and removed when the test process ends.
 *
 * The jars (kafka_2.13, kafka-server and kafka-tools with their dependencies, about 55 MB) are
 * copied once by Maven into `~/.cache/tablestream-kafka/<version>/deps` (or
 * `TABLESTREAM_KAFKA_CACHE`); `.ci/run` does that before the tests. Tests skip (through
 * `_external.ts`: a failure under `CI=true`) when there is no Java, or no jars and no Maven.
 *
 * @module
 */
import { externalTest, found, missing, type Need } from "./_external.ts";
import { freePorts } from "./_ports.ts";

/** Kafka's version the tests run. */
export const KAFKA_VERSION = "4.1.0";

/** The password of the SASL users of the test broker. */
export const SASL_PASSWORD = "tablestream-secret";
/** The SASL user of the test broker. */
export const SASL_USER = "tablestream";
/**
 * A SASL user (password {@link SASL_PASSWORD}) allowed to read, write and create topics but
 * holding no ACL on any transactional id: the broker refuses it transactions.
 */
export const NO_TRANSACTIONS_USER = "no-transactions";

/** A broker the tests can use. */
export interface TestKafka {
  /** `host:port` of the PLAINTEXT listener. */
  brokers: string[];
  /** `host:port` of the SASL_PLAINTEXT listener (only on the throwaway cluster). */
  saslBrokers?: string[];
  /** How it was found, for messages. */
  origin: string;
  /**
   * The SSL listener (only on the throwaway cluster, with openssl): `host:port`, the PEM file of
   * the CA that signed the broker's certificate, and of another CA that did not.
   */
  tls?: { brokers: string[]; caFile: string; otherCaFile: string };
  /** The broker's log folder (only the throwaway cluster), for Kafka's log dump tool. */
  logDir?: string;
  /** The jars' folder: Kafka's own Java tools and clients, for cross-checks. */
  classpath?: string;
  /** Stopping and starting the broker, for outage tests (only the throwaway cluster). */
  control?: { stop(): Promise<void>; start(): Promise<void> };
}

/** The cache folder of the jars, outside the repository. */
export function kafkaCache(): string {
  const fromEnv = Deno.env.get("TABLESTREAM_KAFKA_CACHE");
  if (fromEnv) return fromEnv;
  const base = Deno.env.get("XDG_CACHE_HOME") ?? `${Deno.env.get("HOME") ?? "/tmp"}/.cache`;
  return `${base}/tablestream-kafka`;
}

/** The folder of Kafka's jars. */
export function kafkaJars(): string {
  return `${kafkaCache()}/${KAFKA_VERSION}/deps`;
}

const POM = `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>tablestream</groupId>
  <artifactId>kafka-broker</artifactId>
  <version>1</version>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>${KAFKA_VERSION}</version></dependency>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka-server</artifactId><version>${KAFKA_VERSION}</version></dependency>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka-tools</artifactId><version>${KAFKA_VERSION}</version></dependency>
  </dependencies>
</project>
`;

function has(command: string, ...args: string[]): boolean {
  try {
    return new Deno.Command(command, { args, stdout: "null", stderr: "null" }).outputSync().success;
  } catch {
    return false;
  }
}

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Copies Kafka's jars into the cache with Maven, once (a run that finds them does nothing).
 * `deno run -A tests/_kafka.ts` runs it, as `.ci/run` does.
 */
export async function ensureJars(): Promise<string> {
  const deps = kafkaJars();
  if (exists(`${deps}/.complete`)) return deps;
  const dir = `${kafkaCache()}/${KAFKA_VERSION}`;
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(`${dir}/pom.xml`, POM);
  const staging = `${dir}/deps.${Deno.pid}`;
  const output = await new Deno.Command("mvn", {
    args: [
      "-q",
      "-B",
      "-f",
      `${dir}/pom.xml`,
      "dependency:copy-dependencies",
      `-DoutputDirectory=${staging}`,
      "-DincludeScope=runtime",
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!output.success) {
    const text = new TextDecoder().decode(output.stdout) + new TextDecoder().decode(output.stderr);
    throw new Error(`Cannot copy Kafka's jars with Maven:\n${text}`);
  }
  await Deno.writeTextFile(`${staging}/.complete`, KAFKA_VERSION);
  await Deno.remove(deps, { recursive: true }).catch(() => {});
  await Deno.rename(staging, deps).catch(async (error) => {
    // Another process finished first: keep its copy.
    if (!exists(`${deps}/.complete`)) throw error;
    await Deno.remove(staging, { recursive: true }).catch(() => {});
  });
  return deps;
}

let cached: Promise<Need<TestKafka>> | undefined;

/** Finds or starts the tests' broker, once per process. */
export function testKafka(): Promise<Need<TestKafka>> {
  cached ??= find();
  return cached;
}

/** Registers a test that needs a Kafka broker (skipped, or failed under CI, without one). */
export function kafkaTest(
  need: Need<TestKafka>,
  name: string,
  fn: (kafka: TestKafka) => Promise<void>,
): void {
  externalTest({ name, need, fn, sanitizeResources: false, sanitizeOps: false });
}

async function find(): Promise<Need<TestKafka>> {
  const named = Deno.env.get("KAFKA_BROKERS");
  if (named) return found({ brokers: named.split(","), origin: "KAFKA_BROKERS" });
  if (!has("java", "-version")) {
    return missing(
      "a Kafka broker",
      "KAFKA_BROKERS is unset and java is not installed",
      "install Java 17 (apt-get install openjdk-17-jre-headless) and Maven, or set KAFKA_BROKERS",
    );
  }
  if (!exists(`${kafkaJars()}/.complete`) && !has("mvn", "-v")) {
    return missing(
      "a Kafka broker",
      `KAFKA_BROKERS is unset, Kafka's jars are not in ${kafkaJars()} and Maven is not installed`,
      "install Maven (apt-get install maven), or run deno run -A tests/_kafka.ts with it, or " +
        "set KAFKA_BROKERS",
    );
  }
  const jars = await ensureJars();
  await removeOrphans();
  return found(await startBroker(jars));
}

const PREFIX = "tablestream-kafka-";

/** Kills brokers whose test process died before it could (killed, crashed). */
async function removeOrphans(): Promise<void> {
  const parent = Deno.env.get("TMPDIR") ?? "/tmp";
  for await (const entry of Deno.readDir(parent)) {
    if (!entry.name.startsWith(PREFIX)) continue;
    const dir = `${parent}/${entry.name}`;
    const owner = await Deno.readTextFile(`${dir}/owner`).catch(() => undefined);
    if (owner === undefined || exists(`/proc/${owner.trim()}`)) continue;
    const pid = await Deno.readTextFile(`${dir}/broker.pid`).catch(() => undefined);
    if (pid) {
      try {
        Deno.kill(Number(pid), "SIGKILL");
      } catch {
        // gone already
      }
    }
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

async function portOpen(port: number): Promise<boolean> {
  try {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    conn.close();
    return true;
  } catch {
    return false;
  }
}

async function startBroker(jars: string): Promise<TestKafka> {
  const dir = await Deno.makeTempDir({ prefix: PREFIX });
  await Deno.writeTextFile(`${dir}/owner`, String(Deno.pid));
  const [port, controller, saslPort, sslPort] = freePorts(4);
  const jaas = (module: string, extra = "") =>
    `${module} required username="${SASL_USER}" password="${SASL_PASSWORD}"${extra};`;
  const tls = await makeCertificates(dir);
  const properties = [
    "process.roles=broker,controller",
    "node.id=1",
    `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controller},` +
    `SASL_PLAINTEXT://127.0.0.1:${saslPort}` + (tls ? `,SSL://127.0.0.1:${sslPort}` : ""),
    `advertised.listeners=PLAINTEXT://127.0.0.1:${port},SASL_PLAINTEXT://127.0.0.1:${saslPort}` +
    (tls ? `,SSL://127.0.0.1:${sslPort}` : ""),
    "controller.listener.names=CONTROLLER",
    "inter.broker.listener.name=PLAINTEXT",
    "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT," +
    "SASL_PLAINTEXT:SASL_PLAINTEXT,SSL:SSL",
    ...(tls
      ? [
        "listener.name.ssl.ssl.keystore.type=PEM",
        `listener.name.ssl.ssl.keystore.location=${tls.keystore}`,
        "listener.name.ssl.ssl.client.auth=none",
      ]
      : []),
    // ACLs: everyone but NO_TRANSACTIONS_USER is a super user; that user may use topics and
    // groups but no transactional id, so the broker refuses it transactions.
    "authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer",
    `super.users=User:ANONYMOUS;User:${SASL_USER}`,
    `controller.quorum.bootstrap.servers=127.0.0.1:${controller}`,
    `log.dirs=${dir}/data`,
    "num.partitions=1",
    "offsets.topic.replication.factor=1",
    "transaction.state.log.replication.factor=1",
    "transaction.state.log.min.isr=1",
    "transaction.state.log.num.partitions=4",
    "offsets.topic.num.partitions=4",
    "min.insync.replicas=1",
    "group.initial.rebalance.delay.ms=0",
    "auto.create.topics.enable=false",
    "sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256,SCRAM-SHA-512",
    "listener.name.sasl_plaintext.plain.sasl.jaas.config=" +
    jaas(
      "org.apache.kafka.common.security.plain.PlainLoginModule",
      ` user_${SASL_USER}="${SASL_PASSWORD}" user_${NO_TRANSACTIONS_USER}="${SASL_PASSWORD}"`,
    ),
    "listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config=" +
    "org.apache.kafka.common.security.scram.ScramLoginModule required;",
    "listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config=" +
    "org.apache.kafka.common.security.scram.ScramLoginModule required;",
  ];
  await Deno.writeTextFile(`${dir}/server.properties`, properties.join("\n") + "\n");
  const java = (main: string, args: string[]) =>
    new Deno.Command("java", {
      args: ["-Xms256m", "-Xmx768m", "-cp", `${jars}/*`, main, ...args],
      stdout: "piped",
      stderr: "piped",
    });
  const format = await java("kafka.tools.StorageTool", [
    "format",
    "-t",
    "tablestream-test-cluster-1",
    "-c",
    `${dir}/server.properties`,
    "--standalone",
    "--add-scram",
    `SCRAM-SHA-256=[name=${SASL_USER},password=${SASL_PASSWORD}]`,
    "--add-scram",
    `SCRAM-SHA-512=[name=${SASL_USER},password=${SASL_PASSWORD}]`,
    "--add-scram",
    `SCRAM-SHA-256=[name=${NO_TRANSACTIONS_USER},password=${SASL_PASSWORD}]`,
  ]).output();
  if (!format.success) {
    throw new Error(
      `Cannot format the Kafka test broker's storage:\n${new TextDecoder().decode(format.stderr)}`,
    );
  }
  let child: Deno.ChildProcess | undefined;
  const log = `${dir}/broker.log`;
  const start = async () => {
    const file = await Deno.open(log, { create: true, append: true });
    child = new Deno.Command("java", {
      args: [
        "-Xms256m",
        "-Xmx768m",
        "-XX:+UseSerialGC",
        "-XX:TieredStopAtLevel=1",
        "-cp",
        `${jars}/*`,
        "kafka.Kafka",
        `${dir}/server.properties`,
      ],
      stdout: "piped",
      stderr: "null",
    }).spawn();
    child.stdout.pipeTo(file.writable).catch(() => {});
    await Deno.writeTextFile(`${dir}/broker.pid`, String(child.pid));
    const deadline = Date.now() + 90_000;
    while (!(await portOpen(port))) {
      if (Date.now() > deadline) {
        throw new Error(`The Kafka test broker did not listen within 90 s (log: ${log})`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  const stop = async () => {
    const running = child;
    child = undefined;
    if (!running) return;
    try {
      running.kill("SIGKILL");
    } catch {
      // gone already
    }
    await running.status;
  };
  globalThis.addEventListener("unload", () => {
    try {
      child?.kill("SIGKILL");
    } catch {
      // gone already
    }
    try {
      Deno.removeSync(dir, { recursive: true });
    } catch {
      // left for the next run's orphan sweep
    }
  });
  await start();
  await allowWithoutTransactions(jars, `127.0.0.1:${port}`);
  return {
    brokers: [`127.0.0.1:${port}`],
    saslBrokers: [`127.0.0.1:${saslPort}`],
    logDir: `${dir}/data`,
    ...(tls
      ? {
        tls: {
          brokers: [`127.0.0.1:${sslPort}`],
          caFile: tls.caFile,
          otherCaFile: tls.otherCaFile,
        },
      }
      : {}),
    origin: `a throwaway Kafka ${KAFKA_VERSION} broker on port ${port}`,
    classpath: `${jars}/*`,
    control: { stop, start },
  };
}

/**
 * A CA, the broker's certificate for 127.0.0.1 signed by it (with its key, in one PEM file, the
 * broker's key store), and a second CA that signed nothing; undefined without openssl.
 */
async function makeCertificates(
  dir: string,
): Promise<{ keystore: string; caFile: string; otherCaFile: string } | undefined> {
  if (!has("openssl", "version")) return undefined;
  const openssl = async (...args: string[]) => {
    const output = await new Deno.Command("openssl", { args, cwd: dir, stderr: "piped" }).output();
    if (!output.success) {
      throw new Error(
        `openssl ${args[0]} failed: ${new TextDecoder().decode(output.stderr)}`,
      );
    }
  };
  const subject = (name: string) => `/CN=${name}`;
  for (const ca of ["ca", "other-ca"]) {
    await openssl(
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-days",
      "2",
      "-subj",
      subject(`tablestream test ${ca}`),
      "-keyout",
      `${ca}.key`,
      "-out",
      `${ca}.pem`,
    );
  }
  await openssl(
    "req",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-subj",
    subject("127.0.0.1"),
    "-keyout",
    "broker.key",
    "-out",
    "broker.csr",
  );
  await Deno.writeTextFile(`${dir}/broker.ext`, "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
  await openssl(
    "x509",
    "-req",
    "-in",
    "broker.csr",
    "-CA",
    "ca.pem",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-days",
    "2",
    "-extfile",
    "broker.ext",
    "-out",
    "broker.pem",
  );
  // Kafka's PEM key store: the key (PKCS#8, unencrypted) and the certificate chain.
  await openssl("pkcs8", "-topk8", "-nocrypt", "-in", "broker.key", "-out", "broker.p8");
  const keystore = `${dir}/broker-keystore.pem`;
  await Deno.writeTextFile(
    keystore,
    (await Deno.readTextFile(`${dir}/broker.p8`)) + (await Deno.readTextFile(`${dir}/broker.pem`)) +
      (await Deno.readTextFile(`${dir}/ca.pem`)),
  );
  return { keystore, caFile: `${dir}/ca.pem`, otherCaFile: `${dir}/other-ca.pem` };
}

/** Gives {@link NO_TRANSACTIONS_USER} every right on topics and groups, none on transactions. */
async function allowWithoutTransactions(jars: string, broker: string): Promise<void> {
  const allow = async (rights: string[]) => {
    const output = await new Deno.Command("java", {
      args: [
        ...["-cp", `${jars}/*`, "org.apache.kafka.tools.AclCommand"],
        ...["--bootstrap-server", broker, "--add"],
        ...["--allow-principal", `User:${NO_TRANSACTIONS_USER}`, ...rights],
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!output.success) {
      throw new Error(
        `Cannot add the test broker's ACLs:\n${new TextDecoder().decode(output.stderr)}`,
      );
    }
  };
  await allow(["--operation", "All", "--topic", "*"]);
  await allow(["--operation", "All", "--group", "*"]);
  await allow(["--operation", "Create", "--operation", "IdempotentWrite", "--cluster"]);
}

/** Runs a Java class of Kafka's jars (its tools and clients) and returns its output. */
export async function kafkaJava(
  kafka: TestKafka,
  main: string,
  args: string[],
  extraClasspath: string[] = [],
): Promise<string> {
  if (!kafka.classpath) throw new Error("Kafka's jars are not at hand (KAFKA_BROKERS)");
  const output = await new Deno.Command("java", {
    args: ["-cp", [kafka.classpath, ...extraClasspath].join(":"), main, ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(output.stdout);
  if (!output.success) {
    throw new Error(`java ${main} failed:\n${text}\n${new TextDecoder().decode(output.stderr)}`);
  }
  return text;
}

/** A record as Kafka's Java consumer read it (tests/fixtures/kafka/ReadCommitted.java). */
export interface JavaRecord {
  partition: number;
  offset: number;
  /** The partition Java's default partitioner gives the key (-1 without a key). */
  javaPartition: number;
  key: string;
  headers: Record<string, string>;
  /** The value's bytes (empty for a tombstone). */
  value: Uint8Array;
  /** The value is null: a tombstone. */
  tombstone: boolean;
}

const JAVA_READER = new URL("./fixtures/kafka/ReadCommitted.java", import.meta.url).pathname;

/**
 * A topic's committed records, read by Kafka's own Java consumer (read_committed), through
 * `brokers` (default: the PLAINTEXT listener) with extra client `properties` (TLS, SASL).
 */
export async function javaRead(
  kafka: TestKafka,
  topic: string,
  options: { brokers?: string[]; properties?: Record<string, string> } = {},
): Promise<JavaRecord[]> {
  const args = [(options.brokers ?? kafka.brokers).join(","), topic];
  let file: string | undefined;
  if (options.properties) {
    file = await Deno.makeTempFile({ suffix: ".properties" });
    await Deno.writeTextFile(
      file,
      Object.entries(options.properties).map(([k, v]) => `${k}=${v}`).join("\n") + "\n",
    );
    args.push(file);
  }
  try {
    const text = await kafkaJava(kafka, JAVA_READER, args);
    return text.split("\n").filter(Boolean).map((line) => {
      const [partition, offset, javaPartition, key, headers, value] = line.split("\t");
      return {
        partition: Number(partition),
        offset: Number(offset),
        javaPartition: Number(javaPartition),
        key,
        headers: JSON.parse(headers),
        value: value === "~"
          ? new Uint8Array(0)
          : Uint8Array.from(atob(value), (c) => c.charCodeAt(0)),
        tombstone: value === "~",
      };
    });
  } finally {
    if (file) await Deno.remove(file).catch(() => {});
  }
}

if (import.meta.main) {
  console.log(`Kafka's jars: ${await ensureJars()}`);
}
