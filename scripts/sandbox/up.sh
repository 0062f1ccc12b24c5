#!/usr/bin/env bash
# Starts the local sandbox of real engines on 127.0.0.1 (see scripts/sandbox/README.md):
#   moto (AWS, aws_server.py) seeded with the sandbox world, etcd, kube-apiserver, kube-controller-manager,
#   kube-scheduler, kwok faking three EKS-like nodes, an OCI registry serving the fixture charts, and
#   karpenter_runner.py, which runs the real Karpenter controller for what the action installs.
#
# Idempotent: builds only missing binaries, reuses every process that is running with the same settings and
# healthy, restarts the others. Run from anywhere; state goes to ${KA_SANDBOX_DIR:-<repo>/.sandbox}.
#
#   up.sh            start (or reuse) everything, then check it
#   up.sh --smoke    same, then also roll out a 2-replica Deployment, wait until Available, delete it
#   up.sh --check    start nothing: report each engine's health and the nodes; non-zero if anything is off
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

usage() { sed -n '2,11s/^# \{0,1\}//p' "$0"; exit "${1:-0}"; }
mode=up smoke=0
for arg in "$@"; do
  case "$arg" in
    --check) mode=check ;;
    --smoke) smoke=1 ;;
    -h | --help) usage ;;
    *) warn "unknown argument: $arg"; usage 2 ;;
  esac
done

t_start="$(now_ms)"
KUBECONFIG_ADMIN="$DIR/kubeconfig"
k() { kubectl --kubeconfig "$KUBECONFIG_ADMIN" "$@"; }

# --- health and node checks (also the whole of --check) -------------------------------------------------------

# nodes_ok: the three sandbox nodes exist, are Ready and carry no taint. Prints one line per node when $1 = show.
nodes_ok() {
  local lines ready
  lines="$(k get nodes -l eks.amazonaws.com/nodegroup=default --request-timeout=5s -o \
    jsonpath='{range .items[*]}{.metadata.name}{" "}{.metadata.labels.topology\.kubernetes\.io/zone}{" Ready="}{.status.conditions[?(@.type=="Ready")].status}{" taints="}{.spec.taints}{"\n"}{end}' 2>/dev/null)" || return 1
  [ "${1:-}" = show ] && printf '%s\n' "$lines" | sed 's/^/[sandbox]   node /'
  ready="$(printf '%s\n' "$lines" | grep -c ' Ready=True taints=$' || true)"
  [ "$ready" -eq 3 ]
}

check() {
  local bad=0 c pid rss total=0
  for c in "${COMPONENTS[@]}"; do
    if pid="$(pid_of "$c")" && healthy "$c"; then
      rss="$(rss_kib "$pid")"; total=$((total + rss))
      say "$c: healthy (pid $pid, 127.0.0.1:$(port_of "$c"), $((rss / 1024)) MiB resident)"
    else
      warn "$c: NOT healthy (see $LOGS/$c.log)"; bad=1
    fi
  done
  say "memory: $((total / 1024)) MiB resident in all"
  if nodes_ok show; then say "nodes: 3 Ready, no taints"; else warn "nodes: not all 3 Ready and untainted"; bad=1; fi
  controllers_report || bad=1
  return "$bad"
}

# controllers_report: the Karpenter controllers karpenter_runner.py runs (none until the action installs Karpenter),
# why one that should run does not (a warning: that is the state of what was installed, not of the sandbox), and
# the nodes it registered. Fails only when the runner itself is not reporting.
controllers_report() {
  local status="$DIR/karpenter/status.json"
  [ -f "$status" ] || { warn "karpenter: no status from karpenter_runner.py yet ($status)"; return 1; }
  "$PY" - "$status" <<'PY'
import json, sys, time
s = json.load(open(sys.argv[1]))
bad = 0
if time.time() - s["time"] > 30:
    print(f"[sandbox] karpenter: the runner's status is {int(time.time() - s['time'])}s old: is it stuck?", file=sys.stderr)
    bad = 1
if not s["controllers"]:
    print("[sandbox] karpenter: no Karpenter Deployment in the cluster, no controller running")
for c in s["controllers"]:
    if c["running"]:
        up = int(time.time() - c["startedAt"])
        try:
            rss = next(int(l.split()[1]) for l in open(f"/proc/{c['pid']}/status") if l.startswith("VmRSS:")) // 1024
        except (OSError, StopIteration):
            rss = 0
        print(f"[sandbox] karpenter: controller v{c['version']} for Deployment {c['deployment']} running (pid {c['pid']}, "
              f"up {up}s, {rss} MiB resident, {c['auth']} {c['roleArn']}, restarts {c['restarts']}, log {c['log']})")
    else:
        print(f"[sandbox] karpenter: controller for Deployment {c['deployment']} NOT running: {c['error']}", file=sys.stderr)
nodes = s["registered"]
if nodes:
    print(f"[sandbox] karpenter: {len(nodes)} node(s) registered so far for launched instances: "
          + ", ".join(f"{n['node']} ({n['instanceType']}, {n['zone']})" for n in nodes.values()))
sys.exit(bad)
PY
}

