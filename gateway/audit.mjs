// The GraphQL-over-HTTP conformance audit (graphql-http's server audits) against a running
// router. Usage: node audit.mjs http://127.0.0.1:8000/graphql
// Prints one JSON line per audit: {"id", "name", "status": "ok" | "notice" | "warn" | "error",
// "reason"}; the caller decides what must pass.
//
// Every audit request carries the router's CSRF header, as the platform's clients do: without
// it the router refuses GET requests (CSRF prevention), which is not what the audit is about.
import { auditServer } from "graphql-http";

const CSRF_HEADER = "x-graphql-csrf";

function fetchAsAClient(input, init = {}) {
  const headers = new Headers(init.headers);
  headers.set(CSRF_HEADER, "1");
  return fetch(input, { ...init, headers });
}

const [url] = process.argv.slice(2);
if (!url) {
  console.error("usage: node audit.mjs <graphql url>");
  process.exit(2);
}
for (const { id, name, status, reason } of await auditServer({ url, fetchFn: fetchAsAClient })) {
  console.log(JSON.stringify({ id, name, status, reason: reason ?? null }));
}
