import { assert, assertEquals } from "../../tests/_assert.ts";
import { parse, summary, valid } from "../../tests/_config.ts";
import type { Diagnostic } from "./diagnostics.ts";

/** A config of customers and one orders table with `columns` and `extra` table fields. */
function orders(columns: string, extra = ""): string {
  return `tables:
  - table_name: customers
    columns:
      - { column_name: id, data: row_id, is_primary_key: true }
  - table_name: orders
${extra}    columns:
      - { column_name: id, data: row_id, is_primary_key: true }
${columns}`;
}

/** `code@line:column hint` of each diagnostic. */
function described(diagnostics: readonly Diagnostic[]): string[] {
  return diagnostics.map((d, i) => `${summary(diagnostics)[i]} ${d.message} | ${d.hint ?? ""}`);
}

Deno.test("faults are read into the model: event_time without data is the arrival time", () => {
  const config = valid(orders(
    `      - column_name: at
        event_time: { late_fraction: "5%", max_delay: 10m, delay: uniform }
      - column_name: customer_id
        data: foreign_key("customers", "id")
        orphans: 0.01
      - column_name: note
        data: fake.word()
        bad_values: { fraction: 0.02, kinds: [null, empty] }
      - column_name: amount
        data: random.randint(1, 9)
        bad_values: 0.5
`,
    `    cadence: { rows_per_minute: 60 }
    duplicates: { fraction: 0.01, max_delay: 30s, change: note }
`,
  ));
  const [at, fk, note, amount] = config.tables[1].columns.slice(1);
  assertEquals(at.data, "datetime.now()");
  assertEquals(at.eventTime, { lateFraction: 0.05, maxDelayMs: 600_000, delay: "uniform" });
  assertEquals(fk.orphans, 0.01);
  assertEquals(note.badValues, { fraction: 0.02, kinds: ["null", "empty"] });
  assertEquals(amount.badValues, { fraction: 0.5 });
  assertEquals(config.tables[1].duplicates, { fraction: 0.01, maxDelayMs: 30_000, change: "note" });
});

Deno.test("bad fault settings are reported at their place, with a hint", () => {
  const { diagnostics } = parse(orders(
    `      - column_name: a
        event_time: { late_fraction: 1.5, max_delay: "10", delay: exponentail }
      - column_name: b
        type: int
        event_time: { max_delay: 1m }
      - column_name: c
        data: 1
        type: int
        bad_values: { fraction: 0.1, kinds: [empty, nul] }
      - column_name: d
        data: row_id
        orphans: 0.1
`,
    `    update_policy: replace
    duplicates: { fraction: 0.1, change: idd }
`,
  ));
  const lines = described(diagnostics);
  const expect = [
    "out-of-range@11:38 `late_fraction` must be a fraction 0..1",
    "bad-duration@11:54 `max_delay` must be a duration of 1ms or more",
    "bad-value@11:67 Unknown `delay`",
    "missing-field@14:21 `event_time` has no `late_fraction`",
    "bad-event-time@14:9 `event_time` needs a timestamp column, but `b` is `int64`",
    "bad-value-kind@18:46 Bad-value kind `empty` needs a string column, but `c` is `int64`",
    "bad-value@18:53 Unknown bad-value kind",
    "bad-duplicates@7:5 `duplicates` need a table that streams appends",
    "unknown-column@7:42 `change` names `idd`",
    "bad-orphans@20:15 `orphans` needs a foreign-key column, but `d` is not one",
  ];
  for (const start of expect) {
    assert(lines.some((l) => l.startsWith(start)), `no "${start}" in\n${lines.join("\n")}`);
  }
  assertEquals(lines.length, expect.length, lines.join("\n"));
  const hint = (code: string) => diagnostics.find((d) => d.code === code)?.hint ?? "";
  assert(hint("bad-value-kind").includes("null, out_of_range"), hint("bad-value-kind"));
  assert(lines.some((l) => l.includes("did you mean `exponential`?")), lines.join("\n"));
  assert(lines.some((l) => l.includes("did you mean `null`?")), lines.join("\n"));
  assert(lines.some((l) => l.includes("did you mean `id`?")), lines.join("\n"));
});

Deno.test("duplicates refuse changes and a key as the changed column; bad values refuse keys", () => {
  const { diagnostics } = parse(
    orders(
      `      - column_name: n
        data: 1
`,
      `    cadence: { rows_per_minute: 60 }
    changes: { updates_per_minute: 1, update_columns: [n] }
    duplicates: { fraction: 0.1, change: id }
`,
    ).replace(
      "is_primary_key: true }\n      - column_name: n",
      "is_primary_key: true, bad_values: 0.1 }\n      - column_name: n",
    ),
  );
  assertEquals(
    summary(diagnostics).sort(),
    [
      "bad-bad-values@10:64",
      "bad-duplicates@8:5",
      "bad-value@8:42",
    ].sort(),
    described(diagnostics).join("\n"),
  );
});

Deno.test("a foreign key may not point at a column with bad values", () => {
  const { diagnostics } = parse(`tables:
  - table_name: customers
    columns:
      - { column_name: id, data: row_id, is_primary_key: true }
      - { column_name: email, data: fake.email(), bad_values: 0.1 }
  - table_name: orders
    columns:
      - column_name: email
        data: foreign_key("customers", "email")
`);
  assertEquals(
    summary(diagnostics),
    ["referenced-bad-values@9:15", "!not-primary-key@9:40"],
    described(diagnostics).join("\n"),
  );
});
