/**
 * `diagram`: a config's tables, their columns (keys marked, types) and foreign keys, drawn as
 * Mermaid (renders on GitHub as is), Graphviz DOT, or SVG drawn by tablestream itself.
 *
 * @module
 */
import { DIAGRAM_FORMATS, diagramOf, toDot, toMermaid, toSvg } from "../diagram/mod.ts";
import { CONFIG_OPTION } from "./_options.ts";
import { choiceOption, type Command, EXIT, requiredOption } from "./command.ts";
import { loadChecked, prepareEngine } from "./_setup.ts";

const RENDER = { mermaid: toMermaid, dot: toDot, svg: toSvg };

/** The `diagram` command. */
export const diagramCommand: Command = {
  name: "diagram",
  summary: "Draw the config's tables and foreign keys (Mermaid, DOT or SVG).",
  usage: "diagram --config F [--format mermaid|dot|svg] [--out FILE]",
  options: {
    config: CONFIG_OPTION,
    format: {
      type: "string",
      short: "f",
      placeholder: "mermaid|dot|svg",
      description: "Mermaid erDiagram (GitHub renders it), Graphviz DOT, or an SVG image",
      default: "mermaid",
    },
    out: {
      type: "string",
      placeholder: "file",
      description: "Write to this file instead of stdout",
    },
  },
  async run(values, io) {
    const format = choiceOption(values, "format", DIAGRAM_FORMATS);
    const config = await loadChecked(requiredOption(values, "config"), io);
    const { engine } = prepareEngine(config, {});
    const diagram = diagramOf(config, (table) => engine.table(table).schema());
    const text = RENDER[format](diagram);
    const out = values.out as string | undefined;
    if (out === undefined) io.stdout(text);
    else await Deno.writeTextFile(out, text);
    return EXIT.ok;
  },
};
