package validators

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

type urlValidator struct {
	schemes []string
}

// URL checks that a string is an absolute URL with a host and one of the
// given schemes.
func URL(schemes ...string) validator.String {
	return urlValidator{schemes: schemes}
}

func (v urlValidator) Description(_ context.Context) string {
	return fmt.Sprintf("must be an absolute URL with scheme %s and a host", strings.Join(v.schemes, ", "))
}

func (v urlValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v urlValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	raw := req.ConfigValue.ValueString()
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || !slices.Contains(v.schemes, u.Scheme) {
		detail := fmt.Sprintf("Attribute %s value %q is not a URL of the form %s://host[:port][/path].", req.Path, redactURL(raw), strings.Join(v.schemes, "|"))
		if err != nil {
			detail += " " + err.Error()
		}
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid URL", detail)
	}
}

// redactURL hides a password embedded in a URL so that diagnostics never
// print it.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		if at := strings.LastIndex(raw, "@"); at >= 0 {
			return "***" + raw[at:]
		}
		return raw
	}
	return u.Redacted()
}
