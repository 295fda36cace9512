/**
 * Hostile input, answered fast and clearly: configs built to hang, exhaust memory or escape the
 * expression sandbox, and the mistakes of a new user. Each case runs the real CLI in a process
 * of its own, and must end within its bound (a hang detector, not a speed target: the bounds
 * are tens of times what a case takes) with its exit code and the kind of message it promises,
 * positioned where the case says where.
 */
import { assert, assertEquals, assertStringIncludes } from "./_assert.ts";
import { withTempDir } from "./_cli.ts";

const MAIN = new URL("../main.ts", import.meta.url).pathname;

/** One hostile input. */
interface Case {
  name: string;
  /** The config file's text (or bytes). */
  config: string | Uint8Array;
  /** The command (default `validate`); `generate` writes into a temporary folder. */
  command?: "validate" | "generate" | "preview";
  code: number;
  /** What stderr (or stdout) must contain: a diagnostic kind such as `error[too-deep]`. */
  says: string;
  /** Seconds it may take at most (default 15). */
  bound?: number;
}

/** A config of one table `t` whose column `x` has `data: <expr>` (YAML single-quoted). */
function column(expr: string, rows = 2): string {
  return `tables:\n  - table_name: t\n    row_count: ${rows}\n    columns:\n` +
    `      - { column_name: id, data: row_id }\n` +
    `      - column_name: x\n        data: '${expr.replaceAll("'", "''")}'\n`;
}

/** A config of one table named `name`. */
function table(name: string): string {
  return `tables:\n  - table_name: ${JSON.stringify(name)}\n    columns:\n` +
    `      - { column_name: id, data: row_id }\n`;
}

/** A block `data: |` of the given lines. */
function block(lines: string[]): string {
  return `tables:\n  - table_name: t\n    row_count: 2\n    columns:\n` +
    `      - column_name: x\n        data: |\n` + lines.map((l) => `          ${l}\n`).join("");
}

const ALIAS_BOMB = [
  'a0: &a0 ["x","x","x","x","x","x","x","x","x"]',
  ...Array.from({ length: 9 }, (_, i) => `a${i + 1}: &a${i + 1} [${`*a${i},`.repeat(9)}]`),
  "tables:\n  - table_name: t\n    columns:\n      - {column_name: id, data: row_id}\n    x: *a9",
].join("\n");

