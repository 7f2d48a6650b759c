# Sourced by scripts/test.sh, style.sh and e2e.sh: the compiler flags of debug builds.
#
# Leptos's `erase_components` makes components return type-erased views. cargo-leptos sets it
# for its own debug builds (server and WASM); `cargo test` and clippy get it here, so that
# (1) the crate compiles in 5.7 min instead of 16 (typed views make every page one deeply
# nested type, monomorphised and optimised whole), and (2) the server binary the tests build
# renders the same hydration markers as cargo-leptos's debug WASM: a server and a browser
# build that disagree on erasure render pages that do not hydrate. Release builds keep
# typed views (see [package.metadata.leptos] in Cargo.toml).
# By hand: RUSTFLAGS="--cfg erase_components" cargo test --features ssr
export RUSTFLAGS="--cfg erase_components"
