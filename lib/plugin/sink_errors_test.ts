import { assertEquals } from "../../tests/_assert.ts";
import { classifyError, CommitConflict, findCommitConflict, SinkError } from "./sink_errors.ts";

/** An error carrying `fields`, as drivers make them. */
function failure(message: string, fields: Record<string, unknown>, cause?: unknown): Error {
  return Object.assign(new Error(message, cause === undefined ? undefined : { cause }), fields);
}

const verdict = (error: unknown) => {
  const { healable, recognized } = classifyError(error);
  return { healable, recognized };
};
const HEALS = { healable: true, recognized: true };
const STAYS = { healable: false, recognized: true };

Deno.test("network and disk errors heal: Node codes and Deno.errors", () => {
  for (
    const code of ["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOSPC", "EIO", "EDQUOT"]
  ) {
    assertEquals(verdict(failure(code, { code })), HEALS, code);
  }
  assertEquals(verdict(new Deno.errors.ConnectionRefused("refused")), HEALS);
  assertEquals(verdict(new Deno.errors.TimedOut("slow")), HEALS);
  assertEquals(verdict(new Deno.errors.BrokenPipe("gone")), HEALS);
  assertEquals(verdict(failure("denied", { code: "EACCES" })), STAYS);
  assertEquals(verdict(new Deno.errors.PermissionDenied("no")), STAYS);
  assertEquals(verdict(failure("read-only", { code: "EROFS" })), STAYS);
});

Deno.test("a refused connection as Deno throws it heals", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  const refused = await Deno.connect({ hostname: "127.0.0.1", port }).then(
    (c) => (c.close(), undefined),
    (e) => e,
  );
  assertEquals(verdict(refused), HEALS);
});

Deno.test("PostgreSQL SQLSTATEs: connections, resources, shutdowns and conflicts heal; the rest stays", () => {
  for (const code of ["08006", "08001", "53100", "53300", "57P01", "57P02", "57P03", "40001"]) {
    assertEquals(verdict(failure("pg", { code, severity: "FATAL" })), HEALS, code);
  }
  assertEquals(verdict(failure("deadlock", { code: "40P01" })), HEALS);
  assertEquals(verdict(failure("read-only (a failover's old primary)", { code: "25006" })), HEALS);
  for (const code of ["28P01", "28000", "42P01", "42601", "42501", "23505", "23503", "22P02"]) {
    assertEquals(verdict(failure("pg", { code, severity: "ERROR" })), STAYS, code);
  }
  assertEquals(verdict(failure("database dropped", { code: "57P04" })), STAYS);
  assertEquals(classifyError(failure("auth", { code: "28P01" })).reason, "SQLSTATE 28P01");
});

Deno.test("HTTP: 429 and 5xx heal, other 4xx do not", () => {
  for (const status of [408, 429, 500, 502, 503, 504]) {
    assertEquals(verdict(failure("http", { status })), HEALS, String(status));
  }
  for (const status of [400, 401, 403, 404, 501]) {
    assertEquals(verdict(failure("http", { status })), STAYS, String(status));
  }
  assertEquals(verdict(failure("http", { statusCode: 503 })), HEALS);
});

Deno.test("the cause chain is walked; the outermost error that says something decides", () => {
  const refused = failure("connect ECONNREFUSED 127.0.0.1:5432", { code: "ECONNREFUSED" });
  const wrapped = new Error("Cannot connect to PostgreSQL at db:5432", { cause: refused });
  const twice = new Error("Cannot commit tick 3", { cause: wrapped });
  assertEquals(verdict(twice), HEALS);
  assertEquals(classifyError(twice).reason, "ECONNREFUSED");
  // A sink's own word wins over what its cause says.
  const refusedForGood = new SinkError("The API key was refused", {
    healable: false,
    cause: twice,
  });
  assertEquals(verdict(refusedForGood), STAYS);
  assertEquals(verdict(new SinkError("throttled", { healable: true })), HEALS);
  // Any error may say it with a `healable` property (plugins that import nothing).
  assertEquals(verdict(failure("quota", { healable: false })), STAYS);
  // Several addresses tried (AggregateError): healable if one attempt can heal.
  const both = new AggregateError([failure("v6", { code: "EACCES" }), refused], "connect");
  assertEquals(verdict(both), HEALS);
  // A cycle of causes ends.
  const a = new Error("a");
  const b = new Error("b", { cause: a });
  (a as { cause?: unknown }).cause = b;
  assertEquals(verdict(a), { healable: true, recognized: false });
});

Deno.test("an error that says nothing is healable, and says it was not recognized", () => {
  // fetch's failures are TypeErrors with an uncoded cause; node-postgres' lost connection
  // is a plain Error: both must be waited out.
  const fetchFailed = new TypeError("fetch failed", {
    cause: new Error("error sending request: tcp connect error: Connection refused"),
  });
  assertEquals(verdict(fetchFailed), { healable: true, recognized: false });
  assertEquals(verdict(new Error("Connection terminated unexpectedly")), {
    healable: true,
    recognized: false,
  });
  assertEquals(verdict("a string"), { healable: true, recognized: false });
  assertEquals(classifyError(undefined).reason, "not recognized, so retried");
});

Deno.test("a commit conflict is found anywhere in the cause chain", () => {
  const conflict = new CommitConflict("orders", "tablestream:orders:ab", 12, 9);
  assertEquals(
    conflict.message,
    'Table "orders" is at tick 12 of "tablestream:orders:ab", not at tick 9 as this writer ' +
      "expected: another writer commits to it",
  );
  const wrapped = new Error("Cannot commit tick 10", { cause: conflict });
  assertEquals(findCommitConflict(wrapped), conflict);
  assertEquals(findCommitConflict(new Error("other")), undefined);
});
