//go:build tools

// Package bench records what `make bench` compares the provider with:
// gavinbunney/terraform-provider-kubectl's kubectl_manifest, built from the
// Go module proxy and used through dev_overrides.
package bench

import (
	_ "github.com/gavinbunney/terraform-provider-kubectl"
)
