//go:build tools

// Package kubectl records the kubectl that `make bench` times as the floor
// (server-side apply, the same Kubernetes version as the test API server).
package kubectl

import (
	_ "k8s.io/kubernetes/cmd/kubectl"
)
