import { expect, test } from "@playwright/test";
import { expectNoHorizontalScroll, open } from "./helpers";

// Every family trains from the train page (on K2, the smallest table, with its "fast"
// preset) and its result page shows the scores, ROC curves, an explanation per object,
// the importance chart and the dot plot.
const families = [
  { name: /Logistic regression/, space: "probability" },
  { name: /Support vector machine/, space: "probability" },
  { name: /Decision tree/, space: "probability" },
  { name: /Random forest/, space: "probability" },
  { name: /Gradient boosting/, space: "probability" },
  { name: /PCA \+ logistic regression/, space: "probability" },
  { name: /Neural network/, space: "probability" },
];

for (const family of families) {
  test(`${family.name.source.replace(/\\/g, "")} trains from the page and explains every object`, async ({ page }, info) => {
    test.skip(info.project.name === "mobile", "the phone layout is covered by the shared pages");
    await open(page, "/train");
    await page.getByRole("radio", { name: /K2 planets/ }).check();
    await page.getByRole("radio", { name: family.name }).check();
    await page.getByRole("button", { name: /^Fast:/ }).click();
    await expect(page.getByRole("button", { name: /^Fast:/ })).toHaveAttribute("aria-pressed", "true");
    await page.getByRole("button", { name: "Start training" }).click();
    await expect(page).toHaveURL(/\/result$/, { timeout: 90_000 });

    await expect(page.getByTestId("metric-macro-f1")).toHaveText(/0\.\d{3}/);
    await expect(page.getByTestId("roc-curves").locator("path.roc-line")).toHaveCount(3);
    await expect(page.getByTestId("roc-curves")).toContainText(/Confirmed vs rest: AUC 0\.\d{3}/);
    await expect(page.getByTestId("importance-chart")).toContainText(`${family.space} space`);
    await expect(page.getByTestId("shap-dot-plot").locator("circle").first()).toBeVisible();
    const table = page.getByTestId("predictions-table");
    await expect(table.locator("tbody tr").first().locator("td.reasons li")).toHaveCount(3);
    await table.locator("tbody tr").first().locator("th button").click();
    await expect(page.getByTestId("waterfall")).toBeVisible();
  });
}

test("a preset fills the form, and cross-validation reports mean ± std over five folds", async ({ page }) => {
  await open(page, "/train");
  await page.getByRole("radio", { name: /K2 planets/ }).check();
  await page.getByRole("radio", { name: /Gradient boosting/ }).check();
  const rounds = page.getByLabel(/Boosting rounds/);
  await expect(rounds).toHaveValue("300");
  await page.getByRole("button", { name: /^Accurate:/ }).click();
  await expect(rounds).toHaveValue("1000");
  await page.getByRole("button", { name: /^Fast:/ }).click();
  await expect(rounds).toHaveValue("100");
  await expect(page.getByLabel(/Learning rate/)).toHaveValue("0.15");
  await page.getByRole("button", { name: /^Balanced:/ }).click();
  await expect(rounds).toHaveValue("300");

  await page.getByRole("radio", { name: /Logistic regression/ }).check();
  await page.getByLabel("Also run 5-fold cross-validation").check();
  await page.getByRole("button", { name: "Start training" }).click();
  await expect(page).toHaveURL(/\/result$/, { timeout: 90_000 });
  const cv = page.getByTestId("cross-validation");
  await expect(cv.locator("thead th")).toHaveCount(7);
  await expect(cv.locator('td[data-metric="macro_f1"]')).toHaveText(/^0\.\d{4} ± 0\.\d{4}$/);
  await expectNoHorizontalScroll(page);
});
