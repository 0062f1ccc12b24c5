#!/usr/bin/env bash
# Builds the sandbox's engines from the Go module proxy, once per version:
#   kube-apiserver, kube-controller-manager, kube-scheduler (k8s.io/kubernetes), etcd, kwok, helm, actionlint,
#   the Karpenter controller of each version in KARPENTER_VERSIONS, and the OCI registry (distribution).
# On request only (`build.sh helm-diff`, the bench's anchor): the helm-diff plugin (github.com/databus23/helm-diff/v3),
# laid out as a plugin folder: HELM_PLUGINS=$KA_CACHE/helm-plugins-<version> makes `helm diff` work.
# Each lands in $KA_BIN/<name>-<version>; an existing binary is reused. Safe to run concurrently with itself
# only through the lock below.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/versions.sh"
mkdir -p "$KA_BIN" "$KA_CACHE/build"
want="${*:-etcd helm kwok actionlint kubernetes registry karpenter}"

# Everything already built: no lock to wait for (another build.sh may hold it while it builds something else).
binaries() {
  local w v
  for w in $want; do
    case "$w" in
      etcd) echo "etcd-$ETCD_VERSION" ;;
      helm) echo "helm-$HELM_VERSION" ;;
      helm-diff) echo "helm-diff-$HELM_DIFF_VERSION" ;;
      kwok) echo "kwok-$KWOK_VERSION" ;;
      actionlint) echo "actionlint-$ACTIONLINT_VERSION" ;;
      registry) echo "registry-$REGISTRY_VERSION" ;;
      kubernetes) printf '%s\n' "kube-apiserver-$KUBERNETES_VERSION" "kube-controller-manager-$KUBERNETES_VERSION" "kube-scheduler-$KUBERNETES_VERSION" ;;
      karpenter) for v in $KARPENTER_VERSIONS; do echo "karpenter-controller-v${v#v}"; done ;;
      *) echo "unknown engine: $w" >&2; exit 2 ;;
    esac
  done
}
missing=0
for b in $(binaries); do [ -x "$KA_BIN/$b" ] || missing=1; done
case " $want " in *" helm-diff "*) [ -f "$KA_CACHE/helm-plugins-$HELM_DIFF_VERSION/diff/plugin.yaml" ] || missing=1 ;; esac
if [ "$missing" = 0 ]; then
  printf '[sandbox build %s] all engines cached in %s\n' "$(date +%H:%M:%S)" "$KA_BIN"
  exit 0
fi

exec 9>"$KA_CACHE/build.lock"
flock 9

log() { printf '[sandbox build %s] %s\n' "$(date +%H:%M:%S)" "$*"; }
have() { [ -x "$KA_BIN/$1-$2" ]; }
export GOFLAGS="${GOFLAGS:--buildvcs=false}" CGO_ENABLED=0

# A throwaway module that depends on $1@$2; prints its directory.
scratch_module() {
  local mod="$1" ver="$2" dir="$KA_CACHE/build/$(echo "$1" | tr '/.' '__')-$2"
  mkdir -p "$dir"
  if [ ! -f "$dir/go.mod" ]; then
    (cd "$dir" && go mod init karpenter-action.local/build >/dev/null 2>&1 && printf 'package tools\n' >tools.go)
  fi
  echo "$dir"
}

