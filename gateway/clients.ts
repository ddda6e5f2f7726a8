// What the router does for web and mobile clients beyond Hive's options: the persisted-documents
// store and which answers the response cache may keep. Both are tested through the running
// router (tests/test_gateway_clients.py).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { GatewayPlugin } from "@graphql-hive/gateway";
import { type DocumentNode, Kind } from "graphql";
import { operationsOf } from "./persist.mjs";

/** The store written by persist.mjs: SHA-256 of an operation's text → that text. */
export function readPersistedDocuments(path: string): Map<string, string> {
  const store = JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
  return new Map(
    Object.entries(store).filter((entry): entry is [string, string] => typeof entry[1] === "string"),
  );
}

/**
 * The stored operation a request names: `documentId` (GraphQL-over-HTTP's persisted documents,
 * with or without a `sha256:` prefix) or Apollo's `extensions.persistedQuery.sha256Hash`.
 */
export function persistedDocumentId(params: {
  documentId?: unknown;
  extensions?: Record<string, unknown>;
}): string | null {
  const persisted = params.extensions?.persistedQuery as
    | { version?: unknown; sha256Hash?: unknown }
    | undefined;
  const id =
    params.documentId ?? (persisted?.version === 1 ? persisted.sha256Hash : undefined) ?? null;
  return typeof id === "string" ? id.replace(/^sha256:/, "") : null;
}

/**
 * The response cache's policy: only anonymous callers (no Authorization header) are answered
 * from or stored in the cache, and only queries whose every root field is one of `fields`
 * (public aggregates, the same for every anonymous caller) are stored. A caller with a token
 * has a session of its own and is never cached, so no answer is shared between callers.
 * Mutations and subscriptions are never cached (the cache keeps queries only).
 *
 * Hive looks the cache up first before the query is parsed (only anonymity is known then, and a
 * lookup can only find what was stored under this policy) and stores after the query ran, which
 * is after it was parsed and the plugin below has judged its root fields.
 */
export function publicCaching(fields: string[]) {
  const allowed = new Set(fields);
  const parsed = new WeakSet<Request>();
  const cacheable = new WeakSet<Request>();
  const anonymous = (request: Request | undefined) =>
    request !== undefined && !request.headers.get("authorization");
  const plugin = {
    onParse({ context }: { context: { request?: Request } }) {
      return ({ result }: { result: unknown }) => {
        const request = context.request;
        if (request === undefined) {
          return;
        }
        parsed.add(request);
        if (isDocument(result) && onlyPublicRootFields(result, allowed)) {
          cacheable.add(request);
        }
      };
    },
  } as GatewayPlugin;
  return {
    plugin,
    session: (request: Request) => request?.headers.get("authorization") ?? null,
    enabled: (request: Request) =>
      anonymous(request) && (!parsed.has(request) || cacheable.has(request)),
  };
}

function isDocument(value: unknown): value is DocumentNode {
  return (value as DocumentNode | undefined)?.kind === Kind.DOCUMENT;
}

function onlyPublicRootFields(document: DocumentNode, allowed: Set<string>): boolean {
  const operations = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
  return (
    operations.length > 0 &&
    operations.every(
      (operation) =>
        operation.operation === "query" &&
        operation.selectionSet.selections.every(
          (selection) =>
            selection.kind === Kind.FIELD &&
            (selection.name.value === "__typename" ||
              allowed.has(`Query.${selection.name.value}`)) &&
            (selection.directives ?? []).length === 0,
        ),
    )
  );
}

/**
 * GraphiQL's (Hive Laboratory's) example operations: one collection per file of `directory`
 * (gateway/operations, one file per role and page), described by the file's first comment line.
 */
export function exampleCollections(directory: string) {
  const createdAt = "2026-12-01T00:00:00.000Z";
  const files = new Map<string, { file: string; name: string; text: string }[]>();
  for (const operation of operationsOf(directory)) {
    files.set(operation.file, [...(files.get(operation.file) ?? []), operation]);
  }
  return [...files].map(([file, operations]) => {
    const comment = readFileSync(join(directory, file), "utf8").match(/^#\s*(.*)$/m)?.[1] ?? file;
    const [title, ...rest] = comment.split(". ");
    return {
      id: file,
      name: title.replace(/\.$/, ""),
      description: rest.join(". "),
      createdAt,
      operations: operations.map(({ name, text }) => ({
        id: `${file}#${name}`,
        name,
        description: comment,
        query: text,
        variables: "{}",
        headers: "{}",
        extensions: "{}",
        createdAt,
      })),
    };
  });
}
