#!/usr/bin/env bash
# The README's first command. Installs Debian's RabbitMQ and Prometheus when
# they are missing (scripts/e2e-deps.sh, with apt-get, as `make test` does),
# builds the provider and what the local cluster runs (kube-apiserver, etcd
# and KEDA's operator, from pinned modules, cached after the first run), then
# internal/cmd/demo starts them all on loopback, `terraform apply`s
# examples/ml-inference-stack through dev_overrides, shows KEDA scaling and
# stops everything. DEMO_KEEP=1 keeps it running until `make demo-down`.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
scripts/e2e-deps.sh
echo "==> building the provider and the local cluster's binaries"
go build -o "$root/bin/terraform-provider-keda" .
scripts/testbin.sh apiserver etcd keda
keep=()
[ "${DEMO_KEEP:-}" = 1 ] && keep=(-keep)
go run ./internal/cmd/demo -provider-dir "$root/bin" "${keep[@]}"
