#!/usr/bin/env bash
# Sets up whatever is missing, builds the optimised app and serves it on
# http://127.0.0.1:3000 (override with LEPTOS_SITE_ADDR). Ctrl-C stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --no-browser
export PATH="$HOME/.cargo/bin:$PWD/end2end/node_modules/.bin:$PATH"
# --split: the pages' code in lazily loaded WASM bundles (src/page_bundles.rs); needed to hydrate.
exec cargo leptos serve --release --split
