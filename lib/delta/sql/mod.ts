/**
 * tablestream's Spark SQL subset: what Delta tables store as CHECK constraints, column
 * invariants and generation expressions, parsed (parse.ts), typed and evaluated over Arrow
 * record batches (compile.ts).
 *
 * @module
 */
export { columnReferences, parseSql, SqlError, type SqlNode } from "./parse.ts";
export { compileSql, type SqlExpression } from "./compile.ts";
export { SqlEvalError, type SqlType, sqlTypeOf, textOf } from "./types.ts";
