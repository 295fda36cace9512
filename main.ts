/**
 * tablestream's command line. The work is in `lib/cli/`; this file only wires the process:
 * arguments, output streams, Ctrl+C, exit code.
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

if (import.meta.main) {
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  Deno.addSignalListener("SIGINT", onSignal);
  const code = await main(Deno.args, {
    stdout: (text) => writeAll(Deno.stdout, text),
    stderr: (text) => writeAll(Deno.stderr, text),
    signal: controller.signal,
  });
  Deno.removeSignalListener("SIGINT", onSignal);
  Deno.exit(code);
}
