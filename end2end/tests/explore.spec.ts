import { expect, test } from "@playwright/test";
import { expectNoHorizontalScroll, open } from "./helpers";

// The explore page draws every bundled object, filters change what is drawn, a click on a
// point opens its card with the explanation, and keyboard users reach the same objects
// through the table view (issue 14).

test("the explore page draws, filters, opens an object's card and has a table view", async ({ page }) => {
  const points = await (await page.request.get("/api/v1/sky")).json();
  const total: number = points.id.length;
  await open(page, "/explore");
  const countText = page.getByTestId("explore-count");
  await expect(countText).toHaveText(`${total.toLocaleString("en-US")} of ${total.toLocaleString("en-US")} objects shown`, { timeout: 60_000 });
  const canvas = page.getByTestId("sky-canvas");
  // Every object with a period and a radius in range is drawn.
  const drawable = points.id.filter((_: string, i: number) => points.period[i] > 0 && points.radius[i] > 0).length;
  const drawn = Number(await canvas.getAttribute("data-drawn"));
  expect(drawn).toBeGreaterThan(drawable * 0.98);
  expect(drawn).toBeLessThanOrEqual(drawable);

  // The sky map draws every object with a position.
  await page.getByLabel("Sky map").check();
  const onSky = points.ra.filter((v: number | null) => v !== null).length;
  await expect(canvas).toHaveAttribute("data-drawn", String(onSky));

  // Filters change the count.
  await page.locator("#explore-mission-kepler").uncheck();
  const keplerCount = points.mission.filter((m: string) => m === "kepler").length;
  await expect(countText).toContainText(`${(total - keplerCount).toLocaleString("en-US")} of`);
  await page.locator("#explore-class").selectOption("confirmed");
  const confirmedNotKepler = points.id.filter((_: string, i: number) => points.mission[i] !== "kepler" && points.disposition[i] === "confirmed").length;
  await expect(countText).toContainText(`${confirmedNotKepler.toLocaleString("en-US")} of`);

  // A click on a point opens its card with the model's explanation: the point of the first
  // shown object, placed as the page's Hammer projection places it.
  const i = points.id.findIndex((_: string, k: number) => points.mission[k] !== "kepler" && points.disposition[k] === "confirmed" && points.ra[k] !== null);
  const lambda = ((180 - points.ra[i]) * Math.PI) / 180, phi = (points.dec[i] * Math.PI) / 180;
  const d = Math.sqrt(1 + Math.cos(phi) * Math.cos(lambda / 2));
  const ux = (2 * Math.SQRT2 * Math.cos(phi) * Math.sin(lambda / 2)) / d / (4 * Math.SQRT2) + 0.5;
  const uy = 0.5 - (Math.SQRT2 * Math.sin(phi)) / d / (2 * Math.SQRT2);
  const box = (await canvas.boundingBox())!;
  await canvas.click({ position: { x: 4 + ux * (box.width - 8), y: 4 + uy * (box.height - 8) } });
  await expect(page.getByTestId("object-card").getByTestId("waterfall")).toBeVisible();
  await page.getByRole("button", { name: "Close the card" }).click();
  await expect(page.getByTestId("object-card")).toHaveCount(0);

  // The keyboard way: the table view lists the shown objects; Enter on a name opens its card.
  await page.locator("details.explore-table summary").focus();
  await page.keyboard.press("Enter");
  const first = page.getByTestId("explore-table").locator("tbody tr").first().locator("th button");
  const id = (await first.innerText()).trim();
  await first.focus();
  await page.keyboard.press("Enter");
  const card = page.getByTestId("object-card");
  await expect(card).toContainText(`Why ${id} is predicted`);
  await expect(card.getByTestId("waterfall")).toBeVisible();
  await expect(card.getByRole("link", { name: "ExoFOP" })).toHaveAttribute("href", /^https:\/\//);
  await expectNoHorizontalScroll(page);
});
