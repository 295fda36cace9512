/**
 * `deno task test`: runs the test suite (`deno test -A`, the interop suite left to
 * `deno task test:interop`), then lists the tests that were skipped because something from
 * outside the repository was missing, with how to get it (see `tests/_external.ts`). Arguments
 * are passed to `deno test` (`deno task test lib/expr/`, `--filter zipf`).
 *
 * @module
 */
import { SKIP_LOG_ENV, skipSummary } from "./_external.ts";

/**
 * Runs `deno test -A ...args` with `env` added (and `TZ=UTC`), then prints the list of skipped
 * tests; resolves with the exit code of `deno test`.
 */
export async function runTests(
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<number> {
  const log = await Deno.makeTempFile({ prefix: "tablestream-skips-" });
  try {
    const child = new Deno.Command(Deno.execPath(), {
      args: ["test", "-A", ...args],
      env: { TZ: "UTC", ...env, [SKIP_LOG_ENV]: log },
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

if (import.meta.main) {
  const explicit = Deno.args.some((a) => a.startsWith("tests/interop"));
  Deno.exit(await runTests([...(explicit ? [] : ["--ignore=tests/interop/"]), ...Deno.args]));
}
