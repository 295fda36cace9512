/**
 * A diagram drawn as SVG by the project itself (no Graphviz on the user's machine): tables as
 * boxes of columns in layers, parents above children (`layers` in model.ts), each foreign key a
 * curve from the parent's box to the child's, labelled with the column and how parents are
 * picked. A key that skips layers passes through a reserved lane in each layer between, as
 * layered drawings do (Sugiyama's dummy nodes), so no curve crosses a box. Text is monospace, so
 * widths are known without measuring fonts.
 *
 * @module
 */
import { type Diagram, type DiagramEdge, type DiagramTable, layers } from "./model.ts";
import { edgeLabel } from "./text_formats.ts";

const CHAR = 7.2; // width of a monospace character at FONT px
const FONT = 12;
const ROW = 18;
const HEADER = 24;
const PAD = 10;
const GAP_X = 36;
const GAP_Y = 96;
const LANE = 18; // width reserved for a curve passing through a layer
const MARGIN = 20;
const LABEL_FONT = 11;
const LABEL_CHAR = LABEL_FONT * 0.6;

/** Something placed in a layer: a table's box, or a lane of a key passing through. */
interface Item {
  kind: "table" | "lane";
  /** The table's name, or the edge's index for a lane. */
  id: string;
  table?: DiagramTable;
  width: number;
  height: number;
  x: number;
  y: number;
  layer: number;
  /** Items of the layer above it connects to (for ordering). */
  above: Item[];
}

/** Text inside SVG. */
function xml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;");
}

/** A column's line in its box: its name, and its type, keys and what it copies. */
function columnLine(column: DiagramTable["columns"][number]): { name: string; rest: string } {
  const keys = [column.primaryKey ? "PK" : "", column.foreignKey ? "FK" : ""].filter(Boolean);
  const copy = column.copiedFrom ? ` = ${column.copiedFrom}` : "";
  return {
    name: column.name,
    rest: `${column.type}${keys.length ? ` ${keys.join(" ")}` : ""}${copy}`,
  };
}

/** The width of the names' column of a table's box, in characters. */
function nameChars(table: DiagramTable): number {
  return Math.max(0, ...table.columns.map((c) => c.name.length));
}

function boxSize(table: DiagramTable): { width: number; height: number } {
  const rest = Math.max(0, ...table.columns.map((c) => columnLine(c).rest.length));
  const chars = Math.max(table.name.length, nameChars(table) + 2 + rest);
  return {
    width: Math.ceil(chars * CHAR + 2 * PAD),
    height: HEADER + table.columns.length * ROW + 6,
  };
}

