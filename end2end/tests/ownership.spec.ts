import { test, expect, APIRequestContext, BrowserContext, Page } from "@playwright/test";
import { open } from "./helpers";

// Two browsers are two people. What one trains is invisible to the other on every page and
// route until it is shared; a shared result can be read, never cancelled or deleted.
// Accounts adopt a browser's work; API tokens act for an account until revoked.

/** Trains a quick K2 decision tree as this browser (its cookies) and waits for the result. */
async function trainQuick(context: BrowserContext): Promise<string> {
  const started = await context.request.post("/api/v1/trainings", { data: { dataset: "k2", model: "decision_tree" } });
  expect(started.status()).toBe(202);
  const id = (await started.json()).id as string;
  await expect
    .poll(async () => (await (await context.request.get(`/api/v1/trainings/${id}`)).json()).status, { timeout: 120_000 })
    .toBe("completed");
  return id;
}

async function newBrowser(browser: import("@playwright/test").Browser, baseURL: string | undefined): Promise<[BrowserContext, Page]> {
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  await open(page, "/"); // the first visit sets the visitor cookie
  return [context, page];
}

function uniqueName(prefix: string): string {
  return `${prefix}${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
}

test("one browser's training is invisible to another until shared, and never theirs to change", async ({ browser, baseURL }) => {
  const [a, pageA] = await newBrowser(browser, baseURL);
  const [b, pageB] = await newBrowser(browser, baseURL);
  const id = await trainQuick(a);

  await open(pageA, "/models");
  await expect(pageA.locator(`a[href="/trainings/${id}/result"]`).first()).toBeVisible();
  await open(pageB, "/models");
  await expect(pageB.getByText("Nothing saved yet")).toBeVisible();
  await expect(pageB.locator(`a[href*="${id}"]`)).toHaveCount(0);

  // B's pages and routes: not found, as if it did not exist.
  await open(pageB, `/trainings/${id}/result`);
  await expect(pageB.getByRole("alert")).toContainText("No training with id");
  await open(pageB, `/trainings/${id}`);
  await expect(pageB.getByRole("alert").filter({ has: pageB.getByRole("heading", { name: "Training not found" }) })).toContainText("No training with id");
  for (const path of ["", "/result", "/model", "/importance"]) {
    expect((await b.request.get(`/api/v1/trainings/${id}${path}`)).status(), path).toBe(404);
  }
  expect((await b.request.post(`/api/v1/trainings/${id}/cancel`)).status()).toBe(404);
  expect((await b.request.delete(`/api/v1/trainings/${id}`)).status()).toBe(404);

  // A shares it from the result page.
  await open(pageA, `/trainings/${id}/result`);
  await pageA.getByTestId("share-toggle").check();
  await expect(pageA.getByTestId("share-state")).toContainText("Shared: anyone with this page's link");

  // B reads the shared link: scores yes, controls no, cancel and delete refused.
  await open(pageB, `/trainings/${id}/result`);
  await expect(pageB.getByTestId("shared-by")).toContainText("Shared by anonymous");
  await expect(pageB.getByRole("heading", { name: "Scores" })).toBeVisible();
  await expect(pageB.getByTestId("share-toggle")).toHaveCount(0);
  expect((await b.request.post(`/api/v1/trainings/${id}/cancel`)).status()).toBe(403);
  expect((await b.request.delete(`/api/v1/trainings/${id}`)).status()).toBe(403);
  expect((await b.request.get(`/api/v1/trainings/${id}/model`)).status(), "no model without its rows").toBe(403);
  const shared = await (await b.request.get(`/api/v1/trainings/${id}/result`)).json();
  expect(shared.predictions).toEqual([]);

  // Private again: gone for B.
  await pageA.getByTestId("share-toggle").uncheck();
  await expect(pageA.getByTestId("share-state")).toContainText("Private");
  expect((await b.request.get(`/api/v1/trainings/${id}/result`)).status()).toBe(404);
  await a.close();
  await b.close();
});

test("registering, signing out and signing in: an account keeps the browser's work", async ({ browser, baseURL }) => {
  const [context, page] = await newBrowser(browser, baseURL);
  const id = await trainQuick(context);
  const name = uniqueName("ada");
  const password = "correct horse battery";

  await open(page, "/account");
  const register = page.getByTestId("register");
  await register.getByLabel("Username").fill(name);
  await register.getByLabel("Password").fill(password);
  await register.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByTestId("signed-in")).toContainText(`Signed in as ${name}`);
  await open(page, "/models");
  await expect(page.locator(`a[href="/trainings/${id}/result"]`).first()).toBeVisible();

  await open(page, "/account");
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(page.getByTestId("sign-in")).toBeVisible();
  await open(page, "/models");
  await expect(page.getByText("Nothing saved yet")).toBeVisible();

  await open(page, "/account");
  const signIn = page.getByTestId("sign-in");
  await signIn.getByLabel("Username").fill(name);
  await signIn.getByLabel("Password").fill("not the password");
  await signIn.getByRole("button", { name: "Sign in" }).click();
  await expect(signIn.getByRole("alert")).toContainText("username or password is wrong");
  await signIn.getByLabel("Password").fill(password);
  await signIn.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("signed-in")).toBeVisible();
  await open(page, "/models");
  await expect(page.locator(`a[href="/trainings/${id}/result"]`).first()).toBeVisible();
  await context.close();
});

test("an API token trains and reads through the JSON API; a revoked one gets 401", async ({ browser, baseURL, playwright }) => {
  const [context, page] = await newBrowser(browser, baseURL);
  const name = uniqueName("script");
  expect((await context.request.post("/api/v1/account/register", { data: { username: name, password: "correct horse battery" } })).status()).toBe(201);

  await open(page, "/account");
  await page.getByLabel("What the token is for").fill("nightly triage");
  await page.getByRole("button", { name: "Create token" }).click();
  const token = (await page.getByTestId("new-token").textContent())!.trim();
  expect(token).toMatch(/^exo_[0-9a-f]{64}$/);
  await expect(page.getByTestId("tokens")).toContainText("nightly triage");

  const script: APIRequestContext = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { Authorization: `Bearer ${token}` } });
  const started = await script.post("/api/v1/trainings", { data: { dataset: "k2", model: "decision_tree" } });
  expect(started.status()).toBe(202);
  const id = (await started.json()).id as string;
  await expect.poll(async () => (await (await script.get(`/api/v1/trainings/${id}`)).json()).status, { timeout: 120_000 }).toBe("completed");
  expect((await script.get(`/api/v1/trainings/${id}/result`)).status()).toBe(200);
  // The account's browser sees what its script trained.
  await open(page, "/models");
  await expect(page.locator(`a[href="/trainings/${id}/result"]`).first()).toBeVisible();

  await open(page, "/account");
  await page.getByRole("button", { name: "Revoke the token nightly triage" }).click();
  await expect(page.getByText("No tokens yet.")).toBeVisible();
  const refused = await script.get("/api/v1/trainings");
  expect(refused.status()).toBe(401);
  expect((await refused.json()).error.message).toContain("revoked");
  await script.dispose();
  await context.close();
});
