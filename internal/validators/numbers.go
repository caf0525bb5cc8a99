package validators

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

type positiveValidator struct{}

// Positive checks that a number is greater than zero.
func Positive() validator.Float64 { return positiveValidator{} }

func (positiveValidator) Description(_ context.Context) string { return "must be greater than 0" }

func (v positiveValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (positiveValidator) ValidateFloat64(_ context.Context, req validator.Float64Request, resp *validator.Float64Response) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if req.ConfigValue.ValueFloat64() <= 0 {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid value",
			fmt.Sprintf("Attribute %s must be greater than 0, got %v.", req.Path, req.ConfigValue.ValueFloat64()))
	}
}

type durationValidator struct{}

// Duration checks that a string is a non-negative Go duration such as "5s".
func Duration() validator.String { return durationValidator{} }

func (durationValidator) Description(_ context.Context) string {
	return "must be a duration such as `500ms` or `5s`"
}

func (v durationValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (durationValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	d, err := time.ParseDuration(req.ConfigValue.ValueString())
	if err != nil || d < 0 {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid duration",
			fmt.Sprintf("Attribute %s value %q is not a duration such as 500ms or 5s.", req.Path, req.ConfigValue.ValueString()))
	}
}

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
