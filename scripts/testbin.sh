#!/usr/bin/env bash
# Builds the binaries the acceptance tests run (kube-apiserver, etcd, ...) from
# the pinned tools/ modules into a cache directory keyed by their go.sum, the Go
# version and the link flags, and points ./.testbin at it. A fresh clone on a
# machine that built them before relinks nothing.
#
# usage: scripts/testbin.sh [group ...]
#   groups: apiserver (kube-apiserver), etcd, controllers (kube-controller-manager,
#   kube-scheduler), kwok (fake kubelet), keda (KEDA's operator, for the
#   end-to-end tests), kubectl (the corpus test applies KEDA's own test objects
#   with it; make bench measures against it), kubectl-provider (make bench);
#   default: apiserver etcd
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cache=${KEDA_TESTBIN_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-keda/testbin}
k8s_version=v1.36.3

groups=("$@")
[ ${#groups[@]} -gt 0 ] || groups=(apiserver etcd)

version_ldflags() {
	local v=${k8s_version#v}
	local major=${v%%.*} rest=${v#*.}
	local minor=${rest%%.*}
	local pkg=k8s.io/component-base/version
	echo "-s -w -X $pkg.gitVersion=$k8s_version -X $pkg.gitMajor=$major -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
}

build_group() {
	local group=$1 ldflags pkgs moddir
	case $group in
	apiserver)
		moddir=$root/tools/controlplane
		ldflags=$(version_ldflags)
		pkgs="k8s.io/kubernetes/cmd/kube-apiserver"
		;;
	controllers)
		moddir=$root/tools/controlplane
		ldflags=$(version_ldflags)
		pkgs="k8s.io/kubernetes/cmd/kube-controller-manager k8s.io/kubernetes/cmd/kube-scheduler"
		;;
	etcd)
		moddir=$root/tools/etcd
		ldflags="-s -w"
		pkgs="go.etcd.io/etcd/server/v3"
		;;
	kwok)
		moddir=$root/tools/kwok
		ldflags="-s -w"
		pkgs="sigs.k8s.io/kwok/cmd/kwok"
		;;
	kubectl)
		moddir=$root/tools/kubectl
		ldflags=$(version_ldflags)
		pkgs="k8s.io/kubernetes/cmd/kubectl"
		;;
	kubectl-provider)
		moddir=$root/tools/bench
		ldflags="-s -w"
		pkgs="github.com/gavinbunney/terraform-provider-kubectl"
		;;
	keda)
		moddir=$root/tools/keda
		ldflags="-s -w"
		pkgs="github.com/kedacore/keda/v2/cmd/operator"
		;;
	*) echo "testbin: unknown group $group" >&2; exit 2 ;;
	esac
	local key
	key=$( { cat "$moddir/go.mod" "$moddir/go.sum"; go version; echo "$ldflags $pkgs"; } | sha256sum | cut -c1-16)
	local dir=$cache/$group-$key
	if [ ! -f "$dir/.complete" ]; then
		echo "testbin: building $group into $dir" >&2
		mkdir -p "$dir"
		for pkg in $pkgs; do
			local name=${pkg##*/}
			[ "$name" = v3 ] && name=etcd
			[ "$name" = operator ] && name=keda-operator
			(cd "$moddir" && CGO_ENABLED=0 go build -trimpath -ldflags "$ldflags" -o "$dir/$name.tmp.$$" "$pkg")
			mv "$dir/$name.tmp.$$" "$dir/$name"
		done
		touch "$dir/.complete"
	fi
	if [ "$group" = kwok ] && [ ! -d "$dir/kwok-stages" ]; then
		# kwok needs Stage documents to move nodes and pods along; take the
		# "fast" ones shipped in the pinned module.
		local kwokdir
		kwokdir=$(cd "$moddir" && go list -m -f '{{.Dir}}' sigs.k8s.io/kwok)
		mkdir -p "$dir/kwok-stages.tmp"
		cp "$kwokdir"/kustomize/stage/node/fast/node-*.yaml "$kwokdir"/kustomize/stage/pod/fast/pod-*.yaml "$dir/kwok-stages.tmp/"
		mv "$dir/kwok-stages.tmp" "$dir/kwok-stages"
	fi
	mkdir -p "$root/.testbin"
	for f in "$dir"/*; do
		ln -sfn "$f" "$root/.testbin/$(basename "$f")"
	done
}

for g in "${groups[@]}"; do build_group "$g"; done