if [ "$mode" = check ]; then
  [ -d "$DIR" ] || die "no sandbox at $DIR: run up.sh first"
  if check; then say "check passed"; else die "check failed"; fi
  exit 0
fi

# One up.sh at a time per sandbox folder (e.g. two test runners starting at once).
mkdir -p "$DIR"
exec 8>"$DIR/.up.lock"
if ! flock -n 8; then say "another up.sh is working on $DIR, waiting for it"; flock 8; fi
mkdir -p "$PIDS" "$LOGS" "$PKI" "$DIR/bin" "$DIR/kubeconfigs"
touch "$DIR/.ka-sandbox" # marks the folder as ours, so that down.sh --purge may delete it
say "sandbox folder $DIR, ports $PORT_MOTO-$((PORT_CONTROLLERS + 9))"

# --- prerequisites --------------------------------------------------------------------------------------------

for tool in curl openssl kubectl go; do
  command -v "$tool" >/dev/null || die "$tool is required but not on PATH"
done
# moto, pinned, in a virtual environment of the cache (it sees the machine's packages: where the machine already has
# this moto, nothing is installed).
python3 -c 'import sys' || die "python3 is required"
moto_ok() { "$1" -c "import moto, boto3, flask, flask_cors, cryptography, sys; sys.exit(moto.__version__ != '$MOTO_VERSION')" 2>/dev/null; }
if ! moto_ok "$PY"; then
  [ -x "$VENV/bin/python" ] || python3 -m venv --system-site-packages "$VENV" || die "cannot create the virtual environment $VENV"
  PY="$VENV/bin/python"
  if ! moto_ok "$PY"; then
    say "moto: installing moto[server]==$MOTO_VERSION into $VENV"
    "$PY" -m pip install --quiet --disable-pip-version-check "moto[server]==$MOTO_VERSION" boto3 cryptography
  fi
  moto_ok "$PY" || die "moto $MOTO_VERSION is not importable from $PY"
fi

# --- binaries ---------------------------------------------------------------------------------------------------

t="$(now_ms)"
say "engines: build.sh builds what is missing (a first build takes 20-50 minutes, mostly Kubernetes)"
bash "$SANDBOX_SCRIPTS/build.sh"
ETCD="$KA_BIN/etcd-$ETCD_VERSION"
APISERVER="$KA_BIN/kube-apiserver-$KUBERNETES_VERSION"
KCM="$KA_BIN/kube-controller-manager-$KUBERNETES_VERSION"
SCHEDULER="$KA_BIN/kube-scheduler-$KUBERNETES_VERSION"
KWOK="$KA_BIN/kwok-$KWOK_VERSION"
HELM="$KA_BIN/helm-$HELM_VERSION"
REGISTRY="$KA_BIN/registry-$REGISTRY_VERSION"
for b in "$ETCD" "$APISERVER" "$KCM" "$SCHEDULER" "$KWOK" "$HELM" "$REGISTRY"; do
  [ -x "$b" ] || die "build.sh finished but $b is missing"
  ln -sfn "$b" "$DIR/bin/$(basename "$b" | sed 's/-v[0-9].*$//')"
done
if [ -x "$KA_BIN/actionlint-$ACTIONLINT_VERSION" ]; then ln -sfn "$KA_BIN/actionlint-$ACTIONLINT_VERSION" "$DIR/bin/actionlint"; fi
ln -sfn "$(command -v kubectl)" "$DIR/bin/kubectl"
for v in $KARPENTER_VERSIONS; do
  [ -x "$KA_BIN/karpenter-controller-v$v" ] || die "build.sh finished but karpenter-controller-v$v is missing"
done
say "engines: ready in $(since "$t") (links in $DIR/bin)"

# --- certificates and kubeconfigs -------------------------------------------------------------------------------

