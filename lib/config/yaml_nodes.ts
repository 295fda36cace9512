/**
 * Walking a YAML document as PyYAML (and so tablefaker) reads it, and safely: merge keys
 * (`<<: *base`) applied, and aliases bounded, since aliases of aliases multiply (a 500-byte
 * "billion laughs" document expands to billions of values), and so is nesting.
 *
 * @module
 */
import {
  type CST,
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  type Node,
  type Pair,
  Parser,
  type YAMLMap,
} from "yaml";

/** The most values a config may expand to through its aliases. */
export const MAX_EXPANDED_NODES = 100_000;

/** A node, with an alias replaced by what it names (undefined when it names nothing). */
export function resolveNode(node: Node | null | undefined, doc: Document): Node | null {
  if (node === undefined || node === null) return null;
  if (isAlias(node)) return (node.resolve(doc) as Node | undefined) ?? null;
  return node;
}

/** Whether a pair's key is the merge key `<<` (unquoted, as YAML 1.1 and PyYAML read it). */
function isMergeKey(pair: Pair): boolean {
  const key = pair.key;
  return isScalar(key) && typeof key.value === "symbol";
}

/**
 * The mappings a merge key's value names: one mapping (or an alias of one), or a list of
 * them; undefined when it names anything else (the `<<` then stays an ordinary key).
 */
function mergedMaps(value: Node | null, doc: Document): YAMLMap[] | undefined {
  const target = resolveNode(value, doc);
  if (isMap(target)) return [target];
  if (!isSeq(target)) return undefined;
  const maps = target.items.map((item) => resolveNode(item as Node | null, doc));
  return maps.every(isMap) ? maps as YAMLMap[] : undefined;
}

/**
 * The pairs of a mapping with its merge keys applied, as PyYAML applies them: the mapping's own
 * keys first and winning, then the keys of each merged mapping not already there (an earlier
 * mapping of a list wins over a later one). Merged pairs keep their own positions, where the
 * user wrote them.
 */
export function effectivePairs(map: YAMLMap, doc: Document): Pair[] {
  if (!map.items.some(isMergeKey)) return map.items as Pair[];
  const own: Pair[] = [];
  const merged: Pair[] = [];
  const seen = new Set<unknown>();
  const keyOf = (pair: Pair) => isScalar(pair.key) ? pair.key.value : pair.key;
  for (const pair of map.items as Pair[]) {
    const maps = isMergeKey(pair) ? mergedMaps(pair.value as Node | null, doc) : undefined;
    if (maps) {
      for (const source of maps) merged.push(...effectivePairs(source, doc));
    } else {
      own.push(pair);
      seen.add(keyOf(pair));
    }
  }
  const out = [...own];
  for (const pair of merged) {
    if (seen.has(keyOf(pair))) continue;
    seen.add(keyOf(pair));
    out.push(pair);
  }
  return out;
}

/** An alias whose expansion makes the document too large. */
export interface AliasBomb {
  alias: Node;
  /** The alias's name, without `*`. */
  name: string;
  /** How many values it expands to (may be Infinity for an alias of itself). */
  expanded: number;
}

/**
 * The alias to blame when the document, with its aliases expanded, holds more than
 * {@link MAX_EXPANDED_NODES} values: the one that expands the most. Each node is measured
 * once, so this takes time in proportion to the text, not to its expansion.
 */
export function findAliasBomb(doc: Document): AliasBomb | undefined {
  const sizes = new Map<Node, number>();
  const inProgress = new Set<Node>();
  let worst: AliasBomb | undefined;
  const size = (node: Node | null): number => {
    if (node === null) return 1;
    const known = sizes.get(node);
    if (known !== undefined) return known;
    if (inProgress.has(node)) return Infinity; // an alias of one of its own ancestors
    inProgress.add(node);
    let total = 1;
    if (isAlias(node)) {
      total = size(resolveNode(node, doc));
      if (!worst || total > worst.expanded) {
        worst = { alias: node, name: node.source, expanded: total };
      }
    } else if (isMap(node)) {
      for (const pair of node.items) {
        total += size(pair.key as Node | null) + size(pair.value as Node | null);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) total += size(item as Node | null);
    }
    inProgress.delete(node);
    sizes.set(node, total);
    return total;
  };
  const total = size(doc.contents as Node | null);
  return total > MAX_EXPANDED_NODES ? worst : undefined;
}

/** How deeply a config's mappings and lists may nest (the YAML library recurses per level). */
export const MAX_YAML_DEPTH = 100;

/**
 * The offset of the first collection nested deeper than {@link MAX_YAML_DEPTH}, if any. Read
 * from the YAML library's concrete syntax tree, which its parser builds without recursion,
 * and walked with an explicit stack: the document is measured before anything recurses into it.
 */
export function findTooDeep(text: string): number | undefined {
  const stack: [CST.Token, number][] = [];
  for (const token of new Parser().parse(text)) stack.push([token, 0]);
  while (stack.length > 0) {
    const [token, depth] = stack.pop()!;
    if (depth > MAX_YAML_DEPTH) return token.offset;
    if (token.type === "document") {
      if (token.value) stack.push([token.value, depth]);
    } else if (
      token.type === "block-map" || token.type === "block-seq" || token.type === "flow-collection"
    ) {
      for (const item of token.items) {
        const key = (item as { key?: CST.Token | null }).key;
        if (key) stack.push([key, depth + 1]);
        if (item.value) stack.push([item.value, depth + 1]);
      }
    }
  }
  return undefined;
}
