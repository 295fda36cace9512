/**
 * Building diagnostics, and the error the lexer and parser throw to stop at a syntax
 * error.
 *
 * @module
 */
import type { ExprDiagnostic, Span } from "./types.ts";

/** A syntax error that stops parsing; carries its diagnostic. */
export class ExprSyntaxError extends Error {
  /** What went wrong and where. */
  readonly diagnostic: ExprDiagnostic;
  constructor(diagnostic: ExprDiagnostic) {
    super(diagnostic.message);
    this.name = "ExprSyntaxError";
    this.diagnostic = diagnostic;
  }
}

/** An error diagnostic; `hint` is left out when there is none. */
export function errorAt(code: string, message: string, span: Span, hint?: string): ExprDiagnostic {
  const diagnostic: ExprDiagnostic = { code, message, span: copySpan(span), severity: "error" };
  if (hint !== undefined) diagnostic.hint = hint;
  return diagnostic;
}

/** A warning diagnostic. */
export function warningAt(
  code: string,
  message: string,
  span: Span,
  hint?: string,
): ExprDiagnostic {
  const diagnostic: ExprDiagnostic = { code, message, span: copySpan(span), severity: "warning" };
  if (hint !== undefined) diagnostic.hint = hint;
  return diagnostic;
}

/** Just the offsets: callers may pass a token, whose other fields must not leak. */
function copySpan(span: Span): Span {
  return { start: span.start, end: span.end };
}

/** A span covering `from` up to the end of `to`. */
export function joinSpans(from: Span, to: Span): Span {
  return { start: from.start, end: to.end };
}

/** "did you mean `x`?", or undefined when there is no suggestion. */
export function didYouMean(suggestion: string | undefined): string | undefined {
  return suggestion === undefined ? undefined : `did you mean \`${suggestion}\`?`;
}

/** The 1-based line and column of an offset, for messages that point at another place. */
export function describePosition(source: string, offset: number): string {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < source.length; i++) {
    if (source[i] === "\n") {
      line++;
      lineStart = i + 1;
    }
  }
  const column = offset - lineStart + 1;
  return line === 1 ? `column ${column}` : `line ${line}, column ${column}`;
}
