/**
 * A day of a table's rate as an SVG line chart, drawn by hand (no dependency): rows that
 * arrived in each minute as a line, and the rate the cadence asked for as a dashed one, over
 * hours 00 to 24 (UTC). `tablestream plot-rate` fills it from a table's timeline.
 *
 * @module
 */

/** What {@link rateSvg} draws. */
export interface RatePlot {
  /** The title at the top, e.g. `orders on 2026-11-27 (UTC)`. */
  title: string;
  /** Rows that arrived in each minute of the day (1440 values). */
  rowsPerMinute: readonly number[];
  /** The rate asked for at the start of each minute, rows per minute (1440 values). */
  targetPerMinute: readonly number[];
}

const WIDTH = 960;
const HEIGHT = 360;
const LEFT = 64;
const RIGHT = 16;
const TOP = 36;
const BOTTOM = 40;

/** A number for an SVG attribute: at most one decimal, no trailing zeros. */
function n(value: number): string {
  return String(Math.round(value * 10) / 10);
}

/** XML text with its special characters escaped. */
function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** A round step for about `count` gridlines up to `max`: 1, 2 or 5 times a power of ten. */
export function niceStep(max: number, count = 5): number {
  if (!(max > 0)) return 1;
  const raw = max / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw)!;
  return step;
}

/** The SVG of a day's rate. */
export function rateSvg(plot: RatePlot): string {
  const minutes = plot.rowsPerMinute.length;
  const top = Math.max(1, ...plot.rowsPerMinute, ...plot.targetPerMinute);
  const step = niceStep(top);
  const yMax = Math.ceil(top / step) * step;
  const plotW = WIDTH - LEFT - RIGHT;
  const plotH = HEIGHT - TOP - BOTTOM;
  const x = (minute: number) => LEFT + (minute / minutes) * plotW;
  const y = (value: number) => TOP + plotH - (value / yMax) * plotH;
  const line = (values: readonly number[]) =>
    values.map((v, i) => `${n(x(i + 0.5))},${n(y(v))}`).join(" ");
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" ` +
    `viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
    `<text x="${LEFT}" y="22" font-size="14" font-weight="bold">${escapeXml(plot.title)}</text>`,
  ];
  for (let v = 0; v <= yMax; v += step) {
    out.push(
      `<line x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${n(y(v))}" y2="${n(y(v))}" stroke="#ddd"/>`,
      `<text x="${LEFT - 6}" y="${n(y(v) + 4)}" text-anchor="end">${
        v.toLocaleString("en-US")
      }</text>`,
    );
  }
  for (let hour = 0; hour <= 24; hour += 3) {
    const hx = n(x((hour / 24) * minutes));
    out.push(
      `<line x1="${hx}" x2="${hx}" y1="${TOP}" y2="${TOP + plotH}" stroke="#eee"/>`,
      `<text x="${hx}" y="${HEIGHT - BOTTOM + 16}" text-anchor="middle">` +
        `${String(hour).padStart(2, "0")}:00</text>`,
    );
  }
  out.push(
    `<text x="14" y="${n(TOP + plotH / 2)}" transform="rotate(-90 14 ${n(TOP + plotH / 2)})" ` +
      `text-anchor="middle">rows per minute</text>`,
    `<polyline fill="none" stroke="#2b6cb0" stroke-width="1" points="${
      line(plot.rowsPerMinute)
    }"/>`,
    `<polyline fill="none" stroke="#c05621" stroke-width="1.5" stroke-dasharray="5 3" points="${
      line(plot.targetPerMinute)
    }"/>`,
    `<text x="${WIDTH - RIGHT}" y="22" text-anchor="end"><tspan fill="#2b6cb0">— rows that ` +
      `arrived</tspan>  <tspan fill="#c05621">- - rate asked for</tspan></text>`,
    `<line x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${TOP + plotH}" y2="${TOP + plotH}" ` +
      `stroke="#333"/>`,
    `<line x1="${LEFT}" x2="${LEFT}" y1="${TOP}" y2="${TOP + plotH}" stroke="#333"/>`,
    "</svg>",
  );
  return out.join("\n") + "\n";
}
