/**
 * `deno task test`: runs the test suite (`deno test -A`, the interop suite left to
 * `deno task test:interop`), then lists the tests that were skipped because something from
 * outside the repository was missing, with how to get it (see `tests/_external.ts`). Arguments
 * are passed to `deno test` (`deno task test lib/expr/`, `--filter zipf`).
 *
 * @module
 */
import { SKIP_LOG_ENV, skipSummary } from "./_external.ts";

async function main(args: string[]): Promise<number> {
  const log = await Deno.makeTempFile({ prefix: "tablestream-skips-" });
  try {
    const ignore = args.some((a) => a.startsWith("tests/interop"))
      ? []
      : ["--ignore=tests/interop/"];
    const child = new Deno.Command(Deno.execPath(), {
      args: ["test", "-A", ...ignore, ...args],
      env: { TZ: "UTC", [SKIP_LOG_ENV]: log },
      stdin: "inherit",
      stdout: "inherit",
      stderr: "inherit",
    }).spawn();
    const { code } = await child.status;
    const summary = skipSummary((await Deno.readTextFile(log)).split("\n"));
    if (summary) console.log(`\n${summary}`);
    return code;
  } finally {
    await Deno.remove(log).catch(() => {});
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
