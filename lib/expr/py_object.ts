/**
 * The base class of the language's boxed values.
 *
 * @module
 */

/**
 * The base of value classes that are neither JS primitives nor arrays (whole floats, dates,
 * time deltas, time zones, dicts).
 */
export abstract class PyObject {}
