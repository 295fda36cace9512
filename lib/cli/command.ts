/**
 * The shape every subcommand has, argument parsing with `node:util`'s parseArgs, and the
 * exit-code convention: 0 ok, 1 runtime failure, 2 bad config or usage.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { closestString } from "../expr/suggest.ts";

/** Where a command writes; tests pass buffers. */
export interface CommandIO {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Aborted on Ctrl+C (SIGINT) or SIGTERM. */
  signal?: AbortSignal;
  /** Whether stdout is a terminal (live status display instead of log lines). */
  isTerminal?: boolean;
  /**
   * Reads an environment variable (`TABLESTREAM_SHARD`, Kubernetes' `JOB_COMPLETION_INDEX`);
   * absent: the command sees no environment (tests).
   */
  env?: (name: string) => string | undefined;
}

/** One option of a command, as data: drives parsing and `--help`. */
export interface OptionSpec {
  type: "string" | "boolean";
  short?: string;
  description: string;
  /** Shown in help as `--name <placeholder>`. */
  placeholder?: string;
  default?: string;
}

/** A subcommand. */
export interface Command {
  name: string;
  summary: string;
  /** Usage line after `tablestream`, e.g. `generate --config F --output DIR`. */
  usage: string;
  options: Record<string, OptionSpec>;
  /** The one positional argument the command takes, if any (its value is `values._`). */
  positionals?: { name: string; description: string };
  run(values: Record<string, string | boolean | undefined>, io: CommandIO): Promise<number>;
}

/** Exit codes. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

/** Bad command-line usage: printed with a hint, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** Parses argv for a command; unknown options get a "did you mean". */
export function parseCommandArgs(
  command: Command,
  argv: string[],
): Record<string, string | boolean | undefined> {
  const options: Record<string, { type: "string" | "boolean"; short?: string }> = {
    help: { type: "boolean", short: "h" },
  };
  for (const [name, spec] of Object.entries(command.options)) {
    options[name] = spec.short ? { type: spec.type, short: spec.short } : { type: spec.type };
  }
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options,
      allowPositionals: command.positionals !== undefined,
      strict: true,
    });
    if (positionals.length > 1) {
      throw new UsageError(`Unexpected argument "${positionals[1]}"`);
    }
    const result: Record<string, string | boolean | undefined> = { _: positionals[0] };
    for (const [name, spec] of Object.entries(command.options)) {
      result[name] = (values as Record<string, string | boolean | undefined>)[name] ?? spec.default;
    }
    result.help = (values as Record<string, boolean | undefined>).help;
    return result;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(explainParseError(error as Error, Object.keys(options)));
  }
}

function explainParseError(error: Error, names: string[]): string {
  const unknown = /Unknown option '(-{1,2})([^']+)'/.exec(error.message);
  if (unknown) {
    const close = closestString(unknown[2], names);
    return `Unknown option ${unknown[1]}${unknown[2]}` +
      (close ? `; did you mean --${close}?` : "");
  }
  const positional = /Unexpected argument '([^']+)'/.exec(error.message);
  if (positional) return `Unexpected argument "${positional[1]}"`;
  return error.message.replace(/\.?\s*To specify.*$/s, "");
}

/** `--help` text of a command, written from its option specs. */
export function commandHelp(command: Command): string {
  const lines = [`Usage: tablestream ${command.usage}`, "", command.summary, "", "Options:"];
  const rows = Object.entries(command.options).map(([name, spec]) => {
    const flag = (spec.short ? `-${spec.short}, ` : "    ") + `--${name}` +
      (spec.type === "string" ? ` <${spec.placeholder ?? "value"}>` : "");
    return [
      flag,
      spec.description + (spec.default !== undefined ? ` (default: ${spec.default})` : ""),
    ];
  });
  rows.push(["-h, --help", "Show this help"]);
  if (command.positionals) {
    rows.unshift([command.positionals.name.toUpperCase(), command.positionals.description]);
  }
  const width = Math.max(...rows.map(([flag]) => flag.length));
  for (const [flag, text] of rows) lines.push(`  ${flag.padEnd(width)}  ${text}`);
  return lines.join("\n") + "\n";
}

/** Reads a whole-number option; throws UsageError naming the option. */
export function intOption(
  values: Record<string, string | boolean | undefined>,
  name: string,
  options: { min?: number } = {},
): number | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (typeof raw !== "string" || raw.trim() === "" || !Number.isSafeInteger(n)) {
    throw new UsageError(`--${name} must be a whole number, got "${raw}"`);
  }
  if (options.min !== undefined && n < options.min) {
    throw new UsageError(`--${name} must be at least ${options.min}, got ${n}`);
  }
  return n;
}

/** Reads a string option that may be left out (an empty value counts as left out). */
export function optionalString(
  values: Record<string, string | boolean | undefined>,
  name: string,
): string | undefined {
  const raw = values[name];
  return typeof raw === "string" && raw !== "" ? raw : undefined;
}

/** Reads a comma-separated list option (`--tables a,b`); undefined when left out. */
export function listOption(
  values: Record<string, string | boolean | undefined>,
  name: string,
): string[] | undefined {
  const raw = optionalString(values, name);
  return raw?.split(",").map((item) => item.trim()).filter((item) => item !== "");
}

/** Reads an option that must be one of `choices`; throws UsageError listing them. */
export function choiceOption<const T extends string>(
  values: Record<string, string | boolean | undefined>,
  name: string,
  choices: readonly T[],
): T {
  const raw = String(values[name]);
  if ((choices as readonly string[]).includes(raw)) return raw as T;
  const listed = choices.map((c) => `"${c}"`);
  const last = listed.pop();
  throw new UsageError(
    `--${name} must be ${listed.length ? `${listed.join(", ")} or ${last}` : last}, got "${raw}"`,
  );
}

/** Reads a required string option; throws UsageError naming the option. */
export function requiredOption(
  values: Record<string, string | boolean | undefined>,
  name: string,
): string {
  const raw = values[name];
  if (typeof raw !== "string" || raw === "") throw new UsageError(`--${name} is required`);
  return raw;
}
