// The few things the router needs beyond Hive Gateway's own options; each has an end-to-end
// test through the running router (tests/test_gateway_*.py).
import { generateKeyPairSync } from "node:crypto";
import { createRemoteJwksSigningKeyProvider, type GatewayPlugin } from "@graphql-hive/gateway";
import { type JwtPluginOptions, useJWT } from "@graphql-yoga/plugin-jwt";
import {
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  GraphQLError,
  type GraphQLOutputType,
  type SelectionSetNode,
  type ValidationContext,
  getNamedType,
  isCompositeType,
  isListType,
  isNonNullType,
  isObjectType,
  isInterfaceType,
  Kind,
} from "graphql";
import { maskError } from "graphql-yoga";

/**
 * The JWT plugin Hive's `jwt` option wraps, its refusals carrying `extensions.code =
 * UNAUTHENTICATED` on every transport (over WebSockets they skip the HTTP result processing
 * that `useErrorCodes` does). Used directly, it also sends subgraphs no copy of the claims:
 * they verify the forwarded token themselves.
 */
export function useJwtWithCodes(options: JwtPluginOptions): GatewayPlugin {
  const plugin = useJWT(options) as GatewayPlugin;
  return {
    ...plugin,
    onRequestParse: (payload) => withCode(() => plugin.onRequestParse?.(payload)),
    onContextBuilding: (payload) => withCode(() => plugin.onContextBuilding?.(payload)),
  } as GatewayPlugin;
}

function withCode<T>(hook: () => T): T {
  try {
    const result = hook();
    return result instanceof Promise ? (result.catch(rethrowWithCode) as T) : result;
  } catch (error) {
    return rethrowWithCode(error);
  }
}

function rethrowWithCode(error: unknown): never {
  const extensions = (error as GraphQLError)?.extensions as Extensions | undefined;
  if (error instanceof GraphQLError && extensions?.code === undefined && extensions?.http) {
    throw unauthenticated(error.message);
  }
  throw error;
}

/** The `Authorization` header as `Bearer <JWT>`; anything else is refused, never ignored. */
export function bearerToken({ request }: { request: Request }) {
  const header = request?.headers.get("authorization");
  return header == null ? undefined : parseBearer(header);
}

/** WebSocket clients (browsers cannot set headers there) send it in the connection_init payload. */
export function bearerTokenOfConnection({ serverContext }: { serverContext: unknown }) {
  const authorization = connectionAuthorization(serverContext);
  return authorization === undefined ? undefined : parseBearer(authorization);
}

function connectionAuthorization(context: unknown): string | undefined {
  const params = (context as { connectionParams?: Record<string, unknown> })?.connectionParams;
  const value = params?.authorization ?? params?.Authorization;
  return typeof value === "string" ? value : undefined;
}

function parseBearer(authorization: string) {
  const [scheme, token, ...rest] = authorization.trim().split(/\s+/);
  if (scheme?.toLowerCase() !== "bearer" || !token || rest.length > 0 || !looksLikeJwt(token)) {
    throw unauthenticated("the Authorization header must be 'Bearer <JWT>'");
  }
  return { prefix: "Bearer", token };
}

/**
 * `context.callerAuthorization`: the caller's `Authorization`, from the header or, over a
 * WebSocket, from the connection_init payload. Subscriptions pass it on to the subgraph in their
 * own connection_init, so each caller has a connection of its own to the subgraph.
 */
export function useCallerAuthorization(): GatewayPlugin {
  return {
    onContextBuilding({ context, extendContext }) {
      const header = (context as { request?: Request }).request?.headers.get("authorization");
      const callerAuthorization = header ?? connectionAuthorization(context);
      if (callerAuthorization) {
        extendContext({ callerAuthorization } as never);
      }
    },
  };
}

function looksLikeJwt(token: string): boolean {
  const [header, payload, signature] = token.split(".");
  if (signature === undefined) {
    return false;
  }
  try {
    JSON.parse(Buffer.from(header, "base64url").toString());
    JSON.parse(Buffer.from(payload, "base64url").toString());
    return true;
  } catch {
    return false;
  }
}

