#!/usr/bin/env bash
# The first page, measured: the front end's files raw / gzip / brotli, then for each route
# the WASM and JavaScript it downloads and its time to interactive on Chromium's "Fast 3G"
# network emulation, against the release build served on a loopback port (docs/benchmarks.md,
# "First page", says what the figures mean).
#
#   scripts/first_page.sh            # measure the last release build
#   scripts/first_page.sh --build    # cargo leptos build --release --split first
#   RUNS=5 EXO_MEASURE_PORT=3107 scripts/first_page.sh
#   EXO_MEASURE_SITE=/tmp/old-site scripts/first_page.sh   # another build's site folder
#                                   # (same server: only the front end's files differ)
#
# Needs the release server (target/release/exoplanet-playground) and front end
# (target/site) of the same source, Debian's chromium, end2end/node_modules (npm ci) and
# Python's brotli module (pip install brotli) for the brotli column.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PWD/end2end/node_modules/.bin:$PATH"

if [ "${1:-}" = "--build" ]; then
  cargo leptos build --release --split
fi
server=target/release/exoplanet-playground
site="${EXO_MEASURE_SITE:-target/site}"
if [ ! -x "$server" ] || [ ! -d "$site/pkg" ]; then
  echo "no release build: run scripts/first_page.sh --build" >&2
  exit 1
fi

echo "== front-end files ($site/pkg)"
python3 scripts/wasm_sizes.py "$site/pkg"

port="${EXO_MEASURE_PORT:-3107}"
source scripts/local_server.sh
LEPTOS_ENV=PROD start_local_server "$server" "$site" "$port" 60
# The server writes the .br / .gz variants at start-up (src/server/static_files.rs): wait
# for them, or the first loads would be compressed on the fly at a lower quality.
for _ in $(seq 1 240); do
  missing=0
  for f in "$site"/pkg/*.wasm "$site"/pkg/*.js; do
    [ -e "$f.br" ] || missing=1
  done
  [ "$missing" = 0 ] && break
  sleep 0.5
done

echo "== time to interactive and downloads per route"
node end2end/measure/first_page.mjs "http://127.0.0.1:$port" "${RUNS:-3}"
