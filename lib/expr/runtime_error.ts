/**
 * The error an expression throws while computing a cell, in the expression's own terms
 * (Python's `TypeError`, `ZeroDivisionError`, `ValueError`...). The engine wraps it with
 * the table, column and row.
 *
 * @module
 */

/** A failure while evaluating an expression, with a message a user can act on. */
export class ExprRuntimeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ExprRuntimeError";
  }
}
