// Composes Federation-2 subgraph SDL files with @theguild/federation-composition (the library
// Hive Gateway uses): an independent oracle for the gateway's own composition.
// Usage: node compose.mjs education=path/to/education.graphql grants=path/to/grants.graphql
// Prints the supergraph SDL and exits 0, or prints the composition errors and exits 1.
import { readFileSync } from "node:fs";
import { composeServices } from "@theguild/federation-composition";
import { parse } from "graphql";

function service(argument) {
  const at = argument.indexOf("=");
  if (at < 1) {
    throw new Error(`expected name=path, got ${JSON.stringify(argument)}`);
  }
  const name = argument.slice(0, at);
  const typeDefs = parse(readFileSync(argument.slice(at + 1), "utf8"));
  return { name, typeDefs };
}

const services = process.argv.slice(2).map(service);
if (services.length === 0) {
  console.error("usage: node compose.mjs name=path.graphql [name=path.graphql ...]");
  process.exit(2);
}
const result = composeServices(services);
if (result.errors) {
  for (const error of result.errors) {
    console.error(`${error.extensions?.code ?? "ERROR"}: ${error.message}`);
  }
  process.exit(1);
}
console.log(result.supergraphSdl);
