package validators

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"k8s.io/apimachinery/pkg/api/resource"
)

type quantityValidator struct{}

// Quantity checks that a string is a Kubernetes quantity such as 64Mi.
func Quantity() validator.String { return quantityValidator{} }

func (quantityValidator) Description(_ context.Context) string {
	return "must be a Kubernetes quantity such as 500m, 2 or 16Gi"
}

func (v quantityValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (quantityValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := resource.ParseQuantity(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid quantity",
			fmt.Sprintf("Attribute %s value %q is not a Kubernetes quantity such as 500m, 2 or 16Gi.", req.Path, req.ConfigValue.ValueString()))
	}
}
