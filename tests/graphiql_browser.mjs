// Drives Debian's chromium, headless, through the router's GraphiQL (Hive Laboratory) as a
// person would: open it, pick an example operation from a collection, run it, read the answer on
// the page. Every request the page makes is recorded; any that would leave this machine is
// blocked and reported. Used by tests/test_end_to_end.py.
//
// Usage: node tests/graphiql_browser.mjs ROUTER_URL COLLECTION OPERATION EXPECTED_TEXT
// Prints one JSON object: {"answered": bool, "requests": [...], "external": [...]}.
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const gateway = fileURLToPath(new URL("../gateway/package.json", import.meta.url));
const { chromium } = createRequire(gateway)("playwright-core");

const [routerUrl, collection, operation, expected] = process.argv.slice(2);
const LOCAL_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);
const isLocal = (url) => {
  const { protocol, hostname } = new URL(url);
  return ["data:", "blob:"].includes(protocol) || LOCAL_HOSTS.has(hostname);
};

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
  ],
});
const requests = [];
const external = [];
let answered = false;
try {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  context.on("request", (request) => requests.push(request.url().slice(0, 200)));
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (isLocal(url)) {
      return route.continue();
    }
    external.push(url);
    return route.abort();
  });
  const page = await context.newPage();
  await page.goto(`${routerUrl}/graphql`, { waitUntil: "networkidle" });
  await page.getByText(collection).first().click();
  await page.getByText(operation, { exact: true }).first().click();
  await page.getByRole("button", { name: "Run", exact: true }).click();
  await page.getByText(expected).first().waitFor({ timeout: 30_000 });
  answered = true;
} finally {
  await browser.close();
  console.log(JSON.stringify({ answered, requests: [...new Set(requests)], external }));
}
