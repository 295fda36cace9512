/**
 * Real processes against one table: concurrent blind appends, and writers killed with
 * SIGKILL at the two dangerous moments of a commit.
 */
import { assert, assertEquals } from "../../tests/_assert.ts";
import { APPENDER_SCHEMA, appenderBatch } from "../../tests/_delta_appender.ts";
import { joinPath, localFs } from "./fs.ts";
import { latestVersion, readSnapshot } from "./log_reader.ts";
import { countRows, readTable } from "./read_data.ts";
import { DeltaWriter } from "./writer.ts";

const APPENDER = new URL("../../tests/_delta_appender.ts", import.meta.url).pathname;

function appender(table: string, appId: string, commits: number, rows: number, hang?: string) {
  const args = ["run", "-A", APPENDER, table, appId, String(commits), String(rows)];
  if (hang) args.push(hang);
  return new Deno.Command(Deno.execPath(), { args, stdout: "piped", stderr: "piped" }).spawn();
}

async function ids(table: string): Promise<bigint[]> {
  const snapshot = await readSnapshot(localFs, table);
  const data = await readTable(localFs, snapshot, { columns: ["id"] });
  return (Array.from(data.getChild("id")!) as bigint[]).sort((a, b) => (a < b ? -1 : 1));
}

function expectedIds(writers: number[], commits: number, rows: number): bigint[] {
  const all: bigint[] = [];
  for (const w of writers) {
    for (let c = 0; c < commits; c++) {
      for (let r = 0; r < rows; r++) all.push(BigInt(w * 1_000_000 + c * rows + r));
    }
  }
  return all.sort((a, b) => (a < b ? -1 : 1));
}

Deno.test("4 processes appending 25 commits each give 100 commits and every row", async () => {
  const table = joinPath(await Deno.makeTempDir({ prefix: "tablestream-race-" }), "t");
  const children = [1, 2, 3, 4].map((w) => appender(table, `writer-${w}`, 25, 10));
  const outputs = await Promise.all(children.map((c) => c.output()));
  for (const out of outputs) {
    assertEquals(out.code, 0, new TextDecoder().decode(out.stderr));
  }
  const snapshot = await readSnapshot(localFs, table);
  // Versions 0..99: the table was created by whichever writer won version 0.
  assertEquals(snapshot.version, 99);
  assertEquals(snapshot.files.length, 100);
  for (const w of [1, 2, 3, 4]) assertEquals(snapshot.txns.get(`writer-${w}`)?.version, 24);
  assertEquals(countRows(snapshot), 1000);
  assertEquals(await ids(table), expectedIds([1, 2, 3, 4], 25, 10));
  // Exactly one commit created the table.
  let creations = 0;
  for (let v = 0; v <= 99; v++) {
    const text = await Deno.readTextFile(
      joinPath(table, "_delta_log", `${String(v).padStart(20, "0")}.json`),
    );
    if (text.includes('"metaData"')) creations++;
  }
  assertEquals(creations, 1);
});

for (const hang of ["before-commit", "before-link"]) {
  Deno.test(`a writer killed ${hang.replace("-", " ")} leaves a valid table`, async () => {
    const table = joinPath(await Deno.makeTempDir({ prefix: "tablestream-kill-" }), "t");
    const child = appender(table, "writer-1", 4, 5, hang);
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let seen = "";
    while (!seen.includes("HANG")) {
      const { value, done } = await reader.read();
      if (done) break;
      seen += value;
    }
    assert(seen.includes("HANG"), `the writer did not reach ${hang}`);
    child.kill("SIGKILL");
    await child.status;
    reader.releaseLock();
    await child.stdout.cancel().catch(() => {});
    await child.stderr.cancel();

    // Three of the four commits landed; the fourth left only unreferenced files.
    const snapshot = await readSnapshot(localFs, table);
    assertEquals(snapshot.version, 2);
    assertEquals(snapshot.txns.get("writer-1")?.version, 2);
    assertEquals(await ids(table), expectedIds([1], 3, 5));
    const onDisk = [...Deno.readDirSync(table)].filter((e) => e.name.endsWith(".parquet"));
    assertEquals(onDisk.length, 4, "the killed commit's data file stays, unreferenced");
    if (hang === "before-link") {
      const temps = [...Deno.readDirSync(joinPath(table, "_delta_log", ".tmp"))];
      assertEquals(temps.length, 1, "the killed commit's temporary file stays, ignored");
    }

    // A restarted writer resumes at the missing batch: no gap, no duplicate.
    const restarted = await DeltaWriter.open(table, { schema: APPENDER_SCHEMA, appId: "writer-1" });
    assertEquals(restarted.lastTxnVersion(), 2);
    await restarted.append(appenderBatch(1, 3, 5), { txnVersion: 3 });
    assertEquals(await ids(table), expectedIds([1], 4, 5));
  });
}

Deno.test("writers killed at random moments never leave a broken log", async () => {
  const table = joinPath(await Deno.makeTempDir({ prefix: "tablestream-kill-" }), "t");
  for (let round = 0; round < 6; round++) {
    const before = await latestVersion(localFs, table) ?? -1;
    const child = appender(table, "writer-7", 1000, 50);
    // Kill mid-stream, however slowly the child starts on a loaded machine: once it has
    // committed twice this round, at a random moment.
    const deadline = Date.now() + 60_000;
    while ((await latestVersion(localFs, table) ?? -1) < before + 2 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    await new Promise((r) => setTimeout(r, Math.random() * 200));
    child.kill("SIGKILL");
    await child.status;
    await child.stdout.cancel();
    await child.stderr.cancel();
    const snapshot = await readSnapshot(localFs, table).catch((e) => {
      // Killed before the table was created: nothing to check yet.
      if (String(e).includes("not a Delta table")) return undefined;
      throw e;
    });
    if (!snapshot) continue;
    const last = snapshot.txns.get("writer-7")!.version;
    // Every committed batch is there once, and only committed batches are.
    assertEquals(await ids(table), expectedIds([7], last + 1, 50));
    for (const file of snapshot.files) {
      assertEquals((await Deno.stat(joinPath(table, file.path))).size, file.size);
    }
  }
  // The kills landed mid-stream, not all before the first commit.
  assert((await readSnapshot(localFs, table)).version > 10);
});
