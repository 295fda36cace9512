/**
 * `run` writing Delta tables on a small file system that fills up: the table waits for
 * space (its status says why), nothing half-written is left where a reader would find it,
 * and once space is freed it goes on and ends equal to an uninterrupted run.
 *
 * The file system is a tmpfs of a few megabytes, mounted by the test: as root with
 * `mount`, else inside a user and mount namespace of its own (`unshare -rm`, where the
 * kernel allows it: the test file runs again in there). Where neither works the test is
 * skipped, saying so.
 */
import { assert, assertEquals, assertStringIncludes } from "./_assert.ts";
import { externalTest, found, missing, type Need } from "./_external.ts";
import { waitFor, within } from "./_wait.ts";
import { config, START, tableRows } from "./_server.ts";
import { StreamingServer } from "../lib/schedule/server.ts";
import { localFs } from "../lib/delta/fs.ts";
import { latestVersion, readSnapshot } from "../lib/delta/log_reader.ts";
import { sleep } from "../lib/schedule/clock.ts";

/** Set in the copy of this test that runs inside its own namespace. */
const INSIDE = "TABLESTREAM_SMALL_FS_INSIDE";
const NAME = "a full disk: the table waits for space, leaves no partial file, then goes on";

/** Runs a command; its success and output. */
function runSync(command: string, args: string[]): { ok: boolean; output: string } {
  try {
    const out = new Deno.Command(command, { args, stdout: "piped", stderr: "piped" }).outputSync();
    const decode = (b: Uint8Array) => new TextDecoder().decode(b);
    return { ok: out.success, output: decode(out.stdout) + decode(out.stderr) };
  } catch (error) {
    return { ok: false, output: String(error) };
  }
}

function mountTmpfs(dir: string, size: string): { ok: boolean; output: string } {
  return runSync("mount", ["-t", "tmpfs", "-o", `size=${size}`, "tmpfs", dir]);
}

/** How this process can make a small file system: mount one here, or in a namespace. */
function smallFileSystem(): Need<"mount" | "unshare"> {
  const how = "run the tests as root, or where unprivileged user namespaces are allowed " +
    "(unshare -rm)";
  if (Deno.build.os !== "linux") {
    return missing("a small file system to fill (tmpfs)", `this is ${Deno.build.os}`, how);
  }
  const probe = Deno.makeTempDirSync({ prefix: "tablestream-tmpfs-probe-" });
  const mounted = mountTmpfs(probe, "64k");
  if (mounted.ok) runSync("umount", [probe]);
  Deno.removeSync(probe);
  if (mounted.ok) return found("mount");
  if (Deno.env.get(INSIDE) === undefined && runSync("unshare", ["-rm", "true"]).ok) {
    return found("unshare");
  }
  return missing(
    "a small file system to fill (tmpfs)",
    `mount -t tmpfs failed (${mounted.output.trim()}) and unshare -rm is not allowed`,
    how,
  );
}

const YAML = `
version: 1
config:
  seed: 4
  tick_interval: 10s
tables:
  - table_name: orders
    row_count: 200
    cadence: { rows_per_minute: 200 }
    columns:
      - { column_name: id, data: row_id, is_primary_key: true }
      - { column_name: customer, data: fake.name() }
      - { column_name: note, data: fake.sentence() }
      - { column_name: total, data: "round(random.uniform(1, 500), 2)" }
`;
const UNTIL = new Date(START + 100 * 10_000); // 3,533 rows, about 330 KB

function server(
  output: string,
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>,
): StreamingServer {
  return new StreamingServer({
    config: config(YAML),
    output,
    startTime: new Date(START),
    fastForward: true,
    until: UNTIL,
    commitRows: 100,
    // Short back-offs: the test frees the space as soon as the table waits.
    retry: { backoffMs: 20, maxBackoffMs: 200 },
    ...(sleep ? { sleep } : {}),
  });
}

