/**
 * A config as a picture's content: its tables with their columns (types, keys) and the links
 * between them (foreign keys, with their distribution; columns copied from a parent). The
 * drawings (Mermaid, DOT, SVG) are made from this alone.
 *
 * @module
 */
import type * as arrow from "apache-arrow";
import { columnTypeOf } from "../arrow/types.ts";
import type { Config } from "../config/model.ts";

/** One column of a table in the diagram. */
export interface DiagramColumn {
  name: string;
  /** Its storage type (`int64`, `string`, `decimal(10,2)`...). */
  type: string;
  /** The table's primary key. */
  primaryKey: boolean;
  /** A foreign key: `foreign_key(...)` is the column's whole expression or part of it. */
  foreignKey: boolean;
  /** `parent.column` when the column copies a parent's (`copy_from_fk`). */
  copiedFrom?: string;
}

/** One table in the diagram. */
export interface DiagramTable {
  name: string;
  columns: DiagramColumn[];
}

/** A foreign key from a child's column to a parent's column. */
export interface DiagramEdge {
  /** The parent table and its key column. */
  parent: string;
  parentColumn: string;
  /** The child table and its column holding the key. */
  child: string;
  childColumn: string;
  /** How parents are picked: `uniform`, `zipf 1.2`, `weighted_parent by tier`... */
  distribution: string;
  /** Each parent key at most once in the child (`is_unique=True`). */
  unique: boolean;
}

/** What a diagram shows. */
export interface Diagram {
  tables: DiagramTable[];
  edges: DiagramEdge[];
}

/**
 * The diagram of a validated config (its expressions compiled); `schemaOf` gives each
 * table's column types as generated (undefined for a table it does not know: its columns
 * then show their declared types, or `?`).
 */
export function diagramOf(
  config: Config,
  schemaOf: (table: string) => arrow.Schema | undefined,
): Diagram {
  const tables: DiagramTable[] = [];
  const edges: DiagramEdge[] = [];
  for (const table of config.tables) {
    const schema = schemaOf(table.name);
    const columns = table.columns.map((column): DiagramColumn => {
      const field = schema?.fields.find((f) => f.name === column.name);
      const expr = column.expr;
      const copy = expr?.copies[0];
      for (const fk of expr?.foreignKeys ?? []) {
        edges.push({
          parent: fk.table,
          parentColumn: fk.column,
          child: table.name,
          childColumn: column.name,
          distribution: distributionText(fk),
          unique: fk.isUnique,
        });
      }
      return {
        name: column.name,
        type: field ? columnTypeOf(field.type) ?? String(field.type) : column.type ?? "?",
        primaryKey: column.isPrimaryKey,
        foreignKey: (expr?.foreignKeys.length ?? 0) > 0,
        ...(copy ? { copiedFrom: `${copy.table}.${copy.column}` } : {}),
      };
    });
    tables.push({ name: table.name, columns });
  }
  return { tables, edges };
}

/** A foreign key's distribution as a short label. */
function distributionText(
  fk: { distribution: string; param?: number; parentAttr?: string },
): string {
  if (fk.distribution === "weighted_parent" && fk.parentAttr) {
    return `weighted_parent by ${fk.parentAttr}`;
  }
  return fk.param === undefined ? fk.distribution : `${fk.distribution} ${fk.param}`;
}

/**
 * The tables in layers, parents above children: a table's layer is one below its lowest
 * parent's (a table's foreign keys to itself do not count). Within a layer, tables keep the
 * config's order, then move towards the middle of their parents to cross fewer edges.
 */
export function layers(diagram: Diagram): string[][] {
  const depth = new Map<string, number>();
  const parentsOf = new Map<string, string[]>();
  for (const t of diagram.tables) parentsOf.set(t.name, []);
  for (const e of diagram.edges) {
    if (e.parent !== e.child && parentsOf.has(e.parent)) parentsOf.get(e.child)?.push(e.parent);
  }
  const visiting = new Set<string>();
  const depthOf = (name: string): number => {
    const known = depth.get(name);
    if (known !== undefined) return known;
    if (visiting.has(name)) return 0; // a cycle (refused by validate): break it anywhere
    visiting.add(name);
    const d = Math.max(-1, ...parentsOf.get(name)!.map(depthOf)) + 1;
    visiting.delete(name);
    depth.set(name, d);
    return d;
  };
  const out: string[][] = [];
  for (const t of diagram.tables) (out[depthOf(t.name)] ??= []).push(t.name);
  const position = new Map<string, number>();
  for (const layer of out) {
    const order = new Map(layer.map((name, i) => [name, i]));
    const centre = (name: string) => {
      const ps = parentsOf.get(name)!.filter((p) => position.has(p));
      return ps.length === 0
        ? order.get(name)! / Math.max(1, layer.length - 1)
        : ps.reduce((s, p) => s + position.get(p)!, 0) / ps.length;
    };
    const centres = new Map(layer.map((name) => [name, centre(name)]));
    layer.sort((a, b) => centres.get(a)! - centres.get(b)! || order.get(a)! - order.get(b)!);
    layer.forEach((name, i) =>
      position.set(name, layer.length === 1 ? 0.5 : i / (layer.length - 1))
    );
  }
  return out.filter((layer) => layer !== undefined);
}
