import { defineConfig, devices } from "@playwright/test";
import { chromiumLaunchOptions as chromium } from "./chromium.mjs";

export default defineConfig({
  testDir: "./tests",
  timeout: 120_000,
  expect: { timeout: 30_000 },
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: [["list"]],
  use: {
    baseURL: "http://127.0.0.1:3000",
    trace: "retain-on-failure",
    launchOptions: chromium,
  },
  projects: [
    { name: "desktop", testIgnore: /no_js\.spec\.ts/, use: { ...devices["Desktop Chrome"], launchOptions: chromium } },
    { name: "mobile", testIgnore: /no_js\.spec\.ts/, use: { viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true, launchOptions: chromium } },
    // No JavaScript (so no WebAssembly): the plain forms and server-rendered pages alone.
    { name: "no-js", testMatch: /no_js\.spec\.ts/, use: { ...devices["Desktop Chrome"], javaScriptEnabled: false, launchOptions: chromium } },
  ],
});
