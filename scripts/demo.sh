#!/usr/bin/env bash
# The demo (`npm run sandbox`): the whole flow against the local sandbox, run the way GitHub runs the action.
#
#   1. sandbox up (scripts/sandbox/up.sh: moto, a Kubernetes control plane with kwok nodes, helm, the OCI registry
#      with the charts, and the runner of the real Karpenter controller)
#   2. plan   - prints the pull-request comment exactly as it would be posted
#   3. apply  - takes the state lock in S3, applies, writes the state record, prints the comment with the result
#   4. plan   - again: no changes
#   5. the brief's acceptance test, with the real Karpenter controller: a workload that needs the node pool makes
#      Karpenter launch instances (types, zones, seconds); scaled to zero, its nodes go after consolidateAfter (30 s)
#
# The demo's sandbox is .sandbox (ports from 18500; KA_DEMO_SANDBOX_DIR / KA_DEMO_SANDBOX_PORT_BASE to move it),
# apart from the one `npm test` uses, so either can run first.
#
# Each step is `node dist/index.js` with INPUT_* variables, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files, the
# sandbox's environment (.sandbox/env) and its config (.sandbox/karpenter.yaml). Nothing talks to GitHub: there is
# no pull request in the demo, and the action writes the comment it would post to KARPENTER_ACTION_COMMENT_FILE.
# GITHUB_API_URL points at a closed local port, so nothing could reach GitHub even by mistake.
#
#   scripts/demo.sh            run it
#   scripts/demo.sh --quiet    print the comments and outcomes, not the action's log
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$(pwd)"

quiet=0
for arg in "$@"; do
  case "$arg" in
    --quiet) quiet=1 ;;
    -h | --help) sed -n '2,15s/^# \{0,1\}//p' "$0"; exit 0 ;;
    *) echo "demo: unknown argument: $arg" >&2; exit 2 ;;
  esac
done

bold() { printf '\n\033[1m== %s ==\033[0m\n' "$*"; }
note() { printf '[demo] %s\n' "$*"; }

bold "1. Sandbox"
export KA_SANDBOX_DIR="${KA_DEMO_SANDBOX_DIR:-$repo/.sandbox}"
export KA_SANDBOX_PORT_BASE="${KA_DEMO_SANDBOX_PORT_BASE:-18500}"
bash scripts/sandbox/up.sh
sandbox="$KA_SANDBOX_DIR"
# shellcheck disable=SC1091
. "$sandbox/env"
# This machine runs Node 20; GitHub runs the action on Node 24. The SDK's notice about Node 20 is noise here.
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
config="$sandbox/karpenter.yaml"

if [ ! -f dist/index.js ]; then
  note "dist/index.js is missing: building it (npm run bundle)"
  npm run --silent bundle >/dev/null
elif [ -n "$(git status --porcelain -- src 2>/dev/null || echo changed)" ] &&
  [ -n "$(find src -newer dist/index.js -name '*.ts' -print -quit)" ]; then
  # A clean checkout's dist/ is what its src/ builds (npm run check-dist keeps them equal): only edits count.
  note "src/ has changes newer than dist/: the demo runs dist/ as it is (npm run bundle to rebuild)"
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/karpenter-demo.XXXXXX")"
sha="$(git rev-parse HEAD 2>/dev/null || echo 0000000000000000000000000000000000000000)"
note "files of this demo (outputs, job summaries, comments): $work"

# Shows the action's log the way the Actions UI would: groups as headings, annotations labelled, debug hidden.
show_log() {
  if [ "$quiet" = 1 ]; then
    grep -E '^::(error|warning)' | sed -E -e 's/^::(error|warning)[^:]*::/  \1: /' -e 's/%0A/\n    /g' -e 's/%25/%/g' || true
  else
    sed -E \
      -e '/^::(debug|add-mask)::/d' \
      -e '/^::endgroup::$/d' \
      -e 's/^::group::(.*)$/  ▸ \1/' \
      -e 's/^::(error|warning|notice)[^:]*::/  \1: /' \
      -e 's/%0A/\n  │     /g' -e 's/%0D//g' -e 's/%25/%/g' \
      -e 's/^/  │ /'
  fi
}

# output NAME FILE: one output the action wrote to its GITHUB_OUTPUT file.
output() {
  awk -v name="$1" '
    index($0, name "<<") == 1 { delim = substr($0, length(name) + 3); grab = 1; next }
    grab && $0 == delim { exit }
    grab { print }
    index($0, name "=") == 1 { print substr($0, length(name) + 2); exit }
  ' "$2"
}

