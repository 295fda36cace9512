/**
 * The shape of a table's rate under `cadence:` (docs/traffic.md): `daily` and `weekly`
 * profiles, `phases`, `bursts` and `jitter`, each checked with its position and a hint.
 *
 * @module
 */
import { isMap, isSeq, type Node } from "yaml";
import { closestString } from "../expr/mod.ts";
import type { YamlPath } from "./diagnostics.ts";
import type { ReadContext } from "./read_context.ts";
import { describe, didYouMean } from "./yaml_fields.ts";
import { formatDuration, parseDuration } from "./duration.ts";
import { parseIsoTime, readDuration } from "./read_settings.ts";
import {
  type BurstSpec,
  DAILY_PROFILES,
  DAY_MS,
  type PhaseSpec,
  type RateShapeSpec,
} from "../stream/rate_shape.ts";
import { isTimeZone } from "../stream/time_zone.ts";

/** The cadence's keys that shape its rate. */
export const SHAPE_KEYS = ["daily", "weekly", "phases", "bursts", "jitter", "timezone"];
const PHASE_KEYS = ["from", "to", "rate", "for"];
const BURST_KEYS = ["at", "per_day", "for", "multiplier"];
const JITTER_KINDS = ["none", "poisson"];
/** More random bursts a day than this is a constant rate, not bursts. */
const MAX_BURSTS_PER_DAY = 100;

/**
 * The rate shape of a cadence's fields (`fields` holds the cadence's keys), or undefined
 * when it has none. `rowsPerMinute` is the rate a first phase without `from` starts at.
 */
export function readRateShape(
  r: ReadContext,
  fields: ReadonlyMap<string, Node | null>,
  path: YamlPath,
  rowsPerMinute: number,
): RateShapeSpec | undefined {
  const shape: RateShapeSpec = {};
  const at = (key: string): YamlPath => [...path, key];
  if (fields.has("daily")) {
    const daily = readProfile(r, fields.get("daily")!, at("daily"), DAILY);
    if (daily) shape.daily = daily;
  }
  if (fields.has("weekly")) {
    const weekly = readProfile(r, fields.get("weekly")!, at("weekly"), WEEKLY);
    if (weekly) shape.weekly = weekly;
  }
  if (fields.has("phases")) {
    const phases = readPhases(r, fields.get("phases")!, at("phases"), rowsPerMinute);
    if (phases?.length) shape.phases = phases;
  }
  if (fields.has("bursts")) {
    const bursts = readBursts(r, fields.get("bursts")!, at("bursts"));
    if (bursts?.length) shape.bursts = bursts;
  }
  if (fields.has("jitter")) {
    const v = r.scalar(fields.get("jitter")!);
    if (v === "poisson") shape.jitter = "poisson";
    else if (v !== "none") {
      r.report(at("jitter"), "bad-value", `Unknown \`jitter\` ${describe(fields.get("jitter")!)}`, {
        hint: didYouMean(typeof v === "string" ? closestString(v, JITTER_KINDS) : undefined) ??
          "`poisson` (arrivals as a Poisson process around the rate) or `none` (evenly spaced).",
      });
    }
  }
  if (fields.has("timezone")) {
    const zone = readTimeZone(r, fields.get("timezone")!, at("timezone"), shape);
    if (zone) shape.timezone = zone;
  }
  return Object.keys(shape).length > 0 ? shape : undefined;
}

/** `timezone: America/New_York`: a zone the runtime knows, for a daily or weekly profile. */
function readTimeZone(
  r: ReadContext,
  node: Node | null,
  path: YamlPath,
  shape: RateShapeSpec,
): string | undefined {
  const v = r.scalar(node);
  if (typeof v !== "string" || !isTimeZone(v)) {
    r.report(path, "bad-value", `Unknown time zone ${describe(node)}`, {
      hint: "An IANA time zone name, e.g. `America/New_York`, `Europe/Berlin` or `UTC`.",
    });
    return undefined;
  }
  if (!shape.daily && !shape.weekly) {
    r.report(
      path,
      "bad-value",
      "`timezone` is the clock of `daily` and `weekly`, and neither is set",
      {
        hint: "Add a `daily` or `weekly` profile, or remove `timezone`.",
      },
    );
    return undefined;
  }
  return v;
}

interface ProfileKind {
  key: string;
  length: number;
  what: string;
  named: boolean;
}

const DAILY: ProfileKind = {
  key: "daily",
  length: 24,
  what: "24 hourly weights, 00:00-01:00 first (UTC, or the cadence's `timezone`)",
  named: true,
};
const WEEKLY: ProfileKind = {
  key: "weekly",
  length: 7,
  what: "7 daily weights, Monday first",
  named: false,
};

