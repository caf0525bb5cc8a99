package keda

import (
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/kedacore/keda/v2/apis/keda/v1alpha1"
)

// kedaAuthErrorPaths maps the field named at the start of a KEDA admission
// error to the attribute a user wrote.
var kedaAuthErrorPaths = []struct {
	prefix string
	path   path.Path
}{
	{"azureServicePrincipal", path.Root("azure_service_principal")},
	{"oauth2", path.Root("oauth2")},
	{"identityId", path.Root("pod_identity").AtName("identity_id")},
	{"identityTenantI", path.Root("pod_identity").AtName("identity_tenant_id")},
	{"roleArn", path.Root("pod_identity").AtName("role_arn")},
	{"externalID", path.Root("pod_identity").AtName("external_id")},
}

// ValidateTriggerAuthSpec runs KEDA's own admission checks of a
// TriggerAuthentication on the spec a plan would write.
func ValidateTriggerAuthSpec(spec v1alpha1.TriggerAuthenticationSpec) diag.Diagnostics {
	var diags diag.Diagnostics
	ta := &v1alpha1.TriggerAuthentication{Spec: spec}
	_, err := ta.ValidateCreate(nil)
	if err == nil {
		return diags
	}
	at := path.Empty()
	for _, m := range kedaAuthErrorPaths {
		if strings.HasPrefix(err.Error(), m.prefix) {
			at = m.path
			break
		}
	}
	summary := "Invalid trigger authentication"
	detail := "KEDA would reject this authentication: " + err.Error()
	if at.Equal(path.Empty()) {
		diags.AddError(summary, detail)
	} else {
		diags.AddAttributeError(at, summary, "Attribute "+at.String()+": "+detail)
	}
	return diags
}
