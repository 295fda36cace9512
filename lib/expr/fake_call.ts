/**
 * Compiles the two ways to reach Faker: `fake.<method>(...)`, Python Faker's names mapped
 * by `FAKE_METHODS`, and `faker.<module>.<method>(...)`, faker-js called directly.
 *
 * @module
 */
import type { Faker } from "@faker-js/faker";
// Not the package's main module, which would load every locale.
import { faker as english } from "@faker-js/faker/locale/en";
import type { CallNode } from "./ast.ts";
import { brokenNode, type Node } from "./compiled_node.ts";
import { didYouMean, joinSpans } from "./diagnostic.ts";
import { directFakerCall } from "./fake/direct.ts";
import type { FakeMethod } from "./fake/method.ts";
import { FAKE_METHODS } from "./fake/methods.ts";
import { compileArguments, type CompiledArgument } from "./call_arguments.ts";
import type { Scope } from "./scope.ts";
import { closestString } from "./suggest.ts";
import type { CellContext } from "./host.ts";
import type { Span } from "./types.ts";
import { floatValue, plainValue, type Value } from "./values.ts";

/** Where a `fake.` call names its method. */
export interface FakeTarget {
  /** The Python Faker method name. */
  name: string;
  /** The span of `fake.name` (or `fake.unique.name`), for messages. */
  span: Span;
  /** Written as `fake.unique.<name>`. */
  unique: boolean;
}

/** Compiles `fake.<name>(args)`. */
export function compileFakeCall(scope: Scope, call: CallNode, target: FakeTarget): Node {
  const args = compileArguments(scope, call.args);
  const method = Object.hasOwn(FAKE_METHODS, target.name) ? FAKE_METHODS[target.name] : undefined;
  if (!method) {
    const suggestion = closestString(target.name, Object.keys(FAKE_METHODS));
    const providers = scope.options.communityProviders ?? [];
    if (providers.length && !suggestion) {
      scope.error(
        "python-module",
        `\`fake.${target.name}()\` is no Python Faker method tablestream knows; it may come from ` +
          `\`config.community_providers\` (${providers.join(", ")}), which tablestream cannot load`,
        target.span,
        "Write a column-function plugin (see docs/plugins.md) that produces these values, or use a " +
          "Faker method listed in docs/expressions.md.",
      );
      return brokenNode(call.span);
    }
    scope.error(
      "unknown-function",
      `Unknown Faker method \`fake.${target.name}()\``,
      target.span,
      suggestion
        ? `did you mean \`fake.${suggestion}()\`?`
        : "See the Faker methods listed in docs/expressions.md, or call faker-js directly: `faker.person.firstName()`.",
    );
    return brokenNode(call.span);
  }
  if (target.unique) {
    scope.warn(
      "not-unique",
      `\`fake.unique.${target.name}()\` does not guarantee unique values here; it is the same as \`fake.${target.name}()\``,
      target.span,
      'For unique values derive them from `row_id`, e.g. `f"user{row_id}@example.com"`.',
    );
  }
  const bound = bindFakeArguments(scope, target.name, method, args);
  if (!bound) return brokenNode(call.span);
  const returns = method.returns;
  const evaluate = fakeEvaluator(method, bound);
  if (returns === "float") {
    // Python Faker's floats are floats when they are whole, too.
    return {
      span: call.span,
      evaluate: (ctx) => {
        const value = evaluate(ctx);
        return typeof value === "number" ? floatValue(value) : value;
      },
      type: () => returns,
    };
  }
  return { span: call.span, evaluate, type: () => returns };
}

/** Maps positional arguments onto `params` by position and keywords by name. */
function bindFakeArguments(
  scope: Scope,
  name: string,
  method: FakeMethod,
  args: readonly CompiledArgument[],
): Map<string, Node> | undefined {
  const bound = new Map<string, Node>();
  let ok = true;
  args.forEach((arg, i) => {
    if (arg.name === undefined) {
      if (i >= method.params.length) {
        scope.error(
          "too-many-arguments",
          `\`fake.${name}()\` takes at most ${method.params.length} positional argument${
            method.params.length === 1 ? "" : "s"
          }, got ${args.filter((a) => a.name === undefined).length}`,
          arg.span,
          method.params.length
            ? `Its arguments are: ${method.params.join(", ")}.`
            : "Call it without arguments.",
        );
        ok = false;
        return;
      }
      bound.set(method.params[i], arg.node);
      return;
    }
    if (!method.params.includes(arg.name)) {
      scope.error(
        "unknown-argument",
        `\`fake.${name}()\` has no argument \`${arg.name}\``,
        arg.nameSpan ?? arg.span,
        didYouMean(closestString(arg.name, method.params)) ??
          (method.params.length
            ? `Its arguments are: ${method.params.join(", ")}.`
            : "It takes no arguments."),
      );
      ok = false;
    } else if (bound.has(arg.name)) {
      scope.error(
        "bad-expression",
        `Argument \`${arg.name}\` of \`fake.${name}()\` is given twice`,
        arg.span,
        "Pass it either by position or by name.",
      );
      ok = false;
    } else {
      bound.set(arg.name, arg.node);
    }
  });
  return ok ? bound : undefined;
}

