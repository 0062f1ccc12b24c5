# Versions of the sandbox's engines. Binaries are cached by version under $KA_CACHE/bin.
KUBERNETES_VERSION=v1.34.4
ETCD_VERSION=v3.6.16
KWOK_VERSION=v0.8.0
HELM_VERSION=v3.22.0
ACTIONLINT_VERSION=v1.7.12
KA_CACHE="${KARPENTER_ACTION_CACHE:-$HOME/.cache/karpenter-action}"
KA_BIN="$KA_CACHE/bin"
