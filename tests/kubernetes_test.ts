/**
 * The Kubernetes recipe (`examples/kubernetes/`): its manifests validate against the API
 * schemas, and the containers' commands, run here with the environment Kubernetes gives each
 * pod (`JOB_COMPLETION_INDEX` in the Indexed Job, `TABLESTREAM_SHARD_INDEX` from the
 * StatefulSet's pod-index label), make together exactly the rows of one unsharded process.
 */
import { assert, assertEquals, assertStringIncludes } from "./_assert.ts";
import { withTempDir } from "./_cli.ts";
import { externalTest, python } from "./_external.ts";
import { kubernetesValidate, MANIFESTS, readManifest, validateManifests } from "./_kubernetes.ts";
import { outputDigests } from "./_shards.ts";
import { within } from "./_wait.ts";

const MAIN = new URL("../main.ts", import.meta.url).pathname;
const EXAMPLE = new URL("../examples/streaming_config.yaml", import.meta.url).pathname;
const TABLES = { person: "id", customers: "id", orders: "order_id" };

// deno-lint-ignore no-explicit-any -- manifests are read as plain YAML data
type Manifest = any;

externalTest({
  name:
    "examples/kubernetes: every manifest validates against the Kubernetes 1.37 schemas (strict)",
  need: python(),
  async fn(command) {
    const validate = await within("kubernetes-validate", kubernetesValidate(command), 300_000);
    const files = [...Deno.readDirSync(MANIFESTS)]
      .filter((e) => e.name.endsWith(".yaml")).map((e) => `${MANIFESTS}${e.name}`).sort();
    assertEquals(files.length, 4);
    const output = await validateManifests(validate, files);
    assertEquals(output.match(/ passed for resource /g)?.length, 5, output);
  },
});

Deno.test("examples/kubernetes: the ConfigMap holds the bundled example config", async () => {
  const [configMap] = await readManifest("config.yaml");
  const data = (configMap as Manifest).data["streaming_config.yaml"];
  assertEquals(data, await Deno.readTextFile(EXAMPLE));
});

/**
 * A container's args as a local command: the config path of the ConfigMap's mount is the
 * example, the object-store output a local folder (the shards' table is the same either way).
 */
function localArgs(args: string[], output: string): string[] {
  return args.map((arg, i) => {
    if (arg === "/config/streaming_config.yaml") return EXAMPLE;
    if (args[i - 1] === "--output") return output;
    if (args[i - 1] === "--http") return "127.0.0.1:0";
    return arg;
  });
}

function spawn(args: string[], env: Record<string, string>) {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, ...args],
    stdout: "piped",
    stderr: "piped",
    env: { TZ: "UTC", ...env },
  }).spawn();
}

const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

async function finish(child: Deno.ChildProcess, what: string): Promise<string> {
  const result = await within(what, child.output(), 180_000);
  assertEquals(result.code, 0, `${what}: ${decode(result.stderr)}`);
  return decode(result.stdout) + decode(result.stderr);
}

Deno.test("examples/kubernetes: the Indexed Job's command, with each JOB_COMPLETION_INDEX, writes one run's rows", async () => {
  const [job] = await readManifest("generate-job.yaml") as Manifest[];
  assertEquals(job.spec.completionMode, "Indexed");
  assertEquals(job.spec.template.spec.restartPolicy, "OnFailure");
  const container = job.spec.template.spec.containers[0];
  assertEquals(container.envFrom[0].secretRef.name, "tablestream-object-store");
  const n: number = job.spec.completions;
  const parallelism: number = job.spec.parallelism;
  assertEquals(container.args[container.args.indexOf("--shards") + 1], String(n));
  await withTempDir(async (dir) => {
    const args = localArgs(container.args, `${dir}/shards`);
    // As the Job runs them: `parallelism` pods at a time, each with its index.
    for (let first = 0; first < n; first += parallelism) {
      const pods = [];
      for (let i = first; i < Math.min(n, first + parallelism); i++) {
        pods.push(spawn(args, { JOB_COMPLETION_INDEX: String(i) }));
      }
      for (const [k, pod] of pods.entries()) {
        assertStringIncludes(await finish(pod, `pod ${first + k}`), `Shard ${first + k}/${n}`);
      }
    }
    const time = container.args[container.args.indexOf("--reference-time") + 1];
    const single = spawn(
      ["generate", "-c", EXAMPLE, "-o", `${dir}/single`, "--reference-time", time],
      {},
    );
    await finish(single, "the unsharded run");
    assertEquals(
      await outputDigests(`${dir}/shards`, TABLES),
      await outputDigests(`${dir}/single`, TABLES),
    );
  });
});

Deno.test("examples/kubernetes: the StatefulSet's command, with each pod index, streams one run's rows", async () => {
  const docs = await readManifest("run-statefulset.yaml") as Manifest[];
  const set = docs.find((d) => d.kind === "StatefulSet");
  assert(docs.some((d) => d.kind === "Service"));
  const pod = set.spec.template;
  const container = pod.spec.containers[0];
  assertEquals(container.livenessProbe.httpGet.path, "/health");
  assertEquals(container.readinessProbe.httpGet.path, "/ready");
  assertEquals(pod.metadata.annotations["prometheus.io/path"], "/metrics");
  const index = container.env.find((e: Manifest) => e.name === "TABLESTREAM_SHARD_INDEX");
  assertEquals(
    index.valueFrom.fieldRef.fieldPath,
    "metadata.labels['apps.kubernetes.io/pod-index']",
  );
  const n: number = set.spec.replicas;
  assertEquals(container.args[container.args.indexOf("--shards") + 1], String(n));
  // Live in the cluster; here fast-forward over 30 logical minutes from a fixed start.
  const window = [
    "--fast-forward",
    "--start-time",
    "2026-01-01",
    "--until",
    "2026-01-01T00:30:00Z",
  ];
  await withTempDir(async (dir) => {
    const args = [...localArgs(container.args, `${dir}/shards`), ...window, "--workers", "1"];
    const pods = Array.from(
      { length: n },
      (_, i) => spawn(args, { TABLESTREAM_SHARD_INDEX: String(i) }),
    );
    for (const [i, child] of pods.entries()) {
      assertStringIncludes(await finish(child, `pod ${i}`), `"shard":"${i}/${n}"`);
    }
    const single = spawn(["run", "-c", EXAMPLE, "-o", `${dir}/single`, ...window], {});
    await finish(single, "the unsharded run");
    assertEquals(
      await outputDigests(`${dir}/shards`, TABLES),
      await outputDigests(`${dir}/single`, TABLES),
    );
  });
});
