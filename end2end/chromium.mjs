// Debian's Chromium and its flags, for the Playwright tests (playwright.config.ts) and the
// first-page measurement (measure/first_page.mjs): Playwright's own browser download is not
// reachable from here.
export const chromiumLaunchOptions = {
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
  ],
};