/** Data files under a table's folder that its log does not list (a reader listing finds them). */
async function strayFiles(table: string): Promise<string[]> {
  const exists = await latestVersion(localFs, table) !== null;
  const listed = new Set(
    exists ? (await readSnapshot(localFs, table)).files.map((f) => f.path) : [],
  );
  const stray: string[] = [];
  for await (const entry of Deno.readDir(table)) {
    if (entry.isFile && !listed.has(entry.name)) stray.push(entry.name);
  }
  return stray;
}

async function inSmallFileSystem(): Promise<void> {
  const root = await Deno.makeTempDir({ prefix: "tablestream-full-" });
  const disk = `${root}/disk`;
  await Deno.mkdir(disk);
  const mounted = mountTmpfs(disk, "3m");
  assert(mounted.ok, `mount -t tmpfs: ${mounted.output}`);
  let running: StreamingServer | undefined;
  try {
    // Most of the space taken by something else, so the table fills the rest mid-run.
    const filler = `${disk}/filler`;
    await Deno.writeFile(filler, new Uint8Array(3_000_000));
    // In a back-off the failed attempt is cleaned up and no other is under way: what is on
    // disk then is what a reader could find.
    const whileFull: string[][] = [];
    let full = true;
    running = server(`${disk}/out`, async (ms, signal) => {
      if (full) whileFull.push(await strayFiles(`${disk}/out/orders`));
      await sleep(ms, signal);
    });
    const done = running.start();
    const waiting = await waitFor(
      "orders to wait for space",
      () => running!.status().tables.find((t) => t.table === "orders"),
      (t) => t?.stage === "waiting-for-sink" && (t?.retries ?? 0) >= 2,
      { deadlineMs: 120_000 },
    );
    assertStringIncludes(waiting!.lastError ?? "", "No space left on device");
    assertStringIncludes(waiting!.activity, "waiting for sink since");
    assert(waiting!.tick > 0 && waiting!.tick < 100, `waits mid-run, at tick ${waiting!.tick}`);
    // What is there is a valid table with nothing half-written beside it.
    full = false;
    assert(whileFull.length >= 2, `looked while it waited (${whileFull.length} times)`);
    assertEquals(whileFull.filter((stray) => stray.length > 0), []);

    await Deno.remove(filler);
    const summary = await within("the run to finish once space is freed", done, 120_000);
    assertEquals(summary.failed, []);
    const orders = summary.tables.find((t) => t.table === "orders")!;
    assertEquals(orders.tick, 100);
    assert(orders.errors >= 2, `it failed while the disk was full (${orders.errors} times)`);
    assertEquals(await strayFiles(`${disk}/out/orders`), []);

    const whole = `${root}/whole`;
    assertEquals((await server(whole).start()).failed, []);
    assertEquals(await tableRows(`${disk}/out/orders`), await tableRows(`${whole}/orders`));
  } finally {
    // Whatever failed above is the error to see: the cleanup only warns.
    await running?.stop();
    const unmounted = runSync("umount", [disk]);
    if (!unmounted.ok) runSync("umount", ["-l", disk]); // busy: detach it now, free it later
    await Deno.remove(root, { recursive: true }).catch((error) =>
      console.warn(`Cannot remove ${root} (${unmounted.output.trim()}): ${error}`)
    );
  }
}

externalTest({
  name: NAME,
  need: smallFileSystem(),
  async fn(how) {
    if (how === "mount") return await inSmallFileSystem();
    // This file again, as root of a user and mount namespace of its own.
    const out = await new Deno.Command("unshare", {
      args: [
        "-rm",
        Deno.execPath(),
        "test",
        "-A",
        `--filter=${NAME}`,
        new URL(import.meta.url).pathname,
      ],
      env: { [INSIDE]: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
    assert(out.success && text.includes("1 passed"), `inside unshare -rm:\n${text}`);
  },
});
