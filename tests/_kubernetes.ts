/**
 * The Kubernetes manifests of `examples/kubernetes/`: reading them, and `kubernetes-validate`
 * (PyPI; it carries the API schemas, so it validates without a cluster or the network) from a
 * virtual environment made once in a cache folder (`$TABLESTREAM_KUBERNETES_CACHE`, default
 * `~/.cache/tablestream-kubernetes`), named by a hash of the pinned requirements.
 *
 * @module
 */
import { parseAllDocuments } from "yaml";

const HERE = new URL(".", import.meta.url).pathname;

/** The folder of the example manifests. */
export const MANIFESTS = new URL("../examples/kubernetes/", import.meta.url).pathname;

/** Every document of a manifest file, as plain data. */
export async function readManifest(name: string): Promise<Record<string, unknown>[]> {
  const text = await Deno.readTextFile(`${MANIFESTS}${name}`);
  return parseAllDocuments(text).map((d) => d.toJS() as Record<string, unknown>);
}

async function sha256(text: string): Promise<string> {
  const hash = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(hash)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

async function run(command: string, args: string[]): Promise<string> {
  const result = await new Deno.Command(command, { args, stdout: "piped", stderr: "piped" })
    .output();
  const text = new TextDecoder().decode(result.stdout) + new TextDecoder().decode(result.stderr);
  if (!result.success) throw new Error(`${command} ${args.join(" ")} failed:\n${text}`);
  return text;
}

/** The `kubernetes-validate` command, its virtual environment made when missing. */
export async function kubernetesValidate(python: string): Promise<string> {
  const base = Deno.env.get("TABLESTREAM_KUBERNETES_CACHE") ??
    `${Deno.env.get("XDG_CACHE_HOME") ?? `${Deno.env.get("HOME") ?? "/tmp"}/.cache`}` +
      "/tablestream-kubernetes";
  const requirements = `${HERE}kubernetes/requirements.txt`;
  const key = await sha256(
    await Deno.readTextFile(requirements) + await run(python, ["--version"]),
  );
  const venv = `${base}/venv-${key.slice(0, 12)}`;
  const done = `${venv}/.complete`;
  if (!await Deno.stat(done).then(() => true, () => false)) {
    await Deno.mkdir(base, { recursive: true });
    await Deno.remove(venv, { recursive: true }).catch(() => {});
    await run(python, ["-m", "venv", venv]);
    await run(`${venv}/bin/pip`, [
      ...["install", "--quiet", "--disable-pip-version-check", "--no-input"],
      ...["-r", requirements],
    ]);
    await Deno.writeTextFile(done, new Date().toISOString());
  }
  return `${venv}/bin/kubernetes-validate`;
}

/** Runs `kubernetes-validate --strict` on files; its output, or an error with it. */
export async function validateManifests(command: string, files: string[]): Promise<string> {
  return await run(command, ["--strict", ...files]);
}
