#!/usr/bin/env bash
# Sets up whatever is missing, then runs every test: unit and integration tests (real
# training on the bundled NASA tables, a real server on a loopback port), then the
# Playwright end-to-end tests in Debian's Chromium against the real app.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$HOME/.cargo/bin:$PWD/end2end/node_modules/.bin:$PATH"

echo "== cargo test (unit + integration)"
cargo test --features ssr

# cargo-leptos builds the WASM with only the `hydrate` feature: if a server-only crate
# leaked into the front end, this build fails.
echo "== end-to-end (Playwright in Chromium)"
cargo leptos end-to-end
