/**
 * Options several commands share, written once so their help reads the same everywhere.
 *
 * @module
 */
import type { OptionSpec } from "./command.ts";

/** `--config F`. */
export const CONFIG_OPTION: OptionSpec = {
  type: "string",
  short: "c",
  placeholder: "file",
  description: "The YAML config",
};

/** `--seed` and `--reference-time`: the run's inputs besides the config. */
export const RUN_INPUT_OPTIONS: Record<string, OptionSpec> = {
  seed: { type: "string", placeholder: "n", description: "Seed (overrides config.seed)" },
  "reference-time": {
    type: "string",
    placeholder: "iso",
    description: "Logical now for relative dates (default: config.reference_time, else now)",
  },
};

/** `--workers N`: generation workers of `generate` and `run --fast-forward`. */
export const WORKERS_OPTION: OptionSpec = {
  type: "string",
  placeholder: "n",
  description: "Generation workers (default: one per CPU; 1 generates in the main thread). " +
    "The rows are the same for any number",
};
