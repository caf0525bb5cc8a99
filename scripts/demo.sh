#!/usr/bin/env bash
# The README's first command: build the provider, start a local control plane
# (etcd + kube-apiserver with KEDA's CRDs), `terraform apply` the example
# against it through dev_overrides, show what exists, and stop the control
# plane on exit. Safe to run again.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
example=${DEMO_EXAMPLE:-$root/examples/quickstart}
namespaces=${DEMO_NAMESPACES:-ml-inference}
work=$(mktemp -d "${TMPDIR:-/tmp}/keda-demo.XXXXXX")
devcluster_pid=""

cleanup() {
	if [ -n "$devcluster_pid" ]; then
		kill "$devcluster_pid" 2>/dev/null || true
		wait "$devcluster_pid" 2>/dev/null || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT INT TERM

cd "$root"
echo "==> building the provider"
go build -o "$root/bin/terraform-provider-keda" .
go build -o "$work/devcluster" ./internal/cmd/devcluster
scripts/testbin.sh apiserver etcd

echo "==> starting the local control plane"
"$work/devcluster" -write-kubeconfig "$work/kubeconfig" -namespaces "$namespaces" >"$work/devcluster.log" 2>&1 &
devcluster_pid=$!
for _ in $(seq 1 180); do
	[ -f "$work/kubeconfig" ] && break
	if ! kill -0 "$devcluster_pid" 2>/dev/null; then
		cat "$work/devcluster.log" >&2
		exit 1
	fi
	sleep 0.5
done
[ -f "$work/kubeconfig" ] || { cat "$work/devcluster.log" >&2; echo "control plane did not start" >&2; exit 1; }
cat "$work/devcluster.log"

cat >"$work/terraformrc" <<RC
provider_installation {
  dev_overrides {
    "kedaml/keda" = "$root/bin"
  }
  direct {}
}
RC
export TF_CLI_CONFIG_FILE="$work/terraformrc"
export KUBE_CONFIG_PATH="$work/kubeconfig"
export TF_IN_AUTOMATION=1

cp -r "$example" "$work/config"
echo "==> terraform apply ($(basename "$example"))"
terraform -chdir="$work/config" apply -auto-approve -input=false -no-color 2>&1 | grep -v -e 'Provider development overrides' -e 'dev_overrides' -e '^ - kedaml/keda in' -e 'The behavior may therefore' -e 'published releases' -e 'applying changes may cause' -e '^│\s*$' -e '^╷' -e '^╵' -e 'Warning: Provider development overrides'

echo "==> what exists now"
terraform -chdir="$work/config" state list
terraform -chdir="$work/config" output -no-color
echo "==> done; stopping the control plane"
