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

Deno.test("CHECK constraints outside the SQL subset or naming unknown columns are named at their value", () => {
  const { diagnostics } = parse(`${TABLE}    table_properties:
      delta.constraints.ok: id > 0 AND region IN ('eu', 'us')
      delta.constraints.regex: region RLIKE '^e'
      delta.constraints.typo: regoin IS NOT NULL
`);
  assertEquals(summary(diagnostics).sort(), ["bad-expression@8:32", "unknown-column@9:31"]);
  const outside = only(diagnostics, "bad-expression");
  assertStringIncludes(outside.message, "CHECK constraint `regex`: RLIKE is outside");
  assertStringIncludes(outside.message, "at column 8");
  assertStringIncludes(outside.hint ?? "", "subset of Spark SQL");
  const unknown = only(diagnostics, "unknown-column");
  assertStringIncludes(unknown.message, 'no column "regoin"');
  assertStringIncludes(unknown.hint ?? "", "`region`");
});

Deno.test("a table is partitioned or clustered, not both", () => {
  const { diagnostics } = parse(`${TABLE}    partition_by: [region]
    cluster_by: [id]
`);
  const d = only(diagnostics, "partitioned-and-clustered");
  assertEquals(d.line, 7);
  assertStringIncludes(d.message, "either partitioned or clustered");
});