function fakeEvaluator(method: FakeMethod, bound: Map<string, Node>): (ctx: CellContext) => Value {
  const names = [...bound.keys()];
  const evaluators = [...bound.values()].map((node) => node.evaluate);
  const count = names.length;
  // A fresh record per call: the method may keep or change what it is given.
  return (ctx) => {
    const record: Record<string, Value> = {};
    for (let i = 0; i < count; i++) record[names[i]] = evaluators[i](ctx);
    return method.call(ctx.faker, record, ctx);
  };
}

let validationFaker: Faker | undefined;

/** A faker-js instance used only to check `faker.<module>.<method>` names at compile time. */
function fakerForChecks(): Faker {
  validationFaker ??= new (english.constructor as typeof Faker)({
    locale: english.rawDefinitions,
  });
  return validationFaker;
}

/** faker-js modules: object-valued properties with at least one method. */
function fakerModules(faker: Faker): string[] {
  const record = faker as unknown as Record<string, unknown>;
  return Object.keys(record).filter((key) => {
    const value = record[key];
    return !key.startsWith("_") && key !== "rawDefinitions" && key !== "definitions" &&
      typeof value === "object" && value !== null && methodsOf(value).length > 0;
  });
}

function methodsOf(module: object): string[] {
  const names = new Set<string>();
  for (let o: object | null = module; o && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
    for (const key of Object.getOwnPropertyNames(o)) {
      if (
        key !== "constructor" && !key.startsWith("_") &&
        typeof (module as Record<string, unknown>)[key] === "function"
      ) names.add(key);
    }
  }
  return [...names];
}

/** Compiles `faker.<module>.<method>(args)`; keyword arguments become one options object. */
export function compileDirectFakerCall(
  scope: Scope,
  call: CallNode,
  module: { name: string; span: Span },
  method: { name: string; span: Span },
): Node {
  const args = compileArguments(scope, call.args);
  const faker = fakerForChecks();
  const path = [module.name, method.name] as const;
  if (!directFakerCall(faker, path)) {
    reportUnknownFakerPath(scope, faker, module, method);
    return brokenNode(call.span);
  }
  const positional = args.filter((a) => a.name === undefined).map((a) => a.node.evaluate);
  const named = args.filter((a) => a.name !== undefined);
  const names = named.map((a) => a.name!);
  const options = named.map((a) => a.node.evaluate);
  let lastFaker: Faker | undefined;
  let target: ReturnType<typeof directFakerCall>;
  const evaluate = (ctx: CellContext): Value => {
    // Look the function up once per faker instance, not once per cell.
    if (ctx.faker !== lastFaker) {
      lastFaker = ctx.faker;
      target = directFakerCall(ctx.faker, path);
    }
    // faker-js takes plain JavaScript data.
    const values = positional.map((e) => plainValue(e(ctx)));
    let record: Record<string, unknown> | undefined;
    if (names.length) {
      record = {};
      for (let i = 0; i < names.length; i++) record[names[i]] = plainValue(options[i](ctx));
    }
    return target!(values, record);
  };
  return { span: call.span, evaluate, type: () => "any" };
}

function reportUnknownFakerPath(
  scope: Scope,
  faker: Faker,
  module: { name: string; span: Span },
  method: { name: string; span: Span },
): void {
  // Only modules that directFakerCall serves count, so no suggestion leads to another error.
  const record = faker as unknown as Record<string, object>;
  const modules = fakerModules(faker).filter((name) =>
    methodsOf(record[name]).some((fn) => directFakerCall(faker, [name, fn]) !== undefined)
  );
  if (!modules.includes(module.name)) {
    const suggestion = closestString(module.name, modules);
    scope.error(
      "unknown-function",
      `faker-js has no module \`faker.${module.name}\``,
      module.span,
      suggestion
        ? `did you mean \`faker.${suggestion}\`?`
        : `Its modules are: ${modules.join(", ")}.`,
    );
    return;
  }
  const suggestion = closestString(method.name, methodsOf(record[module.name]));
  scope.error(
    "unknown-function",
    `faker-js has no method \`faker.${module.name}.${method.name}()\``,
    joinSpans(module.span, method.span),
    suggestion ? `did you mean \`faker.${module.name}.${suggestion}()\`?` : undefined,
  );
}
