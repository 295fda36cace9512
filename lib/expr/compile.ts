/**
 * The checker and compiler: walks the syntax tree once, resolving names, checking calls
 * and types that are known statically, and building a tree of closures. Evaluation never
 * looks at the syntax tree again; constant sub-expressions are computed here, once. This file
 * resolves names (columns, locals, builtins, modules) and compiles calls and attributes;
 * operators, displays, f-strings and subscripts are compiled by `compile_operators.ts`,
 * blocks of statements by `block.ts`, with their local names resolved here.
 *
 * @module
 */
import type { AttributeNode, CallNode, Expr, NameNode, Program } from "./ast.ts";
import { assignedNames, compileBlock } from "./block.ts";
import { BUILTIN_ALTERNATIVES, BUILTINS } from "./builtins.ts";
import { brokenNode, constantNode, type Node } from "./compiled_node.ts";
import { DATE_FUNCTIONS, DATETIME_FUNCTIONS } from "./datetime_module.ts";
import { didYouMean, errorAt, joinSpans, warningAt } from "./diagnostic.ts";
import { compileDirectFakerCall, compileFakeCall } from "./fake_call.ts";
import { bindArguments, callNode, compileArguments, listOf, tupleNode } from "./call_arguments.ts";
import type { FunctionSpec } from "./function_spec.ts";
import type { Draw } from "./draw.ts";
import { collectImports, PLUGIN_HINT, substituteStatements } from "./imports.ts";
import {
  compileBinary,
  compileCompare,
  compileConditional,
  compileDict,
  compileFString,
  compileLogical,
  compileSubscript,
  compileUnary,
} from "./compile_operators.ts";
import { Locals } from "./locals.ts";
import { compileAttribute, compileMethodCall } from "./method_call.ts";
import {
  CONSTRUCTORS,
  GLOBAL_CONSTANTS,
  isModule,
  isModuleMember,
  MODULE_CONSTANTS,
  MODULE_EXAMPLES,
  MODULE_FUNCTIONS,
  type ModuleName,
  MODULES,
} from "./modules.ts";
import { RANDOM_ALTERNATIVES } from "./random_module.ts";
import { compileCopyFromFk, compileForeignKey } from "./references.ts";
import { changeNameNode } from "./change_names.ts";
import type { Scope } from "./scope.ts";
import { closestString } from "./suggest.ts";
import type { CompileOptions } from "./compiled_expression.ts";
import type {
  ChangeNameRead,
  CopyFromFkCall,
  ExprDiagnostic,
  ForeignKeyCall,
  Span,
} from "./types.ts";
import { floatValue } from "./values.ts";

/** Functions called by bare name, besides the builtins and constructors. */
const SPECIAL_FUNCTIONS = ["foreign_key", "copy_from_fk"];

/** tablefaker's streaming fork hands `get_table` to Python functions; nothing else uses it. */
const GET_TABLE_HINT =
  "`get_table` gives custom Python functions the generated tables; write a column-function " +
  "plugin (see docs/plugins.md) instead.";

/** Everything compilation learned, and the root of the closure tree. */
export interface CompiledProgram {
  root: Node;
  errors: ExprDiagnostic[];
  warnings: ExprDiagnostic[];
  columnRefs: string[];
  usesRowId: boolean;
  /** Reads of `previous` and `version`. */
  changeNames: ChangeNameRead[];
  foreignKeys: ForeignKeyCall[];
  copies: CopyFromFkCall[];
  /** The root is a single `foreign_key(...)` call. */
  isForeignKey: boolean;
  /** The root is `row_id` itself. */
  isRowId: boolean;
  /** The root is one draw from the cell's stream (`random.randint(1, 6)`). */
  draw?: Draw;
}

