package validators

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

type intOrPercentValidator struct{}

// IntOrPercent checks that a string is what a PodDisruptionBudget's
// minAvailable and maxUnavailable take: a non-negative int32 or a percentage
// from 0% to 100% (k8s.io/kubernetes pkg/apis/policy/validation,
// ValidatePodDisruptionBudgetSpec).
func IntOrPercent() validator.String { return intOrPercentValidator{} }

func (intOrPercentValidator) Description(_ context.Context) string {
	return "must be a non-negative integer such as `1` or a percentage such as `50%`"
}

func (v intOrPercentValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (intOrPercentValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	s := req.ConfigValue.ValueString()
	digits, percent := strings.CutSuffix(s, "%")
	n, err := strconv.ParseInt(digits, 10, 32)
	if err != nil || n < 0 || (percent && n > 100) {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid number or percentage",
			fmt.Sprintf("Attribute %s value %q is neither a non-negative integer such as 1 nor a percentage from 0%% to 100%% such as 50%%.", req.Path, s))
	}
}
