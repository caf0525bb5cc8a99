package validators

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

type keyValueListValidator struct{}

// KeyValueList checks a map that KEDA receives as one "k1=v1,k2=v2"
// metadata string: a key or value with "," or "=" cannot be expressed
// there, and KEDA trims spaces around each.
func KeyValueList() validator.Map { return keyValueListValidator{} }

func (keyValueListValidator) Description(_ context.Context) string {
	return `keys and values must not contain "," or "=", nor start or end with spaces; keys must not be empty`
}

func (v keyValueListValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (keyValueListValidator) ValidateMap(_ context.Context, req validator.MapRequest, resp *validator.MapResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	for key, val := range req.ConfigValue.Elements() {
		if problem := keyValueProblem(key); problem != "" || key == "" {
			if key == "" {
				problem = "is empty"
			}
			resp.Diagnostics.AddAttributeError(req.Path.AtMapKey(key), "Invalid key",
				fmt.Sprintf("Attribute %s key %q %s: KEDA reads this map from one \"key=value,key=value\" string.", req.Path, key, problem))
		}
		s, ok := val.(interface {
			IsUnknown() bool
			ValueString() string
		})
		if !ok || s.IsUnknown() {
			continue
		}
		if problem := keyValueProblem(s.ValueString()); problem != "" {
			resp.Diagnostics.AddAttributeError(req.Path.AtMapKey(key), "Invalid value",
				fmt.Sprintf("Attribute %s value %q %s: KEDA reads this map from one \"key=value,key=value\" string.",
					req.Path.AtMapKey(key), s.ValueString(), problem))
		}
	}
}

func keyValueProblem(s string) string {
	switch {
	case strings.ContainsAny(s, ",="):
		return `contains "," or "="`
	case strings.TrimSpace(s) != s:
		return "starts or ends with spaces"
	}
	return ""
}
