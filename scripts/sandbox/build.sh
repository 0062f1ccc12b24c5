#!/usr/bin/env bash
# Builds the sandbox's engines from the Go module proxy, once per version:
#   kube-apiserver, kube-controller-manager, kube-scheduler (k8s.io/kubernetes), etcd, kwok, helm, actionlint.
# Each lands in $KA_BIN/<name>-<version>; an existing binary is reused. Safe to run concurrently with itself
# only through the lock below.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/versions.sh"
mkdir -p "$KA_BIN" "$KA_CACHE/build"
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

want="${*:-etcd helm kwok actionlint kubernetes}"
for w in $want; do
  case "$w" in
    etcd) go_tool etcd "$ETCD_VERSION" go.etcd.io/etcd/server/v3 go.etcd.io/etcd/server/v3 "" ;;
    helm) go_tool helm "$HELM_VERSION" helm.sh/helm/v3 helm.sh/helm/v3/cmd/helm \
            "-X helm.sh/helm/v3/internal/version.version=$HELM_VERSION -X helm.sh/helm/v3/internal/version.gitTreeState=clean" ;;
    kwok) go_tool kwok "$KWOK_VERSION" sigs.k8s.io/kwok sigs.k8s.io/kwok/cmd/kwok \
            "-X sigs.k8s.io/kwok/pkg/consts.Version=$KWOK_VERSION" ;;
    actionlint) go_tool actionlint "$ACTIONLINT_VERSION" github.com/rhysd/actionlint github.com/rhysd/actionlint/cmd/actionlint \
            "-X github.com/rhysd/actionlint.version=$ACTIONLINT_VERSION" ;;
    kubernetes) build_kubernetes ;;
    *) echo "unknown engine: $w" >&2; exit 2 ;;
  esac
done
log "all engines ready in $KA_BIN"
