import { expect, Locator, Page, test } from "@playwright/test";
import * as fs from "fs";
import * as path from "path";
import { expectNoHorizontalScroll, open, trainByApi } from "./helpers";

// Every number on a page is the JSON API's for the same object or training, as the page
// rounds it: the page and the API must not tell two stories (issue 17). Runs on the desktop
// and the phone project alike.

const TITLES: Record<string, string> = { confirmed: "Confirmed", candidate: "Candidate", false_positive: "False positive" };
const percent = (p: number) => `${(p * 100).toFixed(1)} %`;
const signed = (v: number) => `${v >= 0 ? "+" : "−"}${Math.abs(v).toFixed(3)}`;

type Explanation = { class: string; space: string; base_value: number; output_value: number; contributions: Record<string, number>; method: string; background_objects: number };
type Reason = { text: string; note?: string };
type Prediction = { id: string; prediction: string; confidence: number; probabilities: Record<string, number>; explanation: Explanation; reasons: Reason[] };

/** The waterfall shows the API's base, output and each named contribution, in probability. */
async function expectWaterfall(chart: Locator, e: Explanation) {
  expect(e.space).toBe("probability");
  expect(e.method.length).toBeGreaterThan(0);
  const sum = e.base_value + Object.values(e.contributions).reduce((a, b) => a + b, 0);
  expect(Math.abs(sum - e.output_value)).toBeLessThan(1e-9);
  await expect(chart.getByTestId("wf-base")).toHaveText(`average ${e.base_value.toFixed(3)}`);
  await expect(chart.getByTestId("wf-output")).toHaveText(`P(${TITLES[e.class].toLowerCase()}) = ${e.output_value.toFixed(3)}`);
  const rows = chart.locator("g.wf-row");
  const n = await rows.count();
  expect(n).toBeGreaterThan(1);
  for (let i = 0; i < n; i++) {
    const feature = await rows.nth(i).getAttribute("data-feature");
    if (feature === "other") continue;
    await expect(rows.nth(i).getByTestId("wf-value")).toHaveText(signed(e.contributions[feature!]));
  }
}

/** A reasons list shows the API's sentences with their notes. */
async function expectReasons(list: Locator, reasons: Reason[]) {
  await expect(list.locator("li")).toHaveText(reasons.map((r) => (r.note ? `${r.text} (${r.note})` : r.text)));
}

/** The values the what-if form sends, read from its fields. */
async function whatIfRow(page: Page) {
  const row: Record<string, number | string> = { id: "your object" };
  for (const input of await page.locator(".what-if-form input").all()) {
    const name = (await input.getAttribute("id"))!.replace(/^what-if-/, "");
    const value = (await input.inputValue()).trim();
    if (value !== "") row[name] = Number(value);
  }
  return row;
}