/** Checks and compiles a parsed program. */
export function compileProgram(
  source: string,
  program: Program,
  options: CompileOptions,
): CompiledProgram {
  const compiler = new Compiler(source, options);
  const root = compiler.compileProgram(program);
  return {
    root,
    errors: compiler.errors,
    warnings: compiler.warnings,
    columnRefs: [...compiler.columnRefs],
    usesRowId: compiler.usesRowId,
    changeNames: compiler.changeNames,
    foreignKeys: compiler.foreignKeys,
    copies: compiler.copies,
    isForeignKey: compiler.foreignKeyNodes.has(root),
    isRowId: compiler.rowIdNodes.has(root),
    ...(root.draw ? { draw: root.draw } : {}),
  };
}

class Compiler implements Scope {
  readonly source: string;
  readonly options: CompileOptions;
  readonly errors: ExprDiagnostic[] = [];
  readonly warnings: ExprDiagnostic[] = [];
  readonly columnRefs = new Set<string>();
  readonly foreignKeys: ForeignKeyCall[] = [];
  readonly copies: CopyFromFkCall[] = [];
  readonly foreignKeyNodes = new Set<Node>();
  /** Nodes that read `row_id`, to tell an expression that is nothing else. */
  readonly rowIdNodes = new Set<Node>();
  usesRowId = false;
  readonly changeNames: ChangeNameRead[] = [];
  /** The local names, when compiling a block. */
  locals?: Locals;
  readonly #columns: Set<string>;
  /** Names written as `name.member`: if unknown, they were meant as modules. */
  readonly #receivers = new Set<NameNode>();
  /** Names of refused imports, reported there: their uses add no errors. */
  #failedImports = new Set<string>();

  constructor(source: string, options: CompileOptions) {
    this.source = source;
    this.options = options;
    this.#columns = new Set(options.columns);
  }

  error(code: string, message: string, span: Span, hint?: string): void {
    this.errors.push(errorAt(code, message, span, hint));
  }

  warn(code: string, message: string, span: Span, hint?: string): void {
    this.warnings.push(warningAt(code, message, span, hint));
  }

  addForeignKey(call: ForeignKeyCall): number {
    return this.foreignKeys.push(call) - 1;
  }

  addCopy(call: CopyFromFkCall): number {
    return this.copies.push(call) - 1;
  }

  addColumnRef(name: string): void {
    this.columnRefs.add(name);
  }

  /** A lone expression, or a block of statements. */
  compileProgram(program: Program): Node {
    const [first] = program.body;
    if (program.body.length === 1 && first.kind === "expression") return this.compile(first.expr);
    const { aliases, failed } = collectImports(program.body, this.options, this.error.bind(this));
    this.#failedImports = failed;
    const body = substituteStatements(program.body, aliases);
    const assigned = assignedNames(body);
    for (const [name, span] of assigned) {
      const why = this.#reserved(name);
      if (aliases.has(name)) {
        this.error(
          "bad-expression",
          `\`${name}\` is both imported and assigned`,
          span,
          "Give the local another name.",
        );
      } else if (why) {
        this.error("bad-expression", why, span, "Give the local another name.");
      }
    }
    this.locals = new Locals(assigned);
    return compileBlock(this, this.locals, body, program.span);
  }

