#!/usr/bin/env bash
# Lints every workflow with the real actionlint (built from the Go module proxy by scripts/sandbox/build.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/sandbox/versions.sh
bin="$KA_BIN/actionlint-$ACTIONLINT_VERSION"
[ -x "$bin" ] || bash scripts/sandbox/build.sh actionlint >&2
files=(.github/workflows/*.yml examples/workflows/*.yml)
existing=()
for f in "${files[@]}"; do [ -f "$f" ] && existing+=("$f"); done
"$bin" -no-color "${existing[@]}"
echo "actionlint: ${#existing[@]} workflow file(s) clean"
