import path from "path";
import { expect, test } from "@playwright/test";

// Runs in the "no-js" project: JavaScript (so the WebAssembly) is off. The train form is a
// plain multipart form, the server redirects to the progress page, which refreshes itself
// (a <noscript> meta refresh) and moves on to the server-rendered result.

test("without JavaScript, a K2 random forest trains and its result page shows scores", async ({ page }) => {
  await page.goto("/train");
  await expect(page.getByRole("heading", { name: "Train a model", level: 1 })).toBeVisible();
  await page.getByRole("radio", { name: /K2 planets/ }).check();
  await expect(page.getByRole("radio", { name: /Random forest/ })).toBeChecked();
  await page.getByLabel(/Number of trees/).fill("40");
  await page.getByRole("button", { name: "Start training" }).click();

  await expect(page).toHaveURL(/\/trainings\/[0-9a-f-]{36}(\/result)?$/);
  // No reloads from the test: the page's own refresh gets to the result.
  await expect(page).toHaveURL(/\/trainings\/[0-9a-f-]{36}\/result$/, { timeout: 90_000 });
  await expect(page.getByTestId("metric-accuracy")).toHaveText(/\d+\.\d %/);
  await expect(page.getByTestId("metric-macro-f1")).toHaveText(/0\.\d{3}/);
});

test("without JavaScript, a mistake comes back to the form with the server's message", async ({ page }) => {
  await page.goto("/train");
  await page.getByLabel(/Number of trees/).fill("0");
  await page.getByRole("button", { name: "Start training" }).click();
  await expect(page).toHaveURL(/\/train\?/);
  await expect(page.getByTestId("form-error")).toContainText(/Please fix: Number of trees/);
});

test("without JavaScript, the archive's own K2 export uploads and trains", async ({ page }) => {
  await page.goto("/train");
  await page.getByRole("radio", { name: /Your own table/ }).check();
  await page.getByLabel("Training table (CSV, UTF-8)").setInputFiles(path.join(__dirname, "..", "..", "data", "k2pandc.csv"));
  await page.getByRole("radio", { name: /Logistic regression/ }).check();
  await page.getByRole("button", { name: "Start training" }).click();
  await expect(page).toHaveURL(/\/trainings\/[0-9a-f-]{36}\/result$/, { timeout: 90_000 });
  await expect(page.getByRole("heading", { level: 1 })).toContainText("K2");
  await expect(page.getByTestId("metric-macro-f1")).toHaveText(/0\.\d{3}/);
});
