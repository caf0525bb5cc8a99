package validators

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"k8s.io/apimachinery/pkg/util/validation"
)

type labelMapValidator struct {
	checkValues bool
}

// LabelMap checks that every key is a qualified name (as for labels and
// annotations) and, for labels, that every value is a valid label value.
func LabelMap(checkValues bool) validator.Map {
	return labelMapValidator{checkValues: checkValues}
}

func (v labelMapValidator) Description(_ context.Context) string {
	if v.checkValues {
		return "keys must be qualified names ([prefix/]name) and values valid label values (at most 63 characters)"
	}
	return "keys must be qualified names ([prefix/]name)"
}

func (v labelMapValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v labelMapValidator) ValidateMap(_ context.Context, req validator.MapRequest, resp *validator.MapResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	for key, val := range req.ConfigValue.Elements() {
		if problems := validation.IsQualifiedName(key); len(problems) > 0 {
			resp.Diagnostics.AddAttributeError(req.Path.AtMapKey(key), "Invalid key",
				fmt.Sprintf("Attribute %s key %q is not a valid key: %s.", req.Path, key, strings.Join(problems, "; ")))
		}
		if !v.checkValues || val.IsNull() || val.IsUnknown() {
			continue
		}
		s, ok := val.(interface{ ValueString() string })
		if !ok {
			continue
		}
		if problems := validation.IsValidLabelValue(s.ValueString()); len(problems) > 0 {
			resp.Diagnostics.AddAttributeError(req.Path.AtMapKey(key), "Invalid label value",
				fmt.Sprintf("Attribute %s value %q is not a valid label value: %s.", req.Path.AtMapKey(key), s.ValueString(), strings.Join(problems, "; ")))
		}
	}
}
