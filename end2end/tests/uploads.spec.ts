import { expect, test } from "@playwright/test";
import * as path from "path";
import { open } from "./helpers";

// A hand-made table with its own column names: 20 objects per class, two per star.
function customTable(): string {
  const rows = ["object,host,verdict,period_d,radius_re,notes"];
  for (let i = 0; i < 60; i++) {
    const verdict = ["yes", "unsure", "no"][i % 3];
    rows.push(`o${i},h${Math.floor(i / 2)},${verdict},${(1.5 + (i % 3) * 4 + (i % 7) * 0.1).toFixed(2)},${1 + (i % 3)},text`);
  }
  return rows.join("\n") + "\n";
}

test("upload a hand-made table, map its columns, train and read the result", async ({ page }, info) => {
  test.skip(info.project.name === "mobile", "the phone run covers the archive export");
  await open(page, "/train");
  await page.getByRole("radio", { name: /Your own table/ }).check();
  await page.getByLabel("Training table (CSV, UTF-8)").setInputFiles({ name: "my_candidates.csv", mimeType: "text/csv", buffer: Buffer.from(customTable()) });
  const mapping = page.getByTestId("mapping-form");
  await expect(mapping).toContainText("Map the columns of my_candidates.csv (60 rows)");
  // Guesses the user can change: label column, what its values mean, features, star column.
  await expect(page.getByLabel("Label column")).toHaveValue("verdict");
  await expect(page.getByLabel("'yes' means")).toHaveValue("confirmed");
  await expect(page.getByLabel("'unsure' means")).toHaveValue("candidate");
  await expect(page.getByLabel("'no' means")).toHaveValue("false_positive");
  await expect(page.getByLabel(/^Host star column/)).toHaveValue("host");
  await expect(page.getByLabel("period_d")).toBeChecked();
  await expect(page.getByLabel("radius_re")).toBeChecked();
  await expect(page.getByLabel("notes")).toBeDisabled();

  await page.getByRole("radio", { name: /Decision tree/ }).check();
  await page.getByRole("button", { name: "Start training" }).click();
  await expect(page).toHaveURL(/\/result$/, { timeout: 90_000 });
  await expect(page.getByRole("heading", { level: 1 })).toContainText("my_candidates.csv");
  await expect(page.getByTestId("metric-macro-f1")).toHaveText(/\d\.\d{3}/);
  await expect(page.getByText(/grouped by 'host'/)).toBeVisible();
});

// The hand-made table with the date each row was last checked: 40 rows a year from 2020.
function datedTable(): string {
  const rows = ["object,host,verdict,period_d,radius_re,updated"];
  for (let i = 0; i < 120; i++) {
    const verdict = ["yes", "unsure", "no"][i % 3];
    const day = `${2020 + Math.floor(i / 40)}-${String(1 + (i % 12)).padStart(2, "0")}-${String(1 + (i % 28)).padStart(2, "0")}`;
    rows.push(`o${i},h${i % 50},${verdict},${(1.5 + (i % 3) * 4 + (i % 7) * 0.1).toFixed(2)},${1 + (i % 3)},${day}`);
  }
  return rows.join("\n") + "\n";
}

test("an upload with a date column trains on the past and is tested on the future", async ({ page }, info) => {
  test.skip(info.project.name === "mobile", "the desktop run covers the temporal split of an upload");
  await open(page, "/train");
  await page.getByRole("radio", { name: /Your own table/ }).check();
  await page.getByLabel("Training table (CSV, UTF-8)").setInputFiles({ name: "dated.csv", mimeType: "text/csv", buffer: Buffer.from(datedTable()) });
  await expect(page.getByTestId("mapping-form")).toContainText("Map the columns of dated.csv (120 rows)");
  // The date column is guessed from its name and its values, and is not a feature.
  await expect(page.locator("#date-column")).toHaveValue("updated");
  await expect(page.getByLabel("updated")).toBeDisabled();
  await page.getByLabel("Test on the future: cut-off date").fill("2022-01-01");
  await page.getByRole("radio", { name: /Decision tree/ }).check();
  await page.getByRole("button", { name: "Start training" }).click();
  await expect(page).toHaveURL(/\/result$/, { timeout: 90_000 });
  await expect(page.getByText(/Temporal split at 2022-01-01/).first()).toBeVisible();
});

test("the archive's own KOI export is recognised and trains without mapping", async ({ page }) => {
  await open(page, "/train");
  await page.getByRole("radio", { name: /Your own table/ }).check();
  await page.getByLabel("Training table (CSV, UTF-8)").setInputFiles(path.join(__dirname, "..", "..", "data", "koi_cumulative.csv"));
  await expect(page.getByTestId("recognised")).toContainText("is the archive's Kepler KOI export", { timeout: 30_000 });
  await page.getByRole("radio", { name: /Logistic regression/ }).check();
  await page.getByRole("button", { name: "Start training" }).click();
  await expect(page).toHaveURL(/\/result$/, { timeout: 90_000 });
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Kepler KOI export");
});

