/**
 * The live page's routes: `/` (the page), `/page.css`, `/page.js`, `/diagram.svg` (the config's
 * tables and foreign keys), `/tables/<name>/rows` (a table's latest committed rows), `/control`
 * (whether control is on), and with `run --http-control` only, `POST /tables/<name>/pause` and
 * `/resume`, each carrying `Authorization: Bearer <TABLESTREAM_HTTP_TOKEN>`.
 *
 * The page is read-only by default: without `--http-control` the control routes answer 404
 * saying how to turn them on; with it, a request without the right token gets 401 and changes
 * nothing. Every answer forbids framing and inline code (a strict Content-Security-Policy), so
 * that the page cannot be turned against whoever opens it.
 *
 * @module
 */
import { PAGE_CSS, PAGE_HTML } from "./page_html.ts";
import { PAGE_SCRIPT } from "./page_script.ts";

/** What the page reads from the server and asks of it. */
export interface PageSource {
  /** The config's tables and foreign keys as SVG; undefined while the tables are planned. */
  diagramSvg(): string | undefined;
  /** A table's latest committed rows as text; undefined when there are none to show. */
  latestRows(table: string): { columns: string[]; rows: string[][] } | undefined;
  /** Pauses or resumes a table; false when the process does not write it. */
  setPaused(table: string, paused: boolean): boolean;
}

/** How the page is served. */
export interface PageOptions {
  /** The bearer token control requests must carry; control is off without one. */
  controlToken?: string;
}

const SECURITY_HEADERS = {
  "content-security-policy":
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "cache-control": "no-store",
};

function text(body: string, type: string, status = 200): Response {
  return new Response(body, { status, headers: { "content-type": type, ...SECURITY_HEADERS } });
}

function json(body: unknown, status = 200): Response {
  return text(JSON.stringify(body), "application/json", status);
}

/** Compares two strings in time that does not depend on where they differ. */
function sameSecret(a: string, b: string): boolean {
  const x = new TextEncoder().encode(a);
  const y = new TextEncoder().encode(b);
  let diff = x.length ^ y.length;
  for (let i = 0; i < Math.max(x.length, y.length); i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}

/**
 * Answers a request for the page or what it reads, or undefined when the path is none of the
 * page's (the monitoring endpoints answer it).
 */
export function pageResponse(
  source: Partial<PageSource>,
  request: Request,
  options: PageOptions,
): Response | undefined {
  const { pathname } = new URL(request.url);
  const tableRoute = /^\/tables\/([^/]+)\/(rows|pause|resume)$/.exec(pathname);
  const read = request.method === "GET" || request.method === "HEAD";
  if (tableRoute && tableRoute[2] !== "rows") {
    return control(source, request, options, decodeURIComponent(tableRoute[1]), tableRoute[2]);
  }
  if (
    !read && (pathname === "/" || tableRoute || pathname.startsWith("/page.") ||
      pathname === "/diagram.svg" || pathname === "/control")
  ) {
    return text("Method not allowed\n", "text/plain", 405);
  }
  switch (pathname) {
    case "/":
      return text(PAGE_HTML, "text/html; charset=utf-8");
    case "/page.css":
      return text(PAGE_CSS, "text/css; charset=utf-8");
    case "/page.js":
      return text(PAGE_SCRIPT, "text/javascript; charset=utf-8");
    case "/control":
      return json({ enabled: options.controlToken !== undefined });
    case "/diagram.svg": {
      const svg = source.diagramSvg?.();
      return svg === undefined
        ? text("The tables are not planned yet\n", "text/plain", 503)
        : text(svg, "image/svg+xml");
    }
  }
  if (tableRoute) {
    const rows = source.latestRows?.(decodeURIComponent(tableRoute[1]));
    return rows === undefined
      ? text("No committed rows to show for this table\n", "text/plain", 404)
      : json(rows);
  }
  return undefined;
}

function control(
  source: Partial<PageSource>,
  request: Request,
  options: PageOptions,
  table: string,
  action: string,
): Response {
  if (options.controlToken === undefined) {
    return text(
      "Control is off: start `run` with --http-control and TABLESTREAM_HTTP_TOKEN set\n",
      "text/plain",
      404,
    );
  }
  if (request.method !== "POST") return text("Use POST\n", "text/plain", 405);
  const given = /^Bearer (.+)$/.exec(request.headers.get("authorization") ?? "")?.[1] ?? "";
  if (!sameSecret(given, options.controlToken)) {
    return new Response("A valid bearer token is needed (TABLESTREAM_HTTP_TOKEN)\n", {
      status: 401,
      headers: { "www-authenticate": 'Bearer realm="tablestream"', ...SECURITY_HEADERS },
    });
  }
  const paused = action === "pause";
  if (!source.setPaused?.(table, paused)) {
    return text(`No table "${table}" runs in this process\n`, "text/plain", 404);
  }
  return json({ table, paused });
}
