/**
 * Cycles in a graph given as nodes and an edge function: among foreign keys (a table that is
 * its own ancestor) and among column references (a column that reads itself through others).
 *
 * @module
 */

/**
 * One cycle per strongly connected component that has one, as a path that starts and ends
 * at the component's first node (in `nodes` order): `[a, b, a]`. Self-loops count only
 * when `selfLoops` is set.
 */
export function findCycles<T>(
  nodes: readonly T[],
  edges: (node: T) => T[],
  selfLoops = false,
): T[][] {
  const cycles: T[][] = [];
  for (const component of stronglyConnected(nodes, edges)) {
    const members = new Set(component);
    const start = nodes.find((n) => members.has(n))!;
    if (component.length === 1) {
      if (selfLoops && edges(start).includes(start)) cycles.push([start, start]);
      continue;
    }
    // Shortest way back to the start within the component (breadth first).
    const previous = new Map<T, T>();
    const queue: T[] = [start];
    let end: T | undefined;
    search: while (queue.length) {
      const node = queue.shift()!;
      for (const next of edges(node)) {
        if (!members.has(next) || next === node) continue;
        if (next === start) {
          end = node;
          break search;
        }
        if (!previous.has(next)) {
          previous.set(next, node);
          queue.push(next);
        }
      }
    }
    const path: T[] = [start];
    for (let n = end; n !== undefined && n !== start; n = previous.get(n)) path.splice(1, 0, n);
    path.push(start);
    cycles.push(path);
  }
  return cycles;
}

/** Tarjan's strongly connected components, each in discovery order. */
export function stronglyConnected<T>(nodes: readonly T[], edges: (node: T) => T[]): T[][] {
  const index = new Map<T, number>();
  const low = new Map<T, number>();
  const stack: T[] = [];
  const onStack = new Set<T>();
  const components: T[][] = [];
  let counter = 0;
  const visit = (node: T): void => {
    index.set(node, counter);
    low.set(node, counter);
    counter++;
    stack.push(node);
    onStack.add(node);
    for (const next of edges(node)) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, index.get(next)!));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: T[] = [];
      let member: T;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      components.push(component.reverse());
    }
  };
  for (const node of nodes) if (!index.has(node)) visit(node);
  // Report in the order of the nodes, not of discovery.
  const position = new Map(nodes.map((n, i) => [n, i]));
  const first = (c: T[]) => Math.min(...c.map((n) => position.get(n) ?? Infinity));
  return components.sort((a, b) => first(a) - first(b));
}