test("a broken file gets a message naming the file and the problem", async ({ page }) => {
  await open(page, "/train");
  await page.getByRole("radio", { name: /Your own table/ }).check();
  await page.getByLabel("Training table (CSV, UTF-8)").setInputFiles({ name: "twice.csv", mimeType: "text/csv", buffer: Buffer.from("a,b,a\n1,2,3\n") });
  await expect(page.getByTestId("upload-error")).toHaveText("twice.csv: column 'a' appears twice in the header row");
  await page.getByRole("button", { name: "Start training" }).click();
  await expect(page.getByTestId("form-error")).toContainText("twice.csv");
});

// `text` with only the first `keep` occurrences of `what`; the others become `instead`.
function keepFirst(text: string, what: string, keep: number, instead: string): string {
  let seen = 0;
  return text.split(what).reduce((out, part, i) => (i === 0 ? part : out + (seen++ < keep ? what : instead) + part), "");
}

// Every check on a file that can be made before training, as the page shows it: problems with
// the file itself appear when it is chosen; problems with its contents when training starts.
test("each kind of bad table gets its own message in the page", async ({ page }, info) => {
  test.skip(info.project.name === "mobile", "the desktop run covers the messages");
  const table = customTable();
  const onChoose: [string, Buffer, string][] = [
    ["empty.csv", Buffer.from(""), "empty.csv: the file is empty"],
    ["latin.csv", Buffer.from([0x61, 0x2c, 0x62, 0x0a, 0x31, 0x2c, 0xe9, 0x0a]), "latin.csv: line 2 is not UTF-8 text"],
    ["noheader.csv", Buffer.from("just one column\n1\n"), "noheader.csv: the first line after any '#' lines is not a comma-separated header row"],
  ];
  const onStart: [string, string, string][] = [
    ["letters.csv", table.replace("o0,h0,yes,1.50,", "o0,h0,yes,abc,"), "letters.csv: column 'period_d' should hold numbers but 1 value is not (row 2: 'abc')"],
    ["inf.csv", table.replace("o0,h0,yes,1.50,", "o0,h0,yes,inf,"), "inf.csv: column 'period_d', row 2: 'inf' is infinite"],
    ["few.csv", keepFirst(table, ",no,", 5, ",yes,"), "few.csv: class 'false_positive' has only 5 rows; each class needs at least 10"],
    ["oneclass.csv", table.split(",unsure,").join(",yes,").split(",no,").join(",yes,"), "oneclass.csv: the labelled rows hold fewer than two classes ("],
  ];
  await open(page, "/train");
  await page.getByRole("radio", { name: /Your own table/ }).check();
  const input = page.getByLabel("Training table (CSV, UTF-8)");
  for (const [name, buffer, message] of onChoose) {
    await input.setInputFiles({ name, mimeType: "text/csv", buffer });
    await expect(page.getByTestId("upload-error")).toContainText(message);
  }
  for (const [name, text, message] of onStart) {
    await input.setInputFiles({ name, mimeType: "text/csv", buffer: Buffer.from(text) });
    await expect(page.getByTestId("mapping-form")).toContainText(`Map the columns of ${name}`);
    await page.getByRole("button", { name: "Start training" }).click();
    await expect(page.getByTestId("form-error")).toContainText(message);
  }
  // A test table without one of the training features.
  await input.setInputFiles({ name: "mine.csv", mimeType: "text/csv", buffer: Buffer.from(table) });
  await expect(page.getByTestId("mapping-form")).toContainText("Map the columns of mine.csv");
  const noRadius = table.trim().split("\n").map((line) => line.split(",").filter((_, i) => i !== 4).join(",")).join("\n");
  await page.getByLabel("Test table (optional)").setInputFiles({ name: "new.csv", mimeType: "text/csv", buffer: Buffer.from(noRadius) });
  await page.getByRole("button", { name: "Start training" }).click();
  await expect(page.getByTestId("form-error")).toContainText("new.csv: the test file lacks training feature radius_re");
});

test("a test table without labels gives predictions with reasons and says there are no scores", async ({ page }, info) => {
  test.skip(info.project.name === "mobile", "the desktop run covers it");
  const unlabelled = customTable()
    .trim()
    .split("\n")
    .slice(0, 13)
    .map((line) => line.split(",").filter((_, i) => i !== 2).join(","))
    .join("\n");
  await open(page, "/train");
  await page.getByRole("radio", { name: /Your own table/ }).check();
  await page.getByLabel("Training table (CSV, UTF-8)").setInputFiles({ name: "mine.csv", mimeType: "text/csv", buffer: Buffer.from(customTable()) });
  await expect(page.getByTestId("mapping-form")).toContainText("Map the columns of mine.csv");
  await page.getByLabel("Test table (optional)").setInputFiles({ name: "new_objects.csv", mimeType: "text/csv", buffer: Buffer.from(unlabelled) });
  await page.getByRole("radio", { name: /Random forest/ }).check();
  await page.getByRole("button", { name: "Start training" }).click();
  await expect(page).toHaveURL(/\/result$/, { timeout: 90_000 });
  await expect(page.getByRole("note")).toContainText("Predictions for 12 objects from your test file. It has no labels, so there are no scores");
  await expect(page.getByTestId("metric-macro-f1")).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Actual" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "o0", exact: true })).toBeVisible();
  await expect(page.locator("td.reasons li").first()).toContainText(/pushes (toward|away from)/);
});
