// A bare Hive Gateway for the router benchmark (tests/bench/bench_router.py): the same
// supergraph as the project's router, none of its plugins, limits, authentication or caching.
// It forwards the caller's token only, so that subgraphs do the same work for both routers.
// No import: the file is loaded from outside gateway/node_modules.
export const gatewayConfig = {
  supergraph: process.env.GATEWAY_SUPERGRAPH,
  host: "127.0.0.1",
  port: Number(process.env.GATEWAY_PORT),
  readinessCheckEndpoint: "/readyz",
  propagateHeaders: {
    fromClientToSubgraphs: ({ request }: { request: Request }) => ({
      authorization: request.headers.get("authorization"),
    }),
  },
};
