#!/usr/bin/env bash
# Installs every tool the app and its tests need, skipping whatever is already there.
# Everything comes from the package registries (rustup, crates.io, Debian, npm): nothing else is reachable.
set -euo pipefail
cd "$(dirname "$0")/.."

export PATH="$HOME/.cargo/bin:$PWD/end2end/node_modules/.bin:$PATH"

step() { printf '\n== setup: %s\n' "$*"; }

# fmt and clippy for scripts/style.sh (a minimal toolchain profile lacks them).
for component in rustfmt clippy; do
  if ! rustup component list --installed | grep -q "^$component"; then
    step "rustup component $component"
    rustup component add "$component"
  fi
done

if ! rustup target list --installed | grep -q '^wasm32-unknown-unknown$'; then
  step "rustup target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

if [ "${1:-}" != "--no-browser" ] && ! command -v chromium >/dev/null 2>&1; then
  step "Debian chromium (for Playwright)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

# cargo-leptos 0.3.10 is the last release that builds on rustc 1.95. LTO off halves its
# install time and optimisation level 1 cuts it again: it only drives cargo and post-processes
# a few files, so its own speed hardly shows (the CI budget is the install).
if ! cargo leptos --version 2>/dev/null | grep -q '0.3.10'; then
  step "cargo-leptos 0.3.10"
  CARGO_PROFILE_RELEASE_OPT_LEVEL=1 CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
    cargo install cargo-leptos --locked --version 0.3.10
fi

# Must equal the wasm-bindgen crate version pinned in Cargo.toml. No --locked: its lockfile
# pins a crate version the registry lacks.
if ! wasm-bindgen --version 2>/dev/null | grep -q '0.2.130'; then
  step "wasm-bindgen-cli 0.2.130"
  CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
    cargo install wasm-bindgen-cli --version 0.2.130
fi

# The view! macro formatter (scripts/style.sh). Optimisation level 1: it formats a few files,
# so a quicker build matters more than a faster binary.
if ! leptosfmt --version 2>/dev/null | grep -q '0.1.33'; then
  step "leptosfmt 0.1.33"
  CARGO_PROFILE_RELEASE_OPT_LEVEL=1 CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
    cargo install leptosfmt --locked --version 0.1.33
fi

if [ -f end2end/package-lock.json ] && [ ! -d end2end/node_modules/@playwright/test ]; then
  step "npm ci (Playwright, binaryen)"
  (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
fi
