/**
 * tablestream as a library: the streaming server, the config loader, the batch engine and
 * the plugin interfaces, for embedding and for plugin authors.
 *
 * @example
 * ```ts
 * import { StreamingServer } from "./lib/mod.ts";
 * const server = new StreamingServer({ config: "examples/streaming_config.yaml", output: "out" });
 * const done = server.start(); // resolves when stopped
 * Deno.addSignalListener("SIGINT", () => server.stop());
 * console.log(await done);
 * ```
 *
 * @module
 */
export {
  ConfigError,
  type RunSummary,
  StreamingServer,
  type StreamingServerOptions,
} from "./schedule/server.ts";
export { type Clock, ManualClock, systemClock } from "./schedule/clock.ts";
export type { ServerPhase, ServerStatus, TableStage, TableStatus } from "./schedule/status.ts";
export { prometheusText } from "./schedule/status.ts";
export { serveMonitoring } from "./schedule/http.ts";
export { Timeline, type TimelineSpec } from "./stream/timeline.ts";
export { ShapedTimeline, timelineOf } from "./stream/shaped_timeline.ts";
export type { RateShapeSpec } from "./stream/rate_shape.ts";
export { createLogger, type Logger, silentLogger } from "./output/log.ts";
export {
  type Config,
  type Diagnostic,
  formatDiagnostics,
  loadConfig,
  parseConfig,
} from "./config/mod.ts";
export { Engine } from "./engine/engine.ts";
export type { ParentSource } from "./engine/generator.ts";
export { GenerationError } from "./engine/generation_error.ts";
export { generateToSink } from "./parallel/generate.ts";
export { defineColumnFunction, defineDistribution, defineSink } from "./plugin/define.ts";
export { type PluginApi } from "./plugin/load.ts";
export {
  classifyError,
  CommitConflict,
  findCommitConflict,
  PropertyConflict,
  SinkError,
  type Verdict,
} from "./plugin/sink_errors.ts";
export { DEFAULT_RETRY, type RetryOptions } from "./schedule/retry.ts";
export type { OptionSpec, OptionsSpec, OptionValues } from "./plugin/options.ts";
export type {
  CellView,
  ColumnFunction,
  ColumnFunctionContext,
  ColumnFunctionPlugin,
  CommitPoint,
  Distribution,
  DistributionContext,
  DistributionPlugin,
  FlushResult,
  ParamSpec,
  Plugin,
  RandomSource,
  Sink,
  SinkContext,
  SinkOpenOptions,
  SinkPlugin,
  SinkReadOptions,
  SinkTable,
  StoredTable,
  ValueType,
} from "./plugin/types.ts";
