/**
 * Diagrams of a config: its tables, columns and foreign keys as Mermaid, DOT or SVG.
 *
 * @module
 */
export { type Diagram, diagramOf, layers } from "./model.ts";
export { toDot, toMermaid } from "./text_formats.ts";
export { toSvg } from "./svg.ts";

/** The formats `diagram` writes. */
export const DIAGRAM_FORMATS = ["mermaid", "dot", "svg"] as const;