/** A profile: a list of `kind.length` weights (not negative, not all 0), or a name. */
function readProfile(
  r: ReadContext,
  node: Node | null,
  path: YamlPath,
  kind: ProfileKind,
): number[] | undefined {
  const names = Object.keys(DAILY_PROFILES);
  const v = r.scalar(node);
  if (kind.named && typeof v === "string") {
    const profile = DAILY_PROFILES[v];
    if (profile) return [...profile];
    r.report(path, "bad-value", `Unknown daily profile ${describe(node)}`, {
      hint: didYouMean(closestString(v, names)) ??
        `One of: ${names.join(", ")}; or a list of ${kind.what}.`,
    });
    return undefined;
  }
  if (!isSeq(node)) {
    r.report(
      path,
      "wrong-type",
      `\`${kind.key}\` must be a list of ${kind.what}, got ${describe(node)}`,
      {
        hint: kind.named ? `Or one of the named profiles: ${names.join(", ")}.` : undefined,
      },
    );
    return undefined;
  }
  if (node.items.length !== kind.length) {
    r.report(
      path,
      "wrong-length",
      `\`${kind.key}\` needs ${kind.what}, got ${node.items.length} weight${
        node.items.length === 1 ? "" : "s"
      }`,
      { hint: "Weights are relative: `rows_per_minute` stays the mean rate whatever they sum to." },
    );
    return undefined;
  }
  const weights: number[] = [];
  node.items.forEach((item, i) => {
    const w = r.rate(r.resolve(item as Node | null), [...path, i], `${kind.key}[${i}]`, {
      example: 1,
      each: "a weight",
      none: "A weight of 0 stops the rows for that period; weights are relative.",
    });
    if (w !== undefined) weights.push(w);
  });
  if (weights.length !== kind.length) return undefined;
  if (weights.every((w) => w === 0)) {
    r.report(path, "out-of-range", `\`${kind.key}\` weights are all 0`, {
      hint: "Give some period a weight above 0 (weights are relative to their sum).",
    });
    return undefined;
  }
  return weights;
}

/** Each item of a list as a mapping's fields (items that are not mappings reported). */
function listOfMappings(
  r: ReadContext,
  node: Node | null,
  path: YamlPath,
  keys: readonly string[],
  what: string,
  example: string,
): { fields: Map<string, Node | null>; path: YamlPath }[] | undefined {
  if (!isSeq(node)) {
    r.report(path, "wrong-type", `\`${what}\` must be a list, got ${describe(node)}`, {
      hint: `E.g. \`${what}: [${example}]\`.`,
    });
    return undefined;
  }
  const out: { fields: Map<string, Node | null>; path: YamlPath }[] = [];
  node.items.forEach((item, i) => {
    const itemPath = [...path, i];
    const resolved = r.resolve(item as Node | null);
    if (!isMap(resolved)) {
      r.report(
        itemPath,
        "wrong-type",
        `Each of \`${what}\` must be a mapping, got ${describe(resolved)}`,
        {
          hint: `E.g. \`${example}\`.`,
        },
      );
      return;
    }
    out.push({ fields: r.fields(resolved, itemPath, keys, `\`${what}[${i}]\``), path: itemPath });
  });
  return out;
}

/** A rate in rows per minute of a phase (`from`, `to`, `rate`). */
function phaseRate(
  r: ReadContext,
  fields: Map<string, Node | null>,
  path: YamlPath,
  key: string,
): number | undefined {
  return r.rate(fields.get(key)!, [...path, key], key, {
    example: 600,
    each: "one row",
    none: "A phase's rate is in rows per minute; 0 pauses the table.",
  });
}

function readPhases(
  r: ReadContext,
  node: Node | null,
  path: YamlPath,
  rowsPerMinute: number,
): PhaseSpec[] | undefined {
  const items = listOfMappings(r, node, path, PHASE_KEYS, "phases", "{from: 0, to: 600, for: 10m}");
  if (!items) return undefined;
  const phases: PhaseSpec[] = [];
  let previous = rowsPerMinute;
  let ok = true;
  for (const { fields, path: at } of items) {
    const has = (k: string) => fields.has(k);
    if (!has("for")) {
      r.report(at, "missing-field", "A phase needs `for:`, how long it lasts", {
        hint: "E.g. `{to: 6000, for: 30m}` (a ramp) or `{rate: 6000, for: 1h}` (a hold).",
      });
    }
    if (has("rate") && (has("from") || has("to"))) {
      r.report(
        [...at, "rate"],
        "conflicting-fields",
        "A phase has `rate:` (a hold) or `from:`/`to:` (a ramp), not both",
        {
          at: "key",
          hint: "A hold is `{rate: 600, for: 1h}`; a ramp `{from: 0, to: 600, for: 10m}`.",
        },
      );
      ok = false;
      continue;
    }
    if (!has("rate") && !has("to")) {
      r.report(at, "missing-field", "A phase needs `rate:` (a hold) or `to:` (a ramp)", {
        hint: "A hold is `{rate: 600, for: 1h}`; a ramp `{from: 0, to: 600, for: 10m}` " +
          "(without `from`, it starts where the phase before it ended).",
      });
      ok = false;
      continue;
    }
    const from = has("rate")
      ? phaseRate(r, fields, at, "rate")
      : has("from")
      ? phaseRate(r, fields, at, "from")
      : previous;
    const to = has("rate") ? from : phaseRate(r, fields, at, "to");
    const ms = has("for") ? readDuration(r, fields.get("for")!, [...at, "for"], "for") : undefined;
    if (from === undefined || to === undefined || ms === undefined) {
      ok = false;
      continue;
    }
    phases.push({ from, to, ms });
    previous = to;
  }
  return ok ? phases : undefined;
}

