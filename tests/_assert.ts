/**
 * Assertions for tests. JSR's @std/assert is out of reach here, so these wrap node:assert
 * with the names Deno users know.
 *
 * @module
 */
import nodeAssert from "node:assert/strict";

/** Fails unless `condition` is truthy. */
export function assert(condition: unknown, message?: string): asserts condition {
  nodeAssert.ok(condition, message);
}

/** Deep, strict equality. */
export function assertEquals<T>(actual: T, expected: T, message?: string): void {
  nodeAssert.deepStrictEqual(actual, expected, message);
}

/** Deep, strict inequality. */
export function assertNotEquals<T>(actual: T, expected: T, message?: string): void {
  nodeAssert.notDeepStrictEqual(actual, expected, message);
}

/** |actual - expected| <= tolerance. */
export function assertAlmostEquals(
  actual: number,
  expected: number,
  tolerance: number,
  message?: string,
): void {
  nodeAssert.ok(
    Math.abs(actual - expected) <= tolerance,
    `${message ? message + ": " : ""}expected ${actual} to be within ${tolerance} of ${expected}`,
  );
}

/** Fails unless `text` contains `part`. */
export function assertStringIncludes(text: string, part: string, message?: string): void {
  nodeAssert.ok(
    text.includes(part),
    message ?? `expected ${JSON.stringify(text)} to contain ${JSON.stringify(part)}`,
  );
}

/** Fails unless `fn` throws (an instance of `type`, whose message contains `includes`). */
export function assertThrows(
  fn: () => unknown,
  // deno-lint-ignore no-explicit-any -- any Error subclass constructor
  type?: new (...args: any[]) => Error,
  includes?: string,
): Error {
  try {
    fn();
  } catch (error) {
    if (type) nodeAssert.ok(error instanceof type, `expected ${type.name}, got ${error}`);
    if (includes) assertStringIncludes(String((error as Error).message), includes);
    return error as Error;
  }
  throw new nodeAssert.AssertionError({ message: "Expected the function to throw" });
}

/** Async variant of {@link assertThrows}. */
export async function assertRejects(
  fn: () => Promise<unknown>,
  // deno-lint-ignore no-explicit-any -- any Error subclass constructor
  type?: new (...args: any[]) => Error,
  includes?: string,
): Promise<Error> {
  try {
    await fn();
  } catch (error) {
    if (type) nodeAssert.ok(error instanceof type, `expected ${type.name}, got ${error}`);
    if (includes) assertStringIncludes(String((error as Error).message), includes);
    return error as Error;
  }
  throw new nodeAssert.AssertionError({ message: "Expected the promise to reject" });
}
