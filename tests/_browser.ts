/**
 * A headless Chromium driven over the Chrome DevTools Protocol (its WebSocket, no npm
 * package): open a page, evaluate JavaScript in it, wait for a condition, take a screenshot.
 * For the tests of the live page and the diagram in a real browser.
 *
 * @module
 */

/** An open page of a headless browser. */
export interface BrowserPage {
  /** Evaluates an expression in the page (awaiting a promise); its value as JSON. */
  evaluate<T>(expression: string): Promise<T>;
  /** Evaluates until the expression is truthy, or throws after `timeoutMs`. */
  waitFor(expression: string, timeoutMs?: number): Promise<void>;
  /** A PNG of the page at the window's size. */
  screenshot(): Promise<Uint8Array>;
}

/**
 * Starts `command` (a Chromium) headless, opens `url` in a window of the given size, runs `fn`
 * with the page, and closes everything.
 */
export async function withBrowserPage<T>(
  command: string,
  url: string,
  fn: (page: BrowserPage) => Promise<T>,
  size = { width: 1280, height: 900 },
): Promise<T> {
  const profile = await Deno.makeTempDir({ prefix: "tablestream-chromium-" });
  const child = new Deno.Command(command, {
    args: [
      "--headless=new",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-dev-shm-usage",
      "--no-first-run",
      "--hide-scrollbars",
      "--remote-debugging-port=0",
      `--user-data-dir=${profile}`,
      `--window-size=${size.width},${size.height}`,
      "about:blank",
    ],
    stdout: "null",
    stderr: "piped",
  }).spawn();
  let socket: WebSocket | undefined;
  try {
    const endpoint = await devToolsEndpoint(child.stderr);
    socket = new WebSocket(endpoint);
    await new Promise((resolve, reject) => {
      socket!.onopen = resolve;
      socket!.onerror = () => reject(new Error(`Cannot connect to ${endpoint}`));
    });
    const cdp = new Cdp(socket);
    const { targetId } = await cdp.send<{ targetId: string }>("Target.createTarget", {
      url: "about:blank",
    });
    const { sessionId } = await cdp.send<{ sessionId: string }>("Target.attachToTarget", {
      targetId,
      flatten: true,
    });
    const session = (method: string, params: Record<string, unknown> = {}) =>
      cdp.send<Record<string, unknown>>(method, params, sessionId);
    await session("Emulation.setDeviceMetricsOverride", {
      width: size.width,
      height: size.height,
      deviceScaleFactor: 1,
      mobile: false,
    });
    await session("Page.enable");
    await session("Runtime.enable");
    await session("Page.navigate", { url });
    const page: BrowserPage = {
      async evaluate<T>(expression: string): Promise<T> {
        const answer = await session("Runtime.evaluate", {
          expression,
          returnByValue: true,
          awaitPromise: true,
        }) as { result: { value?: T }; exceptionDetails?: { text: string } };
        if (answer.exceptionDetails) {
          throw new Error(`${expression}: ${JSON.stringify(answer.exceptionDetails)}`);
        }
        return answer.result.value as T;
      },
      async waitFor(expression: string, timeoutMs = 20_000): Promise<void> {
        const until = Date.now() + timeoutMs;
        while (!(await page.evaluate<boolean>(`Boolean(${expression})`).catch(() => false))) {
          if (Date.now() > until) throw new Error(`Timed out waiting for ${expression}`);
          await new Promise((r) => setTimeout(r, 100));
        }
      },
      async screenshot(): Promise<Uint8Array> {
        const { data } = await session("Page.captureScreenshot", { format: "png" }) as {
          data: string;
        };
        return Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
      },
    };
    return await fn(page);
  } finally {
    socket?.close();
    try {
      child.kill("SIGKILL");
    } catch {
      // gone already
    }
    await child.status;
    await child.stderr.cancel().catch(() => {});
    await Deno.remove(profile, { recursive: true }).catch(() => {});
  }
}

/** Reads the browser's stderr until it prints its DevTools WebSocket address. */
async function devToolsEndpoint(stderr: ReadableStream<Uint8Array>): Promise<string> {
  const reader = stderr.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  const deadline = setTimeout(() => reader.cancel(), 30_000);
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`Chromium exited before it listened:\n${seen.slice(-2000)}`);
      seen += value;
      const match = /DevTools listening on (ws:\/\/\S+)/.exec(seen);
      if (match) {
        // Keep draining stderr so the browser never blocks on a full pipe.
        (async () => {
          try {
            while (!(await reader.read()).done) { /* drain */ }
          } catch { /* closed */ }
        })();
        return match[1];
      }
    }
  } finally {
    clearTimeout(deadline);
  }
}

/** Requests and answers over the DevTools WebSocket, by message id. */
class Cdp {
  #next = 1;
  #waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  constructor(readonly socket: WebSocket) {
    socket.onmessage = (event) => {
      const message = JSON.parse(event.data);
      const waiter = message.id !== undefined ? this.#waiting.get(message.id) : undefined;
      if (!waiter) return; // an event
      this.#waiting.delete(message.id);
      if (message.error) waiter.reject(new Error(JSON.stringify(message.error)));
      else waiter.resolve(message.result);
    };
  }

  send<T>(method: string, params: Record<string, unknown> = {}, sessionId?: string): Promise<T> {
    const id = this.#next++;
    const answer = new Promise<T>((resolve, reject) =>
      this.#waiting.set(id, { resolve: resolve as (v: unknown) => void, reject })
    );
    this.socket.send(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }));
    return answer;
  }
}
