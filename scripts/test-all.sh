#!/usr/bin/env bash
# Installs what the tests need that a fresh machine lacks, starts the services they use, and runs
# every test. This is the README's test command; CI (.ci/run) calls it.
set -euo pipefail
cd "$(dirname "$0")/.."

# Each step says how long the script has run, so a slow CI run shows which step was slow.
say() { printf '\n==> [%dm%02ds] %s\n' $((SECONDS / 60)) $((SECONDS % 60)) "$*"; }

need_apt=()
command -v node >/dev/null 2>&1 || need_apt+=(nodejs npm)
command -v pg_ctlcluster >/dev/null 2>&1 || need_apt+=(postgresql)
command -v pkg-config >/dev/null 2>&1 || need_apt+=(pkg-config)
command -v perf >/dev/null 2>&1 || need_apt+=(linux-perf)
dpkg -s libpq-dev >/dev/null 2>&1 || need_apt+=(libpq-dev)
if [ ${#need_apt[@]} -gt 0 ]; then
  say "installing apt packages: ${need_apt[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}"
fi

say "starting PostgreSQL if it is not running"
if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
  for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
fi
export TEST_DATABASE_URL="${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}"
# The tests talk to the local PostgreSQL without TLS (loopback needs none). Debian's server has
# ssl=on, so libpq negotiated TLS through OpenSSL, whose exit handler frees its state while pool
# threads may still close connections: the suspected cause of a "double free or corruption"
# abort seen once at the exit of the API test binary, after all its tests had passed.
export PGSSLMODE="${PGSSLMODE:-disable}"

say "installing the interop clients' and the JS peer server's npm packages (pinned by their lock files)"
# `npm ci` rejects lock files written by npm 11 without optional platform packages (cbor-extract);
# `npm install` with the committed lock installs exactly the locked versions.
(cd tests/interop && npm install --no-audit --no-fund --loglevel=error)
(cd tests/peers/js-server && npm install --no-audit --no-fund --loglevel=error)

say "formatting, lints and the dependency guard"
cargo fmt --all --check
cargo clippy --workspace --all-targets --locked -- -D warnings
if cargo tree -p sync-core -e normal --prefix none | grep -E '^(actix|diesel|tokio)([- ]|$)'; then
  echo "sync-core must not depend on actix, diesel or tokio" >&2
  exit 1
fi
# Without automerge: a type check proves the record, rubric and text parts compile on their own.
cargo check -p sync-core --no-default-features --locked

# The field app's build compiles them for the browser (wasm32, no automerge) as well.
say "field app: rebuild server/app/dist from source (sync-core for wasm32) and check it equals the committed build"
bash scripts/build-app.sh
if ! git diff --quiet --exit-code -- server/app/dist || [ -n "$(git status --porcelain -- server/app/dist)" ]; then
  git status --short -- server/app/dist
  echo "server/app/dist differs from a fresh build: run scripts/build-app.sh and commit dist/" >&2
  exit 1
fi

say "browser tests (run by the workspace tests below): Debian chromium + playwright-core (pinned by tests/browser/package-lock.json)"
command -v chromium >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }
(cd tests/browser && npm install --no-audit --no-fund --loglevel=error)

say "tests"
cargo test --workspace --locked --no-fail-fast
say "done"

