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
