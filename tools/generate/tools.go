//go:build tools

// Package generate records the generator binaries this module runs so that
// `go mod tidy` keeps their dependencies.
package generate

import (
	_ "github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs"
)
