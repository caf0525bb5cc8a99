package validators

import (
	"context"
	"fmt"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

type parsesAsFloatValidator struct{}

// ParsesAsFloat checks a string that KEDA reads with strconv.ParseFloat,
// accepting exactly what it accepts.
func ParsesAsFloat() validator.String { return parsesAsFloatValidator{} }

func (parsesAsFloatValidator) Description(_ context.Context) string {
	return "must be a number such as `5` or `0.5`"
}

func (v parsesAsFloatValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (parsesAsFloatValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := strconv.ParseFloat(req.ConfigValue.ValueString(), 64); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid number",
			fmt.Sprintf("Attribute %s value %q is not a number such as 5 or 0.5.", req.Path, req.ConfigValue.ValueString()))
	}
}
