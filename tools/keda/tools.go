//go:build tools

// Package keda records the KEDA operator that the end-to-end tests run out of
// cluster, so that `go mod tidy` keeps its dependencies at the version the
// provider bundles.
package keda

import (
	_ "github.com/kedacore/keda/v2/cmd/operator"
)
