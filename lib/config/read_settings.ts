/**
 * `version:` and `config:` of a config: locale, seed, reference time, tick and commit intervals,
 * retry bound, parent cache, Python imports and attribute inference.
 *
 * @module
 */
import type { Node } from "yaml";
import { isKnownLocale, knownLocales } from "../engine/faker.ts";
import { closestString } from "../expr/mod.ts";
import type { YamlPath } from "./diagnostics.ts";
import { DURATION_UNITS, parseDuration } from "./duration.ts";
import type { Config } from "./model.ts";

import { describe, didYouMean } from "./yaml_fields.ts";
import { PLUGIN_HINT, type ReadContext, SETTINGS_KEYS } from "./read_context.ts";

export function readVersion(r: ReadContext, node: Node | null): void {
  const v = r.scalar(node);
  if (v === 1 || v === "1") return;
  r.report(["version"], "bad-version", `Unsupported config version ${describe(node)}`, {
    hint: "tablestream reads `version: 1`; leave it out or write `version: 1`.",
  });
}

export function readSettings(r: ReadContext, node: Node | null, config: Config): void {
  const path = ["config"];
  const settings = r.mapping(node, path, "`config`");
  if (!settings) return;
  const fields = r.fields(settings, path, SETTINGS_KEYS, "`config`");
  const at = (key: string) => [...path, key];
  if (fields.has("locale")) {
    const locale = r.string(fields.get("locale")!, at("locale"), "locale");
    if (locale !== undefined && !isKnownLocale(locale)) {
      r.report(at("locale"), "unknown-locale", `Unknown locale ${JSON.stringify(locale)}`, {
        hint: didYouMean(closestString(locale, knownLocales())) ??
          "Use a Faker locale name such as en_US, en_GB, de_DE, fr_FR or ja_JP.",
      });
    } else if (locale !== undefined) {
      config.locale = locale;
    }
  }
  if (fields.has("seed")) {
    const seed = r.integer(fields.get("seed")!, at("seed"), "seed");
    if (seed !== undefined) config.seed = seed;
  }
  if (fields.has("reference_time")) {
    const time = readTime(r, fields.get("reference_time")!, at("reference_time"));
    if (time !== undefined) config.referenceTime = time;
  }
  if (fields.has("tick_interval")) {
    const ms = readDuration(r, fields.get("tick_interval")!, at("tick_interval"), "tick_interval");
    if (ms !== undefined) config.tickIntervalMs = ms;
  }
  if (fields.has("commit_interval")) {
    const ms = readDuration(
      r,
      fields.get("commit_interval")!,
      at("commit_interval"),
      "commit_interval",
    );
    if (ms !== undefined) config.commitIntervalMs = ms;
  }
  if (fields.has("max_retry_time")) {
    const ms = readDuration(
      r,
      fields.get("max_retry_time")!,
      at("max_retry_time"),
      "max_retry_time",
    );
    if (ms !== undefined) config.maxRetryTimeMs = ms;
  }
  if (fields.has("parent_cache_mb")) {
    const mb = r.integer(
      fields.get("parent_cache_mb")!,
      at("parent_cache_mb"),
      "parent_cache_mb",
      0,
    );
    if (mb !== undefined) config.parentCacheMb = mb;
  }
  if (fields.has("python_import")) {
    const imports = r.stringList(
      fields.get("python_import")!,
      at("python_import"),
      "python_import",
    );
    if (imports !== undefined) {
      config.pythonImports = imports;
      r.pythonImports = imports;
      if (imports.length) {
        r.report(
          at("python_import"),
          "python-import",
          `tablestream cannot import Python modules; \`python_import\` (${
            imports.join(", ")
          }) is ignored`,
          {
            severity: "warning",
            at: "key",
            hint: `Columns that use these modules cannot be generated; for each, ${PLUGIN_HINT}.`,
          },
        );
      }
    }
  }
  if (fields.has("community_providers")) {
    const providers = r.stringList(
      fields.get("community_providers")!,
      at("community_providers"),
      "community_providers",
    );
    if (providers !== undefined) {
      config.communityProviders = providers;
      if (providers.length) {
        r.report(
          at("community_providers"),
          "python-import",
          `tablestream cannot load Python Faker providers; \`community_providers\` (${
            providers.join(", ")
          }) is ignored`,
          {
            severity: "warning",
            at: "key",
            hint:
              `Columns that call these providers' \`fake.*\` methods cannot be generated; ${PLUGIN_HINT}.`,
          },
        );
      }
    }
  }
  if (fields.has("infer_entity_attrs_by_name")) {
    const infer = r.bool(
      fields.get("infer_entity_attrs_by_name")!,
      at("infer_entity_attrs_by_name"),
      "infer_entity_attrs_by_name",
    );
    if (infer !== undefined) {
      config.inferEntityAttrsByName = infer;
      r.inferAttrs = infer;
    }
  }
}

/** Ms of an ISO-8601 time (`2026-01-01T00:00:00Z`; no zone, or a date alone: UTC), else undefined. */
export function parseIsoTime(text: string): number | undefined {
  const trimmed = text.trim();
  const iso = /^\d{4}-\d\d-\d\d(?:[T ]\d\d:\d\d(?::\d\d(?:\.\d+)?)?)?(?:Z|z|[+-]\d\d:?\d\d)?$/;
  if (!iso.test(trimmed)) return undefined;
  const dateOnly = /^\d{4}-\d\d-\d\d$/.test(trimmed);
  const zoned = /(?:[Zz]|[+-]\d\d:?\d\d)$/.test(trimmed);
  const normal = dateOnly
    ? `${trimmed}T00:00:00Z`
    : zoned
    ? trimmed.replace(" ", "T")
    : `${trimmed.replace(" ", "T")}Z`;
  const ms = Date.parse(normal);
  return Number.isNaN(ms) ? undefined : ms;
}

export function readTime(r: ReadContext, node: Node | null, path: YamlPath): Date | undefined {
  const v = r.scalar(node);
  const ms = typeof v === "string" ? parseIsoTime(v) : undefined;
  if (ms !== undefined) return new Date(ms);
  r.report(
    path,
    "bad-time",
    `\`reference_time\` must be an ISO-8601 time, got ${describe(node)}`,
    {
      hint: 'E.g. `reference_time: "2026-01-01T00:00:00Z"`; a date alone means midnight UTC.',
    },
  );
  return undefined;
}

export function readDuration(
  r: ReadContext,
  node: Node | null,
  path: YamlPath,
  key: string,
): number | undefined {
  const v = r.scalar(node);
  if (typeof v === "number") {
    r.report(path, "bad-duration", `\`${key}\` needs a unit, got ${describe(node)}`, {
      hint: `Write \`${key}: ${v}s\` for ${v} seconds (units: ${DURATION_UNITS.join(", ")}).`,
    });
    return undefined;
  }
  const ms = typeof v === "string" ? parseDuration(v) : undefined;
  if (ms === undefined) {
    r.report(
      path,
      "bad-duration",
      `\`${key}\` must be a duration like "10s", got ${describe(node)}`,
      {
        hint: `A number and a unit (${
          DURATION_UNITS.join(", ")
        }), e.g. "500ms", "10s", "1m", "1h30m".`,
      },
    );
    return undefined;
  }
  if (ms <= 0) {
    r.report(
      path,
      "out-of-range",
      `\`${key}\` must be longer than zero, got ${describe(node)}`,
    );
    return undefined;
  }
  return ms;
}