# step N MODE: runs the action once; sets $status, $outputs, $comment.
step() {
  local n="$1" mode="$2"
  outputs="$work/$n-$mode.output"
  comment="$work/$n-$mode.comment.md"
  local summary="$work/$n-$mode.summary.md"
  : >"$outputs"
  : >"$summary"
  rm -f "$comment"
  set +e
  env \
    "INPUT_MODE=$mode" \
    "INPUT_CONFIG=$config" \
    "INPUT_COMMENT=auto" \
    "INPUT_GITHUB-TOKEN=" \
    "INPUT_ROLE-TO-ASSUME=" \
    "INPUT_AWS-REGION=" \
    "INPUT_AUDIENCE=sts.amazonaws.com" \
    "INPUT_PR-NUMBER=" \
    "INPUT_KUBECONFIG=$KUBECONFIG" \
    "INPUT_BREAK-LOCK=false" \
    GITHUB_ACTIONS=true \
    GITHUB_EVENT_NAME=workflow_dispatch \
    GITHUB_REPOSITORY=opsfleet/infrastructure \
    GITHUB_SERVER_URL=https://github.com \
    GITHUB_API_URL=http://127.0.0.1:9 \
    "GITHUB_RUN_ID=$((1000 + n))" \
    GITHUB_RUN_ATTEMPT=1 \
    GITHUB_ACTOR="${USER:-demo}" \
    GITHUB_WORKFLOW=Karpenter \
    GITHUB_JOB=karpenter \
    "GITHUB_SHA=$sha" \
    "GITHUB_OUTPUT=$outputs" \
    "GITHUB_STEP_SUMMARY=$summary" \
    "GITHUB_WORKSPACE=$repo" \
    "RUNNER_TEMP=$work" \
    "KARPENTER_ACTION_COMMENT_FILE=$comment" \
    node dist/index.js 2>&1 | show_log
  status="${PIPESTATUS[0]}"
  set -e
  note "exit code $status; outputs: has-changes=$(output has-changes "$outputs") to-add=$(output to-add "$outputs")" \
    "to-change=$(output to-change "$outputs") to-destroy=$(output to-destroy "$outputs") plan-id=$(output plan-id "$outputs")"
  local reason
  reason="$(output failure-reason "$outputs")"
  [ -z "$reason" ] || note "failure-reason=$reason"
  note "job summary: $summary"
}

print_comment() {
  if [ ! -s "$comment" ]; then
    note "no comment was written"
    return
  fi
  note "the pull-request comment, exactly as it would be posted ($(wc -c <"$comment") bytes, $comment):"
  printf '%s\n' '------------------------------------------------------------------------------------------'
  cat "$comment"
  printf '%s\n' '------------------------------------------------------------------------------------------'
}

bold "2. Plan (what a pull request shows)"
step 2 plan
[ "$status" = 0 ] || { note "the plan failed"; exit 1; }
print_comment
if [ "$(output has-changes "$outputs")" = false ]; then
  note "the sandbox already runs Karpenter from an earlier demo; for a fresh start: npm run sandbox:down -- --purge"
fi

bold "3. Apply (what workflow_dispatch does after the review)"
step 3 apply
print_comment
[ "$status" = 0 ] || { note "the apply failed"; exit 1; }
state_bucket="$(awk '/^state:/ { s = 1 } s && /bucket:/ { print $2; exit }' "$config")"
if [ -n "$state_bucket" ]; then
  state_key="$(awk '/^state:/ { s = 1 } s && /key:/ { print $2; exit }' "$config")"
  note "state record s3://$state_bucket/$state_key:"
  python3 - "$state_bucket" "$state_key" <<'PY' || note "(could not read the state record)"
import json, os, sys
import boto3
s3 = boto3.client("s3", endpoint_url=os.environ["AWS_ENDPOINT_URL"], region_name=os.environ.get("AWS_REGION", "eu-west-1"))
record = json.loads(s3.get_object(Bucket=sys.argv[1], Key=sys.argv[2])["Body"].read())
last = record["last"]
print(f"  plan {last['planId']}: {last['outcome']} at {last['at']} by {last['who']}, versions {last['versions']}")
for r in last["resources"]:
    print(f"    {r['status']:8} {r['action']:8} {r['kind']} {r['name']}")
print(f"  earlier applies kept: {len(record['history'])}")
PY
fi

bold "4. Plan again (nothing left to do)"
step 4 plan
[ "$status" = 0 ] || { note "the second plan failed"; exit 1; }
print_comment
if [ "$(output has-changes "$outputs")" != false ]; then
  note "the second plan still has changes: the apply did not converge"
  exit 1
fi

bold "5. Karpenter at work: a workload scaled up, then to zero"
k() { kubectl --kubeconfig "$KUBECONFIG" --request-timeout=10s "$@"; }
pool="$(awk '/^nodePools:/ { s = 1 } s && /- name:/ { print $3; exit }' "$config")"
ns=demo-workload
now() { date +%s%3N; }
secs() { awk -v ms="$(($(now) - $1))" 'BEGIN { printf "%.1f s", ms / 1000 }'; }
# wait_for SECONDS WHAT COMMAND...: until COMMAND succeeds; a line every 15 s; fails after SECONDS.
wait_for() {
  local limit="$1" what="$2" start
  shift 2
  start="$(now)"
  until "$@"; do
    if [ $(($(now) - start)) -gt $((limit * 1000)) ]; then note "gave up waiting after ${limit}s: $what"; return 1; fi
    [ $((($(now) - start) / 1000 % 15)) -eq 0 ] && note "  waiting: $what ($(secs "$start"))"
    sleep 1
  done
}
claims() { k get nodeclaims.karpenter.sh -l "karpenter.sh/nodepool=$pool" -o json 2>/dev/null; }
claim_count() { claims | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["items"]))' 2>/dev/null || echo 0; }
pods_running() {
  [ "$(k -n "$ns" get pods -l app=inflate --field-selector=status.phase=Running -o name 2>/dev/null | wc -l)" -eq "$1" ]
}
no_pods() { [ "$(k -n "$ns" get pods -l app=inflate -o name 2>/dev/null | wc -l)" -eq 0 ]; }
no_claims() { [ "$(claim_count)" -eq 0 ]; }
ready() { [ "$(k get "$1" "$pool" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null)" = True ]; }