const CASES: Case[] = [
  // --- YAML built to hang or to exhaust memory ---------------------------------------------
  { name: "a 500-byte alias bomb", config: ALIAS_BOMB, code: 2, says: "error[yaml-aliases]" },
  {
    name: "an alias of itself",
    config: "a: &a [*a]\n" + table("t"),
    code: 2,
    says: "error[yaml-aliases]",
  },
  {
    name: "3,000 nested flow mappings",
    config: "tables: []\nx: " + "{a: ".repeat(3000) + "1" + "}".repeat(3000) + "\n",
    code: 2,
    says: "error[too-deep]",
  },
  {
    name: "3,000 nested flow lists",
    config: "tables: " + "[".repeat(3000) + "]".repeat(3000) + "\n",
    code: 2,
    says: "error[too-deep]",
  },
  {
    name: "300 nested block mappings",
    config: "tables: []\nx:\n" +
      Array.from({ length: 300 }, (_, i) => `${" ".repeat(i + 1)}k:`).join("\n") + " 1\n",
    code: 2,
    says: "error[too-deep]",
  },
  {
    name: "bytes that are not UTF-8",
    config: new Uint8Array([...new TextEncoder().encode("tables:\n  - table_name: t"), 0xff, 10]),
    code: 2,
    says: "error[bad-encoding]",
  },
  { name: "an empty file", config: "", code: 2, says: "error[missing-field]" },
  { name: "a list at the top", config: "- a\n- b\n", code: 2, says: "error[wrong-type]" },
  { name: "two YAML documents", config: "tables: []\n---\ntables: []\n", code: 2, says: "error[" },
  { name: "a tab as indentation", config: "tables:\n\t- table_name: t\n", code: 2, says: "error[" },
  {
    name: "an unclosed quote",
    config: 'tables:\n  - table_name: "t\n    columns: []\n',
    code: 2,
    says: "error[yaml-syntax]",
  },
  {
    name: "a merge key of a number",
    config:
      "tables:\n  - table_name: t\n    <<: 5\n    columns:\n      - {column_name: id, data: row_id}\n",
    code: 2,
    says: "error[bad-merge]",
  },
  {
    name: "a 15,000-character line is shown as a window around the column",
    config: column("row_id + ".repeat(1500) + "nosuch"),
    code: 2,
    says: "…",
  },
  // --- expressions built to hang, to exhaust memory or the stack -----------------------------
  {
    name: "5,000 nested parentheses",
    config: column("(".repeat(5000) + "1" + ")".repeat(5000)),
    code: 2,
    says: "error[too-deep]",
  },
  {
    name: "5,000 nested lists",
    config: column("[".repeat(5000) + "]".repeat(5000)),
    code: 2,
    says: "error[too-deep]",
  },
  {
    name: "5,000 unary minuses",
    config: column("-".repeat(5000) + "1"),
    code: 2,
    says: "error[too-deep]",
  },
  {
    name: "5,000 nots",
    config: column("not ".repeat(5000) + "True"),
    code: 2,
    says: "error[too-deep]",
  },
  {
    name: "a chain of 20,000 additions",
    config: column(Array(20000).fill("row_id").join(" + ")),
    code: 2,
    says: "error[too-deep]",
  },
  {
    name: "300 nested ifs in a block",
    config: block([
      ...Array.from({ length: 300 }, (_, i) => "  ".repeat(i) + "if True:"),
      "  ".repeat(300) + "return 1",
    ]),
    code: 2,
    says: "error[too-deep]",
  },
  { name: "'a' * 10**10", config: column("'a' * 10**10"), code: 2, says: "error[too-large]" },
  { name: "[1] * 10**10", config: column("[1] * 10**10"), code: 2, says: "error[too-large]" },
  {
    name: "'1'.zfill(10**10)",
    config: column("'1'.zfill(10**10)"),
    code: 2,
    says: "error[too-large]",
  },
  {
    name: "'x'.center(10**9)",
    config: column("'x'.center(10**9)"),
    code: 2,
    says: "error[too-large]",
  },
  {
    name: "replace that grows a string",
    config: column("('x' * 1000).replace('x', 'y' * 10000)"),
    code: 2,
    says: "error[too-large]",
  },
  {
    name: "join that grows a string",
    config: column("('a' * 1000).join(['b' * 1000] * 1000)"),
    code: 2,
    says: "error[too-large]",
  },
  {
    name: "an f-string width of 10**8",
    config: column("f'{row_id:>100000000}'"),
    code: 2,
    says: "error[too-large]",
  },
  {
    name: "a format precision of 10**8",
    config: column("f'{1.5:.100000000f}'"),
    code: 2,
    says: "error[too-large]",
  },
  {
    name: "a % width of 10**8, per row",
    config: column("'%100000000d' % row_id"),
    code: 2,
    says: "error[too-large]",
  },
  {
    name: "str.format width, per row",
    config: column("'{:>100000000}'.format(row_id)"),
    code: 2,
    says: "error[too-large]",
  },
  {
    name: "a block doubling a string thirty times",
    config: block(["s = 'a'", ...Array(30).fill("s = s + s"), "return s"]),
    code: 2,
    says: "error[too-large]",
  },
  {
    name: "the doubling block, under generate",
    config: block(["s = 'a'", ...Array(30).fill("s = s + s"), "return s"]),
    command: "generate",
    code: 1,
    says: "error[too-large]",
  },
  { name: "10**10**10", config: column("10**10**10"), code: 2, says: "error[too-large]" },
  {
    name: "math.factorial(100000)",
    config: column("math.factorial(100000)"),
    code: 2,
    says: "error[too-large]",
  },
  {
    name: "2**row_id grows past the int bound, per row",
    config: column("2**(row_id * 20000)"),
    command: "generate",
    code: 1,
    says: "error[too-large]",
  },
  {
    name: "range(10**9) as a list",
    config: column("list(range(10**9))"),
    code: 2,
    says: "range() of 1000000000 numbers is too long",
  },
  // --- the sandbox ---------------------------------------------------------------------------
  {
    name: "__import__",
    config: column('__import__("os").system("true")'),
    code: 2,
    says: "error[unknown-function]",
  },
  {
    name: "().__class__",
    config: column("().__class__.__bases__"),
    code: 2,
    says: "error[unknown-attribute]",
  },
  {
    name: "open",
    config: column('open("/etc/passwd").read()'),
    code: 2,
    says: "Expressions cannot read files",
  },
  { name: "eval", config: column('eval("1")'), code: 2, says: "error[" },
  { name: "exec", config: column('exec("x = 1")'), code: 2, says: "error[" },
  {
    name: "getattr",
    config: column('getattr(row_id, "real")'),
    code: 2,
    says: "error[unknown-function]",
  },
  {
    name: "fake.constructor",
    config: column("fake.constructor"),
    code: 2,
    says: "error[bad-expression]",
  },
  {
    name: "faker's constructor",
    config: column('faker.person.constructor("x")'),
    code: 2,
    says: "error[",
  },
  { name: "Deno.exit", config: column("Deno.exit(3)"), code: 2, says: "error[unknown-name]" },
  { name: "a lambda", config: column("(lambda: 1)()"), code: 2, says: "error[unsupported-syntax]" },
  {
    name: "a comprehension",
    config: column("[i for i in range(3)]"),
    code: 2,
    says: "error[unsupported-syntax]",
  },
  {
    name: "an import of os in a block",
    config: block(["import os", "return os.getcwd()"]),
    code: 2,
    says: "error[",
  },
  // --- names that break things elsewhere ------------------------------------------------------
  { name: "a table named con", config: table("con"), code: 2, says: "Windows device name" },
  { name: "a table named NUL.txt", config: table("NUL.txt"), code: 2, says: "Windows device name" },
  { name: "a table named com1", config: table("com1"), code: 2, says: "Windows device name" },
  { name: "a table named ../x", config: table("../x"), code: 2, says: "error[unsafe-name]" },
  { name: "a table name with a colon", config: table("a:b"), code: 2, says: "error[unsafe-name]" },
  {
    name: "tables named __proto__ and hasOwnProperty generate",
    config: table("__proto__") +
      "  - table_name: hasOwnProperty\n    columns:\n      - { column_name: id, data: row_id }\n",
    command: "generate",
    code: 0,
    says: "Wrote 20 rows in 2 tables",
  },
  // --- a new user's large numbers -----------------------------------------------------------
  {
    name: "row_count: 1e12 is legal, with warnings",
    config:
      "tables:\n  - table_name: t\n    row_count: 1e12\n    columns:\n      - { column_name: id, data: row_id }\n",
    code: 0,
    says: "warning[float-as-integer]",
  },
  {
    name: "a negative row_count",
    config:
      "tables:\n  - table_name: t\n    row_count: -1\n    columns: [{column_name: id, data: row_id}]\n",
    code: 2,
    says: "error[out-of-range]",
  },
];

