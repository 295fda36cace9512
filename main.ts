/**
 * tablestream's command line. The work is in `lib/cli/`; this file only wires the process:
 * arguments, output streams, Ctrl+C and SIGTERM, exit code.
 *
 * @module
 */
import { main } from "./lib/cli/main.ts";

const encoder = new TextEncoder();

/** writeSync may write part of a buffer to a pipe; loop until all of it is out. */
function writeAll(file: { writeSync(p: Uint8Array): number }, text: string): void {
  const bytes = encoder.encode(text);
  for (let offset = 0; offset < bytes.length;) offset += file.writeSync(bytes.subarray(offset));
}

/** Exit code of a process stopped at once by a second signal (128 + SIGINT). */
const EXIT_AT_ONCE = 130;
const SIGNALS: Deno.Signal[] = Deno.build.os === "windows" ? ["SIGINT"] : ["SIGINT", "SIGTERM"];

if (import.meta.main) {
  const controller = new AbortController();
  // The first signal stops gracefully; a second one exits at once (tables stay valid:
  // every commit is atomic).
  const onSignal = () => {
    if (controller.signal.aborted) Deno.exit(EXIT_AT_ONCE);
    controller.abort(new DOMException("Interrupted", "AbortError"));
  };
  for (const signal of SIGNALS) Deno.addSignalListener(signal, onSignal);
  const code = await main(Deno.args, {
    stdout: (text) => writeAll(Deno.stdout, text),
    stderr: (text) => writeAll(Deno.stderr, text),
    signal: controller.signal,
    isTerminal: Deno.stdout.isTerminal(),
    env: (name) => Deno.env.get(name),
  });
  for (const signal of SIGNALS) Deno.removeSignalListener(signal, onSignal);
  Deno.exit(code);
}