/**
 * The identity provider's RS256 keys from its JWKS URL. A token naming a key the provider does
 * not publish gets a key that verifies nothing, so it is refused as UNAUTHENTICATED like any
 * forged token (Hive's JWT plugin would otherwise answer with an internal error).
 */
export function publishedKeys(jwksUri: string) {
  const published = createRemoteJwksSigningKeyProvider({ jwksUri, cache: true });
  const verifiesNothing = generateKeyPairSync("rsa", { modulusLength: 2048 })
    .publicKey.export({ type: "spki", format: "pem" })
    .toString();
  return async (kid?: string): Promise<string> => {
    try {
      return await published(kid);
    } catch (error) {
      if ((error as Error)?.name === "SigningKeyNotFoundError") {
        return verifiesNothing;
      }
      throw error; // the provider is unreachable: an error of ours, not the caller's
    }
  };
}

function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: "UNAUTHENTICATED", http: { status: 401 } },
  });
}

/**
 * A verified token must also say who (`sub`) and until when (`exp`), as the services require;
 * checked here so such a token reaches no subgraph. Runs after the JWT plugin has verified it.
 */
export function useRequiredClaims(claims: string[]): GatewayPlugin {
  return {
    onContextBuilding({ context }) {
      const payload = (context as { jwt?: { payload?: Record<string, unknown> } }).jwt?.payload;
      const missing = payload ? claims.filter((claim) => payload[claim] == null) : [];
      if (missing.length > 0) {
        throw unauthenticated(`the token lacks the claims ${missing.join(", ")}`);
      }
    },
  };
}

/** Refuses a request whose declared body is larger than `maxBytes`, before reading it. */
export function useRequestBodyLimit(maxBytes: number): GatewayPlugin {
  return {
    onRequest({ request, endResponse }) {
      const length = Number(request.headers.get("content-length") ?? 0);
      if (length > maxBytes) {
        const message = `the request body of ${length} bytes exceeds the limit of ${maxBytes}`;
        endResponse(
          Response.json(
            { errors: [{ message, extensions: { code: "BAD_REQUEST" } }] },
            { status: 413 },
          ),
        );
      }
    },
  };
}

type Extensions = Record<string, unknown> & { code?: unknown; http?: { status?: number } };

// How Hive reports a subgraph it could not reach in time, or at all.
const UNREACHABLE = new Set(["SUBREQUEST_HTTP_ERROR", "GATEWAY_TIMEOUT"]);

/**
 * Hive's error masking (no stack traces or internals to clients), except that a subgraph it
 * could not reach becomes `UNAVAILABLE` naming the service (`extensions.service`, set by the
 * `subgraphErrors` option) on the fields that subgraph owns, so the rest of the data arrives.
 */
export function maskErrorsButNameUnavailableServices(
  error: unknown,
  message: string,
  isDev?: boolean,
): Error {
  const located = error instanceof GraphQLError ? error : undefined;
  const cause = located?.originalError instanceof GraphQLError ? located.originalError : located;
  const extensions = (cause?.extensions ?? {}) as Extensions;
  if (located && UNREACHABLE.has(String(extensions.code))) {
    const service = String(extensions.service ?? "a subgraph");
    return new GraphQLError(`the ${service} service is unavailable`, {
      nodes: located.nodes,
      path: located.path,
      extensions: { code: "UNAVAILABLE", service },
    });
  }
  return maskError(error, message, isDev);
}

/**
 * A subgraph call that fails as a whole (e.g. Hive's upstream timeout, which is thrown rather
 * than answered) names the subgraph in `extensions.service`, as `subgraphErrors` does for
 * errors the subgraph answered with.
 */
export function useServiceOnFailedCalls(): GatewayPlugin {
  return {
    onSubgraphExecute({ subgraphName, executor, setExecutor }) {
      const naming = (error: unknown): never => {
        throw error instanceof GraphQLError && error.extensions?.service === undefined
          ? new GraphQLError(error.message, {
              ...error,
              extensions: { ...error.extensions, service: subgraphName },
            })
          : error;
      };
      setExecutor((request) => {
        try {
          const result = executor(request);
          return result instanceof Promise ? result.catch(naming) : result;
        } catch (error) {
          return naming(error);
        }
      });
    },
  } as GatewayPlugin;
}

