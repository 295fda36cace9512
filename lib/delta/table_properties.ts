/**
 * The Delta table properties a config may give a new table (`table_properties:`), what values
 * each takes, and the table features each needs: so users make tables that match their
 * production tables (deletion vectors on, change data feed, column mapping...), with the
 * smallest protocol that holds them (PROTOCOL.md, "Table Features": a table whose features a
 * legacy protocol version implies keeps that version; others get reader 3 / writer 7 listing
 * their features).
 *
 * Properties outside the `delta.` namespace are the user's own (an owner, a team) and are
 * written as given; a `delta.` property this registry does not know is refused, so that a
 * typo never makes a table silently unlike the one asked for.
 *
 * @module
 */
import type { Protocol } from "./actions.ts";

/** The table features a property's value needs. */
export interface NeededFeatures {
  /** Reader features (each also a writer feature, as the protocol requires). */
  reader?: string[];
  /** Writer-only features. */
  writer?: string[];
}

/** One property a config may set, its values and what it needs. */
export interface TableProperty {
  /** What the property does, for `validate`'s hints and the docs. */
  description: string;
  /** The values it takes: a list, or a kind checked by {@link checkValue}. */
  values: readonly string[] | "boolean" | "positive-integer" | "interval" | "sql";
  /** The features a value needs; none when absent. */
  needs?: (value: string) => NeededFeatures;
}

const ifTrue = (features: NeededFeatures) => (value: string) => value === "true" ? features : {};

/** The properties a config may set, by name (`delta.constraints.<name>` by its prefix). */
export const TABLE_PROPERTIES: Record<string, TableProperty> = {
  "delta.enableChangeDataFeed": {
    description: "records a change data feed (inserts need no change files; updates and " +
      "deletes write them)",
    values: "boolean",
    needs: ifTrue({ writer: ["changeDataFeed"] }),
  },
  "delta.enableDeletionVectors": {
    description: "lets engines delete rows by deletion vectors instead of rewriting files " +
      "(Databricks' default for new tables)",
    values: "boolean",
    needs: ifTrue({ reader: ["deletionVectors"] }),
  },
  "delta.appendOnly": {
    description: "refuses overwrites, updates and deletes",
    values: "boolean",
    needs: ifTrue({ writer: ["appendOnly"] }),
  },
  "delta.enableRowTracking": {
    description: "gives every row a row id and commit version readers can rely on (each " +
      "file's baseRowId and defaultRowCommitVersion, the row id high-water mark in the " +
      "delta.rowTracking domain)",
    values: "boolean",
    needs: ifTrue({ writer: ["rowTracking", "domainMetadata"] }),
  },
  "delta.checkpointPolicy": {
    description: 'makes checkpoints V2 spec ones ("v2": UUID-named with checkpoint metadata, ' +
      'which older readers cannot read) or classic ones ("classic", the default)',
    values: ["classic", "v2"],
    needs: (value) => value === "v2" ? { reader: ["v2Checkpoint"] } : {},
  },
  "delta.columnMapping.mode": {
    description: "stores columns under physical names (`col-<uuid>`) and Parquet field ids, " +
      "so engines can rename and drop columns: `name` or `id` (`none`: off)",
    values: ["none", "name", "id"],
    needs: (value) => value === "none" ? {} : { reader: ["columnMapping"] },
  },
  "delta.enableTypeWidening": {
    description: "lets engines widen column types (int to bigint, float to double, wider " +
      "decimals, date to timestamp_ntz) without rewriting files",
    values: "boolean",
    needs: ifTrue({ reader: ["typeWidening"] }),
  },
  "delta.checkpointInterval": {
    description: "commits between checkpoints (10 by default)",
    values: "positive-integer",
  },
  "delta.logRetentionDuration": {
    description: "how long engines keep log entries (for time travel), e.g. `interval 30 days`",
    values: "interval",
  },
  "delta.deletedFileRetentionDuration": {
    description: "how long VACUUM keeps removed files, e.g. `interval 7 days`",
    values: "interval",
  },
};

/** The prefix of CHECK constraints: `delta.constraints.<name>: <SQL expression>`. */
export const CONSTRAINT_PREFIX = "delta.constraints.";

/** The registry entry of `name`, CHECK constraints included; undefined when unknown. */
export function tableProperty(name: string): TableProperty | undefined {
  if (name.startsWith(CONSTRAINT_PREFIX) && name.length > CONSTRAINT_PREFIX.length) {
    return CONSTRAINT_PROPERTY;
  }
  return Object.hasOwn(TABLE_PROPERTIES, name) ? TABLE_PROPERTIES[name] : undefined;
}

/** CHECK constraints: tablestream's writer checks them on every row before it commits. */
const CONSTRAINT_PROPERTY: TableProperty = {
  description: "a CHECK constraint every row must meet (a Spark SQL expression)",
  values: "sql",
  needs: () => ({ writer: ["checkConstraints"] }),
};

