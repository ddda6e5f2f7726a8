// Hive Gateway serving the supergraph composed by compose.mjs (see gateway/README.md).
// Everything is set from the environment, so the same file serves development and production.
import { maxAliasesPlugin } from "@escape.tech/graphql-armor-max-aliases";
import { createSecretKey } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { defineConfig } from "@graphql-hive/gateway";
import { openTelemetrySetup } from "@graphql-hive/gateway/opentelemetry/setup";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import {
  bearerToken,
  bearerTokenOfConnection,
  maskErrorsButNameUnavailableServices,
  publishedKeys,
  useCostLimit,
  useErrorCodes,
  useJwtWithCodes,
  useRequestBodyLimit,
  useCallerAuthorization,
  useRequiredClaims,
  useServiceDocuments,
  useServiceOnFailedCalls,
} from "./plugins.ts";
import {
  exampleCollections,
  persistedDocumentId,
  publicCaching,
  readPersistedDocuments,
} from "./clients.ts";

const env = process.env;
const production = env.ENVIRONMENT === "production";

// Local development only, and the same as DEV_JWT_SECRET in shared/src/shared/settings.py:
// tokens from `make token` must verify at the router and in every service alike.
const DEV_JWT_SECRET = "kompetanseloftet-local-development-secret-not-for-production";

function number(name: string, fallback: number): number {
  const value = env[name];
  if (value === undefined || value === "") {
    return fallback;
  }
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0) {
    throw new Error(`${name} must be a positive number, got ${JSON.stringify(value)}`);
  }
  return parsed;
}

function flag(name: string, fallback: boolean): boolean {
  const value = env[name];
  return value === undefined || value === "" ? fallback : ["1", "true", "yes"].includes(value);
}

function signingKeyProvider() {
  if (env.JWKS_URL) {
    return publishedKeys(env.JWKS_URL);
  }
  const secret = env.JWT_SECRET || DEV_JWT_SECRET;
  if (production && secret === DEV_JWT_SECRET) {
    throw new Error("ENVIRONMENT=production needs JWT_SECRET or JWKS_URL, not the dev secret");
  }
  // A key object rather than the string: given a string, jsonwebtoken first tries to read it as
  // a public key, which throws on every request before it falls back to a secret (about a
  // tenth of the router's CPU for a small mutation, BENCHMARKS.md). The plugin's type says
  // string; it hands the key to jsonwebtoken, which takes either.
  const key = createSecretKey(Buffer.from(secret));
  return () => key as unknown as string;
}

// Only what subgraphs need: the caller's token (they verify it again), the correlation id of
// the logs and the key that makes a retried mutation harmless.
const FORWARDED_HEADERS = ["authorization", "x-correlation-id", "idempotency-key"];

// The project's own operations (gateway/operations, stored by `node gateway/persist.mjs`), by hash.
const persistedDocuments = readPersistedDocuments(
  env.GATEWAY_PERSISTED_DOCUMENTS ||
    fileURLToPath(new URL("./persisted-documents.json", import.meta.url)),
);

// Anonymous answers of these public root fields are cached (see clients.ts, publicCaching).
const publicCache = publicCaching(
  (env.GATEWAY_CACHED_FIELDS ?? "Query.programmes,Query.programme,Query.institutions,Query.institution,Query.offerings,Query.offering,Query.counties,Query.educationTotals,Query.nationalOverview")
    .split(",")
    .map((field) => field.trim())
    .filter(Boolean),
);

// OpenTelemetry tracing, off unless an OTLP endpoint is set (the standard OTEL_EXPORTER_OTLP_*
// variables; OTEL_SERVICE_NAME names the router, "gateway" by default). When on, the router
// continues the client's trace (its traceparent header) and sends each subgraph a traceparent
// of the router's own span for that call; when off, subgraphs get no traceparent at all.
const tracing = Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
if (tracing) {
  openTelemetrySetup({
    contextManager: new AsyncLocalStorageContextManager(),
    resource: { serviceName: env.OTEL_SERVICE_NAME || "gateway" },
    traces: { exporter: new OTLPTraceExporter() },
    inheritContext: true,
    propagateContext: true,
  });
}

const readSupergraph = () => readFileSync(env.GATEWAY_SUPERGRAPH || "supergraph.graphql", "utf8");

