#!/usr/bin/env bash
# Sets up whatever is missing, then runs every test: unit and integration tests (real
# training on the bundled NASA tables, a real server on a loopback port), then the
# Playwright end-to-end tests in Debian's Chromium against the real app.
set -euo pipefail
cd "$(dirname "$0")/.."
# Each step's heading carries the time since the start, so a slow CI run shows where it went.
step() { echo "== [$((SECONDS / 60))m$((SECONDS % 60))s] $*"; }
step "setup (scripts/setup.sh)"
bash scripts/setup.sh
export PATH="$HOME/.cargo/bin:$PWD/end2end/node_modules/.bin:$PATH"
# After setup: the tools it installs are built without the debug builds' flags.
source scripts/cargo_flags.sh

# The house style first: a formatting slip or a clippy warning fails in a minute or two,
# not after the tests.
step "style (scripts/style.sh)"
bash scripts/style.sh

# Debian's PostgreSQL with a fresh database, so the multi-process queue test also runs
# against a database server (the app's default is the SQLite file).
step "PostgreSQL for the queue test"
if ! EXO_TEST_POSTGRES_URL=$(bash scripts/postgres.sh); then
  # In CI a missing database is a failure, never a silent skip; on a developer's machine
  # everything else still runs and the PostgreSQL tests say they skipped.
  if [ -n "${CI:-}" ]; then
    echo "== ERROR: PostgreSQL could not be started; its tests cannot run" >&2
    exit 1
  fi
  echo "== WARNING: PostgreSQL could not be started here; the PostgreSQL tests will be skipped"
  EXO_TEST_POSTGRES_URL=""
fi
# The outage test stops and starts this cluster (pg_ctlcluster VERSION main stop|start).
EXO_TEST_POSTGRES_CLUSTER="$(ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -1) main"
export EXO_TEST_POSTGRES_URL EXO_TEST_POSTGRES_CLUSTER

step "cargo test (unit + integration)"
# The integration tests are one binary, tests/api/ (run alone: cargo test --features ssr --test api).
cargo test --features ssr
# The bad-input suite and the load test (tests/api/bad_inputs.rs, tests/api/load.rs) write
# their figures here.
step "bad-input table (tests/api/bad_inputs.rs)"
cat target/bad-inputs.md 2>/dev/null || echo "(missing)"
step "load test: 100 pollers + 8 trainings for 60 s, loopback"
cat target/load-report.txt 2>/dev/null || echo "(missing)"

# cargo-leptos builds the WASM with only the `hydrate` feature: if a server-only crate
# leaked into the front end, this build fails.
step "target/ after the test build: $(du -sh target 2>/dev/null | cut -f1)"
step "end-to-end (Playwright in Chromium)"
rm -f target/click-to-result.txt
# The browser's code (cargo-leptos) against the server binary `cargo test` built above:
# scripts/e2e.sh says why not `cargo leptos end-to-end`.
bash scripts/e2e.sh
step "target/ after the end-to-end build: $(du -sh target 2>/dev/null | cut -f1)"
# The end-to-end timing test (end2end/tests/click_to_result.spec.ts) writes its figures here.
step "click to result (Chromium, debug build)"
cat target/click-to-result.txt 2>/dev/null || echo "(missing)"
step "all tests passed"