/**
 * Every error a client sees carries `extensions.code` (the client contract): the JWT plugin's refusals
 * become `UNAUTHENTICATED`, anything else the client got wrong (e.g. a variable of the wrong
 * type) `BAD_USER_INPUT`, with `extensions.field` naming the field when it is a variable's.
 */
export function useErrorCodes(): GatewayPlugin {
  return {
    onResultProcess({ result }) {
      for (const single of Array.isArray(result) ? result : [result]) {
        const errors = (single as { errors?: { message?: string; extensions?: Extensions }[] })
          ?.errors;
        for (const error of errors ?? []) {
          const extensions = (error.extensions ??= {}) as Extensions;
          extensions.code ??= codeFor(extensions.http?.status);
          if (extensions.code === "BAD_USER_INPUT" && extensions.field === undefined) {
            const field = variableErrorField(String(error.message ?? ""));
            if (field !== undefined) {
              extensions.field = field;
            }
          }
        }
      }
    },
  };
}

/**
 * The client's field a variable error of graphql-js is about: a required input field not
 * provided, else the innermost field of the path (`at "i[0].municipality"`), else the variable.
 */
export function variableErrorField(message: string): string | undefined {
  const variable = /^Variable "\$(\w+)"/.exec(message);
  if (variable === null) {
    return undefined;
  }
  const missing = /; Field "(\w+)" of required type/.exec(message);
  if (missing !== null) {
    return missing[1];
  }
  const path = / at "([\w.[\]]+)"; /.exec(message);
  const names = path === null ? [] : [...path[1].matchAll(/\.(\w+)/g)].map((m) => m[1]);
  return names.at(-1) ?? variable[1];
}

function codeFor(status: number | undefined): string {
  if (status === 401) {
    return "UNAUTHENTICATED";
  }
  return status != null && status >= 400 && status < 500 ? "BAD_USER_INPUT" : "INTERNAL_SERVER_ERROR";
}

interface CostLimit {
  maxCost: number;
  /** Estimated sizes of the lists that can be long, by `Type.field`. */
  listSizes: Record<string, number>;
  /** The estimate for any other list. */
  defaultListSize: number;
}

/**
 * Refuses, before anything is planned or sent, an operation whose estimated cost exceeds
 * `maxCost`: every object costs 1, and a list multiplies what is below it by its estimated
 * size. Counting fields is not enough: nesting lists multiplies the work. (Hive's own
 * `demandControl` in 2.15.1 does not multiply `[T!]!` lists, the kind all our lists are.)
 */
export function useCostLimit(limit: CostLimit) {
  const { maxCost } = limit;
  const rule = (context: ValidationContext) => ({
    OperationDefinition: {
      enter(operation: { selectionSet: SelectionSetNode; operation: string }) {
        const root = context.getSchema().getRootType(operation.operation as never);
        if (!root) {
          return;
        }
        const cost = selectionCost(operation.selectionSet, root, context, limit, new Map());
        if (cost > maxCost) {
          context.reportError(
            new GraphQLError(`the query's estimated cost ${cost} exceeds the limit of ${maxCost}`, {
              extensions: { code: "COST_LIMIT_EXCEEDED", cost: { estimated: cost, max: maxCost } },
            }),
          );
        }
      },
    },
  });
  return {
    onValidate({ addValidationRule }: { addValidationRule: (rule: unknown) => void }) {
      addValidationRule(rule);
    },
  } as GatewayPlugin;
}