# issue NAME SUBJECT EXTENDED_KEY_USAGE [SUBJECT_ALT_NAMES]: a key and a certificate signed by the sandbox CA
# (or by the CA named by $CA).
# All keys are ECDSA P-256: generated in milliseconds, where RSA takes seconds on a busy 2-core machine.
issue() {
  local name="$1" subj="$2" eku="$3" san="${4:-}"
  [ -s "$PKI/$name.crt" ] && return
  {
    echo "basicConstraints=critical,CA:FALSE"
    echo "keyUsage=critical,digitalSignature"
    echo "extendedKeyUsage=$eku"
    if [ -n "$san" ]; then echo "subjectAltName=$san"; fi
  } >"$PKI/$name.ext"
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$PKI/$name.key" -subj "$subj" -out "$PKI/$name.csr" 2>>"$LOGS/pki.log"
  openssl x509 -req -in "$PKI/$name.csr" -CA "$PKI/${CA:-ca}.crt" -CAkey "$PKI/${CA:-ca}.key" -set_serial "0x$(openssl rand -hex 16)" \
    -days 3650 -sha256 -extfile "$PKI/$name.ext" -out "$PKI/$name.crt" 2>>"$LOGS/pki.log"
  rm -f "$PKI/$name.csr" "$PKI/$name.ext"
}

