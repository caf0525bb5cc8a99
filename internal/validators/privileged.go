package validators

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

type privilegedValidator struct{}

// PrivilegedNeedsEscalation checks a container `security_context` block
// that overlays a base forbidding privilege escalation, as KEDA's
// manifests do: the API server refuses `privileged` without
// `allowPrivilegeEscalation` (k8s.io/kubernetes pkg/apis/core/validation,
// ValidateSecurityContext: "cannot set `allowPrivilegeEscalation` to false
// and `privileged` to true"), so privileged = true needs
// allow_privilege_escalation = true.
func PrivilegedNeedsEscalation() validator.Object { return privilegedValidator{} }

func (privilegedValidator) Description(_ context.Context) string {
	return "privileged = true needs allow_privilege_escalation = true"
}

func (v privilegedValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (privilegedValidator) ValidateObject(_ context.Context, req validator.ObjectRequest, resp *validator.ObjectResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	attrs := req.ConfigValue.Attributes()
	priv, ok := attrs["privileged"].(types.Bool)
	esc, oke := attrs["allow_privilege_escalation"].(types.Bool)
	if !ok || !oke || priv.IsUnknown() || esc.IsUnknown() || !priv.ValueBool() {
		return
	}
	if !esc.ValueBool() {
		at := req.Path.AtName("privileged")
		resp.Diagnostics.AddAttributeError(at, "Privileged needs privilege escalation",
			fmt.Sprintf("Attribute %s = true needs allow_privilege_escalation = true: KEDA's manifests forbid privilege escalation, "+
				"and the API server refuses a privileged container that cannot escalate.", at))
	}
}
