#!/usr/bin/env bash
# Sets up whatever is missing, then runs every test: unit and integration tests (real
# training on the bundled NASA tables, a real server on a loopback port), then the
# Playwright end-to-end tests in Debian's Chromium against the real app.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$HOME/.cargo/bin:$PWD/end2end/node_modules/.bin:$PATH"

# Debian's PostgreSQL with a fresh database, so the multi-process queue test also runs
# against a database server (the app's default is the SQLite file).
# The house style first: a formatting slip or a clippy warning fails in a minute or two,
# not after the tests.
echo "== style (scripts/style.sh)"
bash scripts/style.sh

echo "== PostgreSQL for the queue test"
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

echo "== cargo test (unit + integration)"
# The integration tests are one binary, tests/api/ (run alone: cargo test --features ssr --test api).
cargo test --features ssr
# The bad-input suite and the load test (tests/api/bad_inputs.rs, tests/api/load.rs) write
# their figures here.
echo "== bad-input table (tests/api/bad_inputs.rs)"
cat target/bad-inputs.md 2>/dev/null || echo "(missing)"
echo "== load test: 100 pollers + 8 trainings for 60 s, loopback"
cat target/load-report.txt 2>/dev/null || echo "(missing)"

# cargo-leptos builds the WASM with only the `hydrate` feature: if a server-only crate
# leaked into the front end, this build fails.
echo "== target/ after the test build: $(du -sh target 2>/dev/null | cut -f1)"
echo "== end-to-end (Playwright in Chromium)"
rm -f target/click-to-result.txt
# --split: the pages' code is in lazily loaded WASM bundles (src/page_bundles.rs); without
# it the front end does not hydrate.
cargo leptos end-to-end --split
echo "== target/ after the end-to-end build: $(du -sh target 2>/dev/null | cut -f1)"
# The end-to-end timing test (end2end/tests/click_to_result.spec.ts) writes its figures here.
echo "== click to result (Chromium, debug build)"
cat target/click-to-result.txt 2>/dev/null || echo "(missing)"
