/**
 * The Mermaid text of `diagram` renders: Mermaid's own bundle (from npm, pinned, in a cache
 * folder outside the repository) draws it in headless Chromium, as GitHub does in Markdown,
 * with an entity per table and a relationship per foreign key.
 */
import { assertEquals } from "../../tests/_assert.ts";
import { cli, withTempDir } from "../../tests/_cli.ts";
import { chromium, externalTest, found, mermaidBundle, type Need } from "../../tests/_external.ts";
import { withBrowserPage } from "../../tests/_browser.ts";

const CONFIGS = {
  shop: new URL("../../tests/fixtures/diagram/shop.yaml", import.meta.url).pathname,
  example: new URL("../../examples/streaming_config.yaml", import.meta.url).pathname,
};

/** Both needs, or the first missing one. */
function both(): Need<{ browser: string; bundle: string }> {
  const browser = chromium();
  if (!browser.found) return browser;
  const bundle = mermaidBundle();
  if (!bundle.found) return bundle;
  return found({ browser: browser.value, bundle: bundle.value });
}

externalTest({
  name: "diagram's Mermaid text renders with Mermaid in Chromium: every table and key",
  need: both(),
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async ({ browser, bundle }) => {
    await withTempDir(async (dir) => {
      const texts: Record<string, string> = {};
      for (const [name, config] of Object.entries(CONFIGS)) {
        const result = await cli("diagram", "-c", config);
        assertEquals(result.code, 0, result.stderr);
        texts[name] = result.stdout;
      }
      const page = `${dir}/mermaid.html`;
      await Deno.writeTextFile(
        page,
        `<!doctype html><html><body><script src="file://${bundle}"></script></body></html>`,
      );
      const drawn = await withBrowserPage(browser, `file://${page}`, async (p) => {
        await p.waitFor("window.mermaid");
        return await p.evaluate<Record<string, { entities: string[]; labels: string[] }>>(`
          (async () => {
            mermaid.initialize({ startOnLoad: false, securityLevel: "strict" });
            const texts = ${JSON.stringify(texts)};
            const out = {};
            for (const [name, text] of Object.entries(texts)) {
              const { svg } = await mermaid.render("d_" + name, text);
              const doc = new DOMParser().parseFromString(svg, "image/svg+xml");
              const entities = [...doc.querySelectorAll("g[id*='entity-']")]
                .map((g) => g.querySelector(".label, text")?.textContent?.trim() ?? "")
                .filter((t) => t !== "");
              const labels = [...doc.querySelectorAll("g.edgeLabels span.edgeLabel")]
                .map((l) => l.textContent.trim()).filter((t) => t !== "");
              out[name] = { entities: [...new Set(entities)].sort(), labels: labels.sort() };
            }
            return out;
          })()`);
      });
      assertEquals(drawn.shop.entities, [
        "customers",
        "orders",
        "products",
        "regions",
        "shipments",
      ]);
      assertEquals(drawn.shop.labels, [
        "customer_id (zipf 1.2)",
        "order_id unique",
        "referred_by",
        "region_id",
        "region_id",
        "sku",
      ]);
      assertEquals(drawn.example.entities, ["customers", "orders", "person"]);
      assertEquals(drawn.example.labels, ["customer_id (zipf 1.2)"]);
    });
  },
});
