import { expect, Page, test } from "@playwright/test";
import * as fs from "fs";
import * as path from "path";
import { open } from "./helpers";

// From "Start training" to the rendered scores, as a user waits for them: the result page
// shows scores, charts and predictions as soon as the held-out objects are predicted, and
// the explanations follow with their own progress. The figures go to
// target/click-to-result.txt (scripts/test.sh empties it first and prints it after); the closing figures of issue 13
// come from a run against the release build.
const report = path.join(__dirname, "..", "..", "target", "click-to-result.txt");

// Tracing records DOM snapshots and screenshots at every step: on two cores that CPU comes
// out of the training being timed (the Kepler forest fitted in 1.5 s instead of 0.9 s).
test.use({ trace: "off" });

/**
 * Times on the page's own clock: from the click event on "Start training" to the start of
 * the first animation frame after the scores are in the DOM (the frame that paints them).
 * The train → progress → result navigation happens in one document, so one observer sees
 * it all. Waiting with Playwright's `expect` alone would add its retry interval (up to a
 * second) to the figure.
 */
async function watchForScores(page: Page) {
  await page.evaluate(() => {
    const w = window as any;
    w.__c2r = {};
    document.addEventListener(
      "click",
      (e) => {
        const button = (e.target as Element).closest("button");
        if (w.__c2r.click === undefined && button?.textContent?.includes("Start training")) w.__c2r.click = e.timeStamp;
      },
      { capture: true },
    );
    const observer = new MutationObserver(() => {
      const metric = document.querySelector('[data-testid="metric-macro-f1"]');
      if (metric && /0\.\d{3}/.test(metric.textContent ?? "")) {
        observer.disconnect();
        requestAnimationFrame(() => (w.__c2r.shown = performance.now()));
      }
    });
    observer.observe(document.body, { childList: true, subtree: true, characterData: true });
  });
}

async function clickToResult(page: Page, mission: RegExp, family?: RegExp) {
  await open(page, "/train");
  await page.getByRole("radio", { name: mission }).check();
  if (family) await page.getByRole("radio", { name: family }).check();
  await watchForScores(page);
  await page.getByRole("button", { name: "Start training" }).click();
  await expect(page.getByTestId("metric-macro-f1")).toHaveText(/0\.\d{3}/, { timeout: 120_000 });
  await page.waitForFunction(() => (window as any).__c2r.shown !== undefined);
  const { click, shown } = await page.evaluate(() => (window as any).__c2r);
  expect(click, "the click on Start training was seen").toBeDefined();
  const seconds = (shown - click) / 1000;
  const fit = Number((await page.getByTestId("timing").textContent())!.match(/fitted in ([\d.]+) s/)![1]);
  return { seconds, fit };
}

test("the default model's scores show before its explanations, on every mission", async ({ page }, info) => {
  test.skip(info.project.name === "mobile", "timed on the desktop layout");
  for (const [name, mission] of [["kepler", /Kepler KOI/], ["tess", /TESS TOI/], ["k2", /K2 planets/]] as const) {
    const { seconds, fit } = await clickToResult(page, mission);
    fs.appendFileSync(report, `CLICK mission=${name} model=default click_to_result_s=${seconds.toFixed(2)} fit_s=${fit.toFixed(2)}\n`);
    if (name === "kepler") {
      // The forest's exact TreeSHAP of 1,914 objects takes longer than the page needs to
      // show: the scores are there while the explanations are still being computed.
      await expect(page.locator(".explaining")).toBeVisible();
      await expect(page.getByTestId("importance-chart")).toHaveCount(0);
    }
    // Then the explanations fill in without a reload.
    await expect(page.getByTestId("importance-chart")).toBeVisible({ timeout: 120_000 });
    await expect(page.locator(".explaining")).toHaveCount(0);
    await expect(page.getByTestId("waterfall")).toBeVisible();
  }
});

test("every family's scores show soon after its fit", async ({ page }, info) => {
  test.skip(info.project.name === "mobile", "timed on the desktop layout");
  test.setTimeout(600_000);
  const families = ["Logistic regression", "Support vector machine", "Decision tree", "Random forest", "Gradient boosting", "PCA", "Neural network"];
  for (const family of families) {
    const { seconds, fit } = await clickToResult(page, /Kepler KOI/, new RegExp(family));
    fs.appendFileSync(report, `CLICK mission=kepler model="${family}" click_to_result_s=${seconds.toFixed(2)} fit_s=${fit.toFixed(2)} after_fit_s=${(seconds - fit).toFixed(2)}\n`);
    // The explanations go on in the background and hold the training worker: the next
    // training would queue behind them, so each family is timed on a quiet server.
    await expect(page.getByTestId("importance-chart")).toBeVisible({ timeout: 300_000 });
  }
});
