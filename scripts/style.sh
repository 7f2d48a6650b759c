#!/usr/bin/env bash
# The house style, enforced: rustfmt and leptosfmt with the repository's own settings, and
# clippy with every warning an error, for the server build (with tests and binaries) and
# for the browser build. scripts/test.sh (and so CI) runs this before the tests; run it
# before committing.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
# The same flags as the test build (clippy checks the code the tests compile).
source scripts/cargo_flags.sh

echo "== style: cargo fmt --check"
cargo fmt --check
echo "== style: leptosfmt --check"
leptosfmt --check --quiet -c .leptosfmt.toml src
echo "== style: clippy (server, all targets)"
cargo clippy --features ssr --all-targets -- -D warnings
echo "== style: clippy (browser)"
cargo clippy --lib --no-default-features --features hydrate --target wasm32-unknown-unknown -- -D warnings
