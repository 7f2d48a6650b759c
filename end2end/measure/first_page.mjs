// The first page on a slow network: for each route, what the browser downloads from /pkg
// (the WASM chunks and JavaScript, as sent on the wire) before the page is interactive, and
// the time from navigation start until the app marks `<body data-hydrated>` (set once the
// WASM has hydrated the whole page, see src/lib.rs).
//
//   [ROUTES=/,/about] node end2end/measure/first_page.mjs http://127.0.0.1:3107 [runs]
//
// Run by scripts/first_page.sh, which builds and starts the release server. Each run of each
// route uses a fresh browser context (cold cache, new visitor) in Debian's Chromium with
// Chrome DevTools' "Fast 3G" network preset, named "3G" in current DevTools, applied through
// the DevTools protocol:
//   latency 562.5 ms (150 ms × 3.75), download 180,000 B/s (1.6 Mbit/s × 0.9),
//   upload 84,375 B/s (750 kbit/s × 0.9).
// No CPU throttling. The figures are medians over `runs` (default 3).
import { chromium } from "@playwright/test";
import { chromiumLaunchOptions } from "../chromium.mjs";

const FAST_3G = { offline: false, latency: 562.5, downloadThroughput: 180_000, uploadThroughput: 84_375 };
const base = process.argv[2] ?? "http://127.0.0.1:3107";
const runs = Number(process.argv[3] ?? 3);

const browser = await chromium.launch(chromiumLaunchOptions);

/** One cold load of `route`: time to interactive and the /pkg files fetched until then.
 * `setup(context)`, if given, runs first and answers the path to load. */
async function load(route, setup) {
  const context = await browser.newContext({ baseURL: base });
  const path = setup ? await setup(context) : route;
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  // The console says only "404": name the resource.
  page.on("response", (r) => r.status() >= 400 && errors.push(`${r.status()} ${new URL(r.url()).pathname}`));
  // The moment <body> gets data-hydrated, on the page's own clock (ms since navigation start).
  await page.addInitScript(() => {
    const mark = () => {
      if (document.body?.hasAttribute("data-hydrated") && window.__hydratedAt === undefined) {
        window.__hydratedAt = performance.now();
      }
    };
    new MutationObserver(mark).observe(document, { attributes: true, subtree: true, attributeFilter: ["data-hydrated"] });
  });
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.emulateNetworkConditions", FAST_3G);
  const requests = new Map();
  cdp.on("Network.responseReceived", (e) => {
    const headers = Object.fromEntries(Object.entries(e.response.headers).map(([k, v]) => [k.toLowerCase(), v]));
    requests.set(e.requestId, { url: e.response.url, encoding: headers["content-encoding"] ?? "identity" });
  });
  cdp.on("Network.loadingFinished", (e) => {
    const r = requests.get(e.requestId);
    if (r) r.bytes = e.encodedDataLength;
  });
  await page.goto(path, { waitUntil: "commit", timeout: 120_000 });
  await page.waitForFunction(() => window.__hydratedAt !== undefined, null, { timeout: 120_000, polling: 50 });
  const tti = await page.evaluate(() => window.__hydratedAt);
  const html = await page.evaluate(() => performance.getEntriesByType("navigation")[0]?.responseEnd ?? 0);
  const pkg = [...requests.values()]
    .filter((r) => new URL(r.url).pathname.startsWith("/pkg/") && r.bytes !== undefined)
    .map((r) => ({ file: new URL(r.url).pathname.slice(5), bytes: r.bytes, encoding: r.encoding }));
  await context.close();
  return { tti, html, pkg, errors };
}

/** A training of the visitor's own (a quick decision tree on K2), so its progress and result pages exist;
 * answers `route` with its id. */
async function withTraining(context, route) {
  const started = await context.request.post("/api/v1/trainings", {
    data: { dataset: "k2", model: "decision_tree", seed: 42 },
  });
  if (!started.ok()) throw new Error(`training not started: ${started.status()} ${await started.text()}`);
  const { id } = await started.json();
  for (let i = 0; i < 600; i++) {
    const status = await (await context.request.get(`/api/v1/trainings/${id}`)).json();
    if (status.status === "completed") return route.replace(":id", id);
    if (status.status === "failed" || status.status === "cancelled") throw new Error(`training ${status.status}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error("training did not finish in 5 minutes");
}

/** The files a load fetched, the shared chunks of a split build counted rather than listed. */
function describe(files) {
  const chunks = files.filter((f) => /^chunk_\d+\.wasm$/.test(f.file));
  const named = files.filter((f) => !chunks.includes(f)).map((f) => `${f.file} ${kb(f.bytes)} ${f.encoding}`);
  if (chunks.length) named.push(`${chunks.length} shared chunks ${kb(chunks.reduce((s, f) => s + f.bytes, 0))}`);
  return `${files.length} files: ${named.join(", ")}`;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const kb = (n) => (n / 1000).toFixed(1);

const routes = ["/", "/train", "/predict", "/models", "/compare", "/about", "/model-card", "/account", "/no-such-page"];
// The progress and result pages belong to a visitor with a finished training: the same
// context trains, then loads (its cookie is that visitor).
const trainingRoutes = ["/trainings/:id", "/trainings/:id/result"];

console.log(`Fast 3G (latency ${FAST_3G.latency} ms, ${FAST_3G.downloadThroughput} B/s down), ${runs} cold loads per route, ${base}`);
console.log("route                   TTI ms (median)  HTML done ms   /pkg on the wire KB: wasm  js   files");
const rows = [];
// ROUTES=/,/about measures only those.
const only = process.env.ROUTES?.split(",");
for (const route of [...routes, ...trainingRoutes].filter((r) => !only || only.includes(r))) {
  const results = [];
  const setup = route.includes(":id") ? (context) => withTraining(context, route) : undefined;
  for (let i = 0; i < runs; i++) {
    results.push(await load(route, setup).catch((e) => ({ error: e.message })));
  }
  const ok = results.filter((r) => !r.error);
  if (ok.length === 0) {
    console.log(`${route.padEnd(24)} failed: ${results[0].error}`);
    continue;
  }
  const last = ok[ok.length - 1];
  const wasm = last.pkg.filter((f) => f.file.endsWith(".wasm")).reduce((s, f) => s + f.bytes, 0);
  const js = last.pkg.filter((f) => f.file.endsWith(".js")).reduce((s, f) => s + f.bytes, 0);
  const tti = median(ok.map((r) => r.tti));
  rows.push({ route, tti, wasm, js, files: last.pkg });
  console.log(
    `${route.padEnd(24)}${tti.toFixed(0).padStart(15)}${median(ok.map((r) => r.html)).toFixed(0).padStart(15)}` +
      `${kb(wasm).padStart(27)}${kb(js).padStart(6)}   ${describe(last.pkg)}`,
  );
  for (const r of results.filter((r) => r.error)) console.log(`   (a run failed: ${r.error})`);
  for (const e of new Set(ok.flatMap((r) => r.errors))) console.log(`   (browser console: ${e.slice(0, 300)})`);
}
await browser.close();
if (process.env.FIRST_PAGE_JSON) {
  const { writeFileSync } = await import("node:fs");
  writeFileSync(process.env.FIRST_PAGE_JSON, JSON.stringify(rows, null, 2));
}
