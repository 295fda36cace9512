/**
 * V2 spec checkpoints (PROTOCOL.md, "V2 Checkpoint Table Feature", "V2 Spec", "UUID-named
 * checkpoint"): on a table with the v2Checkpoint feature our checkpoints are UUID-named
 * Parquet files (`<version>.checkpoint.<uuid>.parquet`) that start with a
 * `checkpointMetadata` action and hold their file actions themselves (sidecar files are
 * optional for writers; checkpoint_read.ts reads them). Multi-part checkpoints are forbidden on
 * such tables, and we never write those. `_last_checkpoint` names the file in its
 * `v2Checkpoint` field, as Spark writes it, since a reader cannot guess a UUID.
 *
 * @module
 */
import { commitFileName, type Protocol } from "./actions.ts";
import { readerFeatures, writerFeatures } from "./features.ts";

/** Whether the table's checkpoints may (and ours do) follow the V2 spec. */
export function usesV2Checkpoints(protocol: Protocol): boolean {
  return writerFeatures(protocol).includes("v2Checkpoint") &&
    readerFeatures(protocol).includes("v2Checkpoint");
}

/** A fresh UUID-named checkpoint file name of `version`. */
export function v2CheckpointName(version: number): string {
  return `${commitFileName(version).slice(0, 20)}.checkpoint.${crypto.randomUUID()}.parquet`;
}

/** The `checkpointMetadata` action of a V2 spec checkpoint of `version`. */
export function checkpointMetadataCell(version: number): Record<string, unknown> {
  return { version, tags: null };
}

/** `_last_checkpoint`'s `v2Checkpoint` field for the checkpoint file `name`. */
export function v2CheckpointHint(
  name: string,
  sizeInBytes: number,
  modificationTime: number,
): Record<string, unknown> {
  return { path: name, sizeInBytes, modificationTime };
}
