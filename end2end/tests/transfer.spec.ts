import { expect, test } from "@playwright/test";
import { open } from "./helpers";

test("train on Kepler, test on TESS: the result states the shift between the missions", async ({ page }, info) => {
  test.skip(info.project.name === "mobile", "the desktop run covers it");
  await open(page, "/train");
  await page.getByRole("radio", { name: /Kepler KOI/ }).check();
  await page.getByRole("radio", { name: /Decision tree/ }).check();
  await page.getByLabel("Test on another mission").selectOption("tess");
  await page.getByRole("button", { name: "Start training" }).click();
  await expect(page).toHaveURL(/\/result$/, { timeout: 90_000 });
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Kepler KOI → TESS TOI");
  await expect(page.getByRole("heading", { name: "How the two missions differ" })).toBeVisible();
  await expect(page.getByTestId("shift-table").locator("tbody tr")).toHaveCount(6);
  await expect(page.getByText(/Cross-mission transfer: trained on the training part of Kepler KOI/)).toBeVisible();
  await expect(page.getByTestId("metric-macro-f1")).toHaveText(/0\.\d{3}/);
});
