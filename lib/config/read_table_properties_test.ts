import { assertEquals, assertStringIncludes } from "../../tests/_assert.ts";
import { only, parse, summary, valid } from "../../tests/_config.ts";

const TABLE = `tables:
  - table_name: orders
    columns:
      - {column_name: id, data: row_id, is_primary_key: true}
      - {column_name: region, data: "random.choice(['eu', 'us'])"}
`;

Deno.test("table_properties and cluster_by are read as Delta stores them", () => {
  const config = valid(`${TABLE}    cluster_by: [region, id]
    table_properties:
      delta.enableDeletionVectors: true
      delta.checkpointInterval: 20
      delta.constraints.positive_id: id > 0
      owner: data-eng
`);
  const [t] = config.tables;
  assertEquals(t.clusterBy, ["region", "id"]);
  assertEquals(t.tableProperties, {
    "delta.enableDeletionVectors": "true",
    "delta.checkpointInterval": "20",
    "delta.constraints.positive_id": "id > 0",
    "owner": "data-eng",
  });
});

Deno.test("unknown Delta properties, wrong values and unknown columns are named at their place", () => {
  const { diagnostics } = parse(`${TABLE}    cluster_by: [regoin]
    table_properties:
      delta.enableDeletionVector: true
      delta.appendOnly: sometimes
      delta.logRetentionDuration:
`);
  assertEquals(summary(diagnostics).sort(), [
    "bad-property-value@9:25",
    "unknown-column@6:18",
    "unknown-property@8:7",
    "wrong-type@10:7",
  ]);
  const unknown = only(diagnostics, "unknown-property");
  assertStringIncludes(unknown.message, "`delta.enableDeletionVector`");
  assertStringIncludes(unknown.hint ?? "", "delta.enableDeletionVectors");
  const value = only(diagnostics, "bad-property-value");
  assertStringIncludes(value.message, 'takes "true" or "false", got "sometimes"');
  assertStringIncludes(only(diagnostics, "unknown-column").hint ?? "", "`region`");
});

Deno.test("an append-only table cannot have changes", () => {
  const { diagnostics } = parse(
    `${TABLE}    changes: {updates_per_minute: 5, update_columns: [region]}
    table_properties: {delta.appendOnly: true}
`,
  );
  const d = only(diagnostics, "append-only-changes");
  assertEquals(d.line, 7);
  assertStringIncludes(d.message, "refuses updates and deletes");
});