function selectionCost(
  selectionSet: SelectionSetNode,
  parent: GraphQLCompositeType,
  context: ValidationContext,
  limit: CostLimit,
  fragments: Map<string, number>,
): number {
  let total = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      const fields = isObjectType(parent) || isInterfaceType(parent) ? parent.getFields() : {};
      const field = fields[selection.name.value];
      if (!field) {
        continue; // __typename, or an unknown field that validation reports anyway
      }
      const named = getNamedType(field.type);
      const below =
        selection.selectionSet && isCompositeType(named)
          ? selectionCost(selection.selectionSet, named, context, limit, fragments)
          : 0;
      const own = isCompositeType(named) ? 1 : 0;
      const size = listSize(limit, parent.name, field.name);
      total += listFactor(field.type, size, limit.defaultListSize) * (own + below);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      const condition = selection.typeCondition
        ? context.getSchema().getType(selection.typeCondition.name.value)
        : parent;
      if (condition && isCompositeType(condition)) {
        total += selectionCost(selection.selectionSet, condition, context, limit, fragments);
      }
    } else {
      total += fragmentCost(context.getFragment(selection.name.value), context, limit, fragments);
    }
  }
  return total;
}

/** A connection's page is at most `first` ≤ 100 edges (shared/src/shared/connections.py). */
const CONNECTION_PAGE = 100;

function listSize(limit: CostLimit, parent: string, field: string): number {
  const named = limit.listSizes[`${parent}.${field}`];
  if (named !== undefined) {
    return named;
  }
  const page = parent.endsWith("Connection") && field === "edges";
  return page ? CONNECTION_PAGE : limit.defaultListSize;
}

function fragmentCost(
  fragment: FragmentDefinitionNode | null | undefined,
  context: ValidationContext,
  limit: CostLimit,
  fragments: Map<string, number>,
): number {
  if (!fragment) {
    return 0;
  }
  const name = fragment.name.value;
  if (!fragments.has(name)) {
    fragments.set(name, 0); // a cycle adds nothing; validation refuses it anyway
    const type = context.getSchema().getType(fragment.typeCondition.name.value);
    if (type && isCompositeType(type)) {
      fragments.set(name, selectionCost(fragment.selectionSet, type, context, limit, fragments));
    }
  }
  return fragments.get(name) ?? 0;
}

function listFactor(type: GraphQLOutputType, size: number, innerSize: number): number {
  let factor = 1;
  for (let current = type; ; current = current.ofType) {
    if (isListType(current)) {
      factor *= size;
      size = innerSize; // a list of lists: short inner ones
    } else if (!isNonNullType(current)) {
      return factor;
    }
  }
}

/**
 * Documents a service keeps (a grant's decision letter): `GET /<service>/documents/<id>` is
 * forwarded, with the caller's Authorization and correlation id only, to that service's
 * `/documents/<id>`, and its answer returned as it is. The service authorizes the download as
 * it does the data, so the router adds no rule of its own. Where the service is comes from the
 * supergraph (its `join__graph` url), read when asked, so a recomposed supergraph is followed.
 */
export function useServiceDocuments(supergraph: () => string): GatewayPlugin {
  return {
    async onRequest({ request, url, endResponse }) {
      const match = /^\/([a-z][a-z0-9-]*)\/documents\/([^/]+)$/.exec(url.pathname);
      if (!match || request.method !== "GET") {
        return;
      }
      const base = subgraphUrl(supergraph(), match[1]);
      if (base === undefined) {
        const message = `no service ${match[1]} keeps documents`;
        endResponse(
          Response.json({ errors: [{ message, extensions: { code: "NOT_FOUND" } }] }, { status: 404 }),
        );
        return;
      }
      const headers = new Headers();
      for (const name of ["authorization", "x-correlation-id"]) {
        const value = request.headers.get(name);
        if (value !== null) {
          headers.set(name, value);
        }
      }
      const answer = await fetch(new URL(`/documents/${match[2]}`, base), { headers });
      endResponse(
        new Response(answer.body, {
          status: answer.status,
          headers: {
            "content-type": answer.headers.get("content-type") ?? "application/octet-stream",
            ...(answer.headers.has("content-disposition")
              ? { "content-disposition": answer.headers.get("content-disposition") as string }
              : {}),
          },
        }),
      );
    },
  };
}

function subgraphUrl(supergraph: string, name: string): string | undefined {
  for (const graph of supergraph.matchAll(/@join__graph\(\s*name:\s*"([^"]+)"\s*,\s*url:\s*"([^"]+)"/g)) {
    if (graph[1] === name) {
      return graph[2];
    }
  }
  return undefined;
}
