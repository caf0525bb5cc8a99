package validators

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

type seccompProfileValidator struct{}

// SeccompProfile checks a `seccomp_profile` block (`type`,
// `localhost_profile`) as the API server does (k8s.io/kubernetes
// pkg/apis/core/validation, validateSeccompProfileField): a localhost
// profile is required with type Localhost and forbidden otherwise.
func SeccompProfile() validator.Object { return seccompProfileValidator{} }

func (seccompProfileValidator) Description(_ context.Context) string {
	return "localhost_profile is set exactly when type is Localhost"
}

func (v seccompProfileValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (seccompProfileValidator) ValidateObject(_ context.Context, req validator.ObjectRequest, resp *validator.ObjectResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	attrs := req.ConfigValue.Attributes()
	typ, ok := attrs["type"].(types.String)
	profile, okp := attrs["localhost_profile"].(types.String)
	if !ok || !okp || typ.IsUnknown() || profile.IsUnknown() || typ.IsNull() {
		return
	}
	at := req.Path.AtName("localhost_profile")
	switch {
	case typ.ValueString() == "Localhost" && profile.IsNull():
		resp.Diagnostics.AddAttributeError(at, "Missing localhost profile",
			fmt.Sprintf("Attribute %s is required when type is \"Localhost\".", at))
	case typ.ValueString() != "Localhost" && !profile.IsNull():
		resp.Diagnostics.AddAttributeError(at, "Localhost profile not allowed",
			fmt.Sprintf("Attribute %s may only be set when type is \"Localhost\", not %q.", at, typ.ValueString()))
	}
}
