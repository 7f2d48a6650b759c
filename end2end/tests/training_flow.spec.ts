import { expect, test } from "@playwright/test";
import { expectNoHorizontalScroll, open, startKeplerForest, startLongKeplerTraining } from "./helpers";

const missions = [
  { id: "kepler", label: /Kepler KOI/, idPattern: /^K\d{5}\.\d{2}$/ },
  { id: "tess", label: /TESS TOI/, idPattern: /^\d+\.\d{2}$/ },
  { id: "k2", label: /K2 planets/, idPattern: /\S+/ },
];

test("home page explains the app and leads to training", async ({ page }) => {
  await open(page, "/");
  await expect(page.getByRole("heading", { level: 1 })).toContainText("planets");
  for (const name of ["Kepler KOI", "TESS TOI", "K2 planets and candidates"]) {
    await expect(page.getByRole("heading", { name, level: 3 })).toBeVisible();
  }
  await page.getByRole("link", { name: "Train a model" }).first().click();
  await expect(page).toHaveURL(/\/train$/);
  await expect(page.getByRole("heading", { name: "Train a model", level: 1 })).toBeVisible();
  await expectNoHorizontalScroll(page);
});

for (const mission of missions) {
  test(`train a random forest on ${mission.id}: progress, then an honest result`, async ({ page }, info) => {
    test.skip(info.project.name === "mobile" && mission.id !== "k2", "one mission is enough on the phone layout");
    await open(page, "/train");
    await page.getByRole("radio", { name: mission.label }).check();
    await page.getByRole("radio", { name: /Random forest/ }).check();
    // Hyperparameters show their default and range.
    const trees = page.getByLabel(/Number of trees/);
    await expect(trees).toHaveValue("200");
    await expect(page.getByText(/Range: 1 – 1000, default 200/)).toBeVisible();
    await trees.fill("60");
    await page.getByRole("button", { name: "Start training" }).click();

    // Progress page: the URL carries the id; the bar and step come from the training itself.
    await expect(page).toHaveURL(/\/trainings\/[0-9a-f-]{36}(\/result)?$/);
    const trainingUrl = page.url().replace(/\/result$/, "");

    // Result page.
    await expect(page).toHaveURL(/\/result$/, { timeout: 90_000 });
    await expect(page.getByTestId("metric-accuracy")).toHaveText(/\d+\.\d %/);
    await expect(page.getByTestId("metric-macro-f1")).toHaveText(/0\.\d{3}/);
    await expect(page.getByTestId("confusion-matrix")).toBeVisible();
    await expect(page.locator(".cm-cell")).toHaveCount(9);
    await expect(page.getByRole("table", { name: /Per-class scores/ })).toContainText("False positive");
    await expect(page.getByTestId("missing-values")).toContainText("Native");

    // Every object is explained: a waterfall for the chosen one, reasons in the table,
    // and the global importance chart.
    await expect(page.getByTestId("waterfall")).toBeVisible();
    await expect(page.getByTestId("importance-chart")).toBeVisible();
    const table = page.getByTestId("predictions-table");
    await expect(table.locator("tbody tr").first().locator("td.reasons li")).toHaveCount(3);
    await expect(table.locator("tbody tr").first().locator("td.reasons li").first()).toHaveText(/^\w+ = \S+ pushes (toward|away from) (confirmed|candidate|false positive) by \d\.\d\d( \(.+\))?$/);
    // Any object other than the one explained at first (whose name button is pressed).
    const other = table.getByRole("rowheader").getByRole("button", { pressed: false }).first();
    const otherId = (await other.textContent())!.trim();
    await other.click();
    await expect(page.getByRole("heading", { level: 2, name: new RegExp(`^Why ${otherId.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} is predicted`) })).toBeVisible();

    await expect(table.locator("tbody tr")).toHaveCount(25);
    const firstId = (await table.locator("tbody tr th").first().textContent())!.trim();
    expect(firstId).toMatch(mission.idPattern);

    // Sorted by object name at first; then by confidence, most confident first, then least.
    await expect(page.getByRole("columnheader", { name: /Object/ })).toHaveAttribute("aria-sort", "ascending");
    const confidence = page.getByRole("columnheader", { name: /Confidence/ });
    await page.getByRole("button", { name: /^Confidence/ }).click();
    await expect(confidence).toHaveAttribute("aria-sort", "descending");
    await expect(table.locator('tbody td[data-col="confidence"]').first()).toHaveText("100.0 %");
    await page.getByRole("button", { name: /^Confidence/ }).click();
    await expect(confidence).toHaveAttribute("aria-sort", "ascending");
    const lowest = parseFloat((await table.locator('tbody td[data-col="confidence"]').first().textContent())!);
    expect(lowest).toBeGreaterThanOrEqual(33.3);
    expect(lowest).toBeLessThan(60);

    // Paging.
    await expect(page.getByTestId("page-status")).toHaveText(/Page 1 of \d+/);
    await page.getByRole("button", { name: "Next →" }).click();
    await expect(page.getByTestId("page-status")).toHaveText(/Page 2 of \d+/);

    await expectNoHorizontalScroll(page);

    // A shared link to the progress page of a finished training leads to its result.
    await open(page, new URL(trainingUrl).pathname);
    await expect(page).toHaveURL(/\/result$/);
  });
}

