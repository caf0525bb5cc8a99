package validators

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

type groupVersionValidator struct{}

// GroupVersion checks an API version such as `apps/v1` or `v1` the way
// KEDA's ParseGVKR does (apimachinery's ParseGroupVersion): a scale target
// whose apiVersion does not parse fails KEDA's webhook and controller.
func GroupVersion() validator.String { return groupVersionValidator{} }

func (groupVersionValidator) Description(_ context.Context) string {
	return "must be an API version such as `apps/v1` or `v1`"
}

func (v groupVersionValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (groupVersionValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := schema.ParseGroupVersion(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid API version",
			fmt.Sprintf("Attribute %s value %q is not an API version such as apps/v1 or v1: %v.", req.Path, req.ConfigValue.ValueString(), err))
	}
}
