#!/usr/bin/env bash
# Installs what is missing, builds the frontend in release mode and starts
# the server with the embedded SQLite store under ./data.

source "$(dirname "${BASH_SOURCE[0]}")/install.sh"
cd "$ROOT"

install_frontend_tools
build_frontend
cargo build --release -p backend --bin people

LISTEN="${PEOPLE_LISTEN:-127.0.0.1:8080}"
echo "people will listen on http://$LISTEN (stop it with Ctrl-C)"
exec "$ROOT/target/release/people" serve --listen "$LISTEN" --static-dir "$ROOT/frontend/dist"
