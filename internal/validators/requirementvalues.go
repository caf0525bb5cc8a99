package validators

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

type requirementValuesValidator struct{}

// RequirementValues checks the `values` of a selector requirement block
// (`key`, `operator`, `values`) against its operator, as the API server
// does (k8s.io/kubernetes pkg/apis/core/validation,
// ValidateNodeSelectorRequirement; apimachinery's
// ValidateLabelSelectorRequirement): `In` and `NotIn` need values, `Exists`
// and `DoesNotExist` take none, `Gt` and `Lt` take exactly one.
func RequirementValues() validator.Object { return requirementValuesValidator{} }

func (requirementValuesValidator) Description(_ context.Context) string {
	return "values must suit the operator"
}

func (v requirementValuesValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (requirementValuesValidator) ValidateObject(_ context.Context, req validator.ObjectRequest, resp *validator.ObjectResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	attrs := req.ConfigValue.Attributes()
	op, ok := attrs["operator"].(types.String)
	values, okv := attrs["values"].(types.List)
	if !ok || !okv || op.IsNull() || op.IsUnknown() || values.IsUnknown() {
		return
	}
	elems := values.Elements()
	at := req.Path.AtName("values")
	switch op.ValueString() {
	case "In", "NotIn":
		if len(elems) == 0 {
			resp.Diagnostics.AddAttributeError(at, "Missing values",
				fmt.Sprintf("Attribute %s must hold at least one value with operator %q.", at, op.ValueString()))
		}
	case "Exists", "DoesNotExist":
		if len(elems) > 0 {
			resp.Diagnostics.AddAttributeError(at, "Values not allowed",
				fmt.Sprintf("Attribute %s must be empty with operator %q.", at, op.ValueString()))
		}
	case "Gt", "Lt":
		if len(elems) != 1 {
			resp.Diagnostics.AddAttributeError(at, "Invalid values",
				fmt.Sprintf("Attribute %s must hold exactly one value with operator %q.", at, op.ValueString()))
		}
	}
}