test("the what-if answer, its reasons and its waterfall are the API's, in probability", async ({ page }) => {
  await open(page, "/predict");
  await page.getByLabel(/^Orbital period \[/).fill("3.7");
  await page.getByLabel(/^Transit duration \[/).fill("2.9");
  const answer = page.getByTestId("what-if-answer");
  await expect(page.getByTestId("what-if-verdict")).toBeVisible();
  // The answer for the period typed last, not a stale one.
  const mission = await page.locator("#what-if-mission").inputValue();
  const body = { model: "pretrained", rows: [await whatIfRow(page)], ...(mission ? { mission } : {}) };
  const reply = await page.request.post("/api/v1/predictions", { data: body });
  expect(reply.status()).toBe(200);
  const p: Prediction = (await reply.json()).predictions[0];
  await expect(page.getByTestId("what-if-verdict")).toHaveText(`${TITLES[p.prediction]} (${percent(p.confidence)})`);
  for (const [cls, v] of Object.entries(p.probabilities)) {
    await expect(answer.locator(`.prob-value[data-class="${cls}"]`)).toHaveText(percent(v));
  }
  await expectReasons(answer.locator("ul.reasons"), p.reasons);
  await expectWaterfall(answer.getByTestId("waterfall"), p.explanation);
  expect(p.explanation.background_objects).toBe(100);
  // On a phone the answer's summary stays on screen while a field far down is edited.
  if ((page.viewportSize()?.width ?? 1280) < 700) {
    const summary = page.getByTestId("what-if-summary");
    await page.locator(".what-if-form input").last().scrollIntoViewIfNeeded();
    await expect(summary).toBeInViewport();
    await expect(summary).toContainText(`${TITLES[p.prediction]} (${percent(p.confidence)})`);
  }
  await expectNoHorizontalScroll(page);
});

test("a gradient-boosting result page shows the API's scores, rows and explanation", async ({ page }) => {
  const id = await trainByApi(page, { dataset: "k2", model: "gradient_boosting", hyperparameters: { n_rounds: 40 }, seed: 7 });
  const result = await (await page.request.get(`/api/v1/trainings/${id}/result`)).json();
  await open(page, `/trainings/${id}/result`);
  await expect(page.getByTestId("metric-accuracy")).toHaveText(percent(result.metrics.accuracy));
  await expect(page.getByTestId("metric-macro-f1")).toHaveText(result.metrics.macro_f1.toFixed(3));
  await expect(page.getByTestId("metric-log-loss")).toHaveText(result.metrics.log_loss.toFixed(3));
  // Calibration: the Brier score and ECE shown are the API's, one point per non-empty bin.
  const calibration = result.metrics.calibration;
  await expect(page.getByTestId("calibration-brier")).toHaveText(`Brier score ${calibration.brier.toFixed(3)}`);
  await expect(page.getByTestId("calibration-ece")).toHaveText(`expected calibration error ${calibration.ece.toFixed(3)}`);
  const filled = calibration.classes.flatMap((c: { bins: { count: number }[] }) => c.bins.filter((b) => b.count > 0)).length;
  await expect(page.locator("[data-testid=reliability-diagram] circle")).toHaveCount(filled);
  const byId = new Map<string, Prediction>(result.predictions.map((p: Prediction) => [p.id, p]));
  const table = page.getByTestId("predictions-table");
  const rows = table.locator("tbody tr");
  await expect(rows.first()).toBeVisible();
  const shown = Math.min(await rows.count(), 10);
  for (let i = 0; i < shown; i++) {
    const row = rows.nth(i);
    const p = byId.get((await row.locator("th").innerText()).trim())!;
    expect(p).toBeDefined();
    const cells = row.locator("td");
    await expect(cells.nth(0)).toHaveText(TITLES[p.prediction]);
    await expect(cells.nth(1)).toHaveText(percent(p.confidence));
    await expect(cells.nth(2)).toHaveText(percent(p.probabilities.confirmed));
    await expect(cells.nth(3)).toHaveText(percent(p.probabilities.candidate));
    await expect(cells.nth(4)).toHaveText(percent(p.probabilities.false_positive));
    await expectReasons(row.locator("td.reasons ul"), p.reasons);
  }
  // The chosen object's waterfall (the first row's, until another is chosen).
  const first = byId.get((await rows.first().locator("th").innerText()).trim())!;
  await expectWaterfall(page.getByTestId("waterfall"), first.explanation);
  // The margin view stays available from the API, labelled as such.
  const margin = await (await page.request.get(`/api/v1/trainings/${id}/result?space=margin`)).json();
  expect(margin.predictions[0].explanation.space).toBe("margin");
  await expectNoHorizontalScroll(page);
  if ((page.viewportSize()?.width ?? 0) >= 1280) {
    // The reasons column fits without scrolling the table sideways.
    const scroll = page.locator(".predictions .table-scroll");
    expect(await scroll.evaluate((el) => el.scrollWidth - el.clientWidth)).toBeLessThanOrEqual(1);
  }
});

test("an uploaded table's rows and explanation are the API's for the same file", async ({ page }) => {
  const file = path.join(__dirname, "..", "..", "data", "k2pandc.csv");
  const reply = await page.request.post("/api/v1/predictions", {
    multipart: { config: JSON.stringify({ model: "pretrained" }), file: { name: "k2pandc.csv", mimeType: "text/csv", buffer: fs.readFileSync(file) } },
  });
  expect(reply.status()).toBe(200);
  const api = await reply.json();
  await open(page, "/predict");
  await page.getByLabel("Table to predict (CSV, UTF-8)").setInputFiles(file);
  await expect(page.getByTestId("predict-summary")).toContainText(`${api.predictions.length.toLocaleString("en-US")} objects predicted`, { timeout: 60_000 });
  const rows = page.getByTestId("predict-table").locator("tbody tr");
  for (let i = 0; i < 5; i++) {
    const p: Prediction = api.predictions[i];
    const row = rows.nth(i);
    await expect(row.locator("th")).toHaveText(p.id);
    await expect(row.locator("td").nth(0)).toHaveText(TITLES[p.prediction]);
    await expect(row.locator("td").nth(1)).toHaveText(percent(p.confidence));
    await expectReasons(row.locator("td.reasons ul"), p.reasons);
  }
  const first: Prediction = api.predictions[0];
  await rows.first().getByRole("button", { name: first.id, exact: true }).click();
  await expect(page.getByRole("heading", { name: new RegExp(`^Why ${first.id.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} is predicted`) })).toBeVisible();
  await expectWaterfall(page.getByTestId("waterfall").last(), first.explanation);
});

test("the About page's feature-set scores are the API's", async ({ page }) => {
  const api = await (await page.request.get("/api/v1/feature-sets", { timeout: 120_000 })).json();
  await open(page, "/about");
  const table = page.getByTestId("feature-set-scores");
  await expect(table).toBeVisible({ timeout: 60_000 });
  for (const m of api.missions) {
    for (const s of m.scores) {
      const cell = table.locator(`tr[data-mission="${m.mission}"] td[data-set="${s.feature_set}"]`);
      await expect(cell).toContainText(s.macro_f1.toFixed(3));
      await expect(cell).toContainText(`(${s.features} columns)`);
    }
  }
  await expectNoHorizontalScroll(page);
});

type Decision = { counts: { true_positive: number; false_positive: number; false_negative: number; true_negative: number }; precision: number | null; recall: number | null; f1: number };

/** The explorer's precision, recall, F1 and 2×2 are the server's at the threshold it shows. */
async function expectServerDecision(page: Page, id: string, question: string) {
  const explorer = page.getByTestId("threshold-explorer");
  const threshold = await explorer.getByTestId("threshold-value").getAttribute("data-threshold");
  const d: Decision = await (await page.request.get(`/api/v1/trainings/${id}/decision?question=${question}&threshold=${threshold}`)).json();
  const matrix = explorer.getByTestId("explorer-matrix");
  await expect(matrix.getByTestId("tp")).toHaveText(String(d.counts.true_positive));
  await expect(matrix.getByTestId("fp")).toHaveText(String(d.counts.false_positive));
  await expect(matrix.getByTestId("fn")).toHaveText(String(d.counts.false_negative));
  await expect(matrix.getByTestId("tn")).toHaveText(String(d.counts.true_negative));
  const shown = (v: number | null) => (v === null ? "–" : percent(v));
  await expect(explorer.getByTestId("explorer-precision")).toHaveText(`Precision ${shown(d.precision)}`);
  await expect(explorer.getByTestId("explorer-recall")).toHaveText(`recall ${shown(d.recall)}`);
  await expect(explorer.getByTestId("explorer-f1")).toHaveText(`F1 ${d.f1.toFixed(3)}`);
  return Number(threshold);
}

test("the threshold explorer's numbers are the server's at the same threshold, and a saved threshold stays", async ({ page }) => {
  const id = await trainByApi(page, { dataset: "k2", model: "random_forest", calibrate: "platt" });
  const result = await (await page.request.get(`/api/v1/trainings/${id}/result`)).json();
  await open(page, `/trainings/${id}/result`);
  // The calibration's before and after are the API's.
  const logLoss = page.getByTestId("recalibration-table").locator("tbody tr").first().locator("td");
  await expect(logLoss.nth(0)).toHaveText(result.calibrated.before.log_loss.toFixed(3));
  await expect(logLoss.nth(1)).toHaveText(result.calibrated.after.log_loss.toFixed(3));
  const explorer = page.getByTestId("threshold-explorer");
  await expect(explorer).toBeVisible();
  expect(await expectServerDecision(page, id, "confirmed")).toBe(0.5);
  // Each preset moves the threshold; the numbers follow.
  for (const preset of ["preset-keep90ofplanets", "preset-90precision", "preset-bestf1"]) {
    await explorer.getByTestId(preset).click();
    await expectServerDecision(page, id, "confirmed");
  }
  // Typed with the keyboard, on the other question.
  await explorer.getByRole("radio", { name: "P(not a false positive)" }).check();
  const number = explorer.getByTestId("threshold-number");
  await number.fill("0.42");
  await number.press("Tab");
  expect(await expectServerDecision(page, id, "not_false_positive")).toBe(0.42);
  // Saved with the model: the page opens on it again.
  await explorer.getByTestId("save-threshold").click();
  await expect(explorer.getByTestId("threshold-saved")).toHaveText(/Saved with the model: P\(not a false positive\) ≥ 0\.420/);
  await page.reload();
  await expect(explorer.getByTestId("threshold-value")).toHaveAttribute("data-threshold", "0.42");
  await expect(explorer.getByRole("radio", { name: "P(not a false positive)" })).toBeChecked();
  await expectNoHorizontalScroll(page);
});
