/**
 * `weighted_parent`: parent rows weighted by a parent column's value, as tablefaker's.
 *
 * @module
 */
import { defineDistribution } from "../../lib/plugin/define.ts";
import { aliasSampler } from "../../lib/engine/distributions.ts";
import { pyStr } from "../../lib/expr/values.ts";

/** Parent rows weighted by the value of one of their columns. */
export const weightedParent = defineDistribution({
  name: "weighted_parent",
  summary: "Weights each parent row by the value of one of its columns: weights[str(value)].",
  options: {
    parent_attr: {
      type: "string",
      description: "The parent column whose value selects the weight",
      examples: ["tier"],
    },
    weights: {
      type: "record<number>",
      default: {},
      description: "Weight per value (as text); values not listed weigh 1.0",
      examples: [{ gold: 5, silver: 2 }],
    },
  },
  parentColumns: ({ parent_attr }) => [parent_attr],
  create({ parent_attr, weights }, { count, parentValue }) {
    const w = new Float64Array(count);
    for (let i = 0; i < count; i++) {
      const weight = weights[pyStr(parentValue(parent_attr, i))];
      w[i] = typeof weight === "number" ? weight : 1;
    }
    // Vose's alias method: O(parents) set-up, constant time per pick.
    return aliasSampler(w);
  },
});
