package validators

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

type zapLevelValidator struct{}

// ZapLevel checks a value of KEDA's `--zap-log-level` flag as
// controller-runtime parses it (pkg/log/zap/flags.go, levelFlag.Set):
// `debug`, `info`, `error` or `panic` in any case, or an integer above 0
// for more verbose debug levels.
func ZapLevel() validator.String { return zapLevelValidator{} }

func (zapLevelValidator) Description(_ context.Context) string {
	return "must be `debug`, `info`, `error`, `panic` or an integer above 0"
}

func (v zapLevelValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (zapLevelValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	s := req.ConfigValue.ValueString()
	switch strings.ToLower(s) {
	case "debug", "info", "error", "panic":
		return
	}
	if n, err := strconv.Atoi(s); err == nil && n > 0 {
		return
	}
	resp.Diagnostics.AddAttributeError(req.Path, "Invalid log level",
		fmt.Sprintf("Attribute %s value %q is not a log level KEDA accepts: debug, info, error, panic, or an integer above 0.", req.Path, s))
}
