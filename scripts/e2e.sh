#!/usr/bin/env bash
# The Playwright end-to-end tests in Debian's Chromium against the real app: builds the
# browser's code (cargo-leptos, split into lazily loaded bundles), starts the server binary
# that `cargo test --features ssr` built, runs `npx playwright test`, stops the server.
#
# Why not `cargo leptos end-to-end`: it builds the server again with cargo-leptos's own
# feature set (no dev-dependencies), which recompiled the whole crate a third time in CI
# (after the library and its unit tests). The binary the tests built is the same program:
# same `ssr` features, LEPTOS_OUTPUT_NAME set at compile time (.cargo/config.toml), and
# erased components like cargo-leptos's debug WASM (scripts/cargo_flags.sh).
#
#   scripts/e2e.sh [playwright args...]     e.g. scripts/e2e.sh tests/predict.spec.ts
# EXO_E2E_SKIP_BUILD=1 skips the WASM build (target/site must already exist).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PWD/end2end/node_modules/.bin:$PATH"
# The flags of `cargo test`'s build, whose server binary this serves.
source scripts/cargo_flags.sh

if [ -z "${EXO_E2E_SKIP_BUILD:-}" ]; then
  # --split: the pages' code is in lazily loaded WASM bundles (src/page_bundles.rs);
  # without it the front end does not hydrate.
  cargo leptos build --split --frontend-only
fi
# The server binary of `cargo test --features ssr`'s build (a no-op right after the tests):
# not `cargo build`, whose feature set lacks the dev-dependencies' and so rebuilds half the
# dependencies and the crate. Its path comes from cargo's own report of what it built.
server=$(cargo test --features ssr --no-run --message-format=json-render-diagnostics | python3 -c '
import json, sys
for line in sys.stdin:
    m = json.loads(line)
    t = m.get("target", {})
    if m.get("reason") == "compiler-artifact" and t.get("name") == "exoplanet-playground" and "bin" in t.get("kind", []):
        print(m["executable"])
')
if [ -z "$server" ] || [ ! -x "$server" ] || [ ! -d target/site/pkg ]; then
  echo "e2e: no server binary ('$server') or no target/site/pkg; run without EXO_E2E_SKIP_BUILD" >&2
  exit 1
fi

# The environment cargo-leptos gives the servers it starts (its Project::to_envs); a state
# folder of its own, so earlier runs' trainings do not leak into the tests.
source scripts/local_server.sh
# Every test's browser comes from 127.0.0.1, one principal for the fairness limits (like a
# class behind one school address): its budget is sized for the suite's parallel workers,
# with both training workers at its disposal. The limits themselves are tested by
# tests/api/abuse.rs and fairness.rs.
export EXO_RATE_LIMIT_PER_MINUTE=2000 EXO_NEW_VISITORS_PER_MINUTE=2000 EXO_ADDRESS_ACTIVE_TRAININGS=200 \
  EXO_ADDRESS_TRAININGS_PER_DAY=5000 EXO_ADDRESS_STORED_TRAININGS=5000 EXO_MAX_RUNNING_PER_PRINCIPAL=2 \
  EXO_REQUESTS_PER_PRINCIPAL=512 EXO_HEAVY_REQUESTS_PER_PRINCIPAL=16
LEPTOS_RELOAD_PORT=3001 LEPTOS_LIB_DIR=. LEPTOS_BIN_DIR=. LEPTOS_JS_MINIFY=false LEPTOS_HASH_FILES=false \
  start_local_server "$server" target/site 3000 120

status=0
(cd end2end && npx playwright test "$@") || status=$?
if [ "$status" != 0 ]; then
  echo "e2e: Playwright failed ($status); the server's last log lines:" >&2
  tail -n 40 "$server_state/server.log" >&2
fi
exit "$status"
