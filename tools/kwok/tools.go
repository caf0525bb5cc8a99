//go:build tools

// Package kwok records the binary this module builds so that `go mod tidy`
// keeps its dependencies.
package kwok

import (
	_ "sigs.k8s.io/kwok/cmd/kwok"
)
