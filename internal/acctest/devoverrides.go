package acctest

import (
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
)

// WriteDevOverrides writes a Terraform CLI configuration, for
// TF_CLI_CONFIG_FILE, that takes each provider (source address => directory
// of its binary) from a local build. Such providers need no terraform init.
func WriteDevOverrides(path string, dirs map[string]string) error {
	var b strings.Builder
	b.WriteString("provider_installation {\n  dev_overrides {\n")
	for _, source := range slices.Sorted(maps.Keys(dirs)) {
		fmt.Fprintf(&b, "    %q = %q\n", source, dirs[source])
	}
	b.WriteString("  }\n  direct {}\n}\n")
	return os.WriteFile(path, []byte(b.String()), 0o600)
}