/** The layers' items, lanes included, ordered to cross few curves, and placed. */
function place(diagram: Diagram): {
  items: Map<string, Item>;
  lanes: Map<number, Item[]>;
  width: number;
  height: number;
} {
  const byName = new Map(diagram.tables.map((t) => [t.name, t]));
  const rows: Item[][] = layers(diagram).map((names, layer) =>
    names.map((name) => ({
      kind: "table" as const,
      id: name,
      table: byName.get(name)!,
      ...boxSize(byName.get(name)!),
      x: 0,
      y: 0,
      layer,
      above: [],
    }))
  );
  const items = new Map(rows.flat().map((item) => [item.id, item]));
  const lanes = new Map<number, Item[]>();
  diagram.edges.forEach((edge, index) => {
    const parent = items.get(edge.parent);
    const child = items.get(edge.child);
    if (!parent || !child || parent === child) return;
    let previous = parent;
    const passing: Item[] = [];
    for (let layer = parent.layer + 1; layer < child.layer; layer++) {
      const lane: Item = {
        kind: "lane",
        id: String(index),
        width: LANE,
        height: 0,
        x: 0,
        y: 0,
        layer,
        above: [previous],
      };
      rows[layer].push(lane);
      passing.push(lane);
      previous = lane;
    }
    child.above.push(previous);
    lanes.set(index, passing);
  });
  // Order each layer by the mean position of what it hangs from (twice: the second pass sees
  // the first's order).
  const order = new Map<Item, number>();
  for (let pass = 0; pass < 2; pass++) {
    for (const row of rows) {
      const keyOf = new Map(row.map((item, i) => {
        const from = item.above.filter((a) => order.has(a));
        const mean = from.length === 0
          ? (order.get(item) ?? i / Math.max(1, row.length - 1))
          : from.reduce((s, a) => s + order.get(a)!, 0) / from.length;
        return [item, mean];
      }));
      row.sort((a, b) => keyOf.get(a)! - keyOf.get(b)!);
      row.forEach((item, i) => order.set(item, row.length === 1 ? 0.5 : i / (row.length - 1)));
    }
  }
  const rowWidth = (row: Item[]) =>
    row.reduce((s, item) => s + item.width, 0) + GAP_X * Math.max(0, row.length - 1);
  const inner = Math.max(0, ...rows.map(rowWidth));
  let y = MARGIN;
  for (const row of rows) {
    const height = Math.max(0, ...row.map((item) => item.height));
    let x = MARGIN + (inner - rowWidth(row)) / 2;
    for (const item of row) {
      item.x = x;
      item.y = y;
      if (item.kind === "lane") item.height = height;
      x += item.width + GAP_X;
    }
    y += height + GAP_Y;
  }
  // Room on the right for loops of keys to their own table, and their labels.
  let width = inner + 2 * MARGIN;
  diagram.edges.forEach((edge) => {
    const box = items.get(edge.parent);
    if (!box || edge.parent !== edge.child) return;
    width = Math.max(width, box.x + box.width + 50 + edgeLabel(edge).length * LABEL_CHAR + MARGIN);
  });
  return { items, lanes, width, height: y - GAP_Y + MARGIN };
}

function drawBox(item: Item): string {
  const table = item.table!;
  const { x, y, width, height } = item;
  const parts = [
    `<g class="table" data-table="${xml(table.name)}">`,
    `<rect x="${x}" y="${y}" width="${width}" height="${height}" rx="4" fill="#ffffff" stroke="#4a5a78"/>`,
    `<path d="M ${x} ${y + HEADER} H ${x + width}" stroke="#4a5a78"/>`,
    `<text x="${x + PAD}" y="${y + 16}" font-weight="bold">${xml(table.name)}</text>`,
  ];
  table.columns.forEach((column, i) => {
    const line = columnLine(column);
    const baseline = y + HEADER + (i + 1) * ROW - 5;
    const decoration = column.primaryKey ? ' text-decoration="underline"' : "";
    parts.push(
      `<text x="${x + PAD}" y="${baseline}"${decoration}>${xml(line.name)}</text>`,
      `<text x="${x + PAD + (nameChars(table) + 2) * CHAR}" y="${baseline}" fill="#555555">${
        xml(line.rest)
      }</text>`,
    );
  });
  parts.push("</g>");
  return parts.join("");
}

/** The y of the middle of a column's row in its box. */
function columnY(box: Item, column: string): number {
  const i = box.table!.columns.findIndex((c) => c.name === column);
  return box.y + HEADER + (Math.max(0, i) + 0.5) * ROW;
}

/** A smooth vertical curve through points, top to bottom. */
function curve(points: { x: number; y: number }[]): string {
  let d = `M ${points[0].x} ${points[0].y}`;
  for (let i = 1; i < points.length; i++) {
    const [a, b] = [points[i - 1], points[i]];
    const bend = (b.y - a.y) / 2;
    d += ` C ${a.x} ${a.y + bend}, ${b.x} ${b.y - bend}, ${b.x} ${b.y}`;
  }
  return d;
}

/**
 * Where each edge leaves its parent's bottom and enters its child's top: spread along the
 * box, in the order of the other ends, so that curves at one box do not cross there.
 */
