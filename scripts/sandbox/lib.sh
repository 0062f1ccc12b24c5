# shellcheck shell=bash disable=SC2034  # sourced: its variables are used by up.sh and down.sh
# Shared by up.sh and down.sh (sourced, not run): where the sandbox lives, its ports, and how its
# processes are started, found and stopped.
#
#   KA_SANDBOX_DIR        state folder (default <repo>/.sandbox)
#   KA_SANDBOX_PORT_BASE  first of the twenty ports it uses (default 18500)

SANDBOX_SCRIPTS="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SANDBOX_SCRIPTS/../.." && pwd)"
# shellcheck source-path=SCRIPTDIR source=versions.sh
. "$SANDBOX_SCRIPTS/versions.sh"

DIR="$(realpath -m "${KA_SANDBOX_DIR:-$REPO_ROOT/.sandbox}")" # absolute, whatever the caller gave
BASE="${KA_SANDBOX_PORT_BASE:-18500}"
case "$BASE" in
  '' | *[!0-9]*) echo "[sandbox] KA_SANDBOX_PORT_BASE must be a number, got '$BASE'" >&2; exit 2 ;;
esac

PORT_MOTO=$((BASE + 0))
PORT_ETCD=$((BASE + 1))
PORT_ETCD_PEER=$((BASE + 2))
PORT_APISERVER=$((BASE + 3))
PORT_KCM=$((BASE + 4))
PORT_SCHEDULER=$((BASE + 5))
PORT_KWOK=$((BASE + 6))
PORT_REGISTRY=$((BASE + 7))
PORT_AWS_RECORDED=$((BASE + 8)) # moto again, every request recorded: the Karpenter controller's AWS endpoint
PORT_RUNNER=$((BASE + 9))       # karpenter_runner.py: status, health, Pod Identity credentials
PORT_CONTROLLERS=$((BASE + 10)) # base+10 .. base+19: metrics and health ports of the Karpenter controllers it runs

# Start order; down.sh stops them in reverse.
COMPONENTS=(moto etcd kube-apiserver kube-controller-manager kube-scheduler kwok registry karpenter-runner)

# The Python that runs moto and karpenter_runner.py: a virtual environment of the cache with moto pinned (up.sh).
VENV="$KA_CACHE/python-moto-$MOTO_VERSION"
PY="$VENV/bin/python"
[ -x "$PY" ] || PY=python3

PIDS="$DIR/pids"
LOGS="$DIR/logs"
PKI="$DIR/pki"

# The sandbox world. Keep in step with seed_aws.py.
CLUSTER_NAME=opsfleet-dev-cluster
REGION=eu-west-1
# The cluster's OIDC issuer, as EKS would report it: the same for the life of the sandbox folder. moto reports it
# (aws_server.py) and kube-apiserver signs service-account tokens with it, so IRSA works as on EKS.
OIDC_ISSUER="https://oidc.eks.$REGION.amazonaws.com/id/$(printf '%s' "$DIR" | sha256sum | cut -c1-32 | tr a-f A-F)"

say() { printf '[sandbox] %s\n' "$*"; }
warn() { printf '[sandbox] %s\n' "$*" >&2; }
die() { warn "error: $*"; exit 1; }

# Milliseconds since the epoch; for the timings printed along the way.
now_ms() { date +%s%3N; }
since() { local ms=$(($(now_ms) - $1)); printf '%d.%ds' $((ms / 1000)) $((ms % 1000 / 100)); }

# port_of COMPONENT: the port its health check talks to.
port_of() {
  case "$1" in
    moto) echo "$PORT_MOTO" ;;
    etcd) echo "$PORT_ETCD" ;;
    kube-apiserver) echo "$PORT_APISERVER" ;;
    kube-controller-manager) echo "$PORT_KCM" ;;
    kube-scheduler) echo "$PORT_SCHEDULER" ;;
    kwok) echo "$PORT_KWOK" ;;
    registry) echo "$PORT_REGISTRY" ;;
    karpenter-runner) echo "$PORT_RUNNER" ;;
  esac
}

# pid_of COMPONENT: prints the pid from its pid file if that process is alive and still is the component
# (a pid can be reused by an unrelated process after a reboot or a crash); fails otherwise.
pid_of() {
  local f="$PIDS/$1.pid" pid marker="$1"
  case "$1" in
    moto) marker=aws_server.py ;;
    karpenter-runner) marker=karpenter_runner.py ;;
  esac
  [ -f "$f" ] || return 1
  pid="$(cat "$f")"
  [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "$marker" || return 1
  echo "$pid"
}

# port_busy PORT: something accepts connections on 127.0.0.1:PORT.
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# healthy COMPONENT: its own health endpoint answers "ok".
healthy() {
  local p; p="$(port_of "$1")"
  case "$1" in
    moto) curl -sf -o /dev/null --max-time 2 "http://127.0.0.1:$p/moto-api/" ;;
    etcd) curl -sf --max-time 2 "http://127.0.0.1:$p/health" | grep -q '"health":"true"' ;;
    kube-apiserver)
      curl -sf --max-time 3 --cacert "$PKI/ca.crt" --cert "$PKI/admin.crt" --key "$PKI/admin.key" \
        "https://127.0.0.1:$p/readyz" | grep -qx ok ;;
    # These two serve /healthz over HTTPS with a self-signed certificate of their own.
    kube-controller-manager | kube-scheduler) curl -skf --max-time 2 "https://127.0.0.1:$p/healthz" | grep -qx ok ;;
    kwok | karpenter-runner) curl -sf --max-time 2 "http://127.0.0.1:$p/healthz" | grep -qx ok ;;
    registry) curl -sf -o /dev/null --max-time 2 --cacert "$PKI/ca.crt" "https://127.0.0.1:$p/v2/" ;;
  esac
}

# gone PID: the process has exited (a zombie, state Z, has exited too: it only waits for its parent to reap it).
gone() { [ ! -d "/proc/$1" ] || grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null; }

# wait_gone PID TENTHS: wait up to TENTHS tenths of a second for PID to exit.
wait_gone() {
  local i
  for ((i = 0; i < $2; i++)); do
    gone "$1" && return 0
    sleep 0.1
  done
  gone "$1"
}

# stop COMPONENT: SIGTERM its process group, then SIGKILL after 10s. Quiet if it is not running.
stop() {
  local name="$1" pid
  if pid="$(pid_of "$name")"; then
    say "$name: stopping (pid $pid)"
    # Each component was started by setsid, so its pid is also its process group: this reaches any child too.
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    if ! wait_gone "$pid" 100; then
      # kube-apiserver, for one, drains open watches for up to a minute.
      warn "$name: still running 10s after SIGTERM, sending SIGKILL"
      kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
      wait_gone "$pid" 50 || die "$name (pid $pid) survived SIGKILL"
    fi
  fi
  rm -f "$PIDS/$name.pid" "$PIDS/$name.args"
}

# rss_kib PID: resident memory of one process in KiB.
rss_kib() { awk '/^VmRSS:/{print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
