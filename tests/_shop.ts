/**
 * The shop the streaming tests share: customers at a cadence, orders that reference them with a
 * foreign key and copy one of their columns, and a table that never changes (plus, where a test
 * wants one, a table replaced every tick). Each test says what it varies; the rest is the same
 * shop, so a reader learns it once.
 *
 * @module
 */

/** What a test varies in the shop. */
export interface ShopOptions {
  seed: number;
  customers: {
    rows: number;
    perMinute: number;
    /** The customer column orders copy: a `fake.email()` or a `fake.name()`. */
    attribute: "email" | "name";
    /** A `since: datetime.now()` column. */
    since?: boolean;
  };
  orders: {
    rows: number;
    perMinute: number;
    /** The key column's name (default `order_id`). */
    key?: string;
    /** A zipf foreign key with this parameter (uniform without). */
    zipf?: number;
    /** The copied column's name (default `customer_<attribute>`). */
    copy?: string;
    /** An `at: datetime.now()` column. */
    at?: boolean;
    /** A `quantity: random.randint(1, 9)` column of `type: int32`. */
    quantity?: boolean;
  };
  /** The table that never changes: `countries` (with a replaced `prices` table) or `regions`. */
  lookup: "countries" | "regions" | "regions with names";
}

/** The shop's YAML. */
export function shopYaml(o: ShopOptions): string {
  const { customers: c, orders } = o;
  const key = orders.key ?? "order_id";
  const fk = orders.zipf === undefined
    ? `foreign_key("customers", "id")`
    : `foreign_key("customers", "id", distribution="zipf", param=${orders.zipf})`;
  const lines = [
    "version: 1",
    "config:",
    `  seed: ${o.seed}`,
    "  tick_interval: 10s",
    "tables:",
    "  - table_name: customers",
    `    row_count: ${c.rows}`,
    `    cadence: { rows_per_minute: ${c.perMinute} }`,
    "    columns:",
    "      - { column_name: id, data: row_id, is_primary_key: true }",
    `      - { column_name: ${c.attribute}, data: fake.${c.attribute}() }`,
    ...(c.since ? ["      - { column_name: since, data: datetime.now() }"] : []),
    "  - table_name: orders",
    `    row_count: ${orders.rows}`,
    `    cadence: { rows_per_minute: ${orders.perMinute} }`,
    "    columns:",
    `      - { column_name: ${key}, data: row_id, is_primary_key: true }`,
    "      - column_name: customer_id",
    `        data: ${fk}`,
    `      - column_name: ${orders.copy ?? `customer_${c.attribute}`}`,
    `        data: copy_from_fk("customer_id", "customers", "${c.attribute}")`,
    ...(orders.quantity
      ? [
        "      - column_name: quantity",
        "        data: random.randint(1, 9)",
        "        type: int32",
      ]
      : []),
    ...(orders.at ? ["      - { column_name: at, data: datetime.now() }"] : []),
    ...LOOKUPS[o.lookup],
  ];
  return lines.join("\n") + "\n";
}

const LOOKUPS: Record<ShopOptions["lookup"], string[]> = {
  countries: [
    "  - table_name: countries",
    "    row_count: 4",
    "    update_policy: disabled",
    "    columns:",
    "      - { column_name: code, data: row_id, is_primary_key: true }",
    "      - { column_name: name, data: fake.country() }",
    "  - table_name: prices",
    "    row_count: 3",
    "    update_policy: replace",
    "    columns:",
    "      - { column_name: id, data: row_id, is_primary_key: true }",
    "      - column_name: price",
    "        data: random.randint(1, 1000000)",
    "      - column_name: country",
    '        data: foreign_key("countries", "code")',
  ],
  regions: [
    "  - table_name: regions",
    "    row_count: 4",
    "    update_policy: disabled",
    "    columns:",
    "      - { column_name: id, data: row_id, is_primary_key: true }",
  ],
  "regions with names": [
    "  - table_name: regions",
    "    row_count: 4",
    "    update_policy: disabled",
    "    columns:",
    "      - { column_name: id, data: row_id, is_primary_key: true }",
    "      - { column_name: name, data: fake.city() }",
  ],
};
