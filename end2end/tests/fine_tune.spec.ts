import { expect, test } from "@playwright/test";
import * as path from "path";
import { expectNoHorizontalScroll, open } from "./helpers";

const k2Export = path.join(__dirname, "..", "..", "data", "k2pandc.csv");

test("fine-tuning on a labelled table shows the pretrained and the fine-tuned model side by side", async ({ page }) => {
  await open(page, "/predict");
  await page.getByLabel("Table to predict (CSV, UTF-8)").setInputFiles(k2Export);
  await expect(page.getByTestId("predict-summary")).toContainText("read by the archive's K2 planets and candidates columns", { timeout: 30_000 });
  await expect(page.getByRole("heading", { name: "Fine-tune the model on this table" })).toBeVisible();

  // A value that is not a number is refused in the page; one out of range by the server, by name.
  await page.getByLabel("Learning rate").fill("gently");
  await page.getByRole("button", { name: "Fine-tune the pretrained model" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Learning rate: 'gently' is not a number." })).toBeVisible();
  await page.getByLabel("Learning rate").fill("0.05");
  await page.getByLabel("Held-out share of your rows (%)").fill("90");
  await page.getByRole("button", { name: "Fine-tune the pretrained model" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Held-out share: 90 % is outside 5 to 50 %." })).toBeVisible();
  await page.getByLabel("Held-out share of your rows (%)").fill("20");
  await page.getByLabel("Learning rate").fill("5");
  await page.getByRole("button", { name: "Fine-tune the pretrained model" }).click();
  // The page applies the server's own rule (the booster's published limits) before sending.
  await expect(page.getByRole("alert").filter({ hasText: "Learning rate: 5 is outside 0.001 to 1." })).toBeVisible();

  await page.getByLabel("Learning rate").fill("0.05");
  await page.getByLabel("Boosting rounds to add").fill("40");
  await page.getByRole("button", { name: "Fine-tune the pretrained model" }).click();
  await expect(page).toHaveURL(/\/result$/, { timeout: 90_000 });
  await expect(page.getByRole("heading", { level: 1 })).toContainText("fine-tuned from the pretrained model");
  await expect(page.getByRole("heading", { name: "Before and after fine-tuning" })).toBeVisible();
  const rows = page.getByTestId("fine-tune-table").locator("tbody tr");
  await expect(rows).toHaveCount(5);
  await expect(page.getByTestId("fine-tune-table").getByRole("rowheader", { name: /Your held-out rows/ })).toBeVisible();
  for (const on of ["your_table", "kepler", "tess", "k2", "nasa"]) {
    const row = page.getByTestId("fine-tune-table").locator(`tr[data-on="${on}"]`);
    await expect(row.locator('td[data-col="macro_f1-before"]')).toHaveText(/^0\.\d{3}$/);
    await expect(row.locator('td[data-col="macro_f1-after"]')).toHaveText(/^0\.\d{3}$/);
    await expect(row.locator('td[data-col="macro_f1-change"]')).toHaveText(/^(±0\.000|[+−]0\.\d{3})/);
  }
  await expect(page.getByText(/trees were kept and 120 new ones added/)).toBeVisible();
  await expect(page.getByTestId("metric-macro-f1")).toHaveText(/0\.\d{3}/);
  await expectNoHorizontalScroll(page);

  // The fine-tuned model answers on the predict page; the pretrained one is still offered.
  await page.getByRole("link", { name: "Predict with the fine-tuned model" }).click();
  await expect(page.getByTestId("chosen-model")).toContainText("Answering with your saved model");
  await expect(page.getByTestId("what-if-verdict")).toHaveText(/^(Confirmed|Candidate|False positive) \(\d+(\.\d)?\s?%\)$/);
  await expect(page.getByRole("link", { name: "Use the pretrained model" })).toBeVisible();
  await expectNoHorizontalScroll(page);
});

test("a table without labels is predicted but offers no fine-tuning", async ({ page }, info) => {
  test.skip(info.project.name === "mobile", "the desktop run covers it");
  await open(page, "/predict");
  await page.getByLabel("Table to predict (CSV, UTF-8)").setInputFiles({
    name: "mine.csv",
    mimeType: "text/csv",
    buffer: Buffer.from("id,period,depth,planet_radius\nmine-1,3.2,900,2.1\nmine-2,11.0,350,1.4\n"),
  });
  await expect(page.getByTestId("predict-summary")).toContainText("2 objects predicted");
  await expect(page.getByRole("heading", { name: "Fine-tune the model on this table" })).toHaveCount(0);
});

/** 90 hand-made candidates with the user's own column names (30 per class, two per host). */
function handMadeTable(): Buffer {
  const lines = ["Name,Host,Orbital Period (d),Transit Depth (ppm),Radius (Earth),Status"];
  for (let i = 0; i < 90; i++) {
    const kind = i % 3;
    const status = ["CONFIRMED", "FALSE POSITIVE", "CANDIDATE"][kind];
    const radius = [1 + (i % 7) * 0.4, 14 + (i % 11) * 1.5, 3 + (i % 5)][kind];
    const depth = [150 + ((i * 37) % 900), 9000 + ((i * 53) % 30000), 900 + ((i * 29) % 2000)][kind];
    lines.push(`mine-${i},host-${Math.floor(i / 2)},${0.7 + ((i * 13) % 40)},${depth},${radius},${status}`);
  }
  return Buffer.from(lines.join("\n") + "\n");
}

test("a table with its own column names: columns are chosen, predicted, then fine-tuned", async ({ page }, info) => {
  test.skip(info.project.name === "mobile", "the first test covers the phone layout of the fine-tuning flow");
  await open(page, "/predict");
  await page.getByLabel("Table to predict (CSV, UTF-8)").setInputFiles({ name: "my_candidates.csv", mimeType: "text/csv", buffer: handMadeTable() });
  const form = page.getByTestId("column-choice");
  await expect(form).toContainText("my_candidates.csv is not one of the archive's exports");
  // The guesses from the column names.
  await expect(form.getByLabel(/^Orbital period \[/)).toHaveValue("Orbital Period (d)");
  await expect(form.getByLabel(/^Transit depth \[/)).toHaveValue("Transit Depth (ppm)");
  await expect(form.getByLabel(/^Planet radius \[/)).toHaveValue("Radius (Earth)");
  await expect(form.getByLabel("Object name")).toHaveValue("Name");
  await expect(form.getByLabel("Label", { exact: true })).toHaveValue("Status");
  await expect(form.getByLabel("Host star")).toHaveValue("Host");
  // Every input left out is refused in the page; then the choice is restored by hand.
  for (const input of [/^Orbital period \[/, /^Transit depth \[/, /^Planet radius \[/]) {
    await form.getByLabel(input).selectOption("");
  }
  await form.getByRole("button", { name: "Predict with these columns" }).click();
  await expect(form.getByRole("alert")).toHaveText("Choose a column for at least one of the model's inputs.");
  await form.getByLabel(/^Orbital period \[/).selectOption("Orbital Period (d)");
  await form.getByLabel(/^Transit depth \[/).selectOption("Transit Depth (ppm)");
  await form.getByLabel(/^Planet radius \[/).selectOption("Radius (Earth)");
  await form.getByRole("button", { name: "Predict with these columns" }).click();
  await expect(page.getByTestId("predict-summary")).toHaveText("90 objects predicted (read by your column choice).");
  await expect(page.getByTestId("metric-macro-f1")).toHaveText(/0\.\d{3}/);

  await page.getByLabel("Boosting rounds to add").fill("20");
  await page.getByRole("button", { name: "Fine-tune the pretrained model" }).click();
  await expect(page).toHaveURL(/\/result$/, { timeout: 90_000 });
  await expect(page.getByRole("heading", { level: 1 })).toContainText("on my_candidates.csv");
  await expect(page.getByTestId("fine-tune-table").locator("tbody tr")).toHaveCount(5);
});
