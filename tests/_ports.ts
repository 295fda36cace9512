/**
 * Free TCP ports of 127.0.0.1 for the servers the tests start (a Kafka broker, moto,
 * PostgreSQL).
 *
 * @module
 */

/**
 * `count` distinct ports free at the moment: each is held open until all are chosen, so the
 * system cannot hand the same one out twice (a broker with two listeners on one port refuses
 * to start). Another process may still take one before the server binds it: callers retry.
 */
export function freePorts(count: number): number[] {
  const listeners = Array.from(
    { length: count },
    () => Deno.listen({ hostname: "127.0.0.1", port: 0 }),
  );
  const ports = listeners.map((listener) => (listener.addr as Deno.NetAddr).port);
  for (const listener of listeners) listener.close();
  return ports;
}

/** One free port of 127.0.0.1 (see {@link freePorts}). */
export function freePort(): number {
  return freePorts(1)[0];
}
