#!/usr/bin/env bash
# The workflow people write for this job by hand: the CRD chart, then the chart, each with --wait --atomic, then
# the NodePool and EC2NodeClass. IAM, the queue and its rules are assumed made elsewhere (here: by the action's run
# before). Environment: HR_NS HR_RELEASE HR_CRD_CHART HR_CHART HR_VERSION HR_VALUES HR_MANIFESTS HR_TIMEOUT.
set -euo pipefail
helm upgrade --install "$HR_RELEASE-crd" "$HR_CRD_CHART" --version "$HR_VERSION" --namespace "$HR_NS" \
  --create-namespace --wait --atomic --timeout "$HR_TIMEOUT"
helm upgrade --install "$HR_RELEASE" "$HR_CHART" --version "$HR_VERSION" --namespace "$HR_NS" \
  --values "$HR_VALUES" --wait --atomic --timeout "$HR_TIMEOUT"
kubectl apply -f "$HR_MANIFESTS"
