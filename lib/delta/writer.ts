/**
 * The Delta table writer: data files first, written completely under unique names, then one
 * atomic commit that adds (and for an overwrite, removes) them, with a `txn` action so a
 * restart knows exactly which batch was committed last.
 *
 * @module
 */
import * as arrow from "apache-arrow";
import type { Action, Add, Metadata, Protocol } from "./actions.ts";

import { commit, ConcurrentModificationError, TableState } from "./commit.ts";
import { checkpointDue, writeCheckpoint } from "./checkpoint.ts";
import { type DeltaFs, joinPath } from "./fs.ts";
import { fsFor } from "./storage.ts";
import { latestVersion, readSnapshot } from "./log_reader.ts";
import { groupByPartition } from "./partition.ts";
import { arrowToDeltaSchema } from "./schema.ts";
import { fileKey, type Snapshot } from "./snapshot.ts";
import { CHANGE_DATA_FEED, withChangeDataFeed } from "./features.ts";
import {
  checkPartitionColumns,
  checkSchemaReplaceable,
  checkWritable,
  conformTo,
  difference,
  refuseUnlessAppend,
  SchemaMismatchError,
  WriteRefused,
} from "./write_checks.ts";

export { checkWritable, SchemaMismatchError, WriteRefused } from "./write_checks.ts";
import { statsJson } from "./stats.ts";
import { findMissingFiles, missingFilesMessage } from "./missing_files.ts";
import {
  encodeParquet,
  encodeParquetBatches,
  type ParquetCompression,
  ParquetStream,
} from "../parquet/mod.ts";
import { OffThreadParquetStream } from "../parquet/off_thread.ts";
import { DataFileWriter, storeDataFile, type StoredFile } from "./data_file.ts";
import { removeOf, snapshotActions, txnAction } from "./commit_actions.ts";
import { WriteRules } from "./write_rules.ts";
import { readTable } from "./read_data.ts";
import { addActions, rowTrackingTags } from "./row_tracking.ts";
import { checkClusterBy } from "./domains.ts";
import { NewTable } from "./new_table.ts";
import { type FileLayout, WriterLayouts } from "./file_layout.ts";

export { DataFileWriter } from "./data_file.ts";

/** The protocol new tables get: readable by every Delta engine. */
export const NEW_TABLE_PROTOCOL: Protocol = { minReaderVersion: 1, minWriterVersion: 2 };
import type { DeltaWriterOptions, WriteOptions, WriteResult } from "./writer_options.ts";
export type { DeltaWriterOptions, WriteOptions, WriteResult } from "./writer_options.ts";

/** A property was not what the commit expected: another writer set it first. */
export class PropertyChanged extends ConcurrentModificationError {
  constructor(
    table: string,
    version: number,
    readonly property: string,
    readonly found: string | null,
  ) {
    super(
      table,
      version,
      `holds ${property} = ${found ?? "(not set)"}, not what this commit expected`,
      false,
    );
    this.name = "PropertyChanged";
  }
}

/**
 * Appends to and overwrites one Delta table.
 *
 * @example
 * ```ts
 * const writer = await DeltaWriter.open("out/orders", { schema, appId: "tablestream-orders" });
 * await writer.append(table);              // version 0: protocol, metaData, add, txn 0
 * await writer.append(more);               // version 1: add, txn 1
 * await writer.overwrite(fresh);           // version 2: remove old files, add new ones
 * ```
 */
export class DeltaWriter {
  readonly #fs: DeltaFs;
  readonly #state: TableState;
  readonly #options: DeltaWriterOptions;
  readonly #deltaSchema: string;
  /** The table this writer creates when there is none yet (new_table.ts). */
  readonly #newTable: NewTable;
  /** How rows become data files (column mapping, the table's types: file_layout.ts). */
  readonly #layouts: WriterLayouts;
  /** The table's row rules: constraints, generated and identity columns (write_rules.ts). */
  readonly #rules: WriteRules;

