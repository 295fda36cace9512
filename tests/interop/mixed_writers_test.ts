/**
 * Two producers feeding one lakehouse table at once: `tablestream run` (a child process,
 * live, a commit a second) and a delta-rs writer loop (`write_deltalake(mode="append")` in a
 * thread of the peer) append to the same Delta table for 60 s. Both finish; no commit is
 * lost (each side's conflict retries work against the other); the table holds exactly what
 * both wrote, ours told apart by our txn and rows, theirs by batch; all three engines read
 * the same rows as our reader.
 *
 * The table is created by delta-rs first, with the columns the config makes: `run` adopts it
 * (a table it did not write keeps its rows, our keys follow its largest) and from then on
 * its commits are blind appends that any other appender's commits cannot conflict with.
 */
import { assert, assertEquals } from "../_assert.ts";
import { withTempDir, writeConfig } from "../_cli.ts";
import { localFs } from "../../lib/delta/fs.ts";
import { readCommit, readSnapshot } from "../../lib/delta/log_reader.ts";
import { interopTest } from "./_peer.ts";
import { assertEnginesAgree, inspectedRows } from "./_theirs.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;
/** How long both write. */
const SECONDS = 60;

const CONFIG = `
version: 1
config:
  seed: 5
tables:
  - table_name: feed
    row_count: 0
    cadence: { rows_per_minute: 1200 }
    columns:
      - { column_name: id, data: row_id, is_primary_key: true }
      - { column_name: source, data: "'tablestream'" }
      - { column_name: payload, data: "fake.sentence()" }
      - { column_name: at, data: "datetime.now()" }
`;

/** Python: the delta-rs side. Its rows have negative ids: -(batch * 1000 + row). */
const DELTA_RS = `
import sys, threading, time, types, datetime

def rows(batch, n):
    now = datetime.datetime.now(datetime.timezone.utc)
    return pa.table({
        'id': pa.array([-(batch * 1000 + r) for r in range(1, n + 1)], pa.int64()),
        'source': pa.array(['delta-rs'] * n),
        'payload': pa.array([f'batch {batch} row {r} — ünïcödé' for r in range(1, n + 1)]),
        'at': pa.array([now] * n, pa.timestamp('us', tz='UTC')),
    })

def loop(state, path, seconds, n):
    end = time.time() + seconds
    batch = 0
    while time.time() < end:
        batch += 1
        table = rows(batch, n)
        for attempt in range(100):
            try:
                write_deltalake(path, table, mode='append')
                state.done.append(batch)
                break
            except Exception as error:  # a commit conflict: write the same batch again
                state.failures.append(type(error).__name__ + ': ' + str(error)[:200])
                time.sleep(0.05)
        else:
            state.gave_up.append(batch)
        time.sleep(0.1)
`;

