/**
 * An engine's options for tests that build one by hand: the built-in distributions (the engine
 * has none of its own; a config's registry gives them in the product).
 *
 * @module
 */
import { builtinRegistry } from "../lib/config/plugins.ts";
import type { EngineOptions } from "../lib/engine/engine.ts";

/** The built-in plugins' distributions, as a config without plugin files has them. */
export const BUILTINS: EngineOptions = { distributions: builtinRegistry().distributions() };
