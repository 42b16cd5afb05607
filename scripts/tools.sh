#!/usr/bin/env bash
# Installs the build tools Mailroom needs into .tools/ (nothing global beyond rustup's wasm
# target): Trunk, wasm-bindgen-cli at the version in Cargo.lock, and binaryen's wasm-opt.
# Idempotent: a tool already at the right version is left alone.
set -euo pipefail
cd "$(dirname "$0")/.."
TOOLS="$PWD/.tools"
TRUNK_VERSION=0.21.14
BINARYEN_VERSION=132.0.0
BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock)

step() { printf '\033[1m==> %s\033[0m\n' "$*"; }

if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  step "Adding the wasm32-unknown-unknown Rust target"
  rustup target add wasm32-unknown-unknown
fi

if [ "$("$TOOLS/bin/trunk" --version 2>/dev/null)" != "trunk $TRUNK_VERSION" ]; then
  step "Installing Trunk $TRUNK_VERSION into .tools (about 6 minutes, once)"
  # A debug build: Trunk's release profile (fat LTO, one codegen unit) took over 11 minutes
  # on two cores, and a web build takes as long with either (its time is cargo, wasm-bindgen
  # and wasm-opt, which Trunk runs).
  cargo install trunk --version "$TRUNK_VERSION" --locked --debug --root "$TOOLS"
fi

if [ "$("$TOOLS/bin/wasm-bindgen" --version 2>/dev/null)" != "wasm-bindgen $BINDGEN_VERSION" ]; then
  step "Installing wasm-bindgen-cli $BINDGEN_VERSION into .tools (about 3 minutes, once)"
  # Not --locked: its lock file pins a webpki-roots that is no longer published.
  cargo install wasm-bindgen-cli --version "$BINDGEN_VERSION" --root "$TOOLS" --force
fi

if [ "$("$TOOLS/npm/node_modules/.bin/wasm-opt" --version 2>/dev/null)" != "wasm-opt version ${BINARYEN_VERSION%%.*} (version_${BINARYEN_VERSION%%.*})" ]; then
  step "Installing wasm-opt (npm binaryen@$BINARYEN_VERSION) into .tools"
  mkdir -p "$TOOLS/npm"
  npm install --prefix "$TOOLS/npm" --no-audit --no-fund --silent "binaryen@$BINARYEN_VERSION"
fi
