/**
 * The monitoring endpoints of `run --http`: `/metrics` (Prometheus text format), `/status`
 * (JSON), `/health` (liveness) and `/ready` (readiness); and the live page at `/` with what it
 * reads (page/routes.ts).
 *
 * Liveness and readiness answer different questions, as Kubernetes' probes ask them.
 * `/health` says the process works: it answers 200 while it can answer at all, whatever
 * its tables do, since a restart fixes none of their problems: a table waiting for its
 * database waits just as well in this process, and one stopped by an error that cannot heal
 * (a schema mismatch, bad credentials) would stop again after a restart. `/ready` says
 * whether every table is flowing: 503 while the server starts, while a table waits for its
 * sink, or once one has failed, naming them.
 *
 * @module
 */
import { notReady, prometheusText, type ServerStatus } from "./status.ts";
import { type PageOptions, pageResponse, type PageSource } from "./page/routes.ts";

/** What the endpoints read (the page's parts are optional: a server without them has none). */
export interface Monitored extends Partial<PageSource> {
  status(): ServerStatus;
}

/** A listening address: `host:port`, `:port` or a port alone (host 127.0.0.1). */
export function parseAddress(text: string): { hostname: string; port: number } {
  const match = /^(?:(\[[^\]]+\]|[^:]*):)?(\d+)$/.exec(text.trim());
  const port = Number(match?.[2]);
  if (!match || !(port >= 0 && port <= 65535)) {
    throw new Error(`"${text}" is not an address like 127.0.0.1:9464 or :9464`);
  }
  const host = match[1] ? match[1].replace(/^\[|\]$/g, "") : "127.0.0.1";
  return { hostname: host, port };
}

/** Answers one monitoring request. */
export function monitoringResponse(
  server: Monitored,
  request: Request,
  options: PageOptions = {},
): Response {
  const { pathname } = new URL(request.url);
  const page = pageResponse(server, request, options);
  if (page) return page;
  if (request.method !== "GET" && request.method !== "HEAD") {
    return new Response("Method not allowed\n", { status: 405, headers: { allow: "GET, HEAD" } });
  }
  const status = server.status();
  switch (pathname) {
    case "/metrics":
      return new Response(prometheusText(status), {
        headers: { "content-type": "text/plain; version=0.0.4; charset=utf-8" },
      });
    case "/status":
      return Response.json(status);
    case "/health": {
      // The process answers, so it is alive; what its tables do is /ready's (and the body's).
      const { waiting, failed } = notReady(status);
      return Response.json({
        status: "ok",
        ...(waiting.length ? { waiting: waiting.map((w) => w.table) } : {}),
        ...(failed.length ? { failed: failed.map((f) => f.table) } : {}),
      });
    }
    case "/ready": {
      const why = notReady(status);
      const ready = !why.starting && why.waiting.length === 0 && why.failed.length === 0;
      return Response.json(
        ready ? { status: "ready" } : { status: "not ready", ...why },
        { status: ready ? 200 : 503 },
      );
    }
    default:
      return new Response("Not found: try /, /metrics, /status, /health or /ready\n", {
        status: 404,
      });
  }
}

/** A running monitoring server. */
export interface MonitoringServer {
  /** The port it listens on (useful with port 0). */
  port: number;
  hostname: string;
  /** Stops listening. */
  close(): Promise<void>;
}

/** Serves the endpoints on `address` until closed. */
export function serveMonitoring(
  server: Monitored,
  address: string,
  options: PageOptions = {},
): MonitoringServer {
  const { hostname, port } = parseAddress(address);
  const http = Deno.serve(
    { hostname, port, onListen: () => {} },
    (request) => monitoringResponse(server, request, options),
  );
  const addr = http.addr as Deno.NetAddr;
  return { port: addr.port, hostname: addr.hostname, close: () => http.shutdown() };
}
