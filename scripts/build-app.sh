#!/usr/bin/env bash
# Builds the field app into server/app/dist/ (embedded in the server binary at compile time):
# sync-core-wasm → wasm32 → wasm-bindgen (--target web) → wasm-opt -Oz → vite build → sw.js.
# Needs rustup, Node/npm and the npm registry; installs the wasm32 target and wasm-bindgen-cli
# (exactly the wasm-bindgen version in Cargo.lock) when missing. Run from anywhere.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
CARGO_HOME_DIR="${CARGO_HOME:-$HOME/.cargo}"

rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
have=$(wasm-bindgen --version 2>/dev/null | awk '{ print $2 }' || true)
if [ "$have" != "$want" ]; then
  # Not --locked: its lock wants a webpki-roots version the registry does not serve.
  cargo install wasm-bindgen-cli --version "$want"
fi

# Remapped paths keep the wasm byte-identical wherever the repository is checked out.
RUSTFLAGS="--remap-path-prefix=$ROOT=/src --remap-path-prefix=$CARGO_HOME_DIR=/cargo" \
  cargo build -p sync-core-wasm --target wasm32-unknown-unknown --profile wasm-release --locked
out=server/app/src/wasm
rm -rf "$out" && mkdir -p "$out"
wasm-bindgen --target web --out-dir "$out" --out-name core \
  "$TARGET_DIR/wasm32-unknown-unknown/wasm-release/sync_core_wasm.wasm"

cd server/app
# `npm ci` rejects npm-11 locks lacking optional cbor-extract packages; the lock still pins all.
npm install --no-audit --no-fund --loglevel=error
npx wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int src/wasm/core_bg.wasm -o src/wasm/core_bg.wasm
rm -rf dist
npm run build --silent
