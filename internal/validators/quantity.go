package validators

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"k8s.io/apimachinery/pkg/api/resource"
)

type nonNegativeQuantityValidator struct{}

// NonNegativeQuantity checks a Kubernetes quantity that must not be
// negative, as the API server's ValidateNonnegativeQuantity does.
func NonNegativeQuantity() validator.String { return nonNegativeQuantityValidator{} }

func (nonNegativeQuantityValidator) Description(_ context.Context) string {
	return "must be a non-negative Kubernetes quantity such as `0.05`, `50m` or `1`"
}

func (v nonNegativeQuantityValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (nonNegativeQuantityValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	q, err := resource.ParseQuantity(req.ConfigValue.ValueString())
	switch {
	case err != nil:
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid quantity",
			fmt.Sprintf("Attribute %s value %q is not a Kubernetes quantity such as 0.05, 50m or 1: %v.", req.Path, req.ConfigValue.ValueString(), err))
	case q.Sign() < 0:
		resp.Diagnostics.AddAttributeError(req.Path, "Negative quantity",
			fmt.Sprintf("Attribute %s value %q must not be negative.", req.Path, req.ConfigValue.ValueString()))
	}
}

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
