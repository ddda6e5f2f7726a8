// The persisted-documents store: every operation in operations/*.graphql (the project's own
// clients' operations and GraphiQL's examples), by the SHA-256 of its printed text.
//
// Usage: node persist.mjs [--operations DIR] [--out FILE] [--check]
// Defaults: operations/ and persisted-documents.json next to this file. --check: exit 1 when FILE
// is not what DIR gives (the committed store is stale), without writing.
// Clients send {"documentId": "<sha256>"} or the extension
// {"persistedQuery": {"version": 1, "sha256Hash": "<sha256>"}} instead of the query text.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { Kind, parse, print } from "graphql";

const here = dirname(fileURLToPath(import.meta.url));

/** Each operation of each file, printed on its own with the fragments it uses. */
export function operationsOf(directory) {
  const operations = [];
  for (const file of readdirSync(directory).filter((name) => name.endsWith(".graphql")).sort()) {
    const document = parse(readFileSync(join(directory, file), "utf8"));
    const fragments = document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION);
    for (const definition of document.definitions) {
      if (definition.kind === Kind.OPERATION_DEFINITION) {
        if (!definition.name) {
          throw new Error(`${file}: every operation needs a name`);
        }
        const text = print({ kind: Kind.DOCUMENT, definitions: [definition, ...fragments] });
        operations.push({ file, name: definition.name.value, text, hash: sha256(text) });
      }
    }
  }
  return operations;
}

export function sha256(text) {
  return createHash("sha256").update(text).digest("hex");
}

function storeOf(operations) {
  const store = Object.fromEntries(operations.map(({ hash, text }) => [hash, text]));
  return `${JSON.stringify(store, Object.keys(store).sort(), 2)}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      operations: { type: "string", default: join(here, "operations") },
      out: { type: "string", default: join(here, "persisted-documents.json") },
      check: { type: "boolean", default: false },
    },
  });
  const operations = operationsOf(values.operations);
  const store = storeOf(operations);
  if (values.check) {
    let current = "";
    try {
      current = readFileSync(values.out, "utf8");
    } catch {}
    if (current !== store) {
      console.error(`${values.out} is stale: run node gateway/persist.mjs`);
      process.exit(1);
    }
  } else {
    writeFileSync(`${values.out}.tmp`, store);
    renameSync(`${values.out}.tmp`, values.out);
  }
  for (const { file, name, hash } of operations) {
    console.log(`${hash}  ${file} ${name}`);
  }
}
