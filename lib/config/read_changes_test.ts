import { assertEquals } from "../../tests/_assert.ts";
import { only, parse, summary, valid } from "../../tests/_config.ts";
import { changeSpec } from "./engine_specs.ts";

/** A table with `changes:` written as `changes` (indented for the table's mapping). */
function orders(changes: string, extra = ""): string {
  return `tables:
  - table_name: orders
    cadence: { rows_per_minute: 6 }
${extra}    changes:
${changes}
    columns:
      - column_name: id
        data: row_id
        is_primary_key: true
      - column_name: status
        data: '"placed"'
      - column_name: updated_at
        data: datetime.now()
`;
}

Deno.test("changes: read into the model, defaults filled in", () => {
  const config = valid(orders(`      updates_per_minute: 30
      update_columns: [status, updated_at]
      deletes_per_minute: 2.5
      pick: { distribution: zipf, param: 1.1 }`));
  const { pos, ...changes } = config.tables[0].changes!;
  assertEquals(changes, {
    updatesPerMinute: 30,
    deletesPerMinute: 2.5,
    updateColumns: ["status", "updated_at"],
    pick: { distribution: "zipf", param: 1.1 },
  });
  assertEquals([pos.line, pos.column], [5, 7]);
  assertEquals(
    changeSpec(valid(orders("      deletes_per_minute: 1\n      pick: zipf")).tables[0])?.pick,
    { distribution: "zipf", param: 1.2 },
  );
  // A half-life in time is rows at the insert rate: 6 rows a minute, 10 minutes = 60 rows.
  const recent = valid(orders(`      deletes_per_minute: 1
      pick: { distribution: recent, half_life: 10m }`));
  assertEquals(recent.tables[0].changes!.pick.halfLife, { ms: 600_000 });
  assertEquals(changeSpec(recent.tables[0])?.pick, { distribution: "recent", halfLifeRows: 60 });
  assertEquals(valid(orders("      deletes_per_minute: 1")).tables[0].changes!.pick, {
    distribution: "uniform",
  });
});

Deno.test("changes: unknown keys, negative rates and wrong types, with positions and hints", () => {
  const { diagnostics } = parse(orders(`      update_per_minute: 30
      deletes_per_minute: -2
      updates_per_minute: fast`));
  assertEquals(summary(diagnostics), [
    "unknown-field@5:7",
    "out-of-range@6:27",
    "wrong-type@7:27",
  ]);
  assertEquals(diagnostics[0].hint, "did you mean `updates_per_minute`?");
  assertEquals(
    only(parse(orders("      - 30")).diagnostics, "wrong-type").message,
    "`changes` must be a mapping, got a list",
  );
});

Deno.test("changes: update_columns must name columns other than the primary key", () => {
  const { diagnostics } = parse(orders(`      updates_per_minute: 30
      update_columns: [stauts, id, updated_at, updated_at]`));
  assertEquals(summary(diagnostics), [
    "unknown-column@6:24",
    "bad-value@6:32",
    "!duplicate-column@6:48",
  ]);
  assertEquals(diagnostics[0].hint, "did you mean `status`?");
  assertEquals(
    summary(parse(orders("      updates_per_minute: 30")).diagnostics),
    ["missing-field@5:7"],
  );
  assertEquals(
    summary(parse(orders("      update_columns: [status]")).diagnostics),
    ["!never-updated@5:23"],
  );
});

Deno.test("changes: only on append tables", () => {
  const replace = parse(orders("      deletes_per_minute: 1", "    update_policy: replace\n"));
  assertEquals(summary(replace.diagnostics), ["bad-changes@5:5"]);
  assertEquals(
    replace.diagnostics[0].message,
    "`changes` need `update_policy: append`, but table `orders` is `replace`",
  );
  const off = orders("      deletes_per_minute: 1", "    cadence: { enabled: false }\n")
    .replace("    cadence: { rows_per_minute: 6 }\n", "");
  assertEquals(summary(parse(off).diagnostics), ["!never-changed@4:5"]);
});

