import { assert, assertEquals, assertStringIncludes } from "../../tests/_assert.ts";
import { cli, withTempDir } from "../../tests/_cli.ts";
import { valid } from "../../tests/_config.ts";
import { Engine } from "../engine/engine.ts";
import { engineOptions, tableSpecs } from "../config/engine_specs.ts";
import { diagramOf, layers, toDot, toMermaid, toSvg } from "./mod.ts";

const SHOP = new URL("../../tests/fixtures/diagram/shop.yaml", import.meta.url);

async function shop() {
  const config = valid(await Deno.readTextFile(SHOP));
  const engine = new Engine(
    tableSpecs(config),
    { seed: 1, locale: "en_US", now: new Date(0) },
    engineOptions(config),
  );
  return diagramOf(config, (t) => engine.table(t).schema());
}

Deno.test("a config's diagram: columns with types and keys, foreign keys with distributions", async () => {
  const diagram = await shop();
  assertEquals(diagram.tables.map((t) => t.name), [
    "regions",
    "customers",
    "products",
    "orders",
    "shipments",
  ]);
  const orders = diagram.tables[3].columns;
  assertEquals(
    orders.map((c) => [c.name, c.type, c.primaryKey, c.foreignKey, c.copiedFrom ?? ""]),
    [
      ["order_id", "int64", true, false, ""],
      ["customer_id", "int64", false, true, ""],
      ["sku", "int64", false, true, ""],
      // A copied decimal is a float64 unless the config declares the column's type.
      ["price", "float64", false, false, "products.price"],
    ],
  );
  assertEquals(
    diagram.edges.map((e) =>
      `${e.parent}.${e.parentColumn} <- ${e.child}.${e.childColumn} ${e.distribution}${
        e.unique ? " unique" : ""
      }`
    ),
    [
      "regions.region_id <- customers.region_id uniform",
      "customers.id <- customers.referred_by uniform",
      "customers.id <- orders.customer_id zipf 1.2",
      "products.sku <- orders.sku uniform",
      "orders.order_id <- shipments.order_id uniform unique",
      "regions.region_id <- shipments.region_id uniform",
    ],
  );
  // Parents above children, a table's key to itself aside.
  const layerOf = new Map(layers(diagram).flatMap((names, i) => names.map((n) => [n, i])));
  assertEquals(Object.fromEntries(layerOf), {
    regions: 0,
    products: 0,
    customers: 1,
    orders: 2,
    shipments: 3,
  });
});

Deno.test("Mermaid: an erDiagram with every table, column and relationship, names made safe", async () => {
  const text = toMermaid(await shop());
  assert(text.startsWith("erDiagram\n"));
  assertStringIncludes(text, "        int64 order_id PK\n");
  assertStringIncludes(text, '        decimal price "decimal(10,2)"\n');
  assertStringIncludes(text, '        float64 price "copy of products.price"\n');
  assertStringIncludes(text, '        date signup_day "signup day"\n');
  assertStringIncludes(text, '    customers ||--o{ orders : "customer_id (zipf 1.2)"\n');
  assertStringIncludes(text, '    orders ||--o| shipments : "order_id unique"\n');
  assertEquals(text.match(/\|\|--/g)?.length, 6);
  assertEquals(text.match(/^ {4}\w+ \{$/gm)?.length, 5);
});

Deno.test("DOT: one node per table, an edge per foreign key from the parent's key to the child's column", async () => {
  const text = toDot(await shop());
  assertEquals(text.match(/^ {2}"\w+" \[label=</gm)?.length, 5);
  assertStringIncludes(text, '"customers":c0 -> "orders":c1 [label="customer_id (zipf 1.2)"];');
  assertStringIncludes(text, '"customers":c0 -> "customers":c4 [label="referred_by"];');
  assertEquals(text.match(/ -> /g)?.length, 6);
});

/** Every tag of an XML text balanced (a small check that the SVG is well-formed). */
function assertBalanced(text: string): void {
  const stack: string[] = [];
  for (const [tag] of text.matchAll(/<[^>]+>/g)) {
    if (tag.endsWith("/>")) continue;
    const name = tag.match(/^<\/?([\w:-]+)/)![1];
    if (tag.startsWith("</")) assertEquals(stack.pop(), name, `closing ${tag}`);
    else stack.push(name);
  }
  assertEquals(stack, []);
}

/** The boxes of an SVG's tables, from their first rect. */
function boxes(svg: string) {
  const out = new Map<string, { x: number; y: number; width: number; height: number }>();
  for (
    const m of svg.matchAll(
      /<g class="table" data-table="([^"]+)"><rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"/g,
    )
  ) {
    out.set(m[1], { x: +m[2], y: +m[3], width: +m[4], height: +m[5] });
  }
  return out;
}

Deno.test("SVG: a box per table, parents above children, no two boxes overlap, a curve per foreign key", async () => {
  const diagram = await shop();
  const svg = toSvg(diagram);
  assertBalanced(svg);
  const placed = boxes(svg);
  assertEquals([...placed.keys()].sort(), diagram.tables.map((t) => t.name).sort());
  assertEquals(svg.match(/<g class="edge"/g)?.length, diagram.edges.length);
  for (const e of diagram.edges) {
    if (e.parent === e.child) continue;
    const [p, c] = [placed.get(e.parent)!, placed.get(e.child)!];
    assert(p.y + p.height < c.y, `${e.parent} above ${e.child}`);
  }
  const all = [...placed.entries()];
  for (const [i, [a, boxA]] of all.entries()) {
    for (const [b, boxB] of all.slice(i + 1)) {
      const apart = boxA.x + boxA.width <= boxB.x || boxB.x + boxB.width <= boxA.x ||
        boxA.y + boxA.height <= boxB.y || boxB.y + boxB.height <= boxA.y;
      assert(apart, `${a} and ${b} overlap`);
    }
  }
  // Text is escaped, and the picture is as wide as its widest layer.
  assertStringIncludes(svg, ">signup day<");
  const width = Number(svg.match(/<svg[^>]* width="(\d+)"/)![1]);
  assert(Math.max(...[...placed.values()].map((b) => b.x + b.width)) <= width);
});

Deno.test("tablestream diagram writes each format; a wrong format is a usage error", async () => {
  await withTempDir(async (dir) => {
    for (const format of ["mermaid", "dot", "svg"]) {
      const out = `${dir}/d.${format}`;
      const result = await cli("diagram", "-c", SHOP.pathname, "-f", format, "--out", out);
      assertEquals(result.code, 0, result.stderr);
      assertStringIncludes(await Deno.readTextFile(out), "shipments");
    }
    const printed = await cli("diagram", "-c", "examples/streaming_config.yaml");
    assertEquals(printed.code, 0, printed.stderr);
    assertStringIncludes(printed.stdout, 'customers ||--o{ orders : "customer_id (zipf 1.2)"');
    const wrong = await cli("diagram", "-c", SHOP.pathname, "-f", "png");
    assertEquals(wrong.code, 2);
    assertStringIncludes(wrong.stderr, '--format must be "mermaid", "dot" or "svg", got "png"');
  });
});
