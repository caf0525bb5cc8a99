package validators

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

type quantityValuesValidator struct{}

// QuantityValues checks that every value of a map is a Kubernetes quantity,
// as in resource requests and limits.
func QuantityValues() validator.Map { return quantityValuesValidator{} }

func (quantityValuesValidator) Description(_ context.Context) string {
	return "values must be Kubernetes quantities such as 500m, 2 or 16Gi"
}

func (v quantityValuesValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (quantityValuesValidator) ValidateMap(_ context.Context, req validator.MapRequest, resp *validator.MapResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	for k, v := range req.ConfigValue.Elements() {
		sv, ok := v.(types.String)
		if !ok || sv.IsNull() || sv.IsUnknown() {
			continue
		}
		if _, err := resource.ParseQuantity(sv.ValueString()); err != nil {
			resp.Diagnostics.AddAttributeError(req.Path.AtMapKey(k), "Invalid quantity",
				fmt.Sprintf("Attribute %s value %q is not a Kubernetes quantity such as 500m, 2 or 16Gi.", req.Path.AtMapKey(k), sv.ValueString()))
		}
	}
}