make_pki() {
  (
    umask 077
    if [ ! -s "$PKI/ca.crt" ]; then
      rm -f "$PKI"/*.crt "$PKI"/*.key # leaves of an older CA would no longer verify
      openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$PKI/ca.key" -out "$PKI/ca.crt" -days 3650 -sha256 \
        -subj "/CN=karpenter-action-sandbox-ca" -addext "basicConstraints=critical,CA:TRUE" \
        -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature" 2>>"$LOGS/pki.log"
    fi
    # 10.96.0.1 is the "kubernetes" Service's ClusterIP, first address of --service-cluster-ip-range.
    issue kube-apiserver "/CN=kube-apiserver" serverAuth \
      "IP:127.0.0.1,DNS:localhost,IP:10.96.0.1,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
    issue admin "/O=system:masters/CN=sandbox-admin" clientAuth
    # The front-proxy CA and client: how the apiserver proves itself to aggregated APIs, and what kube-controller-manager
    # and kube-scheduler read from kube-system/extension-apiserver-authentication (they log errors without it).
    if [ ! -s "$PKI/front-proxy-ca.crt" ]; then
      rm -f "$PKI/front-proxy-client.crt"
      openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$PKI/front-proxy-ca.key" \
        -out "$PKI/front-proxy-ca.crt" -days 3650 -sha256 -subj "/CN=karpenter-action-sandbox-front-proxy-ca" \
        -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature" 2>>"$LOGS/pki.log"
    fi
    CA=front-proxy-ca issue front-proxy-client "/CN=front-proxy-client" clientAuth
    # The names below are the users the built-in RBAC roles of these components are bound to.
    issue kube-controller-manager "/CN=system:kube-controller-manager" clientAuth
    issue kube-scheduler "/CN=system:kube-scheduler" clientAuth
    # kwok plays the kubelets of its nodes (node and pod status, leases): it gets admin rights.
    issue kwok "/O=system:masters/CN=kwok-controller" clientAuth
    # karpenter_runner.py registers the nodes of launched instances (the kubelets' part) and mints service-account
    # tokens for the controllers it runs.
    issue karpenter-runner "/O=system:masters/CN=sandbox-karpenter-runner" clientAuth
    # The OCI registry's serving certificate.
    issue registry "/CN=sandbox-registry" serverAuth "IP:127.0.0.1,DNS:localhost"
    if [ ! -s "$PKI/sa.pub" ]; then
      # Service-account tokens are signed with this key (ES256).
      openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:prime256v1 -out "$PKI/sa.key" 2>>"$LOGS/pki.log"
      openssl pkey -in "$PKI/sa.key" -pubout -out "$PKI/sa.pub" 2>>"$LOGS/pki.log"
    fi
  )
}

b64() { base64 -w0 <"$1"; }

# write_kubeconfig FILE CERT USER: a kubeconfig for the sandbox cluster with the credentials embedded.
write_kubeconfig() {
  local file="$1" cert="$2" user="$3"
  (
    umask 077
    cat >"$file.tmp" <<EOF
apiVersion: v1
kind: Config
clusters:
  - name: $CLUSTER_NAME
    cluster:
      server: https://127.0.0.1:$PORT_APISERVER
      certificate-authority-data: $(b64 "$PKI/ca.crt")
users:
  - name: $user
    user:
      client-certificate-data: $(b64 "$PKI/$cert.crt")
      client-key-data: $(b64 "$PKI/$cert.key")
contexts:
  - name: $CLUSTER_NAME
    context:
      cluster: $CLUSTER_NAME
      user: $user
current-context: $CLUSTER_NAME
EOF
    mv "$file.tmp" "$file"
  )
}

t="$(now_ms)"
make_pki
write_kubeconfig "$KUBECONFIG_ADMIN" admin sandbox-admin
for c in kube-controller-manager kube-scheduler kwok; do write_kubeconfig "$DIR/kubeconfigs/$c" "$c" "$c"; done
say "certificates and kubeconfigs: ready in $(since "$t") ($PKI)"

# --- process management -----------------------------------------------------------------------------------------

# wait_healthy NAME SECONDS: until NAME's health check passes; fails early if its process exits.
wait_healthy() {
  local name="$1" deadline=$(($(now_ms) + $2 * 1000))
  while [ "$(now_ms)" -lt "$deadline" ]; do
    healthy "$name" && return 0
    pid_of "$name" >/dev/null || return 1
    sleep 0.3
  done
  return 1
}

# ensure NAME TIMEOUT COMMAND...: reuse NAME if it runs with exactly this command and is healthy, otherwise
# (re)start it detached and wait up to TIMEOUT seconds for it to become healthy.
ensure() {
  local name="$1" timeout="$2" pid port t
  shift 2
  local args="$*"
  port="$(port_of "$name")"
  t="$(now_ms)"
  if pid="$(pid_of "$name")"; then
    if [ "$(cat "$PIDS/$name.args" 2>/dev/null)" = "$args" ] && wait_healthy "$name" 20; then
      say "$name: running (pid $pid), reused"
      return
    fi
    say "$name: running with other settings or unhealthy, restarting it"
    stop "$name"
  fi
  local p i
  for p in "$port" ${EXTRA_PORTS:-}; do
    # A process just stopped may hold its port a moment longer than its pid (its threads exit one by one).
    for ((i = 0; i < 50; i++)); do port_busy "$p" || break; sleep 0.1; done
    if port_busy "$p"; then
      die "$name: 127.0.0.1:$p is already taken by a process that is not this sandbox's. Stop it, or give this sandbox other ports with KA_SANDBOX_PORT_BASE (and another KA_SANDBOX_DIR)."
    fi
  done
  say "$name: starting on 127.0.0.1:$port"
  printf '\n=== %s up.sh starting: %s\n' "$(date -Is)" "$args" >>"$LOGS/$name.log"
  rm -f "$PIDS/$name.pid"
  # setsid: a session (and process group) of its own, so it survives this shell and down.sh can stop it whole.
  # The component's own shell writes the pid file, then execs it: the pid is the component's even where setsid
  # has to fork (when started as a process-group leader, `$!` would be setsid's, gone at once).
  # 8>&-: the lock above must not be inherited, or the component would hold it for as long as it runs.
  # shellcheck disable=SC2016 # $$ and $0 belong to the inner shell
  setsid nohup bash -c 'echo "$$" >"$0.tmp" && mv "$0.tmp" "$0" && exec "$@"' "$PIDS/$name.pid" "$@" \
    >>"$LOGS/$name.log" 2>&1 </dev/null 8>&- &
  printf '%s' "$args" >"$PIDS/$name.args"
  for ((i = 0; i < 100; i++)); do [ -s "$PIDS/$name.pid" ] && break; sleep 0.05; done
  if ! wait_healthy "$name" "$timeout"; then
    # Say what is true: healthy after all, still starting, or really gone.
    if healthy "$name" && pid_of "$name" >/dev/null; then
      :
    elif pid_of "$name" >/dev/null; then
      warn "$name did not become healthy within ${timeout}s. Last lines of $LOGS/$name.log:"
      tail -n 40 "$LOGS/$name.log" | sed 's/^/    /' >&2
      exit 1
    else
      warn "$name exited while starting. Last lines of $LOGS/$name.log:"
      tail -n 40 "$LOGS/$name.log" | sed 's/^/    /' >&2
      exit 1
    fi
  fi
  say "$name: healthy after $(since "$t")"
}

# --- AWS: moto ----------------------------------------------------------------------------------------------------

# moto's application with the public SSM parameters of the EKS AMIs, the cluster's fixed OIDC issuer and CreateFleet's
# security groups (aws_server.py says why), on two listeners: plain, and recorded for the Karpenter controller.
# Without MOTO_IAM_LOAD_MANAGED_POLICIES moto knows no AWS managed policy, so AdministratorAccess could not be attached.
# KA_CODE carries the scripts' checksums into the recorded command line, so a changed script restarts moto.
EXTRA_PORTS="$PORT_AWS_RECORDED" ensure moto 60 env MOTO_IAM_LOAD_MANAGED_POLICIES=true \
  KA_CODE="$(cat "$SANDBOX_SCRIPTS/aws_server.py" "$SANDBOX_SCRIPTS/eks-amis.json" | sha256sum | cut -c1-16)" \
  "$PY" "$SANDBOX_SCRIPTS/aws_server.py" --port "$PORT_MOTO" --record-port "$PORT_AWS_RECORDED" \
  --record-file "$LOGS/aws-recorded.jsonl" --oidc-issuer "$OIDC_ISSUER" --ami-catalog "$SANDBOX_SCRIPTS/eks-amis.json"
# moto keeps its state in memory only: seed on every run (seed_aws.py creates only what is missing). The first
# seeding takes seconds (moto loads AWS's managed policies), so it runs while the control plane starts.
t_seed="$(now_ms)"
rm -f "$DIR/aws.json"
"$PY" "$SANDBOX_SCRIPTS/seed_aws.py" --endpoint "http://127.0.0.1:$PORT_MOTO" --out "$DIR/aws.json" >"$LOGS/seed.log" 2>&1 &
seed_pid=$!
say "aws: seeding in the background (log: $LOGS/seed.log)"

# --- Kubernetes control plane ---------------------------------------------------------------------------------------

# --unsafe-no-fsync: this etcd holds throw-away test data; skipping fsync makes the API noticeably faster.
EXTRA_PORTS="$PORT_ETCD_PEER" ensure etcd 60 "$ETCD" \
  --name sandbox --data-dir "$DIR/etcd" \
  --listen-client-urls "http://127.0.0.1:$PORT_ETCD" --advertise-client-urls "http://127.0.0.1:$PORT_ETCD" \
  --listen-peer-urls "http://127.0.0.1:$PORT_ETCD_PEER" --initial-advertise-peer-urls "http://127.0.0.1:$PORT_ETCD_PEER" \
  --initial-cluster "sandbox=http://127.0.0.1:$PORT_ETCD_PEER" \
  --unsafe-no-fsync --log-level warn

# --endpoint-reconciler-type=none: the "kubernetes" Service would otherwise get the advertise address as its endpoint,
#   and Endpoints may not hold loopback addresses.
# --kubelet-preferred-address-types=InternalIP: never resolve node host names (DNS is outside 127.0.0.0/8); the
#   InternalIPs of the fake nodes are loopback addresses.
ensure kube-apiserver 120 "$APISERVER" \
  --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$PORT_APISERVER" \
  --etcd-servers "http://127.0.0.1:$PORT_ETCD" \
  --client-ca-file "$PKI/ca.crt" --tls-cert-file "$PKI/kube-apiserver.crt" --tls-private-key-file "$PKI/kube-apiserver.key" \
  --requestheader-client-ca-file "$PKI/front-proxy-ca.crt" --requestheader-allowed-names front-proxy-client \
  --requestheader-username-headers X-Remote-User --requestheader-group-headers X-Remote-Group \
  --requestheader-extra-headers-prefix X-Remote-Extra- \
  --proxy-client-cert-file "$PKI/front-proxy-client.crt" --proxy-client-key-file "$PKI/front-proxy-client.key" \
  --authorization-mode Node,RBAC --enable-admission-plugins NodeRestriction --allow-privileged=true \
  --service-account-issuer "$OIDC_ISSUER" --service-account-issuer https://kubernetes.default.svc.cluster.local \
  --service-account-key-file "$PKI/sa.pub" --service-account-signing-key-file "$PKI/sa.key" \
  --service-cluster-ip-range 10.96.0.0/16 --endpoint-reconciler-type none \
  --kubelet-preferred-address-types InternalIP --profiling=false

# The default controller set ("*") includes namespace finalisation, garbage collection, service accounts and
# their tokens, deployments/replicasets, node lifecycle. The CA key lets it sign CSRs too. --node-monitor-period 1s
# (default 5s): a new node loses its not-ready taint sooner, which saves seconds on every start.
ensure kube-controller-manager 60 "$KCM" \
  --kubeconfig "$DIR/kubeconfigs/kube-controller-manager" \
  --authentication-kubeconfig "$DIR/kubeconfigs/kube-controller-manager" \
  --authorization-kubeconfig "$DIR/kubeconfigs/kube-controller-manager" \
  --bind-address 127.0.0.1 --secure-port "$PORT_KCM" --cert-dir "$PKI/kube-controller-manager" \
  --controllers '*' --use-service-account-credentials=true --leader-elect=false \
  --service-account-private-key-file "$PKI/sa.key" --root-ca-file "$PKI/ca.crt" \
  --cluster-signing-cert-file "$PKI/ca.crt" --cluster-signing-key-file "$PKI/ca.key" \
  --service-cluster-ip-range 10.96.0.0/16 --cluster-name "$CLUSTER_NAME" --profiling=false \
  --node-monitor-period 1s

ensure kube-scheduler 60 "$SCHEDULER" \
  --kubeconfig "$DIR/kubeconfigs/kube-scheduler" \
  --authentication-kubeconfig "$DIR/kubeconfigs/kube-scheduler" \
  --authorization-kubeconfig "$DIR/kubeconfigs/kube-scheduler" \
  --bind-address 127.0.0.1 --secure-port "$PORT_SCHEDULER" --cert-dir "$PKI/kube-scheduler" \
  --leader-elect=false --profiling=false

# --- kwok: three fake nodes ---------------------------------------------------------------------------------------

# kwok's own binary ships no stages; kwokctl writes its defaults into a config. Do the same from the kwok module
# of the version we built: the "fast" node and pod stages and the lease-based node heartbeat.
kwok_config() {
  local src
  src="$(go env GOMODCACHE)/sigs.k8s.io/kwok@$KWOK_VERSION/kustomize/stage"
  if [ ! -d "$src" ]; then
    (cd "$KA_CACHE" && go mod download "sigs.k8s.io/kwok@$KWOK_VERSION") || die "cannot download sigs.k8s.io/kwok@$KWOK_VERSION"
  fi
  {
    echo "# Generated by scripts/sandbox/up.sh from sigs.k8s.io/kwok@$KWOK_VERSION kustomize/stage: kwok's default stages."
    local f
    for f in node/fast/node-initialize.yaml node/heartbeat-with-lease/node-heartbeat-with-lease.yaml \
      pod/fast/pod-ready.yaml pod/fast/pod-complete.yaml pod/fast/pod-delete.yaml; do
      echo "---"
      cat "$src/$f"
    done
  } >"$DIR/kwok.yaml.tmp"
  mv "$DIR/kwok.yaml.tmp" "$DIR/kwok.yaml"
}
kwok_config

# Pod IPs come from --cidr, a range of the VPC outside the three subnets. Nothing in the sandbox dials them.
# KA_KWOK_CONFIG carries kwok.yaml's checksum into the recorded command line, so a changed stage file restarts kwok.
ensure kwok 60 env KA_KWOK_CONFIG="$(sha256sum "$DIR/kwok.yaml" | cut -c1-16)" "$KWOK" \
  --kubeconfig "$DIR/kubeconfigs/kwok" --config "$DIR/kwok.yaml" \
  --manage-all-nodes=false --manage-nodes-with-annotation-selector kwok.x-k8s.io/node=fake \
  --node-lease-duration-seconds 40 --cidr 10.0.128.0/17 \
  --server-address "127.0.0.1:$PORT_KWOK" --v WARN

t="$(now_ms)"
sed "s/@KUBE_VERSION@/$KUBERNETES_VERSION/g" "$SANDBOX_SCRIPTS/kwok-nodes.yaml" | k apply -f - >/dev/null
deadline=$(($(now_ms) + 90000))
until nodes_ok; do
  if [ "$(now_ms)" -gt "$deadline" ]; then
    nodes_ok show || true
    warn "nodes did not become Ready within 90s. Last lines of $LOGS/kwok.log:"
    tail -n 30 "$LOGS/kwok.log" | sed 's/^/    /' >&2
    exit 1
  fi
  sleep 0.5
done
say "nodes: 3 Ready in eu-west-1a/b/c after $(since "$t")"

# --- the OCI registry, serving the fixture charts ----------------------------------------------------------------------

# distribution's registry over TLS from the sandbox CA, anonymous pull (and push: only up.sh pushes). Its storage
# lives in the folder, so the charts survive a restart.
cat >"$DIR/registry.yml.tmp" <<EOF
version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $DIR/registry
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$PORT_REGISTRY
  tls:
    certificate: $PKI/registry.crt
    key: $PKI/registry.key
EOF
mv "$DIR/registry.yml.tmp" "$DIR/registry.yml"
ensure registry 30 env KA_CONFIG="$(sha256sum "$DIR/registry.yml" | cut -c1-16)" OTEL_TRACES_EXPORTER=none \
  "$REGISTRY" serve "$DIR/registry.yml"

# The fixture charts as the real ones are published: each folder packaged with its tag as chart version and app
# version (their Chart.yaml carry the version before the tag, as the upstream repository does between releases),
# pushed to oci://127.0.0.1:<port>/karpenter/{karpenter,karpenter-crd}. Only what is missing is pushed.
t="$(now_ms)"
FIXTURE_CHARTS="$(realpath -e "$REPO_ROOT/../shared/fixtures/charts")" ||
  die "the Karpenter charts are missing: expected $REPO_ROOT/../shared/fixtures/charts"
OCI="oci://127.0.0.1:$PORT_REGISTRY/karpenter"
pushed=()
for folder in "$FIXTURE_CHARTS"/*/; do
  v="$(basename "$folder")"
  for chart in karpenter karpenter-crd; do
    [ -f "$folder/$chart/Chart.yaml" ] || continue
    if curl -sf --max-time 5 --cacert "$PKI/ca.crt" "https://127.0.0.1:$PORT_REGISTRY/v2/karpenter/$chart/tags/list" |
      grep -q "\"$v\""; then continue; fi
    pkg="$(mktemp -d)"
    "$HELM" package "$folder/$chart" --version "$v" --app-version "$v" -d "$pkg" >>"$LOGS/registry-push.log" 2>&1 ||
      die "helm package $folder/$chart failed (see $LOGS/registry-push.log)"
    "$HELM" push "$pkg/$chart-$v.tgz" "$OCI" --ca-file "$PKI/ca.crt" >>"$LOGS/registry-push.log" 2>&1 ||
      die "helm push $chart $v to $OCI failed (see $LOGS/registry-push.log)"
    rm -rf "$pkg"
    pushed+=("$chart:$v")
  done
done
say "registry: $OCI serves karpenter and karpenter-crd $(basename -a "$FIXTURE_CHARTS"/*/ | tr '\n' ' ')(pushed now: ${pushed[*]:-none}) in $(since "$t")"

# --- the Karpenter controller, for what the action installs ------------------------------------------------------------

mkdir -p "$DIR/karpenter"
ensure karpenter-runner 30 env \
  KA_CODE="$(sha256sum "$SANDBOX_SCRIPTS/karpenter_runner.py" | cut -c1-16)" KA_BUILT="$KARPENTER_VERSIONS" \
  "$PY" "$SANDBOX_SCRIPTS/karpenter_runner.py" \
  --apiserver "https://127.0.0.1:$PORT_APISERVER" --ca "$PKI/ca.crt" \
  --cert "$PKI/karpenter-runner.crt" --key "$PKI/karpenter-runner.key" --sa-public-key "$PKI/sa.pub" \
  --aws-endpoint "http://127.0.0.1:$PORT_MOTO" --aws-controller-endpoint "http://127.0.0.1:$PORT_AWS_RECORDED" \
  --region "$REGION" --bin-dir "$KA_BIN" --state-dir "$DIR/karpenter" --log-dir "$LOGS" \
  --kube-version "$KUBERNETES_VERSION" --port "$PORT_RUNNER" --controller-port-base "$PORT_CONTROLLERS"

# --- AWS seeding, started above -------------------------------------------------------------------------------------

if ! wait "$seed_pid"; then
  warn "seeding moto failed. $LOGS/seed.log:"
  sed 's/^/    /' "$LOGS/seed.log" >&2
  exit 1
fi
sed 's/^\[sandbox\] //; s/^/[sandbox] /' "$LOGS/seed.log"
VPC_ID="$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["vpcId"])' "$DIR/aws.json")"
say "aws: seeded (finished $(since "$t_seed") after it began): VPC $VPC_ID, cluster $CLUSTER_NAME, role github-deploy, bucket espace-project-store ($DIR/aws.json)"

# --- files for users of the sandbox --------------------------------------------------------------------------------

cat >"$DIR/env" <<EOF
# Source this file to talk to the sandbox: . $DIR/env
export KA_SANDBOX_DIR='$DIR'
export KA_SANDBOX_PORT_BASE='$BASE'
export KUBECONFIG='$KUBECONFIG_ADMIN'
export AWS_ENDPOINT_URL='http://127.0.0.1:$PORT_MOTO'
export AWS_ACCESS_KEY_ID='testing'
export AWS_SECRET_ACCESS_KEY='testing'
export AWS_REGION='$REGION'
export AWS_DEFAULT_REGION='$REGION'
export AWS_EC2_METADATA_DISABLED='true'
# helm trusts the sandbox CA for the OCI registry (Go reads SSL_CERT_FILE); nothing else here uses it.
export SSL_CERT_FILE='$PKI/ca.crt'
export KA_SANDBOX_OCI='$OCI'
export PATH="$DIR/bin:\$PATH"
EOF

# The same facts for programs.
"$PY" - "$DIR/sandbox.json" <<EOF
import json, sys
json.dump({
    "dir": "$DIR",
    "kubeconfig": "$KUBECONFIG_ADMIN",
    "awsEndpoint": "http://127.0.0.1:$PORT_MOTO",
    "region": "$REGION",
    "ports": {"moto": $PORT_MOTO, "etcd": $PORT_ETCD, "etcdPeer": $PORT_ETCD_PEER, "kubeApiserver": $PORT_APISERVER,
              "kubeControllerManager": $PORT_KCM, "kubeScheduler": $PORT_SCHEDULER, "kwok": $PORT_KWOK,
              "registry": $PORT_REGISTRY, "awsRecorded": $PORT_AWS_RECORDED, "karpenterRunner": $PORT_RUNNER,
              "controllers": $PORT_CONTROLLERS},
    "versions": {"kubernetes": "$KUBERNETES_VERSION", "etcd": "$ETCD_VERSION", "kwok": "$KWOK_VERSION", "helm": "$HELM_VERSION",
                 "moto": "$MOTO_VERSION", "registry": "$REGISTRY_VERSION", "karpenter": "$KARPENTER_VERSIONS".split()},
    "oidcIssuer": "$OIDC_ISSUER",
    "oci": "$OCI",
    "caFile": "$PKI/ca.crt",
    "awsRecordedLog": "$LOGS/aws-recorded.jsonl",
    "karpenterRunner": {"status": "$DIR/karpenter/status.json", "url": "http://127.0.0.1:$PORT_RUNNER",
                        "podIdentity": "$DIR/karpenter/pod-identity.json"},
    "aws": json.load(open("$DIR/aws.json")),
}, open(sys.argv[1], "w"), indent=2)
EOF

cat >"$DIR/karpenter.yaml" <<EOF
cluster:
  name: $CLUSTER_NAME
  region: $REGION
  vpcId: $VPC_ID
karpenter:
  version: 1.14.1
  chart: $OCI/karpenter
  crdChart: $OCI/karpenter-crd
  namespace: karpenter
  release: karpenter
  timeout: 10m
  auth: irsa
iam:
  nodeRole: karpenter-role
  controllerRole: karpenter-controller
  controllerPolicy: karpenter-policy
  instanceProfile: opsfleet_dev_karpenter_profile
  nodeAccess: auto
interruption:
  enabled: true
  queue: $CLUSTER_NAME-karpenter
nodePools:
  - name: default
    instanceTypes: [m6g.large, m5.large, c6g.large, c5.large]
    architectures: [amd64, arm64]
    zones: [eu-west-1a, eu-west-1b, eu-west-1c]
    capacityTypes: [on-demand]
    subnetSelector: {karpenter.sh/discovery: $CLUSTER_NAME}
    securityGroupSelector: {karpenter.sh/discovery: $CLUSTER_NAME}
    consolidateAfter: 30s
state:
  bucket: espace-project-store
  key: karpenter/$CLUSTER_NAME.json
EOF
say "wrote $DIR/env, $DIR/sandbox.json, $DIR/kubeconfig, $DIR/karpenter.yaml"

# --- proof ---------------------------------------------------------------------------------------------------------

check >/dev/null || { check || true; die "the sandbox started but its final check failed"; }

if [ "$smoke" = 1 ]; then
  t="$(now_ms)"
  ns=sandbox-smoke
  k delete namespace "$ns" --ignore-not-found --wait=true --timeout=60s >/dev/null
  k create namespace "$ns" >/dev/null
  # The image is never pulled: kwok only pretends to run containers.
  k -n "$ns" create deployment smoke --image=registry.k8s.io/pause:3.10 --replicas=2 >/dev/null
  if ! k -n "$ns" wait deployment/smoke --for=condition=Available --timeout=90s >/dev/null; then
    k -n "$ns" get deployment,replicaset,pods -o wide >&2 || true
    die "smoke: the Deployment did not become Available within 90s"
  fi
  k -n "$ns" get pods -o wide --no-headers | awk '{print "[sandbox]   pod " $1 " " $3 " on " $7}'
  k delete namespace "$ns" --wait=true --timeout=90s >/dev/null
  say "smoke: 2-replica Deployment Available, namespace deleted, in $(since "$t")"
fi

say "ready in $(since "$t_start"). Use it with: . $DIR/env"
