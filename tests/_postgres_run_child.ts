/**
 * A fast-forward streaming run into PostgreSQL as a process of its own, for the test that
 * kills it with SIGKILL. Its one argument is JSON: the config's YAML, the sink's options,
 * the start time and the stop time (ISO), and the rows per commit.
 *
 * @module
 */
import { config } from "./_server.ts";
import { LOOPS_BEGIN } from "./_kill.ts";
import { StreamingServer } from "../lib/schedule/server.ts";
import { createPostgresSink, type PostgresSinkOptions } from "../plugins/sinks/postgres/mod.ts";

interface ChildArgs {
  yaml: string;
  sink: PostgresSinkOptions;
  start: string;
  until: string;
  commitRows: number;
}

const args: ChildArgs = JSON.parse(Deno.args[0]);
const server = new StreamingServer({
  config: config(args.yaml),
  sink: () => createPostgresSink(args.sink),
  startTime: new Date(args.start),
  until: new Date(args.until),
  fastForward: true,
  commitRows: args.commitRows,
});
const started = server.start();
// The kill test kills it after this, not during start-up, whatever start-up costs.
server.ready.then(() => console.error(LOOPS_BEGIN), () => {});
const summary = await started;
if (summary.failed.length > 0) {
  console.error(JSON.stringify(summary.failed));
  Deno.exit(1);
}
