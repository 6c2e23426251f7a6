#!/usr/bin/env bash
# Reads many randomly damaged copies of the fixture workbooks in an
# optimized build with overflow checks on. Any panic fails the run, and
# proptest prints the smallest damage that causes it and saves its seed
# in shared/proptest-regressions, which the normal test run then repeats.
# Usage: bash scripts/damage.sh [cases per test, 5000 by default]

set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

export CARGO_PROFILE_RELEASE_OVERFLOW_CHECKS=true
export CARGO_PROFILE_RELEASE_DEBUG_ASSERTIONS=true
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target/damage}"
PROPTEST_CASES="${1:-5000}" cargo test --release -p shared --lib intake::damage
