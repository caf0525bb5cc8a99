package validators

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

type minDomainsValidator struct{}

// MinDomains checks a topology spread constraint block as the API server
// does (k8s.io/kubernetes pkg/apis/core/validation, validateMinDomains):
// min_domains only with when_unsatisfiable = "DoNotSchedule".
func MinDomains() validator.Object { return minDomainsValidator{} }

func (minDomainsValidator) Description(_ context.Context) string {
	return `min_domains only with when_unsatisfiable = "DoNotSchedule"`
}

func (v minDomainsValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (minDomainsValidator) ValidateObject(_ context.Context, req validator.ObjectRequest, resp *validator.ObjectResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	attrs := req.ConfigValue.Attributes()
	minDomains, ok := attrs["min_domains"].(types.Int64)
	when, okw := attrs["when_unsatisfiable"].(types.String)
	if !ok || !okw || minDomains.IsNull() || minDomains.IsUnknown() || when.IsUnknown() || when.IsNull() {
		return
	}
	if when.ValueString() != "DoNotSchedule" {
		at := req.Path.AtName("min_domains")
		resp.Diagnostics.AddAttributeError(at, "min_domains needs DoNotSchedule",
			fmt.Sprintf("Attribute %s may only be set with when_unsatisfiable = \"DoNotSchedule\", not %q.", at, when.ValueString()))
	}
}
