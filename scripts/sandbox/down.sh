#!/usr/bin/env bash
# Stops the sandbox of ${KA_SANDBOX_DIR:-<repo>/.sandbox}: every process named by its pid files, newest first
# (SIGTERM, then SIGKILL after 10s). Nothing running is fine.
#
#   down.sh           stop; keep the folder (etcd data, certificates, logs) for the next up.sh
#   down.sh --purge   stop and delete the folder
set -euo pipefail

purge=0
for arg in "$@"; do
  case "$arg" in
    --purge) purge=1 ;;
    -h | --help) sed -n '2,7s/^# \{0,1\}//p' "$0"; exit 0 ;;
    *) echo "[sandbox] unknown argument: $arg" >&2; exit 2 ;;
  esac
done

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
if [ ! -d "$DIR" ]; then
  say "nothing to stop: $DIR does not exist"
  exit 0
fi

t="$(now_ms)"
for ((i = ${#COMPONENTS[@]} - 1; i >= 0; i--)); do
  stop "${COMPONENTS[$i]}"
done

if [ "$purge" = 1 ]; then
  # Only delete a folder that up.sh made (it leaves this marker): a mistyped KA_SANDBOX_DIR must not cost anything.
  if [ -e "$DIR/.ka-sandbox" ]; then
    rm -rf "$DIR"
    say "purged $DIR"
  elif [ -z "$(ls -A "$DIR")" ]; then
    rmdir "$DIR"
  else
    die "$DIR was not made by up.sh (no .ka-sandbox marker): not deleting it"
  fi
fi
say "stopped in $(since "$t")"