const INTERVAL =
  /^interval\s+\d+\s+(?:nanoseconds?|microseconds?|milliseconds?|seconds?|minutes?|hours?|days?|weeks?)$/i;

/** Why `value` is not a value of `property`, or undefined when it is. */
export function checkValue(property: TableProperty, value: string): string | undefined {
  const { values } = property;
  if (Array.isArray(values)) {
    return values.includes(value) ? undefined : `takes ${values.map((v) => `"${v}"`).join(", ")}`;
  }
  switch (values) {
    case "boolean":
      return value === "true" || value === "false" ? undefined : 'takes "true" or "false"';
    case "positive-integer":
      return /^[1-9]\d*$/.test(value) ? undefined : "takes a whole number above 0";
    case "interval":
      return INTERVAL.test(value) ? undefined : 'takes an interval such as "interval 30 days"';
    case "sql":
      return value.trim() === "" ? "takes a SQL expression" : undefined;
  }
  return undefined;
}

/** A problem with one of a config's table properties. */
export interface PropertyProblem {
  /** The property's name. */
  name: string;
  /** The name is not a property tablestream sets (else: its value is wrong). */
  unknown: boolean;
  /** What is wrong, to follow the property's name in a sentence. */
  message: string;
  /** What to do. */
  hint: string;
}

/** The problems of a config's table properties (none when every one is known and valid). */
export function checkTableProperties(properties: Record<string, string>): PropertyProblem[] {
  const problems: PropertyProblem[] = [];
  for (const [name, value] of Object.entries(properties)) {
    if (!name.startsWith("delta.")) continue;
    const property = tableProperty(name);
    if (!property) {
      problems.push({
        name,
        unknown: true,
        message: "is not a Delta table property tablestream can set",
        hint: `It sets ${Object.keys(TABLE_PROPERTIES).join(", ")} and ${CONSTRAINT_PREFIX}<name>` +
          "; properties outside `delta.` are written as given.",
      });
      continue;
    }
    const wrong = checkValue(property, value);
    if (wrong) {
      problems.push({
        name,
        unknown: false,
        message: `${wrong}, got "${value}"`,
        hint: `It ${property.description}.`,
      });
    }
  }
  return problems;
}

/** Writer features each legacy writer version introduces (PROTOCOL.md). */
const LEGACY_WRITER_VERSION: Record<string, number> = {
  appendOnly: 2,
  invariants: 2,
  checkConstraints: 3,
  changeDataFeed: 4,
  generatedColumns: 4,
  columnMapping: 5,
  identityColumns: 6,
};

/** The features a new table's columns and properties need. */
export function neededFeatures(
  deltaSchemaString: string,
  properties: Record<string, string>,
  extra: NeededFeatures = {},
): { reader: Set<string>; writer: Set<string> } {
  const reader = new Set<string>(extra.reader);
  const writer = new Set<string>(extra.writer);
  if (deltaSchemaString.includes('"timestamp_ntz"')) reader.add("timestampNtz");
  for (const [name, value] of Object.entries(properties)) {
    const needs = tableProperty(name)?.needs?.(value) ?? {};
    for (const feature of needs.reader ?? []) reader.add(feature);
    for (const feature of needs.writer ?? []) writer.add(feature);
  }
  // Every reader feature is a writer feature too.
  for (const feature of reader) writer.add(feature);
  return { reader, writer };
}

/**
 * The smallest protocol of a new table with these columns and properties: 1/2 (every engine
 * reads it) unless something needs more (the properties, or `extra` features: clustering
 * columns need clustering and domainMetadata); a legacy version when it implies every needed
 * feature and nothing needs reader features beyond column mapping, as Spark does; else reader
 * 3 (1 when no reader feature is needed) and writer 7, listing the features.
 */
export function newTableProtocol(
  deltaSchemaString: string,
  properties: Record<string, string> = {},
  extra: NeededFeatures = {},
): Protocol {
  const { reader, writer } = neededFeatures(deltaSchemaString, properties, extra);
  const legacy = [...writer].every((f) => Object.hasOwn(LEGACY_WRITER_VERSION, f)) &&
    [...reader].every((f) => f === "columnMapping");
  if (legacy) {
    const writerVersion = Math.max(2, ...[...writer].map((f) => LEGACY_WRITER_VERSION[f]));
    return { minReaderVersion: reader.size > 0 ? 2 : 1, minWriterVersion: writerVersion };
  }
  return {
    minReaderVersion: reader.size > 0 ? 3 : 1,
    minWriterVersion: 7,
    ...(reader.size > 0 ? { readerFeatures: [...reader].sort() } : {}),
    writerFeatures: [...writer].sort(),
  };
}