build_kubernetes() {
  local v="$KUBERNETES_VERSION" minor
  if have kube-apiserver "$v" && have kube-controller-manager "$v" && have kube-scheduler "$v"; then
    log "kubernetes $v: cached"; return; fi
  minor="v0.${v#v1.}"
  local dir; dir="$(scratch_module k8s.io/kubernetes "$v")"
  log "kubernetes $v: resolving modules (staging modules pinned to $minor)"
  local gomod; gomod="$(cd "$dir" && go mod download -json "k8s.io/kubernetes@$v" | python3 -c 'import json,sys;print(json.load(sys.stdin)["GoMod"])')"
  (
    cd "$dir"
    go mod edit -require="k8s.io/kubernetes@$v"
    # k8s.io/kubernetes requires its staging modules at v0.0.0 and replaces them with local folders,
    # which a dependent module cannot see: pin each to its published tag instead.
    for m in $(awk '$2=="v0.0.0"{print $1}' "$gomod" | sort -u); do
      go mod edit -replace="$m=$m@$minor"
    done
    cat >tools.go <<GO
//go:build tools
package tools
import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kube-scheduler"
)
GO
    go mod tidy -e >/dev/null 2>&1 || true
    go mod download
    local ld="-s -w -X k8s.io/component-base/version.gitVersion=$v -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$(echo "$v" | cut -d. -f2) -X k8s.io/component-base/version.gitTreeState=clean -X k8s.io/client-go/pkg/version.gitVersion=$v"
    for c in kube-apiserver kube-controller-manager kube-scheduler; do
      have "$c" "$v" && continue
      log "kubernetes $v: compiling $c (the first one takes the longest)"
      go build -tags tools -trimpath -ldflags "$ld" -o "$KA_BIN/$c-$v.tmp" "k8s.io/kubernetes/cmd/$c"
      mv "$KA_BIN/$c-$v.tmp" "$KA_BIN/$c-$v"
      log "kubernetes $v: $c done"
    done
  )
}

# go_tool NAME VERSION MODULE PACKAGE LDFLAGS: build PACKAGE of MODULE@VERSION as NAME.
go_tool() {
  local name="$1" v="$2" mod="$3" pkg="$4" ld="$5"
  if have "$name" "$v"; then log "$name $v: cached"; return; fi
  local dir; dir="$(scratch_module "$mod" "$v")"
  log "$name $v: compiling $pkg"
  (
    cd "$dir"
    go mod edit -require="$mod@$v"
    printf '//go:build tools\npackage tools\nimport _ "%s"\n' "$pkg" >tools.go
    go mod tidy -e >/dev/null 2>&1 || true
    go build -tags tools -trimpath -ldflags "-s -w $ld" -o "$KA_BIN/$name-$v.tmp" "$pkg"
    mv "$KA_BIN/$name-$v.tmp" "$KA_BIN/$name-$v"
  )
  log "$name $v: done"
}

