package validators

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

type atMostOneOfValidator struct {
	values []string
}

// AtMostOneOf checks that a set of strings holds at most one of values.
func AtMostOneOf(values ...string) validator.Set { return atMostOneOfValidator{values: values} }

func (v atMostOneOfValidator) Description(_ context.Context) string {
	return "at most one of " + strings.Join(v.values, ", ")
}

func (v atMostOneOfValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v atMostOneOfValidator) ValidateSet(_ context.Context, req validator.SetRequest, resp *validator.SetResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	var found []string
	for _, e := range req.ConfigValue.Elements() {
		s, ok := e.(types.String)
		if ok && !s.IsNull() && !s.IsUnknown() && slices.Contains(v.values, s.ValueString()) {
			found = append(found, s.ValueString())
		}
	}
	if len(found) > 1 {
		slices.Sort(found)
		resp.Diagnostics.AddAttributeError(req.Path, "Conflicting values",
			fmt.Sprintf("Attribute %s holds %s: use at most one of %s.", req.Path, strings.Join(found, " and "), strings.Join(v.values, ", ")))
	}
}
