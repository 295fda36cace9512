import { assertEquals } from "../../../tests/_assert.ts";
import { utf8Views } from "./records.ts";

Deno.test("utf8Views: each text's UTF-8 bytes, ASCII or not, as views of one buffer", () => {
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  for (
    const texts of [
      ["", "a", '{"id":1}', ""],
      ["ünïcödé", "", "漢字", "emoji 🎉", "plain"],
      [],
    ]
  ) {
    const views = utf8Views(texts);
    assertEquals(views.map(decode), texts);
    assertEquals(views.map((v) => v.length), texts.map((t) => new TextEncoder().encode(t).length));
    if (views.length > 1) assertEquals(views[0].buffer, views[1].buffer);
  }
});