Deno.test("changes: pick distributions and their options", () => {
  const check = (pick: string) =>
    summary(parse(orders(`      deletes_per_minute: 1\n      pick: ${pick}`)).diagnostics);
  assertEquals(check("zipff"), ["bad-value@6:13"]);
  assertEquals(
    only(parse(orders("      pick: zipff")).diagnostics, "bad-value").hint,
    "did you mean `zipf`?",
  );
  assertEquals(check("{ distribution: pareto }"), ["bad-value@6:29"]);
  assertEquals(check("{ distribution: zipf, param: 0 }"), ["out-of-range@6:42"]);
  assertEquals(check("{ distribution: zipf, param: high }"), ["wrong-type@6:42"]);
  assertEquals(check("{ distribution: uniform, param: 2 }"), ["unknown-field@6:38"]);
  assertEquals(check("{ distribution: recent }"), ["missing-field@6:13"]);
  assertEquals(check("recent"), ["missing-field@6:13"]);
  assertEquals(check("{ distribution: recent, half_life: -3 }"), ["out-of-range@6:48"]);
  assertEquals(check("{ distribution: recent, half_life: soon }"), ["wrong-type@6:48"]);
  assertEquals(check("{ distribution: zipf, weight: 2 }"), ["unknown-field@6:35"]);
  const still = orders(
    `      deletes_per_minute: 1\n      pick: { distribution: recent, half_life: 1h }`,
  )
    .replace("rows_per_minute: 6", "rows_per_minute: 0");
  assertEquals(summary(parse(still).diagnostics), ["bad-value@6:48"]);
});

Deno.test("previous and version: warned where they can only be their insert values", () => {
  const yaml = orders(`      updates_per_minute: 1
      update_columns: [status]`).replace(
    "        data: datetime.now()\n",
    "        data: datetime.now()\n" +
      "      - column_name: label\n        data: f'{status} v{version}'\n" +
      "      - column_name: version\n        data: 3\n",
  );
  const { diagnostics } = parse(yaml);
  assertEquals(summary(diagnostics), [
    "!stale-column@15:22",
    "!hidden-change-name@17:22",
  ]);
  // `version` is the column in that table: no `not-updated` for the label's `version`.
  assertEquals(
    diagnostics[1].message,
    "Column `version` hides the change name `version` in table `orders`: its expressions read the column",
  );
  const plain = `tables:
  - table_name: t
    columns:
      - column_name: a
        data: previous or version
`;
  assertEquals(summary(parse(plain).diagnostics), ["!no-changes@5:15", "!no-changes@5:27"]);
  const notUpdated = orders(`      updates_per_minute: 1
      update_columns: [updated_at]`).replace(
    `'"placed"'`,
    `'"placed" if version == 0 else "paid"'`,
  );
  assertEquals(summary(parse(notUpdated).diagnostics), ["!not-updated@12:28"]);
});

Deno.test("a unique foreign key to a table with deletes is refused where it is written", () => {
  const child = `
  - table_name: managers
    row_count: 3
    columns:
      - column_name: order_id
        data: foreign_key("orders", "id", is_unique=True)
`;
  const deleting = orders("      deletes_per_minute: 1") + child;
  assertEquals(summary(parse(deleting).diagnostics), ["unique-key-deletes@19:15"]);
  assertEquals(
    only(parse(deleting).diagnostics, "unique-key-deletes").hint,
    "Drop `is_unique=True` (other keys never pick a deleted row), or the parent's " +
      "`deletes_per_minute`.",
  );
  // Updates alone keep every parent row: the unique key stays.
  const updating = orders("      updates_per_minute: 1\n      update_columns: [status]") + child;
  assertEquals(summary(parse(updating).diagnostics), []);
  assertEquals(
    summary(parse(deleting.replace("is_unique=True", "is_unique=False")).diagnostics),
    [],
  );
});
