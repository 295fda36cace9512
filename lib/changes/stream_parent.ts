/**
 * What children see in `run` of a table whose `changes:` delete rows: its stream parent
 * source (lib/stream/parent_source.ts) through {@link TableChanges.parentView}, so a child's
 * foreign key never lands on a row whose delete is visible at the child's time. The server
 * and the generation workers both build it from the same facts, so they pick the same rows.
 *
 * @module
 */
import type { ParentSource } from "../engine/generator.ts";
import type { Engine } from "../engine/engine.ts";
import { type ParentFacts, streamParentSource } from "../stream/parent_source.ts";
import type { ChangeSpec } from "./spec.ts";
import { TableChanges } from "./table_changes.ts";

/** The parent source of a planned table with its changes (`changes`: its `changes:`). */
export function changingParentSource(
  facts: ParentFacts,
  engine: Engine,
  changes: ChangeSpec | undefined,
): ParentSource {
  const source = streamParentSource(facts, engine);
  // Only deletes change what children may pick; a `fixed` table's rows are as stored.
  if (!changes || changes.deletesPerMinute <= 0 || facts.role === "fixed" || !facts.timeline) {
    return source;
  }
  if (facts.timeline.spec.policy !== "append") return source;
  const model = new TableChanges({
    seed: engine.inputs.seed,
    table: engine.table(facts.name),
    timeline: facts.timeline,
    changes,
  });
  // The view's own state, replayed as far as children look: children of several ticks of one
  // commit look at several ticks, never earlier than the replay can answer.
  return model.parentView(source, model.newState(), facts.prefix?.count ?? 0);
}
