import { expect, Page } from "@playwright/test";

/** Opens a page and waits until the WASM has hydrated it (clicks before that are lost). */
export async function open(page: Page, path: string) {
  await page.goto(path);
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
}

/** Fails if the page is wider than the viewport (content cut off on a phone). */
export async function expectNoHorizontalScroll(page: Page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(1);
}

/** From the train page, starts a Kepler random forest of `trees` trees and waits for its progress page. */
export async function startKeplerForest(page: Page, trees: number) {
  await open(page, "/train");
  await page.getByRole("radio", { name: /Kepler KOI/ }).check();
  await page.getByLabel(/Number of trees/).fill(String(trees));
  await page.getByRole("button", { name: "Start training" }).click();
  await expect(page).toHaveURL(/\/trainings\/[0-9a-f-]{36}$/);
}

/**
 * From the train page, starts a Kepler gradient boosting of `rounds` rounds (5000 take
 * about a minute) and waits for its progress page: a training that stays on the progress
 * page long enough to watch and cancel (a forest's scores come within seconds, and the
 * progress page then moves on to the result).
 */
export async function startLongKeplerTraining(page: Page, rounds = 5000) {
  await open(page, "/train");
  await page.getByRole("radio", { name: /Kepler KOI/ }).check();
  await page.getByRole("radio", { name: /Gradient boosting/ }).check();
  await page.getByLabel(/Boosting rounds/).fill(String(rounds));
  await page.getByRole("button", { name: "Start training" }).click();
  await expect(page).toHaveURL(/\/trainings\/[0-9a-f-]{36}$/);
}

/** Waits until training `id` has completed (explanations included), by the JSON API. */
export async function waitUntilCompleted(page: Page, id: string) {
  await expect
    .poll(async () => (await (await page.request.get(`/api/v1/trainings/${id}`)).json()).status, { timeout: 120_000 })
    .toBe("completed");
}

/** Starts a training through the JSON API and waits until it has completed; its id. */
export async function trainByApi(page: Page, data: object): Promise<string> {
  const started = await page.request.post("/api/v1/trainings", { data });
  expect(started.status()).toBe(202);
  const { id } = await started.json();
  await waitUntilCompleted(page, id);
  return id;
}