t0="$(now)"
both_ready() { ready ec2nodeclass && ready nodepool; }
wait_for 120 "EC2NodeClass $pool and NodePool $pool Ready" both_ready ||
  { k get ec2nodeclass,nodepool "$pool" -o yaml | sed 's/^/    /'; exit 1; }
note "EC2NodeClass and NodePool $pool: Ready ($(secs "$t0") after the apply's verify)"
replicas=3
k create namespace "$ns" --dry-run=client -o yaml | k apply -f - >/dev/null
k -n "$ns" apply -f - >/dev/null <<EOF
apiVersion: apps/v1
kind: Deployment
metadata:
  name: inflate
spec:
  replicas: $replicas
  selector: { matchLabels: { app: inflate } }
  template:
    metadata: { labels: { app: inflate } }
    spec:
      # Only the pool's nodes carry this label: the sandbox's three managed nodes cannot take these pods.
      nodeSelector: { karpenter.sh/nodepool: $pool }
      # A grace period, as real workloads have: a deleted pod is Terminating for a moment (kwok removes it at once),
      # the pod event Karpenter times consolidateAfter from; with 0 it would count from when the pod was scheduled.
      terminationGracePeriodSeconds: 1
      containers:
        - name: inflate
          image: registry.k8s.io/pause:3.10
          resources: { requests: { cpu: "1", memory: 1Gi } }
EOF
t_up="$(now)"
note "Deployment $ns/inflate: $replicas pods of 1 CPU / 1 GiB that only NodePool $pool can take"
wait_for 300 "$replicas pods Running" pods_running "$replicas" || { k -n "$ns" get pods -o wide; k get nodeclaims -o wide; exit 1; }
note "$replicas pods Running $(secs "$t_up") after the Deployment was created, on nodes Karpenter launched:"
claims >"$work/nodeclaims.json"
python3 - "$work/nodeclaims.json" <<'PY'
import json, sys
for c in json.load(open(sys.argv[1]))["items"]:
    labels, status = c["metadata"]["labels"], c.get("status", {})
    print(f"  NodeClaim {c['metadata']['name']}: {labels.get('node.kubernetes.io/instance-type')} in "
          f"{labels.get('topology.kubernetes.io/zone')}, {labels.get('karpenter.sh/capacity-type')}, instance "
          f"{status.get('providerID', '').rpartition('/')[2]}, node {status.get('nodeName')}")
PY
ids="$(claims | python3 -c 'import json,sys; print(" ".join(c["status"]["providerID"].rpartition("/")[2] for c in json.load(sys.stdin)["items"]))')"

k -n "$ns" scale deployment inflate --replicas=0 >/dev/null
wait_for 120 "pods gone" no_pods
t_empty="$(now)"
note "scaled to 0: the nodes are empty; NodePool $pool removes empty nodes after consolidateAfter ($(awk '/consolidateAfter:/ { print $2; exit }' "$config"))"
removing() { claims | python3 -c 'import json,sys; sys.exit(not any(c["metadata"].get("deletionTimestamp") for c in json.load(sys.stdin)["items"]))'; }
wait_for 300 "Karpenter to start removing the empty nodes" removing || { k get nodeclaims -o wide; exit 1; }
note "Karpenter started removing them $(secs "$t_empty") after they became empty (consolidateAfter, then its own check that they stay empty)"
wait_for 300 "empty nodes removed" no_claims || { k get nodeclaims -o wide; exit 1; }
note "nodes gone $(secs "$t_empty") after they became empty (drained, instances terminated in EC2, Nodes deleted)"
python3 - $ids <<'PY'
import os, sys
import boto3
ec2 = boto3.client("ec2", endpoint_url=os.environ["AWS_ENDPOINT_URL"], region_name=os.environ.get("AWS_REGION", "eu-west-1"))
for r in ec2.describe_instances(InstanceIds=sys.argv[1:])["Reservations"]:
    for i in r["Instances"]:
        print(f"  {i['InstanceId']} ({i['InstanceType']}, {i['Placement']['AvailabilityZone']}): {i['State']['Name']} in EC2 (moto)")
PY
k delete namespace "$ns" --wait=false >/dev/null

bold "Done"
note "plan → apply → plan with no changes → nodes launched for a workload and removed when idle. Files: $work"