function attachments(
  diagram: Diagram,
  items: Map<string, Item>,
  lanes: Map<number, Item[]>,
): { from: Map<number, number>; to: Map<number, number> } {
  const from = new Map<number, number>();
  const to = new Map<number, number>();
  const spread = (box: Item, ends: { index: number; x: number }[], into: Map<number, number>) => {
    ends.sort((a, b) => a.x - b.x);
    ends.forEach((end, i) => into.set(end.index, box.x + box.width * (i + 1) / (ends.length + 1)));
  };
  for (const box of items.values()) {
    const out: { index: number; x: number }[] = [];
    const into: { index: number; x: number }[] = [];
    diagram.edges.forEach((edge, index) => {
      const passing = lanes.get(index);
      if (passing === undefined) return; // a loop, or a table missing
      const parent = items.get(edge.parent)!;
      const child = items.get(edge.child)!;
      const centre = (item: Item) => item.x + item.width / 2;
      if (parent === box) out.push({ index, x: centre(passing[0] ?? child) });
      if (child === box) into.push({ index, x: centre(passing.at(-1) ?? parent) });
    });
    spread(box, out, from);
    spread(box, into, to);
  }
  return { from, to };
}

function drawEdge(
  edge: DiagramEdge,
  index: number,
  path: string,
  labelAt: { x: number; y: number; anchor: "middle" | "start" },
): string {
  const label = edgeLabel(edge);
  const width = label.length * LABEL_CHAR + 8;
  const left = labelAt.anchor === "middle" ? labelAt.x - width / 2 : labelAt.x - 4;
  return `<g class="edge" data-parent="${xml(edge.parent)}" data-child="${xml(edge.child)}" ` +
    `data-column="${xml(edge.childColumn)}" data-index="${index}">` +
    `<path d="${path}" fill="none" stroke="#6b7a99" stroke-width="1.5" ` +
    `marker-end="url(#arrow)"/>` +
    `<rect x="${left}" y="${labelAt.y - 10}" width="${width}" height="15" rx="3" ` +
    `fill="#f8f9fb" opacity="0.92"/>` +
    `<text x="${labelAt.x}" y="${labelAt.y + 1}" text-anchor="${labelAt.anchor}" ` +
    `font-size="${LABEL_FONT}" fill="#33415c">${xml(label)}</text></g>`;
}

/** The diagram as a standalone SVG document. */
export function toSvg(diagram: Diagram): string {
  const { items, lanes, width, height } = place(diagram);
  const { from, to } = attachments(diagram, items, lanes);
  const edges: string[] = [];
  const labelsInto = new Map<string, number>();
  diagram.edges.forEach((edge, index) => {
    const parent = items.get(edge.parent);
    const child = items.get(edge.child);
    if (!parent || !child) return;
    if (parent === child) {
      // A table's key to itself: a loop on the right, from the key's row to the column's.
      const x = parent.x + parent.width;
      const [y1, y2] = [columnY(parent, edge.parentColumn), columnY(parent, edge.childColumn)];
      const loop = `M ${x} ${y1} C ${x + 44} ${y1}, ${x + 44} ${y2}, ${x + 2} ${y2}`;
      edges.push(drawEdge(edge, index, loop, { x: x + 46, y: (y1 + y2) / 2 + 4, anchor: "start" }));
      return;
    }
    const points = [{ x: from.get(index)!, y: parent.y + parent.height }];
    for (const lane of lanes.get(index)!) {
      const x = lane.x + lane.width / 2;
      points.push({ x, y: lane.y }, { x, y: lane.y + lane.height });
    }
    const end = { x: to.get(index)!, y: child.y };
    points.push(end);
    // Labels sit above the child, stacked when several keys enter it.
    const n = labelsInto.get(child.id) ?? 0;
    labelsInto.set(child.id, n + 1);
    edges.push(
      drawEdge(edge, index, curve(points), { x: end.x, y: end.y - 14 - n * 16, anchor: "middle" }),
    );
  });
  const boxes = [...items.values()].filter((item) => item.kind === "table").map(drawBox);
  const w = Math.ceil(width);
  const h = Math.ceil(height);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" ` +
    `font-family="ui-monospace, Menlo, Consolas, monospace" font-size="${FONT}">`,
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" ' +
    'markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" ' +
    'fill="#6b7a99"/></marker></defs>',
    `<rect width="100%" height="100%" fill="#f8f9fb"/>`,
    ...edges,
    ...boxes,
    "</svg>",
  ].join("\n") + "\n";
}