interopTest(
  "run and a delta-rs writer loop append to one table for 60 s; nothing is lost",
  async (peer) => {
    await withTempDir(async (dir) => {
      const config = await writeConfig(dir, CONFIG);
      const path = `${dir}/feed`;
      // The table as the other producer created it: 10 rows, ids 1..10.
      await peer.py(
        DELTA_RS + "t = rows(0, 10)\n" +
          "t = t.set_column(0, 'id', pa.array(range(1, 11), pa.int64()))\n" +
          "write_deltalake(args['path'], t)",
        { path },
      );

      const child = new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "-A",
          MAIN,
          "run",
          "--config",
          config,
          "--output",
          dir,
          "--tick-interval",
          "1s",
          "--commit-interval",
          "1s",
          "--duration",
          `${SECONDS}s`,
          "--log-format",
          "json",
        ],
        stdout: "piped",
        stderr: "piped",
        env: { TZ: "UTC" },
      }).spawn();
      const output = child.output();
      // The delta-rs loop runs in a thread of the peer while run runs.
      await peer.py(
        DELTA_RS + `
state = types.ModuleType('tablestream_mixed_writer')
state.done, state.failures, state.gave_up = [], [], []
state.thread = threading.Thread(target=loop, args=(state, args['path'], args['seconds'], 7))
state.thread.start()
sys.modules['tablestream_mixed_writer'] = state
`,
        { path, seconds: SECONDS },
      );
      const ran = await output;
      const log = new TextDecoder().decode(ran.stderr) + new TextDecoder().decode(ran.stdout);
      const theirs = await peer.py<{ done: number[]; failures: string[]; gaveUp: number[] }>(
        `
import sys
state = sys.modules.pop('tablestream_mixed_writer')
state.thread.join()
result = {'done': state.done, 'failures': state.failures, 'gaveUp': state.gave_up}
`,
      );
      assertEquals(ran.code, 0, `run exits 0:\n${log.slice(-3000)}`);
      assertEquals(theirs.gaveUp, [], `delta-rs wrote every batch: ${theirs.failures.slice(0, 3)}`);
      assert(theirs.done.length > 60, `delta-rs committed often (${theirs.done.length})`);

      // Every commit is there, in one contiguous log; ours are told apart by engineInfo.
      const snapshot = await readSnapshot(localFs, path);
      let ourRows = 0;
      let theirRetries = 0;
      const writers: string[] = [];
      for (let v = 1; v <= snapshot.version; v++) {
        const actions = await readCommit(localFs, path, v);
        const info = actions.find((a) => a.commitInfo)?.commitInfo ?? {};
        const ours = String(info.engineInfo ?? "").startsWith("tablestream/");
        writers.push(ours ? "ours" : "theirs");
        // delta-rs records the races its commit lost and retried.
        if (!ours) {
          theirRetries += Number(
            (info.operationMetrics as { num_retries?: number })?.num_retries ?? 0,
          );
        }
        if (ours) {
          ourRows += Number((info.operationMetrics as Record<string, string>)?.numOutputRows ?? 0);
          assert(actions.some((a) => a.txn), `our commit ${v} carries our txn`);
        }
      }
      const ourCommits = writers.filter((w) => w === "ours").length;
      assertEquals(
        writers.length - ourCommits,
        theirs.done.length,
        "one commit per delta-rs batch",
      );
      assert(ourCommits > SECONDS / 2, `run committed about every second (${ourCommits})`);
      const switches = writers.filter((w, i) => i > 0 && w !== writers[i - 1]).length;
      // Nearly every commit of ours follows some of theirs: ours found its version taken (the
      // writer knows the table as of its own last commit), read the winners and retried.
      assert(
        switches > ourCommits,
        `the two writers' commits interleave (${switches} switches)`,
      );
      const [txn] = [...snapshot.txns.values()];
      assert(txn.appId.startsWith("tablestream:feed:"), txn.appId);

      // The rows: delta-rs's initial 10, each delta-rs batch once, ours with contiguous ids.
      const content = await peer.py<{ batches: number[]; ours: number[]; initial: number }>(
        `
t = spark().read.format('delta').load(args['path']).select('id', 'source').toPandas()
theirs = t[t['source'] == 'delta-rs']['id']
ours = t[t['source'] == 'tablestream']['id']
result = {'batches': sorted((-theirs[theirs < 0]) // 1000), 'ours': sorted(ours.tolist()),
          'initial': int((theirs > 0).sum())}
`,
        { path },
      );
      assertEquals(content.initial, 10);
      assertEquals(
        content.batches,
        theirs.done.flatMap((b) => Array(7).fill(b)),
        "every delta-rs batch once",
      );
      assertEquals(content.ours.length, ourRows, "our rows are what our commits say they hold");
      assertEquals(
        content.ours,
        Array.from({ length: ourRows }, (_, i) => 11 + i),
        "our keys follow the adopted table's largest, without a gap or a duplicate",
      );
      assert(ourRows >= (SECONDS - 5) * 20, `run kept its rate of 20 rows a second (${ourRows})`);
      const total = 10 + theirs.done.length * 7 + ourRows;
      assertEquals(await inspectedRows(path), total);
      const ours = await assertEnginesAgree(peer, path, "the mixed table");
      assertEquals(ours.count, total);
      console.log(
        `mixed writers: ${ourCommits} commits of ours (${ourRows} rows), ${theirs.done.length} of ` +
          `delta-rs (${theirRetries} commit retries inside delta-rs, ${theirs.failures.length} ` +
          `failed calls retried by the loop), ${switches} switches, ` +
          `version ${snapshot.version}`,
      );
    });
  },
);
