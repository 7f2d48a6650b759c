import { expect, test } from "@playwright/test";
import { expectNoHorizontalScroll, open } from "./helpers";

// The learning pages render on desktop and phone, their figures are the app's own, and the
// models page's demo redraws the decision regions when its hyperparameter moves.

test("how planets are found: transits, false positives, columns and the tables' own counts", async ({ page }) => {
  await open(page, "/learn/planets");
  await expect(page.getByRole("heading", { name: "How planets are found", level: 1 })).toBeVisible();
  for (const name of ["Transits", "Why false positives happen", "What the archive's columns mean"]) {
    await expect(page.getByRole("heading", { name, level: 2 })).toBeVisible();
  }
  await expect(page.getByText("Eclipsing binaries.", { exact: true })).toBeVisible();
  // The class counts are the datasets API's.
  const datasets = await (await page.request.get("/api/v1/datasets")).json();
  for (const d of datasets) {
    const row = page.getByTestId(`learn-${d.id}`);
    await expect(row.locator("td").first()).toHaveText(String(d.rows));
    await expect(row.locator("td").nth(1)).toHaveText(String(d.classes.confirmed));
  }
  await expectNoHorizontalScroll(page);
});

test("how the models work: a section per family and a demo that responds to its control", async ({ page }) => {
  await open(page, "/learn/models");
  await expect(page.getByRole("heading", { name: "How the models work", level: 1 })).toBeVisible();
  await expect(page.locator("section.learn-family")).toHaveCount(7);
  await expect(page.getByRole("link", { name: "Train a gradient boosting model" })).toHaveAttribute("href", "/train?model=gradient_boosting");
  const plot = page.getByTestId("regions-plot");
  await expect(plot).toBeVisible();
  await expect(plot.locator("rect.region")).toHaveCount(1600);
  const before = await plot.getAttribute("data-regions");
  // The decision tree at depth 4; one step down with the keyboard is depth 3.
  await expect(page.getByTestId("demo-value")).toHaveText("4");
  const slider = page.locator("#demo-step");
  await expect(page.locator("label[for=demo-step]")).toHaveText("Maximum depth");
  await slider.focus();
  await page.keyboard.press("Home");
  await expect(page.getByTestId("demo-value")).toHaveText("1");
  await expect(plot).not.toHaveAttribute("data-regions", before!, { timeout: 5_000 });
  // Depth 1: one question, so at most two classes have a region.
  const counts = (await plot.getAttribute("data-regions"))!.split(",").map(Number);
  expect(counts.filter((c) => c > 0).length).toBeLessThanOrEqual(2);
  // A section's button puts its family in the demo.
  await page.getByTestId("show-gradient_boosting").click();
  await expect(page.locator("#demo-family")).toHaveValue("gradient_boosting");
  await expect(page.getByTestId("demo-summary")).toContainText("Gradient boosting on");
  await expectNoHorizontalScroll(page);
});