# The Karpenter controller (github.com/aws/karpenter-provider-aws/cmd/controller) of each version in
# KARPENTER_VERSIONS, as karpenter-controller-v<version>. A release's go.mod may pin sigs.k8s.io/karpenter at a
# pseudo-version the proxy does not serve (1.14.1 does): then the core module's tag of the same version (same commit
# time) replaces it, or the .0 of that minor. Other dependencies pinned at versions the proxy refuses are replaced by the nearest
# served one, preferring those the other releases of KARPENTER_VERSIONS pin (go_served.py: 1.13.1 pins
# aws-sdk-go-v2/service/{timestreamwrite,fis} at such versions). `go install pkg@version` ignores replace directives,
# hence the module.
build_karpenter() {
  local v mod=github.com/aws/karpenter-provider-aws
  for v in $KARPENTER_VERSIONS; do
    v="v${v#v}"
    if have karpenter-controller "$v"; then log "karpenter-controller $v: cached"; continue; fi
    local dir gomod core t0
    t0="$(date +%s)"
    dir="$(scratch_module "$mod" "$v")"
    log "karpenter-controller $v: resolving modules"
    gomod="$(cd "$dir" && go mod download -json "$mod@$v" | python3 -c 'import json,sys;print(json.load(sys.stdin)["GoMod"])')"
    core="$(awk '$1=="sigs.k8s.io/karpenter"{print $2; exit}' "$gomod")"
    (
      cd "$dir"
      go mod edit -require="$mod@$v"
      if ! go mod download "sigs.k8s.io/karpenter@$core" >/dev/null 2>&1; then
        local alt="$v"
        go mod download "sigs.k8s.io/karpenter@$alt" >/dev/null 2>&1 || alt="$(echo "$v" | cut -d. -f1-2).0"
        log "karpenter-controller $v: sigs.k8s.io/karpenter@$core is not served, using $alt"
        go mod edit -replace="sigs.k8s.io/karpenter=sigs.k8s.io/karpenter@$alt"
      fi
      printf '//go:build tools\npackage tools\nimport _ "%s/cmd/controller"\n' "$mod" >tools.go
      local prefer=() other
      for other in $KARPENTER_VERSIONS; do
        [ "v${other#v}" = "$v" ] && continue
        prefer+=(--prefer "$(go mod download -json "$mod@v${other#v}" | python3 -c 'import json,sys;print(json.load(sys.stdin)["GoMod"])')")
      done
      python3 "$here/go_served.py" "${prefer[@]}" | while read -r line; do log "karpenter-controller $v: $line"; done
      log "karpenter-controller $v: compiling $mod/cmd/controller (about 11 minutes on 2 cores)"
      go build -tags tools -trimpath -ldflags "-s -w -X sigs.k8s.io/karpenter/pkg/operator.Version=${v#v}" \
        -o "$KA_BIN/karpenter-controller-$v.tmp" "$mod/cmd/controller"
      mv "$KA_BIN/karpenter-controller-$v.tmp" "$KA_BIN/karpenter-controller-$v"
    )
    log "karpenter-controller $v: done in $(($(date +%s) - t0))s, $(($(stat -c %s "$KA_BIN/karpenter-controller-$v") / 1048576)) MiB"
  done
}

# helm-diff as a helm plugin: the binary in $KA_BIN, a plugin folder (plugin.yaml + bin/diff) beside it. Its root
# package is a `main`, which a tools.go cannot import: it is built inside the downloaded module, whose go.sum pins its
# dependencies. The checksum database the proxy mirrors lacks this one module, hence GONOSUMDB for it alone.
build_helm_diff() {
  local v="$HELM_DIFF_VERSION" mod=github.com/databus23/helm-diff/v3 plugins="$KA_CACHE/helm-plugins-$HELM_DIFF_VERSION"
  if have helm-diff "$v"; then log "helm-diff $v: cached"; else
    log "helm-diff $v: compiling $mod"
    local src; src="$(cd "$(scratch_module "$mod" "$v")" && GONOSUMDB=github.com/databus23/helm-diff \
      go mod download -json "$mod@$v" | python3 -c 'import json,sys;print(json.load(sys.stdin)["Dir"])')"
    (cd "$src" && go build -trimpath -ldflags "-s -w -X $mod/cmd.Version=${v#v}" -o "$KA_BIN/helm-diff-$v.tmp" .)
    mv "$KA_BIN/helm-diff-$v.tmp" "$KA_BIN/helm-diff-$v"
    log "helm-diff $v: done"
  fi
  mkdir -p "$plugins/diff/bin"
  ln -sf "$KA_BIN/helm-diff-$v" "$plugins/diff/bin/diff"
  cat >"$plugins/diff/plugin.yaml" <<YAML
name: diff
version: "${v#v}"
usage: Preview helm upgrade changes as a diff
description: Preview helm upgrade changes as a diff
useTunnel: true
command: \$HELM_PLUGIN_DIR/bin/diff
YAML
}

for w in $want; do
  case "$w" in
    helm-diff) build_helm_diff ;;
    etcd) go_tool etcd "$ETCD_VERSION" go.etcd.io/etcd/server/v3 go.etcd.io/etcd/server/v3 "" ;;
    helm) go_tool helm "$HELM_VERSION" helm.sh/helm/v3 helm.sh/helm/v3/cmd/helm \
            "-X helm.sh/helm/v3/internal/version.version=$HELM_VERSION -X helm.sh/helm/v3/internal/version.gitTreeState=clean" ;;
    kwok) go_tool kwok "$KWOK_VERSION" sigs.k8s.io/kwok sigs.k8s.io/kwok/cmd/kwok \
            "-X sigs.k8s.io/kwok/pkg/consts.Version=$KWOK_VERSION" ;;
    actionlint) go_tool actionlint "$ACTIONLINT_VERSION" github.com/rhysd/actionlint github.com/rhysd/actionlint/cmd/actionlint \
            "-X github.com/rhysd/actionlint.version=$ACTIONLINT_VERSION" ;;
    kubernetes) build_kubernetes ;;
    registry) go_tool registry "$REGISTRY_VERSION" github.com/distribution/distribution/v3 \
            github.com/distribution/distribution/v3/cmd/registry \
            "-X github.com/distribution/distribution/v3/version.version=$REGISTRY_VERSION" ;;
    karpenter) build_karpenter ;;
    *) echo "unknown engine: $w" >&2; exit 2 ;;
  esac
done
log "all engines ready in $KA_BIN"
