//go:build tools

// Package lint records the linter binary this module runs.
package lint

import (
	_ "github.com/golangci/golangci-lint/v2/cmd/golangci-lint"
)
