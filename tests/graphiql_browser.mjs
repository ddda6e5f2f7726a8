// Drives Debian's chromium, headless, through the router's GraphiQL (Hive Laboratory) as a
// person would: open it, pick an example operation from a collection, run it, read the answer on
// the page. Every request the page makes is recorded; any that would leave this machine is
// blocked and reported. Used by tests/test_end_to_end.py.
//
// Usage: node tests/graphiql_browser.mjs ROUTER_URL COLLECTION OPERATION ROOT_FIELD
// Prints one JSON object: {"answer": the operation's answer as the browser received it,
// "shown": the first item's name, once it is visible on the page, "requests": [...],
// "external": [...], "posted": [...]}. (The answer pane is an editor that renders only its
// visible lines, so the first item is what is looked for on the page.)
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const gateway = fileURLToPath(new URL("../gateway/package.json", import.meta.url));
const { chromium } = createRequire(gateway)("playwright-core");

const [routerUrl, collection, operation, rootField] = process.argv.slice(2);
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
const posted = []; // the start of every POST body, to tell what Run sent when a check fails
let answer = null;
let shown = null;
try {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  context.on("request", (request) => {
    requests.push(request.url().slice(0, 200));
    if (request.method() === "POST") posted.push((request.postData() ?? "").slice(0, 120));
  });
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (isLocal(url)) {
      return route.continue();
    }
    external.push(url);
    return route.abort();
  });
  const page = await context.newPage();
  // Generous bounds: on a loaded 2-core machine the page's scripts can take long to render.
  page.setDefaultTimeout(120_000);
  // A page that did not render its collections (seen once in a full run, where the router had
  // just seen subgraphs stop and start) is loaded again, as a person would reload it.
  for (let load = 1; ; load += 1) {
    await page.goto(`${routerUrl}/graphql`, { waitUntil: "networkidle" });
    try {
      await page.getByText(collection).first().waitFor({ timeout: 40_000 });
      break;
    } catch (error) {
      if (load >= 3) {
        console.error((await page.content()).slice(0, 2000));
        throw error;
      }
    }
  }
  await page.getByText(collection).first().click();
  await page.getByText(operation, { exact: true }).first().click();
  // The operation opens in a new editor tab; on a loaded machine the Run button can be clicked
  // before the tab holds the operation, and that click runs nothing. A person clicks again, so
  // the script does too, until the operation's own request is answered (each try bounded).
  const isAnswer = (response) =>
    response.url() === `${routerUrl}/graphql` &&
    response.request().method() === "POST" &&
    (response.request().postData() ?? "").includes(`query ${operation}`);
  for (let attempt = 1; answer === null; attempt += 1) {
    const answered = page.waitForResponse(isAnswer, { timeout: 20_000 });
    await page.getByRole("button", { name: "Run", exact: true }).click();
    try {
      answer = await (await answered).json();
    } catch (error) {
      if (attempt >= 6) throw error;
    }
  }
  const first = answer?.data?.[rootField]?.[0]?.name;
  await page.getByText(first).first().waitFor();
  shown = first;
} finally {
  await browser.close();
  console.log(JSON.stringify({ answer, shown, requests: [...new Set(requests)], external, posted }));
}
