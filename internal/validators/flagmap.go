package validators

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

type flagMapValidator struct {
	reserved map[string]string
}

// FlagMap checks a map of command-line flags written as `--key=value`: each
// key is a flag name without dashes or `=`, and none is a flag in reserved,
// which maps the flag to the attribute that sets it.
func FlagMap(reserved map[string]string) validator.Map {
	return flagMapValidator{reserved: reserved}
}

func (v flagMapValidator) Description(_ context.Context) string {
	return "keys must be flag names without leading dashes or `=`"
}

func (v flagMapValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v flagMapValidator) ValidateMap(_ context.Context, req validator.MapRequest, resp *validator.MapResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	for key := range req.ConfigValue.Elements() {
		at := req.Path.AtMapKey(key)
		switch {
		case key == "" || strings.HasPrefix(key, "-") || strings.ContainsAny(key, "= \t"):
			resp.Diagnostics.AddAttributeError(at, "Invalid flag name",
				fmt.Sprintf("Attribute %s is not a flag name: write it without leading dashes, `=` or spaces, e.g. \"kube-api-qps\".", at))
		case v.reserved[key] != "":
			resp.Diagnostics.AddAttributeError(at, "Flag set by an attribute",
				fmt.Sprintf("Attribute %s is the flag that %s sets: use that attribute.", at, v.reserved[key]))
		}
	}
}
