// Timeline of one click-to-result, to see where its time goes: every request after the click
// (seconds after it on the script's clock, `>` sent, `<` answered, with the answer's start),
// the page moves, and on the page's own clock when each part of the result page appeared.
// Playwright's own wait for the scores ("SCORES shown") lags by its retry interval; the
// "PAGE CLOCK" line is the figure that counts.
//   node end2end/measure/ctr_timeline.mjs http://127.0.0.1:3000 [mission-regex] [family-regex]
// against a running server (a release build for figures worth reporting).
import { chromium } from "@playwright/test";
import { chromiumLaunchOptions } from "../chromium.mjs";

const base = process.argv[2] ?? "http://127.0.0.1:3000";
const mission = new RegExp(process.argv[3] ?? "Kepler KOI");
const family = process.argv[4] ? new RegExp(process.argv[4]) : null;
const browser = await chromium.launch(chromiumLaunchOptions);
const context = await browser.newContext({ baseURL: base, viewport: { width: 1280, height: 800 } });
const page = await context.newPage();
// When each part of the result page first appears, on the page's clock.
await page.addInitScript(() => {
  const seen = (window.__seen = {});
  document.addEventListener("click", (e) => { if (!("click" in seen) && e.target.closest("button")?.textContent?.includes("Start training")) seen.click = e.timeStamp; }, { capture: true });
  const parts = {
    loading: "p.loading",
    metric: "[data-testid=metric-macro-f1]",
    explaining: ".explaining",
    table_row: ".predictions tbody tr",
  };
  new MutationObserver(() => {
    for (const [name, sel] of Object.entries(parts)) if (!(name in seen) && document.querySelector(sel)) seen[name] = performance.now();
  }).observe(document, { childList: true, subtree: true });
});
await page.goto("/train");
await page.waitForSelector("body[data-hydrated]");
await page.getByRole("radio", { name: mission }).check();
if (family) await page.getByRole("radio", { name: family }).check();
let t0 = 0;
const events = [];
const at = () => ((performance.now() - t0) / 1000).toFixed(3);
page.on("request", (r) => t0 && !r.url().includes("/pkg/") && events.push(`${at()} > ${r.method()} ${new URL(r.url()).pathname}`));
page.on("response", async (r) => {
  if (!t0 || r.url().includes("/pkg/")) return;
  const when = at();
  let body = "";
  try { body = (await r.text()).slice(0, 160).replace(/\s+/g, " "); } catch {}
  events.push(`${when} < ${r.status()} ${new URL(r.url()).pathname} ${body}`);
});
page.on("framenavigated", (f) => t0 && f === page.mainFrame() && events.push(`${at()} nav ${f.url()}`));
t0 = performance.now();
await page.getByRole("button", { name: "Start training" }).click();
await page.getByTestId("metric-macro-f1").waitFor({ timeout: 120_000 });
events.push(`${at()} SCORES shown`);
const pageClock = await page.evaluate(() => ({ seen: window.__seen }));
if (pageClock.seen.metric && pageClock.seen.click) events.push(`PAGE CLOCK click to scores in the DOM: ${((pageClock.seen.metric - pageClock.seen.click) / 1000).toFixed(3)} s`);
for (const [name, when] of Object.entries(pageClock.seen)) {
  if (name !== "click" && pageClock.seen.click) events.push(`page clock: ${name} appeared ${((when - pageClock.seen.click) / 1000).toFixed(3)} s after the click`);
}
const timing = await page.getByTestId("timing").textContent();
events.push(`timing: ${timing}`);
console.log(events.join("\n"));
await browser.close();
