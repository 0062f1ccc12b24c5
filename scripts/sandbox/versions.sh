# Versions of the sandbox's engines. Binaries are cached by version under $KA_CACHE/bin.
KUBERNETES_VERSION=v1.34.4
ETCD_VERSION=v3.6.16
KWOK_VERSION=v0.8.0
HELM_VERSION=v3.22.0
# helm-diff, the plugin the bench measures plans against (built only by `build.sh helm-diff`).
HELM_DIFF_VERSION=v3.9.14
ACTIONLINT_VERSION=v1.7.12
# The real Karpenter controllers the sandbox runs for what the action installed: one per chart version of the
# fixtures (../shared/fixtures/charts), so that upgrades run against the real thing too.
KARPENTER_VERSIONS="1.14.1 1.13.1"
# moto (AWS), pinned: the sandbox's AWS behaviour, and the gaps aws_server.py mends, are those of this version.
MOTO_VERSION=5.2.1
# The OCI registry that serves the fixture charts for the default `oci://` chart source.
REGISTRY_VERSION=v3.1.1
KA_CACHE="${KARPENTER_ACTION_CACHE:-$HOME/.cache/karpenter-action}"
KA_BIN="$KA_CACHE/bin"
