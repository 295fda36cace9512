import { assertEquals, assertThrows } from "../../tests/_assert.ts";
import { ExprSyntaxError } from "./diagnostic.ts";
import { decodeEscapes, tokenize } from "./lexer.ts";

function kinds(source: string): string[] {
  return tokenize(source).map((t) => `${t.kind}:${t.text}`);
}

function syntaxError(source: string): ExprSyntaxError {
  try {
    tokenize(source);
  } catch (error) {
    if (error instanceof ExprSyntaxError) return error;
    throw error;
  }
  throw new Error(`${source} lexed without error`);
}

Deno.test("lexer splits names, numbers, operators with spans", () => {
  const tokens = tokenize("round(price * 1.5, 2) // 3");
  assertEquals(tokens.map((t) => [t.kind, t.text, t.start, t.end]), [
    ["name", "round", 0, 5],
    ["op", "(", 5, 6],
    ["name", "price", 6, 11],
    ["op", "*", 12, 13],
    ["float", "1.5", 14, 17],
    ["op", ",", 17, 18],
    ["int", "2", 19, 20],
    ["op", ")", 20, 21],
    ["op", "//", 22, 24],
    ["int", "3", 25, 26],
    ["newline", "", 26, 26],
    ["eof", "", 26, 26],
  ]);
});

Deno.test("lexer reads Python number forms", () => {
  const numbers = tokenize("1_000 0x1f 0o17 0b101 .5 5. 1e3 2.5E-2").filter((t) =>
    t.kind === "int" || t.kind === "float"
  );
  assertEquals(numbers.map((t) => [t.kind, t.number]), [
    ["int", 1000],
    ["int", 31],
    ["int", 15],
    ["int", 5],
    ["float", 0.5],
    ["float", 5],
    ["float", 1000],
    ["float", 0.025],
  ]);
});

Deno.test("lexer rejects malformed numbers", () => {
  assertEquals(syntaxError("012").diagnostic.code, "bad-expression");
  assertEquals(syntaxError("1abc").diagnostic.span, { start: 0, end: 2 });
  assertEquals(syntaxError("3j").diagnostic.code, "unsupported-syntax");
});

Deno.test("lexer decodes strings, raw strings and escapes", () => {
  const [a, b, c, d] = tokenize(`'it\\'s' "tab\\there" r"170\\d" """multi\nline"""`);
  assertEquals(a.string!.value, "it's");
  assertEquals(b.string!.value, "tab\there");
  assertEquals(c.string!.value, "170\\d");
  assertEquals(c.string!.raw, true);
  assertEquals(d.string!.value, "multi\nline");
  assertEquals(decodeEscapes("\\x41\\u00e9\\n\\q", 0), "Aé\n\\q");
});

Deno.test("lexer keeps f-string content raw for the parser", () => {
  const [token] = tokenize(`f"{a}\\n{b!r:>5}"`);
  assertEquals(token.string!.format, true);
  assertEquals(token.string!.value, "{a}\\n{b!r:>5}");
  assertEquals([token.string!.contentStart, token.string!.contentEnd], [2, 15]);
});

Deno.test("lexer reports unclosed strings and stray characters", () => {
  const unclosed = syntaxError(`"abc`);
  assertEquals(unclosed.diagnostic.message, "This string is never closed");
  assertEquals(unclosed.diagnostic.span, { start: 0, end: 4 });
  assertEquals(syntaxError("a $ b").diagnostic.span, { start: 2, end: 3 });
  assertEquals(syntaxError(`b"bytes"`).diagnostic.code, "unsupported-syntax");
  assertThrows(() => tokenize(`"\\x4"`));
});

Deno.test("lexer ends statements with newlines, skipping blank and comment lines", () => {
  assertEquals(kinds("\n\n# comment\nfake.name()  # trailing\n"), [
    "name:fake",
    "op:.",
    "name:name",
    "op:(",
    "op:)",
    "newline:\n",
    "eof:",
  ]);
  assertEquals(kinds("f(1,\n  2)"), [
    "name:f",
    "op:(",
    "int:1",
    "op:,",
    "int:2",
    "op:)",
    "newline:",
    "eof:",
  ]);
  assertEquals(kinds("a = 1\nreturn a").filter((k) => k.startsWith("newline")).length, 2);
  assertEquals(kinds("1 + \\\n 2"), ["int:1", "op:+", "int:2", "newline:", "eof:"]);
});

Deno.test("lexer emits indent and dedent tokens as Python's tokenizer does", () => {
  const shape = (source: string) =>
    tokenize(source).map((t) =>
      t.kind === "name" || t.kind === "int" ? t.text : t.kind === "op" ? t.text : t.kind
    ).join(" ");
  assertEquals(
    shape("if a:\n  if b:\n    x = 1\n\n  # note\n  y = 2\nz = 3"),
    "if a : newline indent if b : newline indent x = 1 newline dedent y = 2 newline dedent z = 3 " +
      "newline eof",
  );
  // Blocks still open at the end are closed; the first line's indentation is the base.
  assertEquals(shape("  if a:\n    return 1"), "if a : newline indent return 1 newline dedent eof");
  // Inside brackets and f-strings lines do not count.
  assertEquals(shape("x = [1,\n      2]"), "x = [ 1 , 2 ] newline eof");
  // Tabs go to the next multiple of eight, as in Python.
  assertEquals(
    shape("if a:\n\tb\n        c"),
    "if a : newline indent b newline c newline dedent eof",
  );
});
