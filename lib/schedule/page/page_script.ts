/**
 * The live page's script (served at `/page.js`): polls `/status` every two seconds and redraws
 * the tables (numbers, a sparkline of the last hour's rows per minute, state and error), fetches
 * the diagram once and each table's latest rows when its version moves. Text reaches the page
 * through `textContent` only, so nothing a table or an error holds can become markup. With
 * `--http-control`, pause and resume buttons send the bearer token the user enters.
 *
 * Plain browser JavaScript, without backquotes, so that it sits in this file as text.
 *
 * @module
 */

/** The script. */
export const PAGE_SCRIPT = String.raw`"use strict";
(function () {
  var POLL_MS = 2000;
  var updates = 0;
  var versions = {};
  var control = { enabled: false };
  var fmt = new Intl.NumberFormat("en-US");

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    for (var key in attrs || {}) {
      if (key === "text") node.textContent = attrs[key];
      else node.setAttribute(key, attrs[key]);
    }
    (children || []).forEach(function (c) { if (c) node.appendChild(c); });
    return node;
  }

  function duration(ms) {
    if (ms < 1000) return ms + " ms";
    var s = Math.round(ms / 1000);
    if (s < 120) return s + " s";
    var m = Math.round(s / 60);
    return m < 120 ? m + " min" : Math.round(m / 60) + " h";
  }

  function ago(ms) {
    if (ms === undefined || ms === null) return "";
    var d = Date.now() - ms;
    return d < 10000 ? "just now" : duration(d) + " ago";
  }

  function iso(ms) {
    return ms === undefined || ms === null ? "" : new Date(ms).toISOString().replace(".000Z", "Z");
  }

  function sparkline(values) {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("class", "spark");
    svg.setAttribute("width", "120");
    svg.setAttribute("height", "22");
    var list = values || [];
    var max = Math.max.apply(null, [1].concat(list));
    var points = list.map(function (v, i) {
      var x = list.length < 2 ? 0 : (i * 118) / (list.length - 1) + 1;
      return x.toFixed(1) + "," + (21 - (v * 19) / max).toFixed(1);
    });
    var line = document.createElementNS(ns, "polyline");
    line.setAttribute("points", points.join(" "));
    svg.appendChild(line);
    return svg;
  }

  function headers() {
    var token = sessionStorage.getItem("tablestream-token") || "";
    return token ? { authorization: "Bearer " + token } : {};
  }

  function act(table, action) {
    if (!sessionStorage.getItem("tablestream-token")) {
      var token = prompt("Bearer token (TABLESTREAM_HTTP_TOKEN)");
      if (!token) return;
      sessionStorage.setItem("tablestream-token", token);
    }
    fetch("/tables/" + encodeURIComponent(table) + "/" + action, { method: "POST", headers: headers() })
      .then(function (r) {
        if (r.status === 401) sessionStorage.removeItem("tablestream-token");
        if (!r.ok) return r.text().then(function (t) { alert(t); });
        poll();
      });
  }

  function row(t) {
    // A failure's error goes below its state, once; waits say what they wait for.
    var failed = t.stage === "failed";
    var state = el("td", { class: "state state-" + t.stage }, [
      el("span", { text: failed ? "failed" : t.activity }),
    ]);
    if (failed && t.lastError) state.appendChild(el("div", { class: "error", text: t.lastError }));
    // A shaped rate's target now, and its mean beside it when they differ.
    var now = t.targetRowsPerMinute === undefined ? t.rowsPerMinute : t.targetRowsPerMinute;
    var target = t.policy !== "append" ? t.policy : fmt.format(Math.round(now)) +
      (Math.round(now) !== Math.round(t.rowsPerMinute) ? " (mean " + fmt.format(t.rowsPerMinute) + ")" : "");
    // Imperfections injected on purpose (duplicates, late events...), by kind.
    var injected = Object.keys(t.injected || {}).filter(function (k) { return t.injected[k] > 0; })
      .map(function (k) { return k + " " + fmt.format(t.injected[k]); }).join(" · ");
    var buttons = el("td");
    if (control.enabled && ["done", "failed", "stopped"].indexOf(t.stage) < 0) {
      var paused = t.stage === "paused";
      var button = el("button", { type: "button", text: paused ? "resume" : "pause" });
      button.addEventListener("click", function () { act(t.table, paused ? "resume" : "pause"); });
      buttons.appendChild(button);
    }
    var tr = el("tr", { "data-table": t.table, "data-stage": t.stage }, [
      el("td", {}, [el("span", { text: t.table }),
        injected ? el("div", { class: "injected", text: "injected: " + injected }) : null]),
      state,
      el("td", { class: "num", "data-field": "rows", text: fmt.format(t.rows) }),
      el("td", { class: "num", "data-field": "measured",
        text: fmt.format(Math.round(t.measuredRowsPerMinute)) }),
      el("td", { class: "num", "data-field": "target", text: target }),
      el("td", {}, [sparkline(t.rateHistory)]),
      el("td", { class: "num", "data-field": "lag", text: duration(t.lagMs) }),
      el("td", { class: "num", "data-field": "version", text: t.version === undefined ? "" : String(t.version) }),
      el("td", { "data-field": "tick", text: t.tick < 0 ? "" : t.tick + " · " + iso(t.tickTime) }),
      el("td", { "data-field": "commit", text: ago(t.lastCommitAt) }),
      el("td", { "data-field": "sink", text: t.sink }),
      buttons,
    ]);
    return tr;
  }

  function preview(table) {
    fetch("/tables/" + encodeURIComponent(table) + "/rows").then(function (r) {
      return r.ok ? r.json() : null;
    }).then(function (data) {
      var holder = document.getElementById("previews");
      var old = holder.querySelector('[data-table="' + CSS.escape(table) + '"]');
      if (!data) { if (old) old.remove(); return; }
      var head = el("tr", {}, data.columns.map(function (c) { return el("th", { text: c }); }));
      var body = data.rows.map(function (cells) {
        return el("tr", {}, cells.map(function (c) { return el("td", { text: c }); }));
      });
      var t = el("table", { "data-table": table }, [el("caption", { text: table }),
        el("thead", {}, [head]), el("tbody", {}, body)]);
      if (old) holder.replaceChild(t, old); else holder.appendChild(t);
    });
  }

  function apply(status) {
    document.getElementById("phase").textContent = status.phase + (status.fastForward ? " · fast-forward" : "");
    var total = status.tables.reduce(function (s, t) { return s + t.rows; }, 0);
    document.getElementById("summary").textContent = status.tables.length + " tables · " +
      fmt.format(total) + " rows" + (status.startError ? " · " + status.startError : "");
    var body = document.querySelector("#tables tbody");
    body.replaceChildren.apply(body, status.tables.map(row));
    status.tables.forEach(function (t) {
      if (t.version !== versions[t.table] || t.tick !== versions["tick:" + t.table]) {
        versions[t.table] = t.version;
        versions["tick:" + t.table] = t.tick;
        preview(t.table);
      }
    });
    updates++;
    document.body.dataset.updates = String(updates);
  }

  function poll() {
    return fetch("/status").then(function (r) { return r.json(); }).then(apply).catch(function () {
      document.getElementById("phase").textContent = "unreachable";
    });
  }

  function diagram() {
    fetch("/diagram.svg").then(function (r) {
      if (!r.ok) { setTimeout(diagram, POLL_MS); return null; }
      return r.text();
    }).then(function (svg) {
      if (svg === null || svg === undefined) return;
      var doc = new DOMParser().parseFromString(svg, "image/svg+xml");
      var holder = document.getElementById("diagram");
      holder.replaceChildren(document.importNode(doc.documentElement, true));
    });
  }

  fetch("/control").then(function (r) { return r.json(); }).then(function (c) {
    control = c;
    if (c.enabled) document.getElementById("control").textContent = "control on (bearer token)";
  }).finally(function () {
    poll();
    setInterval(poll, POLL_MS);
    diagram();
  });
})();
`;
