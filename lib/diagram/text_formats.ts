/**
 * A diagram as text other tools draw: Mermaid's `erDiagram` (GitHub renders it in Markdown as
 * is) and Graphviz DOT.
 *
 * @module
 */
import type { Diagram, DiagramColumn, DiagramEdge } from "./model.ts";

/** A name Mermaid takes bare, else the name with unsafe characters replaced. */
function mermaidWord(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_-]*$/.test(name) ? name : name.replace(/[^A-Za-z0-9_-]/g, "_")
    .replace(/^(?![A-Za-z_])/, "_");
}

/** Text inside a Mermaid comment or label: no double quotes. */
function mermaidText(text: string): string {
  return text.replaceAll('"', "'");
}

/** What a column's comment says beyond its name and type: its exact type, name, copy. */
function columnNotes(column: DiagramColumn, word: string, type: string): string[] {
  const notes: string[] = [];
  if (word !== column.name) notes.push(column.name);
  if (type !== column.type) notes.push(column.type);
  if (column.copiedFrom) notes.push(`copy of ${column.copiedFrom}`);
  return notes;
}

/** An edge's label: the child's column and how parents are picked. */
export function edgeLabel(edge: DiagramEdge): string {
  const how = edge.distribution === "uniform" ? "" : ` (${edge.distribution})`;
  return `${edge.childColumn}${how}${edge.unique ? " unique" : ""}`;
}

/** The diagram as a Mermaid `erDiagram`. */
export function toMermaid(diagram: Diagram): string {
  const lines = ["erDiagram"];
  for (const table of diagram.tables) {
    lines.push(`    ${mermaidWord(table.name)} {`);
    for (const column of table.columns) {
      const word = mermaidWord(column.name);
      // Mermaid's attribute types take no commas: decimal(10,2) is noted in the comment.
      const type = column.type.startsWith("decimal") ? "decimal" : mermaidWord(column.type);
      const keys = [column.primaryKey ? "PK" : "", column.foreignKey ? "FK" : ""].filter(Boolean);
      const notes = columnNotes(column, word, type);
      const comment = notes.length ? ` "${mermaidText(notes.join("; "))}"` : "";
      lines.push(`        ${type} ${word}${keys.length ? ` ${keys.join(", ")}` : ""}${comment}`);
    }
    lines.push("    }");
  }
  for (const edge of diagram.edges) {
    const many = edge.unique ? "o|" : "o{";
    lines.push(
      `    ${mermaidWord(edge.parent)} ||--${many} ${mermaidWord(edge.child)} : "${
        mermaidText(edgeLabel(edge))
      }"`,
    );
  }
  return lines.join("\n") + "\n";
}

/** Text inside a DOT HTML-like label. */
function html(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;");
}

/** A DOT string literal. */
function quoted(text: string): string {
  return `"${text.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("\n", "\\n")}"`;
}

/** The diagram as Graphviz DOT: tables as tables of columns, foreign keys parent to child. */
export function toDot(diagram: Diagram): string {
  const lines = [
    "digraph tables {",
    '  graph [rankdir=TB, fontname="Helvetica"];',
    '  node [shape=plain, fontname="Helvetica", fontsize=11];',
    '  edge [fontname="Helvetica", fontsize=10, color="#555555"];',
  ];
  const portOf = new Map<string, string>();
  for (const table of diagram.tables) {
    const rows = table.columns.map((column, i) => {
      portOf.set(`${table.name}\u0000${column.name}`, `c${i}`);
      const keys = [column.primaryKey ? "PK" : "", column.foreignKey ? "FK" : ""].filter(Boolean);
      const name = column.primaryKey ? `<u>${html(column.name)}</u>` : html(column.name);
      const copy = column.copiedFrom ? ` <i>= ${html(column.copiedFrom)}</i>` : "";
      return `<tr><td align="left" port="c${i}">${name}</td><td align="left">${html(column.type)}${
        keys.length ? ` ${keys.join(" ")}` : ""
      }${copy}</td></tr>`;
    });
    lines.push(
      `  ${quoted(table.name)} [label=<<table border="0" cellborder="1" cellspacing="0" ` +
        `cellpadding="4"><tr><td colspan="2" bgcolor="#dde6f5"><b>${
          html(table.name)
        }</b></td></tr>${rows.join("")}</table>>];`,
    );
  }
  for (const edge of diagram.edges) {
    const from = portOf.get(`${edge.parent}\u0000${edge.parentColumn}`);
    const to = portOf.get(`${edge.child}\u0000${edge.childColumn}`);
    lines.push(
      `  ${quoted(edge.parent)}${from ? `:${from}` : ""} -> ${quoted(edge.child)}${
        to ? `:${to}` : ""
      } [label=${quoted(edgeLabel(edge))}];`,
    );
  }
  lines.push("}");
  return lines.join("\n") + "\n";
}
