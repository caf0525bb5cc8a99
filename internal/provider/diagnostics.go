package provider

import (
	"errors"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/kedaml/terraform-provider-keda/internal/kube"
)

// apiError turns an error from the Kubernetes API into a diagnostic whose
// title says what failed and whose detail says what to do.
func apiError(summary string, err error) diag.Diagnostic {
	var missing *kube.MissingKindError
	switch {
	case errors.As(err, &missing):
		return diag.NewErrorDiagnostic("KEDA is not installed in the cluster", err.Error())
	case errors.Is(err, kube.ErrNoConfiguration), errors.Is(err, kube.ErrConfigUnknown):
		return diag.NewErrorDiagnostic("Kubernetes cluster not configured", err.Error())
	default:
		return diag.NewErrorDiagnostic(summary, err.Error())
	}
}

// appendReadinessError reports a failed wait for KEDA's Ready condition:
// KEDA's own verdict on the triggers, or why the wait ended.
func appendReadinessError(diags *diag.Diagnostics, kind string, err error) {
	var cond *kube.ConditionError
	switch {
	case errors.As(err, &cond):
		diags.AddAttributeError(path.Root("trigger"), "KEDA rejected the "+kind, cond.Error())
	case err != nil:
		diags.Append(apiError(kind+" not ready", err))
	}
}

func clientFromProviderData(data any, diags *diag.Diagnostics) *kube.Client {
	if data == nil {
		return nil
	}
	c, ok := data.(*kube.Client)
	if !ok {
		diags.AddError("Unexpected provider data", "This is a bug in the provider: please report it.")
		return nil
	}
	return c
}
