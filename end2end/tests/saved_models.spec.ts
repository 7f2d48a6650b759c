import { expect, Page, test } from "@playwright/test";
import { open, waitUntilCompleted } from "./helpers";

async function trainK2(page: Page, model: RegExp) {
  await open(page, "/train");
  await page.getByRole("radio", { name: /K2 planets/ }).check();
  await page.getByRole("radio", { name: model }).check();
  await page.getByRole("button", { name: /^Fast:/ }).click();
  await page.getByRole("button", { name: "Start training" }).click();
  await expect(page).toHaveURL(/\/result$/, { timeout: 90_000 });
  const id = page.url().match(/trainings\/([0-9a-f-]{36})\/result/)![1];
  // The result page opens with the scores while the explanations are still computed; the
  // list offers the model file once the training has completed.
  await waitUntilCompleted(page, id);
  return id;
}

test("saved models: listed, compared side by side, downloadable and deletable", async ({ page }, info) => {
  test.skip(info.project.name === "mobile", "one run is enough; the list scrolls on a phone");
  const first = await trainK2(page, /Logistic regression/);
  const second = await trainK2(page, /Gradient boosting/);

  await open(page, "/models");
  const table = page.getByTestId("saved-trainings");
  const firstRow = table.locator("tr", { has: page.locator(`a[href="/trainings/${first}/result"]`) });
  const secondRow = table.locator("tr", { has: page.locator(`a[href="/trainings/${second}/result"]`) });
  await expect(firstRow).toContainText("completed");
  await expect(firstRow.locator('td[data-col="macro_f1"]')).toHaveText(/^0\.\d{3}$/);

  // The model file downloads as JSON named after model and dataset.
  const download = page.waitForEvent("download");
  await secondRow.getByRole("link", { name: /Download the model/ }).click();
  expect((await download).suggestedFilename()).toMatch(/^gradient_boosting-k2-[0-9a-f]{8}\.json$/);

  // Compare the two.
  await firstRow.getByRole("checkbox").check();
  await secondRow.getByRole("checkbox").check();
  await page.getByRole("link", { name: "Compare selected (2)" }).click();
  await expect(page).toHaveURL(new RegExp(`/compare\\?ids=${first},${second}$`));
  const comparison = page.getByTestId("comparison");
  await expect(comparison.locator("thead th")).toHaveCount(3);
  await expect(comparison).toContainText("Logistic regression on K2");
  await expect(comparison).toContainText("Gradient boosting on K2");
  await expect(page.getByTestId("confusion-matrix")).toHaveCount(2);

  // Delete the first: it leaves the list.
  await open(page, "/models");
  await page.getByTestId("saved-trainings").locator("tr", { has: page.locator(`a[href="/trainings/${first}/result"]`) })
    .getByRole("button", { name: /^Delete / }).click();
  await expect(page.locator(`a[href="/trainings/${first}/result"]`)).toHaveCount(0);
  await expect(page.locator(`a[href="/trainings/${second}/result"]`)).toHaveCount(1);
});