test("the physical feature set trains without the uncertainty columns", async ({ page }) => {
  await open(page, "/train");
  await page.getByRole("radio", { name: /K2 planets/ }).check();
  await page.getByRole("radio", { name: /Decision tree/ }).check();
  const features = page.getByLabel("Features", { exact: true });
  await expect(features).toHaveValue("all");
  await features.selectOption("physical");
  await expect(page.locator("#feature-set-help")).toContainText("measurement uncertainties");
  // Calibrated on a held-back slice: the result says how, with before and after.
  await page.getByLabel("Probabilities", { exact: true }).selectOption("isotonic");
  await expect(page.locator("#calibrate-help")).toContainText("monotone correction");
  await page.getByRole("button", { name: "Start training" }).click();
  await expect(page).toHaveURL(/\/result$/, { timeout: 90_000 });
  const list = page.getByTestId("feature-list");
  await expect(list).toContainText("Physical quantities only");
  await expect(list).toContainText("pl_orbper");
  await expect(list).not.toContainText("err1");
  await expect(page.getByTestId("recalibration")).toContainText("calibrated by isotonic regression");
  await expect(page.getByTestId("recalibration-table").locator("tbody tr")).toHaveCount(3);
});

test("progress page shows a live bar and step while a forest trains", async ({ page }, info) => {
  test.skip(info.project.name === "mobile", "desktop only");
  await startKeplerForest(page, 150);
  const bar = page.getByRole("progressbar");
  await expect(bar).toBeVisible();
  await expect(page.getByTestId("progress-step")).toHaveText(/Training tree \d+\/150|Loading|Splitting|Explaining predictions/);
  await expect(page).toHaveURL(/\/result$/, { timeout: 110_000 });
});

test("progress page says how long a training has run and has left", async ({ page }) => {
  // Long enough for a rate to be measured before it ends; cancelled after.
  await startLongKeplerTraining(page);
  const times = page.getByTestId("training-times");
  await expect(times).toHaveText(/^Elapsed \d+(:\d\d)+ · /);
  await expect(times).toHaveText(/^Elapsed \d+(:\d\d)+ · about \d+(:\d\d)+ left$/, { timeout: 60_000 });
  // Elapsed time moves on at every poll.
  const before = (await times.textContent())!.match(/^Elapsed (\S+)/)![1];
  await expect(times).not.toHaveText(new RegExp(`^Elapsed ${before} `), { timeout: 5_000 });
  // The status line is the live region; the ticking times are not read out every second.
  await expect(page.getByRole("status").filter({ has: page.getByTestId("status") })).toHaveAttribute("aria-live", "polite");
  await expectNoHorizontalScroll(page);
  await page.getByRole("button", { name: "Cancel training" }).click();
  await expect(page.getByTestId("status")).toHaveText("cancelled", { timeout: 15_000 });
  await expect(times).toHaveText(/^Ran for \d+(:\d\d)+$/);
});

test("a running training can be cancelled from the progress page", async ({ page }, info) => {
  test.skip(info.project.name === "mobile", "desktop only");
  await startLongKeplerTraining(page);
  await page.getByRole("button", { name: "Cancel training" }).click();
  await expect(page.getByTestId("status")).toHaveText("cancelled", { timeout: 15_000 });
  await expect(page.getByRole("heading", { name: "Training cancelled" })).toBeVisible();
});

