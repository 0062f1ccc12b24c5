#!/usr/bin/env bash
# The whole test suite, on a fresh machine too: installs what is missing, builds and starts the sandbox of real
# engines (moto_server, a local Kubernetes control plane with kwok nodes, helm), rebuilds dist/, then runs
# lint, the unit tests and the integration tests against the sandbox. `npm test -- <jest args>` passes args on.
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\n== %s ==\n' "$*"; }

if [ ! -d node_modules ]; then step "npm ci"; npm ci --no-audit --no-fund; fi
# The tests have a sandbox of their own (folder and ports), apart from the demo's (.sandbox, ports from 18500):
# whatever the demo or a developer left in theirs, the tests start from what they prepare themselves.
export KA_SANDBOX_DIR="${KA_TEST_SANDBOX_DIR:-$(pwd)/.sandbox-test}"
export KA_SANDBOX_PORT_BASE="${KA_TEST_SANDBOX_PORT_BASE:-18550}"
step "sandbox ($KA_SANDBOX_DIR, ports from $KA_SANDBOX_PORT_BASE)"
bash scripts/sandbox/up.sh
# shellcheck disable=SC1091
. "$KA_SANDBOX_DIR/env"
step "bundle (dist/ is what the integration tests run)"
npm run --silent bundle >/dev/null
step "lint"
npm run --silent lint
npm run --silent format:check
bash scripts/actionlint.sh
step "tests"
# --forceExit: a suite that failed before closing what it opened must not keep the run alive (each suite closes its
# own in afterAll; this is the backstop). The timeout ends a run that hangs all the same, well inside CI's limit.
NODE_OPTIONS=--experimental-vm-modules timeout --kill-after=30s "${KA_TEST_TIMEOUT:-60m}" \
  ./node_modules/.bin/jest --runInBand --forceExit "$@"
