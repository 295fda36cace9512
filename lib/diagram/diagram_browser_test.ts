/**
 * The SVG diagram in a real browser (headless Chromium): it parses, draws a box per table and a
 * curve per foreign key, and the boxes Chromium lays out (their rendered bounding boxes) keep
 * parents above children and never overlap.
 */
import { assert, assertEquals } from "../../tests/_assert.ts";
import { cli, withTempDir } from "../../tests/_cli.ts";
import { chromium, externalTest } from "../../tests/_external.ts";
import { withBrowserPage } from "../../tests/_browser.ts";

const SHOP = new URL("../../tests/fixtures/diagram/shop.yaml", import.meta.url).pathname;

interface Drawn {
  parsed: boolean;
  tables: Record<string, { x: number; y: number; width: number; height: number }>;
  edges: { parent: string; child: string; length: number }[];
}

externalTest({
  name: "the SVG diagram renders in Chromium: a box per table, a curve per key, none overlapping",
  need: chromium(),
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async (browser) => {
    await withTempDir(async (dir) => {
      const file = `${dir}/shop.svg`;
      const result = await cli("diagram", "-c", SHOP, "-f", "svg", "--out", file);
      assertEquals(result.code, 0, result.stderr);
      const drawn = await withBrowserPage(browser, `file://${file}`, async (page) => {
        await page.waitFor("document.readyState === 'complete'");
        return await page.evaluate<Drawn>(`(() => {
          const svg = document.querySelector("svg");
          const tables = {};
          for (const g of document.querySelectorAll("g.table")) {
            const b = g.querySelector("rect").getBBox();
            tables[g.dataset.table] = { x: b.x, y: b.y, width: b.width, height: b.height };
          }
          const edges = [...document.querySelectorAll("g.edge")].map((g) => ({
            parent: g.dataset.parent, child: g.dataset.child,
            length: g.querySelector("path").getTotalLength(),
          }));
          return { parsed: !!svg && !document.querySelector("parsererror"), tables, edges };
        })()`);
      });
      assert(drawn.parsed, "the SVG parses");
      assertEquals(Object.keys(drawn.tables).sort(), [
        "customers",
        "orders",
        "products",
        "regions",
        "shipments",
      ]);
      assertEquals(drawn.edges.length, 6);
      for (const edge of drawn.edges) {
        assert(edge.length > 10, `the curve ${edge.parent} -> ${edge.child} is drawn`);
        if (edge.parent === edge.child) continue;
        const [p, c] = [drawn.tables[edge.parent], drawn.tables[edge.child]];
        assert(p.y + p.height < c.y, `${edge.parent} is drawn above ${edge.child}`);
      }
      const boxes = Object.entries(drawn.tables);
      for (const [i, [a, A]] of boxes.entries()) {
        for (const [b, B] of boxes.slice(i + 1)) {
          const apart = A.x + A.width <= B.x || B.x + B.width <= A.x ||
            A.y + A.height <= B.y || B.y + B.height <= A.y;
          assert(apart, `${a} and ${b} do not overlap`);
        }
      }
    });
  },
});
