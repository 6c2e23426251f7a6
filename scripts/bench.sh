#!/usr/bin/env bash
# Runs the benchmark harness and prints every figure, ratio and target:
# the analysis in headless Chromium (the real app, its worker alone, the
# JavaScript reference pipeline and SheetJS), the same analysis natively,
# the .wasm sizes, the bytes an import uploads, and the store's merge on
# SQLite and PostgreSQL against a bare bulk insert. BENCHMARKS.md explains
# each figure and records a run.
#
#   bash scripts/bench.sh               full run (about 30 minutes on 2 cores)
#   bash scripts/bench.sh --quick       small files and 20,000 profiles, a smoke run
#   bash scripts/bench.sh --merge-only  only the merge benchmark (with --quick: small)
#   bash scripts/bench.sh --rev REV     the product as committed at REV, built in a
#                                       temporary git worktree, so that uncommitted
#                                       edits in the working tree are left out
#
# Installs what is missing first (as scripts/test.sh does), builds in
# release mode into $CARGO_TARGET_DIR (default target-bench) and writes
# the results of each run to tmp/bench/run-TIME/.

source "$(dirname "${BASH_SOURCE[0]}")/install.sh"
cd "$ROOT"

usage() {
    sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'
}

QUICK=false
MERGE_ONLY=false
REV=""
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) QUICK=true ;;
        --merge-only) MERGE_ONLY=true ;;
        --rev)
            if [ $# -lt 2 ]; then
                echo "--rev needs a revision, such as HEAD" >&2
                exit 2
            fi
            REV="$2"
            shift
            ;;
        -h | --help)
            usage
            exit 0
            ;;
        *)
            echo "unknown option $1: use --quick, --merge-only, --rev REV or --help" >&2
            exit 2
            ;;
    esac
    shift
done

if $QUICK; then
    CSV_ROWS=20000
    XLSX_ROWS=4000
    INTERNATIONAL_ROWS=5000
    MERGE_PROFILES=20000
else
    CSV_ROWS=500000
    XLSX_ROWS=100000
    INTERNATIONAL_ROWS=100000
    MERGE_PROFILES=1000000
fi

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target-bench}"
# Chromium and npm leave folders behind in the temporary folder.
export TMPDIR="$ROOT/tmp"
mkdir -p "$TMPDIR"

RUN_DIR="$ROOT/tmp/bench/run-$(date -u +%Y%m%dT%H%M%SZ)"
DATA_DIR="$ROOT/tmp/bench/data-$CSV_ROWS-$XLSX_ROWS-$INTERNATIONAL_ROWS"
DIST_DIR="$CARGO_TARGET_DIR/dist"
BIN_DIR="$CARGO_TARGET_DIR/release"
mkdir -p "$RUN_DIR"

step() { echo; echo "==> $*"; }
started=$SECONDS

# The folder whose sources are built: the working tree, or a worktree of REV.
SOURCE="$ROOT"
if [ -n "$REV" ]; then
    SOURCE="$ROOT/tmp/bench/source"
    git worktree remove --force "$SOURCE" 2>/dev/null || rm -rf "$SOURCE"
    git worktree add --detach "$SOURCE" "$REV" >/dev/null
    remove_source() { git -C "$ROOT" worktree remove --force "$SOURCE" || true; }
    trap remove_source EXIT
    echo "benchmarking $(git -C "$SOURCE" log -1 --format='%h %s')"
fi

step "installing what is missing"
if ! $MERGE_ONLY; then
    install_frontend_tools
    install_chromium
    install_npm_packages "$ROOT/tests/bench"
fi
POSTGRES_ADMIN_URL="$(start_postgres)"

step "release builds"
cargo build --release --manifest-path "$SOURCE/Cargo.toml" -p backend --example bench_merge
if ! $MERGE_ONLY; then
    cargo build --release --manifest-path "$SOURCE/Cargo.toml" -p shared --example bench_analyze
    cargo build --release --manifest-path "$SOURCE/Cargo.toml" -p backend --bin people
    (cd "$SOURCE/frontend" && TRUNK_OFFLINE=true TRUNK_SKIP_VERSION_CHECK=true trunk build --release --dist "$DIST_DIR")
fi

if ! $MERGE_ONLY; then
    step "seeded files ($CSV_ROWS CSV rows, $XLSX_ROWS workbook rows, $INTERNATIONAL_ROWS international rows)"
    if [ -f "$DATA_DIR/files.json" ]; then
        echo "reusing $DATA_DIR"
    else
        rm -rf "$DATA_DIR"
        node tests/bench/generate.mjs "$DATA_DIR" --csv-rows "$CSV_ROWS" --xlsx-rows "$XLSX_ROWS" \
            --international-rows "$INTERNATIONAL_ROWS"
    fi

    step "native analysis (shared, release build)"
    "$BIN_DIR/examples/bench_analyze" "$DATA_DIR/contacts.csv" "$DATA_DIR/settings-csv.json" 2 \
        >"$RUN_DIR/native-csv.json"
    "$BIN_DIR/examples/bench_analyze" "$DATA_DIR/contacts.xlsx" "$DATA_DIR/settings-xlsx.json" 2 \
        >"$RUN_DIR/native-xlsx.json"
    "$BIN_DIR/examples/bench_analyze" "$DATA_DIR/contacts-international.csv" "$DATA_DIR/settings-csv.json" 2 \
        >"$RUN_DIR/native-international.json"

    step "analysis in headless Chromium"
    node tests/bench/browser.mjs --data "$DATA_DIR" --dist "$DIST_DIR" --people "$BIN_DIR/people" \
        --work "$RUN_DIR/browser" --out "$RUN_DIR/browser.json"
fi

step "merge on SQLite ($MERGE_PROFILES profiles)"
mkdir -p "$RUN_DIR/merge"
"$BIN_DIR/examples/bench_merge" "sqlite://$RUN_DIR/merge/store.db" "$MERGE_PROFILES" >"$RUN_DIR/merge-sqlite.json"
# The database file is as large as the store it filled; keep only the figures.
rm -f "$RUN_DIR/merge/store.db"*

step "merge on PostgreSQL ($MERGE_PROFILES profiles)"
BENCH_DATABASE="people_bench_$$"
POSTGRES_BENCH_URL="${POSTGRES_ADMIN_URL%/*}/$BENCH_DATABASE"
drop_bench_database() {
    psql "$POSTGRES_ADMIN_URL" -qc "drop database if exists $BENCH_DATABASE" >/dev/null
}
trap 'drop_bench_database; [ -z "$REV" ] || remove_source' EXIT
psql "$POSTGRES_ADMIN_URL" -qc "create database $BENCH_DATABASE" >/dev/null
"$BIN_DIR/examples/bench_merge" "$POSTGRES_BENCH_URL" "$MERGE_PROFILES" >"$RUN_DIR/merge-postgres.json"
drop_bench_database

step "report"
node tests/bench/report.mjs --results "$RUN_DIR" --dist "$DIST_DIR" \
    --rustc "$(rustc --version)" --elapsed "$((SECONDS - started))" | tee "$RUN_DIR/report.txt"
