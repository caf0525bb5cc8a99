package provider

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/kedaml/terraform-provider-keda/internal/kube"
)

// apiError turns an error from the Kubernetes API into a diagnostic whose
// title says what failed and whose detail says what to do.
func apiError(summary string, err error) diag.Diagnostic {
	var (
		missing  *kube.MissingKindError
		conflict *kube.ConflictError
		stuck    *kube.StuckDeletionError
		unknown  *kube.UnknownFieldsError
	)
	switch {
	case errors.As(err, &missing):
		return diag.NewErrorDiagnostic("KEDA is not installed in the cluster", err.Error())
	case errors.As(err, &conflict):
		return diag.NewErrorDiagnostic("Fields changed by another field manager", err.Error())
	case errors.As(err, &stuck):
		return diag.NewErrorDiagnostic("Deletion blocked by finalizers", err.Error())
	case errors.As(err, &unknown):
		return diag.NewErrorDiagnostic("Fields unknown to the installed KEDA", err.Error())
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

// appendTakenBack warns about fields an apply took back from other field
// managers. When the apply failed instead (field_conflicts = "error"), the
// error already says it all.
func appendTakenBack(diags *diag.Diagnostics, kind string, conflicts []kube.FieldConflict, err error) {
	if len(conflicts) == 0 || err != nil {
		return
	}
	diags.AddWarning("Fields taken back from another field manager",
		fmt.Sprintf("The %s had fields this configuration sets changed by %s since Terraform last applied it. "+
			"This apply wrote the configured values again and owns those fields again:\n%s\n"+
			"If the other manager (a person, a script, a controller) keeps changing them, the next apply will take "+
			"them back again: stop it, or drop the attributes from the configuration. Set field_conflicts = %q "+
			"in the provider block to make this an error instead.",
			kind, quoteAll(kube.Managers(conflicts)), kube.DescribeConflicts(conflicts), kube.ConflictsFail))
}

func quoteAll(s []string) string {
	q := make([]string, len(s))
	for i, v := range s {
		q[i] = strconv.Quote(v)
	}
	return strings.Join(q, ", ")
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
