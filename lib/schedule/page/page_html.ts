/**
 * The live page's document and style, served by `run --http` at `/` and `/page.css` (the
 * script is page_script.ts's): embedded in the binary as text, with no CDN and no build step.
 *
 * @module
 */

/** The page: a skeleton the script fills from `/status`, `/diagram.svg` and the rows. */
export const PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>tablestream</title>
<link rel="stylesheet" href="/page.css">
<script src="/page.js" defer></script>
</head>
<body data-updates="0">
<header>
  <h1>tablestream</h1>
  <span id="phase" class="pill">connecting</span>
  <span id="summary"></span>
  <span id="control"></span>
</header>
<main>
  <section>
    <h2>Tables</h2>
    <table id="tables">
      <thead><tr>
        <th>table</th><th>state</th><th class="num">rows</th><th class="num">last minute</th>
        <th class="num">target /min</th><th>last hour</th><th class="num">lag</th>
        <th class="num">version</th><th>last tick</th><th>last commit</th><th>sink</th><th></th>
      </tr></thead>
      <tbody></tbody>
    </table>
  </section>
  <section>
    <h2>Foreign keys</h2>
    <div id="diagram">drawing…</div>
  </section>
  <section>
    <h2>Latest rows</h2>
    <div id="previews"></div>
  </section>
</main>
<footer>Read-only unless started with <code>--http-control</code>.
  <a href="/status">/status</a> · <a href="/metrics">/metrics</a> ·
  <a href="/diagram.svg">/diagram.svg</a></footer>
</body>
</html>
`;

/** The page's style. */
export const PAGE_CSS = `
:root { --ink: #1f2a3d; --muted: #5b6880; --line: #d9dee8; --bg: #f8f9fb; --ok: #1d7a46;
  --warn: #a86400; --bad: #b3261e; --accent: #3b5b9a; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif;
  color: var(--ink); background: var(--bg); }
header { display: flex; gap: 12px; align-items: center; padding: 10px 20px; background: #fff;
  border-bottom: 1px solid var(--line); }
h1 { font-size: 18px; margin: 0; }
h2 { font-size: 15px; margin: 18px 0 8px; }
main { padding: 0 20px 20px; }
section { overflow-x: auto; }
table { border-collapse: collapse; background: #fff; border: 1px solid var(--line); }
th, td { padding: 5px 9px; border-bottom: 1px solid var(--line); text-align: left;
  white-space: nowrap; }
th { font-weight: 600; color: var(--muted); font-size: 12px; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.pill { padding: 1px 8px; border-radius: 10px; font-size: 12px; background: #e6eaf2; }
.state-running, .state-idle, .state-done { color: var(--ok); }
.state-waiting, .state-waiting-for-sink, .state-starting, .state-paused { color: var(--warn); }
.state-failed, .state-stopped { color: var(--bad); }
td.state { white-space: normal; max-width: 340px; }
.error { color: var(--bad); font-size: 12px; overflow-wrap: anywhere; }
.injected { color: var(--muted); font-size: 11px; }
.spark { vertical-align: middle; }
.spark polyline { fill: none; stroke: var(--accent); stroke-width: 1.5; }
#diagram svg { max-width: 100%; height: auto; border: 1px solid var(--line); }
#previews { display: flex; flex-wrap: wrap; gap: 16px; }
#previews table { font-size: 12px; }
#previews caption { text-align: left; font-weight: 600; padding: 4px 0; }
footer { padding: 10px 20px; color: var(--muted); font-size: 12px; }
button { font: inherit; font-size: 12px; }
`;
