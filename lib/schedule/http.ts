/**
 * The monitoring endpoints of `run --http`: `/metrics` (Prometheus text format), `/status`
 * (JSON) and `/health`.
 *
 * @module
 */
import { prometheusText, type ServerStatus } from "./status.ts";

/** What the endpoints read. */
export interface Monitored {
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
export function monitoringResponse(server: Monitored, request: Request): Response {
  const { pathname } = new URL(request.url);
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
      const failed = status.tables.filter((t) => t.stage === "failed").map((t) => t.table);
      return Response.json(
        failed.length ? { status: "failing", failed } : { status: "ok" },
        { status: failed.length ? 503 : 200 },
      );
    }
    default:
      return new Response("Not found: try /metrics, /status or /health\n", { status: 404 });
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
export function serveMonitoring(server: Monitored, address: string): MonitoringServer {
  const { hostname, port } = parseAddress(address);
  const http = Deno.serve(
    { hostname, port, onListen: () => {} },
    (request) => monitoringResponse(server, request),
  );
  const addr = http.addr as Deno.NetAddr;
  return { port: addr.port, hostname: addr.hostname, close: () => http.shutdown() };
}