  /** Why a block may not assign `name`, or undefined when it may. */
  #reserved(name: string): string | undefined {
    if (name === "row_id") return "`row_id` is the row's id and cannot be assigned";
    if (isModule(name)) return `\`${name}\` is a module and cannot be assigned`;
    if (this.#isFunctionName(name) || Object.hasOwn(GLOBAL_CONSTANTS, name)) {
      return `\`${name}\` is a builtin name and cannot be assigned`;
    }
    return undefined;
  }

  compile(expr: Expr): Node {
    switch (expr.kind) {
      case "literal":
        // A float literal that is a whole number (`3.0`) is a float all the same.
        return constantNode(
          expr.type === "float" ? floatValue(expr.value as number) : expr.value,
          expr.span,
        );
      case "fstring":
        return compileFString(this, expr);
      case "name":
        return this.#name(expr);
      case "list": {
        const items = expr.items.map((item) => this.compile(item));
        return expr.tuple ? tupleNode(items, expr.span) : listOf(items, expr.span);
      }
      case "dict":
        return compileDict(this, expr);
      case "unary":
        return compileUnary(this, expr);
      case "binary":
        return compileBinary(this, expr);
      case "logical":
        return compileLogical(this, expr);
      case "compare":
        return compileCompare(this, expr);
      case "conditional":
        return compileConditional(this, expr);
      case "call":
        return this.#call(expr);
      case "attribute":
        this.#noteReceiver(expr.object);
        return this.#attribute(expr);
      case "subscript":
        return compileSubscript(this, expr);
    }
  }

  // --- names ---------------------------------------------------------------------------

  /** Whether `name` refers to a column of this table (other than the one being compiled). */
  #isColumn(name: string): boolean {
    return this.#columns.has(name) && name !== this.options.self && !this.#isLocal(name);
  }

  /** Whether `name` is a local of the block being compiled. */
  #isLocal(name: string): boolean {
    return this.locals?.has(name) ?? false;
  }

  #name(node: NameNode): Node {
    const name = node.name;
    if (this.#isLocal(name)) return this.#local(node);
    if (this.#failedImports.has(name)) return brokenNode(node.span);
    if (name === "row_id") {
      this.usesRowId = true;
      const rowId: Node = {
        span: node.span,
        evaluate: (ctx) => ctx.rowId,
        type: () => "int",
        alwaysInt: true,
      };
      this.rowIdNodes.add(rowId);
      return rowId;
    }
    if (this.#isColumn(name)) {
      this.columnRefs.add(name);
      return {
        span: node.span,
        evaluate: (ctx) => ctx.column(name),
        type: (env) => env.column(name),
        itemType: (env) => env.columnItems?.(name) ?? "any",
        keyType: (env) => env.columnKeys?.(name) ?? "any",
      };
    }
    // After columns and locals: a column named `version` keeps meaning the column.
    if ((name === "version" || name === "previous") && !this.#columns.has(name)) {
      this.changeNames.push({ name, span: node.span });
      return changeNameNode(name, node.span, this.options.self ?? "");
    }
    if (Object.hasOwn(GLOBAL_CONSTANTS, name)) {
      const constant = GLOBAL_CONSTANTS[name];
      return constantNode(constant.value, node.span);
    }
    if (isModule(name) && !Object.hasOwn(CONSTRUCTORS, name)) {
      this.error(
        "bad-expression",
        `\`${name}\` is a module, not a value`,
        node.span,
        `Use one of its members, e.g. \`${MODULE_EXAMPLES[name]}\`.`,
      );
    } else if (this.#isFunctionName(name)) {
      this.error(
        "bad-expression",
        `\`${name}\` is a function: call it`,
        node.span,
        `Write \`${name}(...)\`.`,
      );
    } else if (name === this.options.self) {
      this.error(
        "self-reference",
        `Column \`${name}\` cannot use its own value`,
        node.span,
        "Use another column of the table, or `row_id`.",
      );
    } else {
      this.#unknownName(node);
    }
    return brokenNode(node.span);
  }

  /** A read of a block's local, which must follow an assignment to it. */
  #local(node: NameNode): Node {
    const read = this.locals!.read(node.name, node.span);
    if (read) return read;
    const assigned = this.locals!.assigned.get(node.name)!;
    const column = this.#columns.has(node.name) && node.name !== this.options.self;
    this.error(
      "unbound-local",
      `\`${node.name}\` is read before it is assigned`,
      node.span,
      `It is a local name of this block, assigned by \`${lineAt(this.source, assigned.start)}\`` +
        (column
          ? `, so it hides column \`${node.name}\` in the whole block; give the local another name.`
          : "; assign it before this line."),
    );
    return brokenNode(node.span);
  }

  #noteReceiver(object: Expr): void {
    if (object.kind === "name") this.#receivers.add(object);
  }

  #isFunctionName(name: string): boolean {
    return Object.hasOwn(BUILTINS, name) || SPECIAL_FUNCTIONS.includes(name) ||
      Object.hasOwn(CONSTRUCTORS, name);
  }

  /** Whether `name` is a module of tablefaker's `config.python_import`, used as such. */
  #isPythonModule(name: string): boolean {
    return (this.options.pythonModules ?? []).includes(name) && !this.#isColumn(name) &&
      !this.#isLocal(name) && !isModule(name);
  }

  #pythonModule(node: NameNode): void {
    this.error(
      "python-module",
      `\`${node.name}\` is a Python module from \`config.python_import\`, which tablestream cannot run`,
      node.span,
      "Write a column-function plugin (see docs/plugins.md) that computes this value.",
    );
  }

  #unknownName(node: NameNode): void {
    if (this.#isPythonModule(node.name)) {
      this.#pythonModule(node);
      return;
    }
    if (node.name === "get_table") {
      this.error(
        "python-module",
        "`get_table` is only for custom Python functions",
        node.span,
        GET_TABLE_HINT,
      );
      return;
    }
    const columns = this.options.columns.filter((c) => c !== this.options.self);
    const locals = [...this.locals?.assigned.keys() ?? []];
    const candidates = [
      ...columns,
      ...locals,
      "row_id",
      "version",
      "previous",
      ...MODULES,
      "True",
      "False",
      "None",
    ];
    const suggestion = closestString(node.name, candidates);
    if (this.#receivers.has(node) && suggestion === undefined) {
      // `dateutil.easter(...)`, `my_utils.f(...)`: a module the config imported in tablefaker.
      this.error(
        "unknown-name",
        `Unknown module \`${node.name}\``,
        node.span,
        "Custom Python modules cannot be used: " + lowerFirst(PLUGIN_HINT),
      );
      return;
    }
    const hint = didYouMean(suggestion) ??
      (columns.length && columns.length <= 12
        ? `Columns of this table: ${columns.join(", ")}.`
        : undefined);
    this.error(
      "unknown-name",
      `Unknown name \`${node.name}\`: it is not a column of this table`,
      node.span,
      hint,
    );
  }

  /** Compiles code that never runs: its errors and warnings are dropped. */
  unchecked(expr: Expr): Node {
    const [errors, warnings] = [this.errors.length, this.warnings.length];
    const node = this.compile(expr);
    this.errors.length = errors;
    this.warnings.length = warnings;
    return node;
  }
  /** `module.name` without a call, or an attribute of a value. */
  #attribute(expr: AttributeNode): Node {
    const module = this.#moduleOf(expr.object, expr.name) ?? this.#datetimeClass(expr.object);
    const constant = module && MODULE_CONSTANTS[module]?.[expr.name];
    if (constant && Object.hasOwn(MODULE_CONSTANTS[module]!, expr.name)) {
      return constantNode(constant.value, expr.span);
    }
    if (module) {
      const example = module === "faker"
        ? `faker.${expr.name}.<method>()`
        : `${module}.${expr.name}()`;
      this.error(
        "bad-expression",
        `\`${module}.${expr.name}\` is not a value`,
        expr.span,
        `Call a function: \`${example}\`.`,
      );
      return brokenNode(expr.span);
    }
    return compileAttribute(this, expr);
  }

  /** The module a name stands for in `name.member`; a column of the same name wins unless `member` is the module's. */
  #moduleOf(object: Expr, member: string): ModuleName | undefined {
    if (object.kind !== "name" || !isModule(object.name) || this.#isLocal(object.name)) {
      return undefined;
    }
    const name = object.name;
    if (!this.#isColumn(name)) return name;
    return isModuleMember(name, member) ? name : undefined;
  }

  /**
   * The class `datetime.<name>` stands for after `import datetime` (`datetime.timezone.utc`,
   * `datetime.date.today()`), as the module of its own members.
   */
  #datetimeClass(object: Expr): ModuleName | undefined {
    if (object.kind !== "attribute" || this.#moduleOf(object.object, object.name) !== "datetime") {
      return undefined;
    }
    return object.name === "timezone" || object.name === "date" || object.name === "datetime"
      ? object.name
      : undefined;
  }

  /** The name at the root of `a.b(c).d[e]`, when it is a bare name. */
  #rootName(expr: Expr): NameNode | undefined {
    let node = expr;
    while (node.kind === "attribute" || node.kind === "call" || node.kind === "subscript") {
      node = node.kind === "call" ? node.callee : node.object;
    }
    return node.kind === "name" ? node : undefined;
  }

  // --- calls -------------------------------------------------------------------------

  #call(call: CallNode): Node {
    const callee = call.callee;
    if (callee.kind === "name") return this.#callByName(call, callee);
    if (callee.kind !== "attribute") {
      this.compile(callee);
      this.error(
        "bad-expression",
        "This value cannot be called",
        callee.span,
        "Only functions and methods can be called with (...).",
      );
      return brokenNode(call.span);
    }
    const root = this.#rootName(callee);
    if (root && this.#failedImports.has(root.name) && !this.#isLocal(root.name)) {
      return brokenNode(call.span); // the import was reported
    }
    if (root && this.#isPythonModule(root.name)) {
      // `my_module.f(get_table, ...)`: one error; its arguments only make sense to Python.
      this.#pythonModule(root);
      return brokenNode(call.span);
    }
    this.#noteReceiver(callee.object);
    const module = this.#moduleOf(callee.object, callee.name);
    if (module) return this.#moduleCall(call, module, callee);
    const inner = callee.object;
    if (inner.kind === "attribute") {
      const outer = this.#moduleOf(inner.object, inner.name);
      if (outer === "fake" && inner.name === "unique") {
        return compileFakeCall(this, call, {
          name: callee.name,
          span: joinSpans(inner.span, callee.nameSpan),
          unique: true,
        });
      }
      if (outer === "faker") {
        return compileDirectFakerCall(this, call, { name: inner.name, span: inner.nameSpan }, {
          name: callee.name,
          span: callee.nameSpan,
        });
      }
      if (outer === "datetime" && (inner.name === "datetime" || inner.name === "date")) {
        const table = inner.name === "datetime" ? DATETIME_FUNCTIONS : DATE_FUNCTIONS;
        return this.#tableCall(call, `datetime.${inner.name}`, table, callee);
      }
      if (outer === "datetime" && inner.name === "timezone") {
        return this.#noFunctions(call, "datetime.timezone", callee);
      }
    }
    return compileMethodCall(this, call, callee);
  }

  #moduleCall(call: CallNode, module: ModuleName, callee: AttributeNode): Node {
    if (module === "fake") {
      return compileFakeCall(this, call, { name: callee.name, span: callee.span, unique: false });
    }
    if (module === "faker") {
      compileArguments(this, call.args);
      this.error(
        "unknown-function",
        `\`faker.${callee.name}\` is a faker-js module, not a function`,
        callee.span,
        `Call one of its methods, e.g. \`faker.${callee.name}.<method>()\`, or use \`fake.<method>()\`.`,
      );
      return brokenNode(call.span);
    }
    if (module === "datetime" && Object.hasOwn(CONSTRUCTORS, callee.name)) {
      // `datetime.datetime(2024, 1, 2)`, `datetime.timedelta(days=1)`: the constructors.
      return this.#specCall(call, `datetime.${callee.name}`, CONSTRUCTORS[callee.name]);
    }
    const table = MODULE_FUNCTIONS[module];
    if (!table) return this.#noFunctions(call, module, callee);
    return this.#tableCall(call, module, table, callee);
  }

  /** `timezone.x(...)`: a module with constants only. */
  #noFunctions(call: CallNode, prefix: string, callee: AttributeNode): Node {
    compileArguments(this, call.args);
    this.error(
      "unknown-function",
      `Unknown function \`${prefix}.${callee.name}()\``,
      callee.span,
      `\`${prefix}\` has no functions; use \`${prefix}.utc\`, or \`timezone(timedelta(hours=2))\` for another offset.`,
    );
    return brokenNode(call.span);
  }

  #tableCall(
    call: CallNode,
    prefix: string,
    table: Readonly<Record<string, FunctionSpec>>,
    callee: AttributeNode,
  ): Node {
    const name = callee.name;
    const constants = isModule(prefix) ? MODULE_CONSTANTS[prefix] : undefined;
    if (constants && Object.hasOwn(constants, name)) {
      compileArguments(this, call.args);
      this.error(
        "bad-expression",
        `\`${prefix}.${name}\` is a value, not a function`,
        callee.span,
        `Write \`${prefix}.${name}\` without (...).`,
      );
      return brokenNode(call.span);
    }
    if (!Object.hasOwn(table, name)) {
      compileArguments(this, call.args);
      const suggestion = closestString(name, Object.keys(table));
      const alternative = prefix === "random" ? RANDOM_ALTERNATIVES[name] : undefined;
      this.error(
        "unknown-function",
        `Unknown function \`${prefix}.${name}()\``,
        callee.span,
        alternative ??
          (suggestion
            ? `did you mean \`${prefix}.${suggestion}()\`?`
            : `Available: ${Object.keys(table).map((n) => `${prefix}.${n}()`).join(", ")}.`),
      );
      return brokenNode(call.span);
    }
    return this.#specCall(call, `${prefix}.${name}`, table[name]);
  }

  #specCall(call: CallNode, name: string, spec: FunctionSpec): Node {
    const args = bindArguments(this, name, spec, compileArguments(this, call.args), call.span);
    if (!args) return brokenNode(call.span);
    return callNode(this, name, spec, args, call.span);
  }

  #callByName(call: CallNode, callee: NameNode): Node {
    const name = callee.name;
    if (name === "foreign_key") {
      const node = compileForeignKey(this, call);
      this.foreignKeyNodes.add(node);
      return node;
    }
    if (name === "copy_from_fk") return compileCopyFromFk(this, call);
    if (this.#isLocal(name)) {
      compileArguments(this, call.args);
      this.error(
        "bad-expression",
        `\`${name}\` is a local value, not a function`,
        callee.span,
        "Only functions and methods can be called with (...).",
      );
      return brokenNode(call.span);
    }
    if (Object.hasOwn(BUILTINS, name)) return this.#specCall(call, name, BUILTINS[name]);
    const plugins = this.options.functions;
    if (plugins && Object.hasOwn(plugins, name)) return this.#specCall(call, name, plugins[name]);
    if (Object.hasOwn(CONSTRUCTORS, name)) {
      return this.#specCall(call, name, CONSTRUCTORS[name]);
    }
    if (this.#isPythonModule(name)) {
      this.#pythonModule(callee);
      return brokenNode(call.span);
    }
    compileArguments(this, call.args);
    if (this.#isColumn(name) || name === this.options.self) {
      this.error(
        "bad-expression",
        `\`${name}\` is a column, not a function`,
        callee.span,
        `Use its value without (...): \`${name}\`.`,
      );
      return brokenNode(call.span);
    }
    const suggestion = closestString(name, [
      ...Object.keys(BUILTINS),
      ...SPECIAL_FUNCTIONS,
      ...Object.keys(this.options.functions ?? {}),
    ]);
    this.error(
      "unknown-function",
      `Unknown function \`${name}()\``,
      callee.span,
      BUILTIN_ALTERNATIVES[name] ?? didYouMean(suggestion) ??
        "Custom Python functions are not supported; use the builtins, `fake.*`, `random.*` or `datetime.*`.",
    );
    return brokenNode(call.span);
  }
}

/** The source line around `offset`, trimmed: the statement a message points to. */
function lineAt(source: string, offset: number): string {
  const start = source.lastIndexOf("\n", offset - 1) + 1;
  const end = source.indexOf("\n", offset);
  return source.slice(start, end < 0 ? source.length : end).trim();
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
