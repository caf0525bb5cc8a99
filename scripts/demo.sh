#!/usr/bin/env bash
# The README's first command: build the provider and what the local cluster
# runs (kube-apiserver, etcd and KEDA's operator, from pinned modules, cached
# after the first run), then internal/cmd/demo starts a control plane,
# `terraform apply`s examples/ml-inference-stack against it through
# dev_overrides, lets KEDA reconcile it, prints what exists and stops
# everything. DEMO_KEEP=1 keeps it running until `make demo-down`.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
echo "==> building the provider and the local cluster's binaries"
go build -o "$root/bin/terraform-provider-keda" .
scripts/testbin.sh apiserver etcd keda
keep=()
[ "${DEMO_KEEP:-}" = 1 ] && keep=(-keep)
go run ./internal/cmd/demo "${keep[@]}"
