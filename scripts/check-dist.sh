#!/usr/bin/env bash
# Fails when the committed dist/ is not what `npm run bundle` builds from src/ (GitHub runs dist/, not src/).
set -euo pipefail
cd "$(dirname "$0")/.."
npm run --silent bundle >/dev/null
if [ -n "$(git status --porcelain -- dist)" ]; then
  echo "dist/ differs from a fresh build of src/. Run 'npm run bundle' and commit dist/:" >&2
  git status --porcelain -- dist >&2
  git --no-pager diff --stat -- dist >&2
  exit 1
fi
echo "dist/ matches a fresh build."
