#!/usr/bin/env bash
# The whole test suite, on a fresh machine too: installs what is missing, builds and starts the sandbox of real
# engines (moto_server, a local Kubernetes control plane with kwok nodes, helm), rebuilds dist/, then runs
# lint, the unit tests and the integration tests against the sandbox. `npm test -- <jest args>` passes args on.
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\n== %s ==\n' "$*"; }

if [ ! -d node_modules ]; then step "npm ci"; npm ci --no-audit --no-fund; fi
step "sandbox"
bash scripts/sandbox/up.sh
# shellcheck disable=SC1091
. .sandbox/env
step "bundle (dist/ is what the integration tests run)"
npm run --silent bundle >/dev/null
step "lint"
npm run --silent lint
npm run --silent format:check
bash scripts/actionlint.sh
step "tests"
NODE_OPTIONS=--experimental-vm-modules npx jest --runInBand "$@"
