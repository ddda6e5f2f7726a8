// Composes the supergraph the router serves, from each subgraph's own SDL, with
// @theguild/federation-composition (the library Hive Gateway itself uses).
//
// Usage: node compose.mjs --out supergraph.graphql [--wait SECONDS] [--sdl-dir DIR] name=URL ...
// URL is where the router will send that subgraph's operations. Each subgraph is asked for
// `{ _service { sdl } }` there (retried until --wait seconds have passed, since subgraphs start
// in any order), or, with --sdl-dir, its SDL is read from DIR/<name>.graphql: a reviewed release
// instead of whatever happens to be running.
// Exit 0: the supergraph is written. Exit 1: the reasons are on stderr and the file is untouched,
// so a router keeps serving the last good supergraph. Exit 2: wrong usage.
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { composeServices } from "@theguild/federation-composition";
import { parse } from "graphql";

const SDL_QUERY = "{ _service { sdl } }";

class CompositionFailure extends Error {}

function subgraphArguments(positionals) {
  return positionals.map((argument) => {
    const at = argument.indexOf("=");
    if (at < 1) {
      throw new CompositionFailure(`expected name=url, got ${JSON.stringify(argument)}`);
    }
    return { name: argument.slice(0, at), url: argument.slice(at + 1) };
  });
}

async function askForSdl(url) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify({ query: SDL_QUERY }),
  });
  const body = await response.json();
  const sdl = body?.data?._service?.sdl;
  if (typeof sdl !== "string") {
    throw new Error(`no SDL in the answer (HTTP ${response.status}): ${JSON.stringify(body)}`);
  }
  return sdl;
}

async function fetchSdl(name, url, deadline) {
  let delay = 100;
  for (;;) {
    try {
      return await askForSdl(url);
    } catch (error) {
      if (Date.now() + delay > deadline) {
        throw new CompositionFailure(`subgraph ${name} at ${url} gave no SDL: ${error.message}`);
      }
    }
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, 2000);
  }
}

function readSdlFile(name, directory) {
  const path = join(directory, `${name}.graphql`);
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    throw new CompositionFailure(`subgraph ${name}: cannot read ${path}: ${error.message}`);
  }
}

async function compose(subgraphs, { wait, sdlDir }) {
  const deadline = Date.now() + Number(wait) * 1000;
  const sdls = await Promise.all(
    subgraphs.map(({ name, url }) => (sdlDir ? readSdlFile(name, sdlDir) : fetchSdl(name, url, deadline))),
  );
  const services = subgraphs.map(({ name, url }, index) => ({
    name,
    url,
    typeDefs: parse(sdls[index]),
  }));
  const result = composeServices(services);
  if (result.errors) {
    const reasons = result.errors.map((e) => `${e.extensions?.code ?? "ERROR"}: ${e.message}`);
    throw new CompositionFailure(`the subgraphs do not compose:\n${reasons.join("\n")}`);
  }
  return result.supergraphSdl;
}

async function main() {
  const { values, positionals } = parseArgs({
    options: {
      out: { type: "string" },
      wait: { type: "string", default: "0" },
      "sdl-dir": { type: "string" },
    },
    allowPositionals: true,
  });
  if (!values.out || positionals.length === 0) {
    console.error("usage: node compose.mjs --out FILE [--wait S] [--sdl-dir DIR] name=url ...");
    process.exit(2);
  }
  try {
    const supergraph = await compose(subgraphArguments(positionals), {
      wait: values.wait,
      sdlDir: values["sdl-dir"],
    });
    // Replaced in one rename, so a router reading it never sees half a supergraph.
    const partial = `${values.out}.${process.pid}.partial`;
    writeFileSync(partial, supergraph);
    renameSync(partial, values.out);
    console.error(`supergraph of ${positionals.length} subgraphs written to ${values.out}`);
  } catch (error) {
    if (!(error instanceof CompositionFailure)) {
      throw error;
    }
    console.error(`composition failed: ${error.message}`);
    process.exit(1);
  }
}

await main();
