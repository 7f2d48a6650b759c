import { test, expect } from "@playwright/test";
import { open } from "./helpers";

// The real front end, as cargo-leptos built it: the page and the WASM and JavaScript it links
// come back compressed (the files precompressed by the server at start-up), with security
// and cache headers; and the page hydrates under its Content-Security-Policy.

test("the page and its WASM and JS are served compressed with security and cache headers", async ({ request }) => {
  const page = await request.get("/", { headers: { "accept-encoding": "br, gzip" } });
  expect(page.status()).toBe(200);
  const headers = page.headers();
  expect(headers["content-encoding"]).toBe("br");
  expect(headers["cache-control"]).toBe("no-store");
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["x-frame-options"]).toBe("DENY");
  expect(headers["referrer-policy"]).toBe("same-origin");
  expect(headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
  expect(headers["content-security-policy"]).toContain("'wasm-unsafe-eval'");
  expect(headers["content-security-policy"]).toContain("frame-ancestors 'none'");

  const html = await page.text();
  const wasm = html.match(/href="(\/pkg\/[^"]+\.wasm)"/)?.[1];
  const js = html.match(/href="(\/pkg\/[^"]+\.js)"/)?.[1];
  expect(wasm, "the page links its WASM").toBeTruthy();
  expect(js, "the page links its JavaScript").toBeTruthy();
  for (const [path, type] of [[wasm!, "application/wasm"], [js!, "javascript"]]) {
    for (const encoding of ["br", "gzip"]) {
      const r = await request.get(path, { headers: { "accept-encoding": encoding } });
      expect(r.status(), path).toBe(200);
      expect(r.headers()["content-encoding"], `${path} with ${encoding}`).toBe(encoding);
      expect(r.headers()["content-type"], path).toContain(type);
      expect(r.headers()["cache-control"], path).toBe("no-cache");
      expect(r.headers()["last-modified"], path).toBeTruthy();
    }
  }
});

test("pages hydrate under their Content-Security-Policy", async ({ page }) => {
  const refused: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) refused.push(message.text());
  });
  for (const path of ["/", "/train", "/predict"]) {
    await open(page, path);
  }
  expect(refused).toEqual([]);
});