test("invalid hyperparameters are refused in the form", async ({ page }) => {
  await open(page, "/train");
  await page.getByRole("radio", { name: /Random forest/ }).check();
  await page.getByLabel(/Number of trees/).fill("0");
  // The message is the field's own: its input is described by it.
  await expect(page.getByLabel(/Number of trees/)).toHaveAccessibleDescription(/Must be between 1 and 1000\.$/);
  await page.getByRole("button", { name: "Start training" }).click();
  await expect(page.getByTestId("form-error")).toContainText("Number of trees: Must be between 1 and 1000.");
  await expect(page).toHaveURL(/\/train$/);
});

test("the train form works with the keyboard alone", async ({ page }, info) => {
  test.skip(info.project.name === "mobile", "desktop only");
  await open(page, "/train?dataset=k2");
  await expect(page.getByRole("radio", { name: /K2 planets/ })).toBeChecked();
  await page.getByRole("radio", { name: /Decision tree/ }).focus();
  await page.keyboard.press("Space");
  await expect(page.getByLabel(/Maximum depth/)).toHaveValue("12");
  await page.getByLabel(/Maximum depth/).focus();
  await page.keyboard.press("Control+A");
  await page.keyboard.type("6");
  await page.getByRole("button", { name: "Start training" }).focus();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/result$/, { timeout: 60_000 });
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Decision tree on K2 planets and candidates");
  await expect(page.getByTestId("missing-values")).toContainText("Native");
});

test("an unknown training id shows a clear message and a way back", async ({ page }) => {
  await open(page, "/trainings/00000000-0000-0000-0000-000000000000");
  await expect(page.getByRole("alert")).toContainText("No training with id '00000000-0000-0000-0000-000000000000' exists");
  await page.getByRole("link", { name: "Train a new model" }).click();
  await expect(page).toHaveURL(/\/train$/);
});

test("an unknown result id shows a clear message", async ({ page }) => {
  await open(page, "/trainings/not-a-real-id/result");
  await expect(page.getByRole("alert")).toContainText("No training with id 'not-a-real-id' exists");
});

test("about page credits the archive and explains exclusions", async ({ page }) => {
  await open(page, "/about");
  await expect(page.getByText(/operated by the California Institute of Technology/)).toBeVisible();
  await expect(page.getByRole("table", { name: /Archive label values/ })).toContainText("APC");
  await page.getByText(/Kepler KOI: \d+ excluded columns/).click();
  await expect(page.getByText(/koi_score/).first()).toBeVisible();
  await expect(page.getByRole("table", { name: /Kepler KOI, random forest/ })).toContainText("0.921");
  await expectNoHorizontalScroll(page);
});

test("tuning from the train page: trials with their scores, the winner trained, and train with these", async ({ page }) => {
  await open(page, "/train");
  await page.getByRole("radio", { name: /K2 planets/ }).check();
  await page.getByRole("radio", { name: /Decision tree/ }).check();
  const method = page.getByLabel("Tune the hyperparameters");
  await expect(method).toHaveValue("");
  await expect(page.getByLabel("Settings to try")).toBeHidden();
  await method.selectOption("halving");
  const trials = page.getByLabel("Settings to try");
  await expect(trials).toHaveValue("10");
  await trials.fill("9");
  await page.getByRole("button", { name: "Start training" }).click();
  await expect(page).toHaveURL(/\/result$/, { timeout: 90_000 });
  const id = page.url().match(/trainings\/([0-9a-f-]{36})/)![1];
  const result = await (await page.request.get(`/api/v1/trainings/${id}/result`)).json();
  const tuning = page.getByTestId("tuning");
  await expect(tuning).toContainText(`Successive halving: ${result.tuning.trials.length} trials`);
  // Nine settings on a third of the stars, the best three on all of them.
  expect(result.tuning.trials.length).toBe(12);
  await expect(tuning.locator("tbody tr")).toHaveCount(12);
  const best = result.tuning.trials.find((t: { best: boolean }) => t.best);
  await expect(tuning.getByTestId("best-trial")).toContainText(`${best.cv_macro_f1_mean.toFixed(3)} ± ${best.cv_macro_f1_std.toFixed(3)}`);
  // "Train with these" opens the train page with the winner's values filled in.
  await tuning.getByTestId("train-with-these").click();
  await expect(page).toHaveURL(/\/train\?/);
  await expect(page.getByRole("radio", { name: /Decision tree/ })).toBeChecked();
  await expect(page.getByLabel(/Maximum depth/)).toHaveValue(String(result.tuning.best_hyperparameters.max_depth));
  await expect(page.getByLabel(/Minimum objects per leaf/)).toHaveValue(String(result.tuning.best_hyperparameters.min_samples_leaf));
  await expectNoHorizontalScroll(page);
});
