/**
 * What a table a writer creates is to be: its protocol (the smallest its columns, properties
 * and clustering need: table_properties.ts), its metadata (the schema with column mapping's
 * physical names and ids when a mode is set, the properties with row tracking's materialized
 * column names), and its clustering domain. Planned once, so that data files written before
 * the table exists are written for the table it becomes.
 *
 * @module
 */
import type { Action, Metadata, Protocol } from "./actions.ts";
import { createdSchema } from "./column_mapping.ts";
import { CLUSTERING_FEATURES, clusteringDomain } from "./domains.ts";
import { withRowTrackingColumns } from "./row_tracking.ts";
import { newTableProtocol } from "./table_properties.ts";

/** What a new table is created from. */
export interface NewTableOptions {
  /** The table's columns, as a Delta schemaString (without column mapping). */
  deltaSchema: string;
  /** Its table properties (a config's `table_properties:`). */
  properties?: Record<string, string>;
  /** Its liquid clustering columns (a config's `cluster_by:`), by logical name. */
  clusterBy?: readonly string[];
  /** Its partition columns. */
  partitionBy?: readonly string[];
  /** `metaData.name`. */
  tableName?: string;
}

/** The protocol, metadata and domains of a table a writer is to create. */
export class NewTable {
  readonly #options: NewTableOptions;
  /** The schemaString, and properties column mapping adds (column_mapping.ts). */
  readonly #created: { schemaString: string; properties: Record<string, string> };
  #planned?: { protocol: Protocol; metadata: Metadata };

  constructor(options: NewTableOptions) {
    this.#options = options;
    this.#created = createdSchema(options.deltaSchema, options.properties ?? {});
  }

  /** The schemaString the table is created with (physical names and ids when mapped). */
  get schemaString(): string {
    return this.#created.schemaString;
  }

  /** The protocol and metadata the table is to get (its id and time fixed at the commit). */
  plan(): { protocol: Protocol; metadata: Metadata } {
    if (!this.#planned) {
      const configuration = withRowTrackingColumns({
        ...this.#options.properties,
        ...this.#created.properties,
      });
      this.#planned = {
        protocol: this.protocol(configuration),
        metadata: { ...this.metadata(0), configuration },
      };
    }
    return this.#planned;
  }

  /** The protocol of the table with these properties (clustering's features when clustered). */
  protocol(configuration: Record<string, string>): Protocol {
    const clustered = (this.#options.clusterBy?.length ?? 0) > 0;
    return newTableProtocol(this.#options.deltaSchema, configuration, {
      writer: clustered ? [...CLUSTERING_FEATURES] : [],
    });
  }

  /** Fresh metadata of the table: a new id, no properties. */
  metadata(now: number): Metadata {
    return {
      id: crypto.randomUUID(),
      ...(this.#options.tableName ? { name: this.#options.tableName } : {}),
      format: { provider: "parquet", options: {} },
      schemaString: this.#created.schemaString,
      partitionColumns: [...this.#options.partitionBy ?? []],
      configuration: {},
      createdTime: now,
    };
  }

  /**
   * The actions that create the table in a commit at `now`, with this commit's `properties`
   * on top of the planned ones: protocol, metaData and, when clustered, its domain.
   */
  createActions(now: number, properties: Record<string, string>): Action[] {
    const planned = this.plan();
    const configuration = { ...planned.metadata.configuration, ...properties };
    const actions: Action[] = [
      { protocol: this.protocol(configuration) },
      { metaData: { ...planned.metadata, createdTime: now, configuration } },
    ];
    const clusterBy = this.#options.clusterBy ?? [];
    if (clusterBy.length > 0) actions.push(clusteringDomain(this.#physicalNames(clusterBy)));
    return actions;
  }

  /** The physical names of top-level columns (the same without column mapping). */
  #physicalNames(columns: readonly string[]): string[] {
    const fields = (JSON.parse(this.#created.schemaString) as {
      fields: { name: string; metadata?: Record<string, unknown> }[];
    }).fields;
    return columns.map((name) => {
      const physical = fields.find((f) => f.name === name)?.metadata?.[
        "delta.columnMapping.physicalName"
      ];
      return typeof physical === "string" ? physical : name;
    });
  }
}