export const gatewayConfig = defineConfig({
  // Read again every pollingInterval, and served when it changed; compose.mjs replaces the
  // file in one rename, so a half-written supergraph is never read. (Hive's own watcher of a
  // supergraph path reads the file on every write event, even a half-written one.)
  supergraph: readSupergraph,
  pollingInterval: number("GATEWAY_SUPERGRAPH_POLL_MS", 10_000),
  host: env.GATEWAY_HOST || "127.0.0.1",
  port: number("GATEWAY_PORT", 4000),
  healthCheckEndpoint: "/healthz",
  readinessCheckEndpoint: "/readyz",
  landingPage: false,

  propagateHeaders: {
    fromClientToSubgraphs: ({ request }) =>
      Object.fromEntries(FORWARDED_HEADERS.map((name) => [name, request.headers.get(name)])),
  },
  // Hive's request id is our correlation id: taken from the client or made up, then forwarded.
  requestId: { headerName: "x-correlation-id" },

  // Hive's Laboratory, from the installed package, with each role's example operations.
  graphiql: flag("GATEWAY_GRAPHIQL", !production)
    ? {
        title: "Kompetanseløftet",
        defaultCollections: exampleCollections(
          fileURLToPath(new URL("./operations", import.meta.url)),
        ),
      }
    : false,
  disableIntrospection: flag("GATEWAY_INTROSPECTION", !production) ? undefined : {},
  csrfPrevention: { requestHeaders: ["x-graphql-csrf", "graphql-client-name"] },
  blockFieldSuggestions: production,
  maxTokens: number("GATEWAY_MAX_TOKENS", 2000),
  maxDepth: number("GATEWAY_MAX_DEPTH", 10),
  upstreamTimeout: number("GATEWAY_SUBGRAPH_TIMEOUT_MS", 10_000),
  subgraphErrors: { errorCode: false, subgraphNameProp: "service" },
  maskedErrors: { maskError: maskErrorsButNameUnavailableServices },
  // A second identical query while the first is in flight shares its answer, but only with
  // the same caller: the key includes the Authorization header (and nothing else of the headers).
  inboundInflightRequestDeduplication: {
    shouldIncludeHeader: (name) => name === "authorization",
  },
  prometheus: { metrics: true },
  ...(tracing ? { openTelemetry: { traces: true } } : {}),
  // Clients send a stored operation's hash instead of its text. In production only those
  // operations run (GATEWAY_ARBITRARY_DOCUMENTS=true opens it); in development anything does.
  persistedDocuments: {
    getPersistedOperation: (id: string) => persistedDocuments.get(id) ?? null,
    extractPersistedOperationId: persistedDocumentId,
    allowArbitraryDocuments: flag("GATEWAY_ARBITRARY_DOCUMENTS", !production),
    customErrors: {
      // Neither the text nor a stored operation's id: a malformed request, as without Hive's plugin.
      keyNotFound: {
        message: "the request has no query (nor the documentId of a stored operation)",
        extensions: { code: "BAD_REQUEST", http: { status: 400 } },
      },
      persistedQueryOnly: {
        message: "only stored operations run here: send the operation's documentId, not its text",
        extensions: { code: "PERSISTED_QUERY_ID_REQUIRED", http: { status: 400 } },
      },
    },
  },
  // Anonymous queries of public aggregates only, for GATEWAY_RESPONSE_CACHE_TTL_MS (10 s) in
  // this process's memory; a caller with a token is never answered from the cache.
  responseCaching: {
    session: publicCache.session,
    enabled: publicCache.enabled,
    ttl: number("GATEWAY_RESPONSE_CACHE_TTL_MS", 10_000),
    includeExtensionMetadata: false,
  },
  // Subscriptions reach the subgraphs over graphql-transport-ws on their own /graphql; clients
  // subscribe over graphql-transport-ws or SSE at the router's /graphql.
  transportEntries: {
    "*.http": {
      options: {
        subscriptions: {
          kind: "ws",
          location: "/graphql",
          options: { connectionParams: { authorization: "{context.callerAuthorization}" } },
        },
      },
    },
  },
  plugins: () => [
    useRequestBodyLimit(number("GATEWAY_MAX_BODY_BYTES", 256 * 1024)),
    // GET /<service>/documents/<id>: a document a service keeps, with the caller's token.
    useServiceDocuments(readSupergraph),
    useJwtWithCodes({
      signingKeyProviders: [signingKeyProvider()],
      tokenLookupLocations: [bearerToken, bearerTokenOfConnection],
      tokenVerification: {
        algorithms: [env.JWKS_URL ? "RS256" : "HS256"],
        ...(env.JWT_AUDIENCE ? { audience: env.JWT_AUDIENCE } : {}),
        ...(env.JWT_ISSUER ? { issuer: env.JWT_ISSUER } : {}),
      },
      // No token is a public caller: the subgraphs decide what anonymous callers may read.
      reject: { missingToken: false, invalidToken: true },
    }),
    useCallerAuthorization(),
    useRequiredClaims(["sub", "exp"]),
    maxAliasesPlugin({ n: number("GATEWAY_MAX_ALIASES", 30) }),
    // Every object costs 1 and a list multiplies what is below it by its estimated size: the
    // reference data's counts for municipalities and counties, a handful for other lists. So
    // counties → municipalities → county → municipalities (≈ 15 · 46 · 46) is refused before
    // any subgraph is called; every municipality's applications with their histories is not.
    // The subgraphs enforce the same estimates (shared/src/shared/query_limits.py).
    useCostLimit({
      maxCost: number("GATEWAY_MAX_COST", 25_000),
      listSizes: {
        "Query.municipalities": 357,
        "Query.counties": 15,
        "NationalOverview.counties": 15,
        "County.municipalities": 46, // the largest county, Innlandet
      },
      defaultListSize: number("GATEWAY_DEFAULT_LIST_SIZE", 5),
    }),
    useServiceOnFailedCalls(),
    useErrorCodes(),
    publicCache.plugin,
  ],
});
