# Installs the tools the build and the tests need, each only when missing.
# Sourced by run.sh and test.sh; every tool comes from a package registry
# (crates.io, npm, Debian), so the scripts work on a fresh machine.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TRUNK_VERSION="0.21.14"

# Runs a command as root, through sudo when the user is not root.
as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

install_wasm_target() {
    if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
        echo "installing the wasm32-unknown-unknown Rust target"
        rustup target add wasm32-unknown-unknown
    fi
}

install_trunk() {
    if ! trunk --version 2>/dev/null | grep -q "$TRUNK_VERSION"; then
        echo "installing trunk $TRUNK_VERSION (takes several minutes)"
        cargo install trunk --version "$TRUNK_VERSION" --locked
    fi
}

# wasm-bindgen-cli must be exactly the wasm-bindgen version in Cargo.lock.
install_wasm_bindgen() {
    local version
    version="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$ROOT/Cargo.lock")"
    if [ -z "$version" ]; then
        echo "cannot find wasm-bindgen in Cargo.lock" >&2
        exit 1
    fi
    if ! wasm-bindgen --version 2>/dev/null | grep -q " $version\$"; then
        echo "installing wasm-bindgen-cli $version"
        cargo install wasm-bindgen-cli --version "=$version"
    fi
}

install_chromium() {
    if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
        echo "installing Chromium and ChromeDriver from Debian"
        as_root apt-get update
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium chromium-driver
    fi
}

# Installs the npm packages of one folder from its package-lock.json.
install_npm_packages() {
    local folder="$1"
    if [ ! -d "$folder/node_modules" ] || [ "$folder/package-lock.json" -nt "$folder/node_modules" ]; then
        echo "installing npm packages in $folder"
        (cd "$folder" && npm ci --no-audit --no-fund)
        touch "$folder/node_modules"
    fi
}

install_frontend_tools() {
    install_wasm_target
    install_trunk
    install_wasm_bindgen
    if [ -f "$ROOT/frontend/package-lock.json" ]; then
        install_npm_packages "$ROOT/frontend"
        export PATH="$ROOT/frontend/node_modules/.bin:$PATH"
    fi
}

# Builds the frontend in release mode into frontend/dist. trunk runs offline
# so it uses the installed tools and never downloads one.
build_frontend() {
    (cd "$ROOT/frontend" && TRUNK_OFFLINE=true TRUNK_SKIP_VERSION_CHECK=true trunk build --release)
}

# Starts the local PostgreSQL cluster and makes sure the `people` role
# exists, then prints an admin URL for the tests. Installs PostgreSQL from
# Debian when it is missing.
start_postgres() {
    if ! command -v pg_ctlcluster >/dev/null; then
        echo "installing PostgreSQL from Debian" >&2
        as_root apt-get update >&2
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql >&2
    fi
    local cluster
    cluster="$(pg_lsclusters --no-header | awk 'NR == 1 { print $1 " " $2 }')"
    if [ -z "$cluster" ]; then
        echo "no PostgreSQL cluster found: create one with pg_createcluster" >&2
        exit 1
    fi
    # shellcheck disable=SC2086
    as_root pg_ctlcluster $cluster start >/dev/null 2>&1 || true
    local port
    port="$(pg_lsclusters --no-header | awk 'NR == 1 { print $3 }')"
    as_root su postgres -c "psql -p $port -qtAc \"select 1 from pg_roles where rolname = 'people'\"" | grep -q 1 ||
        as_root su postgres -c "psql -p $port -qc \"create role people login createdb password 'people'\"" >&2
    echo "postgres://people:people@127.0.0.1:$port/postgres"
}

# Drops the databases that the tests created on the PostgreSQL server.
drop_test_databases() {
    local admin_url="$1"
    psql "$admin_url" -qtAc "select datname from pg_database where datname like 'people_test_%'" |
        while read -r name; do
            psql "$admin_url" -qc "drop database if exists $name" >/dev/null
        done
}