  private constructor(state: TableState, options: DeltaWriterOptions) {
    this.#state = state;
    this.#options = options;
    this.#fs = options.fs ?? fsFor(state.table);
    this.#deltaSchema = arrowToDeltaSchema(options.schema);
    this.#newTable = new NewTable({
      deltaSchema: this.#deltaSchema,
      properties: options.properties,
      clusterBy: options.clusterBy,
      partitionBy: options.partitionBy,
      tableName: options.tableName,
    });
    this.#layouts = new WriterLayouts(
      options.schema,
      state.table,
      (metadata) => this.#differenceFrom(metadata) !== undefined,
    );
    this.#rules = new WriteRules({
      table: state.table,
      state,
      replaced: () => this.schemaDifference() !== undefined,
      planned: () => this.#plan(),
    });
  }

  /** Opens the table at `path`, reading its log when it exists. */
  static async open(path: string, options: DeltaWriterOptions): Promise<DeltaWriter> {
    const fs = options.fs ?? fsFor(path);
    checkPartitionColumns(path, options.schema, options.partitionBy ?? []);
    checkClusterBy(path, options.partitionBy ?? [], options.clusterBy ?? []);
    const state = new TableState(path);
    if (await latestVersion(fs, path) !== null) {
      const snapshot = await readSnapshot(fs, path);
      for (const action of snapshotActions(snapshot)) state.apply(action);
      state.version = snapshot.version;
      state.lastCheckpoint = snapshot.checkpointVersion;
      checkWritable(path, state.protocol!, state.metadata!);
      if (!options.replacing) {
        const missing = await findMissingFiles(fs, path, snapshot.files);
        if (missing.length > 0) throw new WriteRefused(missingFilesMessage(path, missing));
      }
    }
    const writer = new DeltaWriter(state, options);
    // A new table's constraints, refused before anything is written (an existing table's
    // are checked by checkWritable).
    if (!state.metadata) writer.#rules.current();
    return writer;
  }

  /** The table's folder. */
  get path(): string {
    return this.#state.table;
  }

  /** The latest version this writer knows; -1 before the table exists. */
  get version(): number {
    return this.#state.version;
  }

  /** The last `txn` version committed under this writer's appId, if any. */
  lastTxnVersion(appId = this.#options.appId): number | undefined {
    return this.#state.txns.get(appId)?.version;
  }

  /** The table's state as this writer knows it (after its own commits). */
  snapshot(): Snapshot {
    const s = this.#state;
    if (!s.protocol || !s.metadata) throw new Error(`Delta table "${s.table}" does not exist yet`);
    return {
      table: s.table,
      version: s.version,
      protocol: s.protocol,
      metadata: s.metadata,
      files: [...s.files.values()],
      tombstones: [...s.tombstones.values()],
      txns: new Map(s.txns),
      domains: [...s.domains.values()],
      history: [],
    };
  }

  /**
   * The table with only `files` in it, for reading those files (some may be this writer's
   * uncommitted ones): its metadata, or before the table exists the metadata it will get.
   */
  view(files: Add[]): Snapshot {
    const s = this.#state;
    return {
      table: s.table,
      version: s.version,
      protocol: s.protocol ?? this.#plan().protocol,
      metadata: s.metadata ?? this.#plan().metadata,
      files,
      tombstones: [],
      txns: new Map(),
      history: [],
    };
  }

  /** Why the existing table cannot take appends of this writer's data, or undefined. */
  schemaDifference(): string | undefined {
    const metadata = this.#state.metadata;
    return metadata ? this.#differenceFrom(metadata) : undefined;
  }

  /** The metadata last compared with this writer's schema, and how they differ. */
  #compared?: { metadata: Metadata; difference: string | undefined };

  /**
   * How `metadata` differs from this writer's schema and partitioning. The metadata object
   * of a table stays the same from commit to commit while nobody changes it, and comparing
   * parses both schemas: it is compared once, not at every commit of a live run.
   */
  #differenceFrom(metadata: Metadata): string | undefined {
    if (this.#compared?.metadata !== metadata) {
      this.#compared = {
        metadata,
        difference: difference(metadata, this.#deltaSchema, this.#partitionBy()),
      };
    }
    return this.#compared.difference;
  }

  /** The table's protocol and metadata, or before it exists the ones it is to get. */
  #target(): { protocol: Protocol; metadata: Metadata } {
    const { protocol, metadata } = this.#state;
    return protocol && metadata ? { protocol, metadata } : this.#plan();
  }

  /**
   * How this writer's data becomes data files of the table (column mapping, the table's own
   * types): undefined while the data is written as it is (a new table of ours, say).
   */
  #fileLayout(): FileLayout | undefined {
    const { protocol, metadata } = this.#target();
    return this.#layouts.of(protocol, metadata);
  }

  /**
   * Whether files encoded elsewhere from this writer's schema ({@link storeEncodedFile}) are
   * the table's data files as they are: not with column mapping or a `timestamp_ntz` column,
   * nor when the table's rules (constraints, generated or identity columns) need every row.
   */
  get takesEncodedFiles(): boolean {
    return this.#fileLayout() === undefined && this.#rules.current() === undefined;
  }

  /** The logical columns data files are written with: the table's when it fills some itself. */
  #fileSchema(): arrow.Schema {
    return this.#rules.fileSchema(this.#options.schema);
  }

  /** `table` as the rows of a data file (physical names, the table's types). */
  #toFile(table: arrow.Table): arrow.Table {
    const { protocol, metadata } = this.#target();
    return this.#layouts.toFile(table, protocol, metadata);
  }

  /** The protocol and metadata of the table this writer creates (see {@link #prepare}). */
  #plan(): { protocol: Protocol; metadata: Metadata } {
    return this.#newTable.plan();
  }

  /** Writes `data` as data files and commits them in one append. */
  async append(data: arrow.Table, options: WriteOptions = {}): Promise<WriteResult> {
    const difference = this.schemaDifference();
    if (difference) throw new SchemaMismatchError(this.path, difference);
    return this.commitFiles(await this.writeFiles(data), "append", options);
  }

  /** Replaces every row of the table by `data` in one commit (the schema may change). */
  async overwrite(data: arrow.Table, options: WriteOptions = {}): Promise<WriteResult> {
    return this.commitFiles(await this.writeFiles(data), "overwrite", options);
  }

  /**
   * Writes `data` as complete Parquet files under unique names, and returns their `add`
   * actions. Nothing is visible until {@link commitFiles} commits them.
   */
  async writeFiles(data: arrow.Table, options: { rewrite?: boolean } = {}): Promise<Add[]> {
    const table = this.#conform(data, options.rewrite ?? false);
    const partitionBy = this.#partitionBy();
    const dataColumns = table.schema.fields
      .map((f) => f.name)
      .filter((name) => !partitionBy.includes(name));
    const limit = this.#options.targetFileRows ?? 1_000_000;
    const compression = this.#compression();
    const adds: Add[] = [];
    for (const group of groupByPartition(table, partitionBy)) {
      for (let start = 0; start < group.table.numRows; start += limit) {
        // Partition values live in the log, not in the files (as Spark and delta-rs write).
        // A table that is one whole file as it is (a live tick's rows) is not copied.
        const whole = partitionBy.length === 0 && group.table.numRows <= limit;
        const part = whole
          ? group.table
          : group.table.slice(start, start + limit).select(dataColumns);
        const file = this.#toFile(part);
        const bytes = await encodeParquetBatches(file, compression);
        const stats = () => statsJson(file); // made while the file is written
        adds.push(await this.#storeFile(bytes, stats, group.values, adds.length));
      }
    }
    return adds;
  }

  /**
   * Starts a data file written batch by batch, encoded as the batches come (tables without
   * partition columns). `index` numbers it among the files of its commit. A large file is
   * best encoded `offThread` (in the encoder worker, while this thread makes its next rows);
   * a small one here, where it costs no worker's start.
   */
  startFile(index: number, offThread = false): DataFileWriter {
    if (this.#partitionBy().length > 0) {
      throw new Error(`Delta table "${this.path}" is partitioned: use writeFiles`);
    }
    const logical = this.#fileSchema();
    const schema = this.#fileLayout()?.schemaFor(logical.names as string[]);
    return new DataFileWriter(
      offThread
        ? new OffThreadParquetStream(this.#compression(), schema ?? logical)
        : new ParquetStream(this.#compression(), schema ?? logical),
      (batch) => this.#toFile(this.#conform(new arrow.Table([batch]), false)).batches,
      { stats: statsJson, store: (bytes, stats) => this.#storeFile(bytes, stats, {}, index) },
    );
  }

  /**
   * Writes a Parquet file encoded elsewhere (a generation worker) under a unique name, and
   * returns its `add` action (not committed). `bytes` must hold rows of this writer's schema
   * (unpartitioned tables), `stats` their {@link statsJson}. `index` numbers it among the
   * files of its commit.
   */
  async storeEncodedFile(bytes: Uint8Array, stats: string, index: number): Promise<Add> {
    if (this.#partitionBy().length > 0) {
      throw new Error(`Delta table "${this.path}" is partitioned: use writeFiles`);
    }
    if (!this.takesEncodedFiles) {
      throw new Error(
        `Delta table "${this.path}" has column mapping, timestamp_ntz columns or rules its ` +
          "rows must meet: use writeFiles",
      );
    }
    return await this.#storeFile(bytes, stats, {}, index);
  }

  #compression(): ParquetCompression {
    return this.#options.compression ?? "snappy";
  }

  /** Writes an encoded file under a unique name; its `add`, with `stats` made as it is written. */
  #storeFile(
    bytes: Uint8Array,
    stats: StoredFile["stats"],
    values: Record<string, string | null>,
    index: number,
  ): Promise<Add> {
    return storeDataFile(this.#fs, this.#state, {
      bytes,
      stats,
      values,
      index,
      partitionBy: this.#partitionBy(),
      layout: this.#fileLayout(),
      compression: this.#compression(),
      now: this.#now(),
    });
  }

  /**
   * Commits data files made by {@link writeFiles}: `append` adds them, `overwrite` also
   * removes every active file. Creates the table when it does not exist. Writes a checkpoint
   * when the new version is a multiple of the checkpoint interval.
   */
  async commitFiles(
    adds: Add[],
    mode: "append" | "overwrite",
    options: WriteOptions = {},
  ): Promise<WriteResult> {
    refuseUnlessAppend(this.#state, mode, options.removes?.length ?? 0);
    const rows = adds.reduce((n, a) => n + (JSON.parse(a.stats ?? "{}").numRecords ?? 0), 0);
    const bytes = adds.reduce((n, a) => n + a.size, 0);
    const removes = options.removes ?? [];
    const changed = removes.length > 0 || (options.changeFiles?.length ?? 0) > 0;
    const result = await this.#numberedCommit(adds, () =>
      commit(this.#fs, this.#state, {
        // Rows changed in place read the table, as Spark's MERGE does.
        operation: changed ? "MERGE" : this.#state.metadata ? "WRITE" : "CREATE TABLE AS SELECT",
        operationParameters: {
          mode: mode === "append" ? "Append" : "Overwrite",
          partitionBy: JSON.stringify(this.#partitionBy()),
        },
        operationMetrics: {
          numFiles: String(adds.length),
          numOutputRows: String(rows),
          numOutputBytes: String(bytes),
          ...(changed ? { numRemovedFiles: String(removes.length) } : {}),
          ...options.operationMetrics,
        },
        isBlindAppend: mode === "append" && !changed,
        ...rowTrackingTags(this.#state, changed),
        prepare: (state) => this.#prepare(state, adds, mode, options),
      }, this.#options.commitOptions));
    return await this.#checkpointIfDue({ ...result, added: adds });
  }

  /**
   * Runs a commit of `adds`; when they hold identity values and another writer changed the
   * table's metadata first, numbers them again on the table as it is now and retries
   * ({@link WriteRules.commitNumbered}; `adds` is updated in place to the new files).
   */
  #numberedCommit<T>(adds: Add[], run: () => Promise<T>): Promise<T> {
    return this.#rules.commitNumbered(adds, {
      run,
      reload: async () => {
        const snapshot = await readSnapshot(this.#fs, this.path);
        const state = this.#state;
        for (const map of [state.txns, state.files, state.tombstones]) map.clear();
        for (const action of snapshotActions(snapshot)) state.apply(action);
        state.version = snapshot.version;
        state.shared = true;
        checkWritable(this.path, state.protocol!, state.metadata!);
      },
      read: (files) => readTable(this.#fs, this.view(files)),
      dataColumns: () =>
        (this.#fileSchema().names as string[]).filter((n) => !this.#partitionBy().includes(n)),
      store: (part, like, index) => {
        const file = this.#toFile(part);
        const bytes = encodeParquet(file, this.#compression());
        return this.#storeFile(bytes, () => statsJson(file), like.partitionValues, index);
      },
      remove: (file) => this.#fs.remove(joinPath(this.path, decodeURIComponent(file.path))),
    });
  }

  /** Writes the checkpoint of the version just committed when one is due (checkpointDue). */
  async #checkpointIfDue(result: WriteResult): Promise<WriteResult> {
    const state = this.#state;
    if (checkpointDue(state, this.#options.checkpointInterval)) {
      try {
        await writeCheckpoint(this.#fs, state);
        state.lastCheckpoint = state.version;
      } catch (error) {
        // The commit landed; a missing checkpoint only makes reading slower.
        result.checkpointError = error as Error;
      }
    }
    return result;
  }

  /**
   * Commits a rewrite that changes no data (`OPTIMIZE`): `inputs` are removed and `outputs`
   * added, both with `dataChange: false`, so streaming readers skip the commit. Fails with
   * {@link ConcurrentModificationError} when another writer removed an input meanwhile;
   * appends that land meanwhile are kept.
   */
  async commitRewrite(
    inputs: Add[],
    outputs: Add[],
    operationParameters: Record<string, unknown> = {},
  ): Promise<WriteResult> {
    const rows = outputs.reduce((n, a) => n + (JSON.parse(a.stats ?? "{}").numRecords ?? 0), 0);
    const result = await commit(this.#fs, this.#state, {
      operation: "OPTIMIZE",
      operationParameters,
      operationMetrics: {
        numRemovedFiles: String(inputs.length),
        numAddedFiles: String(outputs.length),
        numRemovedBytes: String(inputs.reduce((n, a) => n + a.size, 0)),
        numAddedBytes: String(outputs.reduce((n, a) => n + a.size, 0)),
        numOutputRows: String(rows),
      },
      isBlindAppend: false,
      ...rowTrackingTags(this.#state, true),
      prepare: (state) => {
        const now = this.#now();
        for (const input of inputs) {
          if (!state.files.has(fileKey(input))) {
            throw new ConcurrentModificationError(
              this.path,
              state.version,
              `no longer has ${input.path}: another writer removed it; nothing was compacted`,
            );
          }
        }
        return [
          this.#txn(state, {}, now),
          ...inputs.map((file) => ({
            remove: { ...removeOf(state.files.get(fileKey(file))!, now), dataChange: false },
          })),
          ...addActions(outputs.map((add) => ({ ...add, dataChange: false })), {
            ...state,
            version: state.version + 1,
          }),
        ];
      },
    }, this.#options.commitOptions);
    return await this.#checkpointIfDue({ ...result, added: outputs });
  }

  #txn(state: TableState, options: WriteOptions, now: number): Action {
    return txnAction(state, this.#options.appId, options, now);
  }

  #prepare(
    state: TableState,
    adds: Add[],
    mode: "append" | "overwrite",
    options: WriteOptions,
  ): Action[] {
    const now = this.#now();
    const actions: Action[] = [];
    const current = state.metadata ?? this.#plan().metadata;
    this.#layouts.checkCommit(
      current,
      state.version,
      adds.length,
      options.changeFiles?.length ?? 0,
    );
    const properties = { ...options.properties };
    for (const [key, expected] of Object.entries(options.expectProperties ?? {})) {
      const found = state.metadata?.configuration?.[key] ?? null;
      if (found !== expected) throw new PropertyChanged(this.path, state.version, key, found);
    }
    const feed = options.changeDataFeed === true;
    if (feed) properties[CHANGE_DATA_FEED] = "true";
    if (!state.metadata) {
      // A new table: the properties it is created with, then this commit's.
      actions.push(...this.#newTable.createActions(now, properties));
    } else {
      const upgraded = feed ? withChangeDataFeed(state.protocol!) : state.protocol!;
      if (upgraded !== state.protocol) actions.push({ protocol: upgraded });
      const diff = this.#differenceFrom(state.metadata);
      if (diff && mode === "append") {
        // Only reachable when another writer created the table first with other columns.
        throw new ConcurrentModificationError(this.path, state.version, `created: ${diff}`, false);
      }
      const existing = state.metadata.configuration ?? {};
      const configuration = { ...existing, ...properties };
      if (diff) {
        checkSchemaReplaceable(state.table, state.protocol!, state.metadata, this.#deltaSchema);
        actions.push({
          metaData: {
            ...this.#newTable.metadata(now),
            id: state.metadata.id,
            schemaString: this.#deltaSchema,
            configuration,
          },
        });
      } else if (Object.entries(properties).some(([k, v]) => existing[k] !== v)) {
        actions.push({ metaData: { ...state.metadata, configuration } });
      }
    }
    actions.push(this.#txn(state, options, now));
    if (mode === "overwrite") {
      for (const file of state.files.values()) actions.push({ remove: removeOf(file, now) });
    }
    for (const file of options.removes ?? []) {
      if (!state.files.has(fileKey(file))) {
        throw new ConcurrentModificationError(
          this.path,
          state.version,
          `no longer has ${file.path}: another writer removed it; its rows' changes were not committed`,
        );
      }
      // The table's own add: it has the row ids a remove must carry (row tracking).
      actions.push({ remove: removeOf(state.files.get(fileKey(file))!, now) });
    }
    const protocol = actions.find((a) => a.protocol)?.protocol ?? state.protocol;
    const metadata = actions.find((a) => a.metaData)?.metaData ?? state.metadata;
    actions.push(
      ...addActions(adds, {
        protocol,
        metadata,
        domains: state.domains,
        version: state.version + 1,
      }),
    );
    for (const cdc of options.changeFiles ?? []) actions.push({ cdc });
    this.#rules.prepare(state, actions);
    return actions;
  }

  #partitionBy(): readonly string[] {
    return this.#options.partitionBy ?? [];
  }

  #now(): number {
    return (this.#options.commitOptions?.now ?? Date.now)();
  }

  /**
   * The data on this writer's schema (same names and types, in the schema's order), with the
   * table's row rules applied: rows read back from the table (`rewrite`) keep the columns
   * the table fills itself.
   */
  #conform(data: arrow.Table, rewrite: boolean): arrow.Table {
    const rules = this.#rules.current();
    const schema = rewrite && rules ? this.#fileSchema() : this.#options.schema;
    return this.#rules.conform(conformTo(this.path, data, schema), this.#options.schema, rewrite);
  }
}