/** Runs the CLI on a case's config; kills it past the bound. */
async function runCase(c: Case, dir: string): Promise<{ code: number; text: string; ms: number }> {
  const path = `${dir}/config.yaml`;
  if (typeof c.config === "string") await Deno.writeTextFile(path, c.config);
  else await Deno.writeFile(path, c.config);
  const command = c.command ?? "validate";
  const args = ["run", "-A", MAIN, command, "--config", path];
  if (command === "generate") args.push("--output", `${dir}/out`, "--format", "jsonl");
  const started = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).spawn();
  const bound = (c.bound ?? 15) * 1000;
  const timer = setTimeout(() => child.kill("SIGKILL"), bound);
  const output = await child.output();
  clearTimeout(timer);
  const ms = performance.now() - started;
  assert(ms < bound, `${c.name}: still running after ${bound / 1000} s (killed)`);
  const decoder = new TextDecoder();
  return {
    code: output.code,
    text: decoder.decode(output.stderr) + decoder.decode(output.stdout),
    ms,
  };
}

Deno.test("the hostile-input table has at least 40 cases", () => {
  assert(CASES.length >= 40, `${CASES.length} cases`);
  assertEquals(new Set(CASES.map((c) => c.name)).size, CASES.length, "names are unique");
});

for (const c of CASES) {
  Deno.test(`hostile: ${c.name}`, async () => {
    await withTempDir(async (dir) => {
      const { code, text } = await runCase(c, dir);
      assertEquals(code, c.code, text);
      assertStringIncludes(text, c.says);
      if (c.code === 2 && c.says.startsWith("error[")) {
        // Positioned: file, line and column before the kind.
        assert(/config\.yaml:\d+:\d+: error\[/.test(text), text);
      }
      // Short: no stack trace, and no line of the output longer than a screen's few lines.
      assert(!/\n\s+at /.test(text), `a stack trace:\n${text}`);
      const longest = Math.max(...text.split("\n").map((l) => l.length));
      assert(longest < 400, `a line of ${longest} characters`);
    });
  });
}
