#!/usr/bin/env bash
# Installs what is missing and runs every check: formatting, clippy for
# native and wasm32, the Rust tests (the store suite on SQLite and on the
# local PostgreSQL), the shared tests in headless Chromium through
# wasm-bindgen-test, the browser tests against a release build, and the
# benchmark harness in its small size.

source "$(dirname "${BASH_SOURCE[0]}")/install.sh"
cd "$ROOT"

install_frontend_tools
install_chromium
install_npm_packages "$ROOT/tests/browser"
POSTGRES_ADMIN_URL="$(start_postgres)"

# Chromium leaves folders behind in the temporary folder.
export TMPDIR="$ROOT/tmp"
mkdir -p "$TMPDIR"

step() { echo; echo "==> $*"; }

step "cargo fmt --check"
cargo fmt --all --check

step "clippy (native)"
cargo clippy --workspace --all-targets -- -D warnings

step "clippy (wasm32)"
cargo clippy -p shared -p frontend --target wasm32-unknown-unknown --all-targets -- -D warnings

step "Rust tests"
# The property tests draw the same cases on every run, so that a run
# passes or fails on the code alone. scripts/damage.sh draws new ones.
export PROPTEST_RNG_SEED=20261204
cargo build -p backend --bin people
export PEOPLE_BIN="$ROOT/target/debug/people"
cargo test --workspace

step "store conformance tests on PostgreSQL"
drop_test_databases "$POSTGRES_ADMIN_URL"
PEOPLE_TEST_POSTGRES_URL="$POSTGRES_ADMIN_URL" cargo test -p people-tests --test api --test auth --test pipeline
PEOPLE_TEST_POSTGRES_URL="$POSTGRES_ADMIN_URL" cargo test -p people-tests --test instances -- --ignored
drop_test_databases "$POSTGRES_ADMIN_URL"

step "shared tests in headless Chromium (wasm32)"
(cd shared && CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown --lib)

step "release frontend build"
build_frontend

step "browser tests"
(cd tests/browser && node --test)

# The harness in its small size proves that every part of it still runs;
# its figures mean little at that size. It reuses this script's builds.
step "benchmark harness (small size)"
CARGO_TARGET_DIR="$ROOT/target" bash scripts/bench.sh --quick

echo
echo "all checks passed"
