/**
 * Which shard a process is: `--shard i/N`, or `--shards N` with the index Kubernetes gives a
 * pod (`JOB_COMPLETION_INDEX` in an Indexed Job, `TABLESTREAM_SHARD_INDEX` as a StatefulSet
 * sets it from its pod-index label), or `TABLESTREAM_SHARD=i/N`.
 *
 * @module
 */
import { parseShard, type Shard } from "../stream/shard.ts";
import {
  type CommandIO,
  intOption,
  optionalString,
  type OptionSpec,
  UsageError,
} from "./command.ts";

/** `--shard` and `--shards`, for `generate` and `run`. */
export const SHARD_OPTIONS: Record<string, OptionSpec> = {
  shard: {
    type: "string",
    placeholder: "i/N",
    description: "Make only shard i of N of every table's rows (0 <= i < N; all N shards " +
      "together make the unsharded rows; also TABLESTREAM_SHARD=i/N)",
  },
  shards: {
    type: "string",
    placeholder: "n",
    description: "N shards, this process's index from JOB_COMPLETION_INDEX (a Kubernetes " +
      "Indexed Job) or TABLESTREAM_SHARD_INDEX",
  },
};

/** The environment variables a shard index is read from, in order. */
export const SHARD_INDEX_VARIABLES = ["JOB_COMPLETION_INDEX", "TABLESTREAM_SHARD_INDEX"] as const;

/** The process's shard, or undefined when it is not sharded; UsageError when misgiven. */
export function shardOf(
  values: Record<string, string | boolean | undefined>,
  io: Pick<CommandIO, "env">,
): Shard | undefined {
  const flag = optionalString(values, "shard");
  const count = intOption(values, "shards", { min: 1 });
  try {
    if (flag !== undefined) {
      if (count !== undefined) throw new UsageError("Give --shard i/N or --shards N, not both");
      return parseShard(flag, "--shard");
    }
    if (count !== undefined) {
      for (const name of SHARD_INDEX_VARIABLES) {
        const index = io.env?.(name);
        if (index !== undefined && index !== "") return parseShard(`${index}/${count}`, name);
      }
      throw new UsageError(
        `--shards ${count} needs this process's index in JOB_COMPLETION_INDEX (Kubernetes ` +
          "sets it in an Indexed Job) or TABLESTREAM_SHARD_INDEX; or give --shard i/N",
      );
    }
    const fromEnv = io.env?.("TABLESTREAM_SHARD");
    return fromEnv ? parseShard(fromEnv, "TABLESTREAM_SHARD") : undefined;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError((error as Error).message);
  }
}
