package validators

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

type keyValueListValidator struct {
	emptyKey bool
}

// KeyValueList checks a map that KEDA receives as one "k1=v1,k2=v2"
// metadata string and splits on "," and "=" (scalersconfig
// setConfigValueMap): a key or value holding either cannot be expressed
// there. KEDA trims the spaces around each, which gets a warning. emptyKey
// allows the empty key, which KEDA reads as it is.
func KeyValueList(emptyKey bool) validator.Map { return keyValueListValidator{emptyKey: emptyKey} }

func (v keyValueListValidator) Description(_ context.Context) string {
	if v.emptyKey {
		return `keys and values must not contain "," or "="`
	}
	return `keys and values must not contain "," or "="; keys must not be empty`
}

func (v keyValueListValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v keyValueListValidator) ValidateMap(_ context.Context, req validator.MapRequest, resp *validator.MapResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	for key, val := range req.ConfigValue.Elements() {
		at := req.Path.AtMapKey(key)
		switch {
		case strings.ContainsAny(key, ",="):
			resp.Diagnostics.AddAttributeError(at, "Invalid key",
				fmt.Sprintf("Attribute %s: the key %q contains \",\" or \"=\": KEDA reads this map from one \"key=value,key=value\" string.", at, key))
		case strings.TrimSpace(key) == "" && !v.emptyKey:
			resp.Diagnostics.AddAttributeError(at, "Invalid key",
				fmt.Sprintf("Attribute %s: the key %q is empty once KEDA trims it.", at, key))
		}
		s, ok := val.(interface {
			IsUnknown() bool
			ValueString() string
		})
		if !ok || s.IsUnknown() {
			continue
		}
		if strings.ContainsAny(s.ValueString(), ",=") {
			resp.Diagnostics.AddAttributeError(at, "Invalid value",
				fmt.Sprintf("Attribute %s value %q contains \",\" or \"=\": KEDA reads this map from one \"key=value,key=value\" string.",
					at, s.ValueString()))
		}
		if strings.TrimSpace(key) != key || strings.TrimSpace(s.ValueString()) != s.ValueString() {
			resp.Diagnostics.AddAttributeWarning(at, "Spaces KEDA trims",
				fmt.Sprintf("Attribute %s: KEDA trims the spaces around names and values, so it reads %q = %q.",
					at, strings.TrimSpace(key), strings.TrimSpace(s.ValueString())))
		}
	}
}
