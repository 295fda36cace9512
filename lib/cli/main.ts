/**
 * The command router: picks the subcommand, prints help, maps errors to exit codes.
 *
 * @module
 */
import { closestString } from "../expr/suggest.ts";
import {
  type Command,
  commandHelp,
  type CommandIO,
  EXIT,
  parseCommandArgs,
  UsageError,
} from "./command.ts";
import { diagramCommand } from "./diagram.ts";
import { generateCommand } from "./generate.ts";
import { inspectCommand } from "./inspect.ts";
import { optimizeCommand } from "./optimize.ts";
import { pluginsCommand } from "./plugins.ts";
import { plotRateCommand } from "./plot_rate.ts";
import { previewCommand } from "./preview.ts";
import { runCommand } from "./run.ts";
import { validateCommand } from "./validate.ts";
import { CellFailed, InvalidConfig } from "./_setup.ts";

/** Every subcommand, in help order. */
export const COMMANDS: readonly Command[] = [
  runCommand,
  generateCommand,
  previewCommand,
  validateCommand,
  diagramCommand,
  inspectCommand,
  optimizeCommand,
  pluginsCommand,
  plotRateCommand,
];

/** Top-level help. */
export function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    "tablestream: realistic, foreign-key-consistent fake data, table by table.",
    "",
    "Usage: tablestream <command> [options]",
    "       tablestream --config F --output DIR [options]   (the same as `run`)",
    "",
    "Commands:",
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
    "Run `tablestream <command> --help` for a command's options.",
    "",
  ].join("\n");
}

/** Runs the CLI with `argv`; resolves to the exit code. */
export async function main(argv: string[], io: CommandIO): Promise<number> {
  // As the seed's server: `tablestream --config F --output DIR` runs the streaming server.
  if (/^--?(config|c|output|o)(=|$)/.test(argv[0] ?? "")) argv = ["run", ...argv];
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    io.stdout(mainHelp());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  try {
    const command = COMMANDS.find((c) => c.name === name);
    if (!command) {
      const close = closestString(name, COMMANDS.map((c) => c.name));
      throw new UsageError(
        `Unknown command "${name}"` + (close ? `; did you mean "${close}"?` : ""),
      );
    }
    const values = parseCommandArgs(command, rest);
    if (values.help) {
      io.stdout(commandHelp(command));
      return EXIT.ok;
    }
    return await command.run(values, io);
  } catch (error) {
    return reportError(error, name, io);
  }
}

function reportError(error: unknown, command: string, io: CommandIO): number {
  if (error instanceof UsageError) {
    io.stderr(`error: ${error.message}\nRun \`tablestream ${command} --help\` for usage.\n`);
    return EXIT.usage;
  }
  if (error instanceof CellFailed) {
    io.stderr(`error: ${error.message}\n`);
    return EXIT.failure;
  }
  if (error instanceof InvalidConfig) {
    io.stderr(`error: ${error.message}\n`);
    return EXIT.usage;
  }
  if (error instanceof DOMException && error.name === "AbortError") {
    io.stderr("Interrupted; nothing unfinished was kept.\n");
    return EXIT.failure;
  }
  io.stderr(`error: ${describeError(error)}\n`);
  return EXIT.failure;
}

/** The message with its chain of causes, each adding context. */
function describeError(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  while (current instanceof Error && parts.length < 5) {
    if (!parts.some((p) => p.includes(current instanceof Error ? current.message : ""))) {
      parts.push(current.message);
    }
    current = current.cause;
  }
  return parts.length ? parts.join("\n  caused by: ") : String(error);
}
