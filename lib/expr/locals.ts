/**
 * Local names of a multi-line block, with Python's rules: a name assigned anywhere in the
 * block is local everywhere in it (so it hides a column of the same name), and reading it
 * before an assignment ran is an error. The compiler follows the block's flow, so it knows
 * at each read which assignments may have run, and the static type they gave the name.
 *
 * At run time a block's locals live in one array per evaluation (a frame); reads and writes
 * are plain index operations.
 *
 * @module
 */
import type { Node } from "./compiled_node.ts";
import { joinTypes } from "./compiled_node.ts";
import { ExprRuntimeError } from "./runtime_error.ts";
import type { CellContext, TypeEnvironment } from "./host.ts";
import type { Span } from "./types.ts";
import type { StaticType, Value } from "./values.ts";

/** A static type as a function of what the expression reads. */
export type TypeFn = (env: TypeEnvironment) => StaticType;

/** What the flow knows about a local at one point of the block. */
export interface Binding {
  /** Join of the types of the assignments that may have run. */
  readonly type: TypeFn;
  /** For lists, tuples and dicts: the join of their items' (values') types. */
  readonly itemType?: TypeFn;
  /** For dicts: the join of their keys' types. */
  readonly keyType?: TypeFn;
  /** For list and tuple displays (`[a, b]`): the item nodes, each with its own type. */
  readonly items?: readonly Node[];
  /** Every path to this point assigned it. */
  readonly definitely: boolean;
}

/** The locals bound at one point of the block, by name. */
export type Flow = ReadonlyMap<string, Binding>;

/** Where a block's values are while it runs: one frame per evaluation. */
export interface FrameHolder {
  frame: (Value | undefined)[];
}

/** The local names of one block and their frame slots. */
export class Locals {
  /** Names assigned anywhere in the block, with the first place each is assigned. */
  readonly assigned: ReadonlyMap<string, Span>;
  readonly holder: FrameHolder = { frame: [] };
  readonly #slots = new Map<string, number>();
  /** What is bound at the point being compiled. */
  flow: Map<string, Binding> = new Map();

  constructor(assigned: ReadonlyMap<string, Span>) {
    this.assigned = assigned;
    for (const name of assigned.keys()) this.#slots.set(name, this.#slots.size);
  }

  /** Number of slots a frame needs. */
  get size(): number {
    return this.#slots.size;
  }

  /** Whether `name` is local to the block. */
  has(name: string): boolean {
    return this.#slots.has(name);
  }

  /**
   * A node reading local `name` at the current point; undefined when no assignment can have
   * run yet (the caller reports that).
   */
  read(name: string, span: Span): Node | undefined {
    const binding = this.flow.get(name);
    if (!binding) return undefined;
    const slot = this.#slots.get(name)!;
    const holder = this.holder;
    const evaluate = binding.definitely ? (_: CellContext) => holder.frame[slot] as Value : () => {
      const value = holder.frame[slot];
      if (value === undefined) {
        throw new ExprRuntimeError(
          `Local name \`${name}\` is read before it is assigned: the branch that assigns it did not run`,
        );
      }
      return value;
    };
    return {
      span,
      evaluate,
      type: binding.type,
      ...(binding.itemType ? { itemType: binding.itemType } : {}),
      ...(binding.keyType ? { keyType: binding.keyType } : {}),
      ...(binding.items ? { items: binding.items } : {}),
    };
  }

  /**
   * Records an assignment at the current point of a value of `type` (with the item and key
   * types of a container); returns the slot to store into.
   */
  assign(
    name: string,
    type: TypeFn,
    items: { itemType?: TypeFn; keyType?: TypeFn; items?: readonly Node[] } = {},
  ): number {
    this.flow.set(name, {
      type: memoized(type),
      definitely: true,
      ...(items.itemType ? { itemType: memoized(items.itemType) } : {}),
      ...(items.keyType ? { keyType: memoized(items.keyType) } : {}),
      ...(items.items ? { items: items.items } : {}),
    });
    return this.#slots.get(name)!;
  }

  /** A copy of the current flow, to compile one branch from. */
  fork(): Map<string, Binding> {
    return new Map(this.flow);
  }
}

/**
 * A type function that computes once per environment. A local's type is read wherever the
 * local is, and `x = x + x` repeated would otherwise double the work at each line.
 */
function memoized(type: TypeFn): TypeFn {
  const cache = new WeakMap<TypeEnvironment, StaticType>();
  return (env) => {
    let known = cache.get(env);
    if (known === undefined) {
      known = type(env);
      cache.set(env, known);
    }
    return known;
  };
}

/**
 * The flow after an `if`: what either branch bound, definitely only when both did. A branch
 * that always returns does not reach the join, so it contributes nothing.
 */
export function joinFlows(
  a: Flow,
  aReturns: boolean,
  b: Flow,
  bReturns: boolean,
): Map<string, Binding> {
  if (aReturns && !bReturns) return new Map(b);
  if (bReturns && !aReturns) return new Map(a);
  const out = new Map<string, Binding>();
  for (const name of new Set([...a.keys(), ...b.keys()])) {
    const left = a.get(name), right = b.get(name);
    if (left && right) {
      out.set(name, {
        type: joinFns(left.type, right.type)!,
        definitely: left.definitely && right.definitely,
        ...(left.itemType && right.itemType
          ? { itemType: joinFns(left.itemType, right.itemType) }
          : {}),
        ...(left.keyType && right.keyType ? { keyType: joinFns(left.keyType, right.keyType) } : {}),
        ...(left.items && left.items === right.items ? { items: left.items } : {}),
      });
    } else {
      out.set(name, { type: (left ?? right)!.type, definitely: false });
    }
  }
  return out;
}

function joinFns(a: TypeFn, b: TypeFn): TypeFn {
  return a === b ? a : (env) => joinTypes(a(env), b(env));
}