function readBursts(r: ReadContext, node: Node | null, path: YamlPath): BurstSpec[] | undefined {
  const items = listOfMappings(
    r,
    node,
    path,
    BURST_KEYS,
    "bursts",
    "{at: 2026-11-27T18:00:00Z, for: 3h, multiplier: 5}",
  );
  if (!items) return undefined;
  const bursts: BurstSpec[] = [];
  const placed: { start: number; end: number; relative: boolean; index: number }[] = [];
  let ok = true;
  items.forEach(({ fields, path: at }, index) => {
    const has = (k: string) => fields.has(k);
    if (has("at") === has("per_day")) {
      r.report(
        at,
        has("at") ? "conflicting-fields" : "missing-field",
        has("at")
          ? "A burst is at a time (`at:`) or at random (`per_day:`), not both"
          : "A burst needs `at:` (a time) or `per_day:` (bursts a day at random)",
        {
          hint: "E.g. `{at: 2026-11-27T18:00:00Z, for: 3h, multiplier: 5}`, " +
            "`{at: 30m, for: 5m, multiplier: 10}` (30 minutes after the table starts) or " +
            "`{per_day: 4, for: 10m, multiplier: 3}`.",
        },
      );
      ok = false;
      return;
    }
    for (const key of ["for", "multiplier"]) {
      if (!has(key)) {
        r.report(at, "missing-field", `A burst needs \`${key}:\``, {
          hint: "E.g. `{per_day: 4, for: 10m, multiplier: 3}`: the rate times 3 for 10 minutes.",
        });
        ok = false;
      }
    }
    if (!has("for") || !has("multiplier")) return;
    const ms = readDuration(r, fields.get("for")!, [...at, "for"], "for");
    const multiplier = r.rate(fields.get("multiplier")!, [...at, "multiplier"], "multiplier", {
      example: 5,
      each: "half the rate",
      none: "A multiplier below 1 is a dip and 0 an outage; it cannot be negative.",
    });
    if (ms === undefined || multiplier === undefined) {
      ok = false;
      return;
    }
    if (has("per_day")) {
      const perDay = r.rate(fields.get("per_day")!, [...at, "per_day"], "per_day", {
        example: 4,
        each: "one burst",
        none: "Leave the burst out to have none.",
      });
      if (perDay !== undefined && perDay > MAX_BURSTS_PER_DAY) {
        r.report(
          [...at, "per_day"],
          "out-of-range",
          `\`per_day\` must be at most ${MAX_BURSTS_PER_DAY}, got ${perDay}`,
          {
            hint: "So many bursts a day are a higher rate: raise `rows_per_minute` instead.",
          },
        );
        ok = false;
        return;
      }
      if (ms > DAY_MS) {
        r.report(
          [...at, "for"],
          "out-of-range",
          `A random burst lasts at most 24h, got ${formatDuration(ms)}`,
          {
            hint: "For a longer change of rate, use `phases:` or a burst `at:` a time.",
          },
        );
        ok = false;
        return;
      }
      if (perDay === undefined) ok = false;
      else bursts.push({ perDay, ms, multiplier });
      return;
    }
    const when = readBurstTime(r, fields.get("at")!, [...at, "at"]);
    if (when === undefined) {
      ok = false;
      return;
    }
    const relative = "afterMs" in when;
    const start = "afterMs" in when ? when.afterMs : when.atMs;
    const clash = placed.find((p) =>
      p.relative === relative && p.start < start + ms && start < p.end
    );
    if (clash) {
      r.report(
        at,
        "overlapping-bursts",
        `This burst overlaps burst ${clash.index} (\`bursts[${clash.index}]\`)`,
        {
          hint: "Bursts at a time must not overlap: end one before the next starts, or merge them.",
        },
      );
      ok = false;
      return;
    }
    placed.push({ start, end: start + ms, relative, index });
    bursts.push({ ...when, ms, multiplier });
  });
  return ok ? bursts : undefined;
}

/** `at:` of a burst: an ISO time, or a duration after the table's start. */
function readBurstTime(
  r: ReadContext,
  node: Node | null,
  path: YamlPath,
): { atMs: number } | { afterMs: number } | undefined {
  const v = r.scalar(node);
  if (typeof v === "string") {
    const atMs = parseIsoTime(v);
    if (atMs !== undefined) return { atMs };
    const afterMs = parseDuration(v);
    if (afterMs !== undefined) return { afterMs };
  }
  r.report(
    path,
    "bad-time",
    `\`at\` must be an ISO-8601 time or a duration, got ${describe(node)}`,
    {
      hint: 'E.g. `at: "2026-11-27T18:00:00Z"` (UTC when no zone is given), or `at: 2h` for two ' +
        "hours after the table starts.",
    },
  );
  return undefined;
}
