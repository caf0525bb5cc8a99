package provider

import (
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// The comparisons of KEDA_PROVIDER_FASTPATH=check: each returns one error
// diagnostic per difference between the fast path's answer and the
// framework's, so that a test through the provider fails on it.

const fastPathDiffers = "Fast path differs from terraform-plugin-framework"

func differs(call, format string, args ...any) *tfprotov6.Diagnostic {
	return &tfprotov6.Diagnostic{
		Severity: tfprotov6.DiagnosticSeverityError,
		Summary:  fastPathDiffers,
		Detail:   call + ": " + fmt.Sprintf(format, args...),
	}
}

func compareUpgrade(typ tftypes.Type, got, want *tfprotov6.UpgradeResourceStateResponse) []*tfprotov6.Diagnostic {
	out := compareDiagnostics("UpgradeResourceState", got.Diagnostics, want.Diagnostics)
	return append(out, compareValues("UpgradeResourceState", "state", typ, got.UpgradedState, want.UpgradedState)...)
}

func comparePlan(typ tftypes.Type, got, want *tfprotov6.PlanResourceChangeResponse) []*tfprotov6.Diagnostic {
	out := compareDiagnostics("PlanResourceChange", got.Diagnostics, want.Diagnostics)
	out = append(out, compareValues("PlanResourceChange", "planned state", typ, got.PlannedState, want.PlannedState)...)
	if g, w := pathSet(got.RequiresReplace), pathSet(want.RequiresReplace); g != w {
		out = append(out, differs("PlanResourceChange", "requires replace %s, framework %s", g, w))
	}
	if string(got.PlannedPrivate) != string(want.PlannedPrivate) {
		out = append(out, differs("PlanResourceChange", "private %q, framework %q", got.PlannedPrivate, want.PlannedPrivate))
	}
	if (got.Deferred == nil) != (want.Deferred == nil) {
		out = append(out, differs("PlanResourceChange", "deferred %v, framework %v", got.Deferred, want.Deferred))
	}
	return out
}

func compareRead(typ tftypes.Type, got, want *tfprotov6.ReadResourceResponse) []*tfprotov6.Diagnostic {
	out := compareDiagnostics("ReadResource", got.Diagnostics, want.Diagnostics)
	out = append(out, compareValues("ReadResource", "new state", typ, got.NewState, want.NewState)...)
	if string(got.Private) != string(want.Private) {
		out = append(out, differs("ReadResource", "private %q, framework %q", got.Private, want.Private))
	}
	return out
}

func compareValues(call, what string, typ tftypes.Type, got, want *tfprotov6.DynamicValue) []*tfprotov6.Diagnostic {
	if got == nil || want == nil {
		if (got == nil) != (want == nil) {
			return []*tfprotov6.Diagnostic{differs(call, "%s %v, framework %v", what, got != nil, want != nil)}
		}
		return nil
	}
	g, gerr := got.Unmarshal(typ)
	w, werr := want.Unmarshal(typ)
	if gerr != nil || werr != nil {
		return []*tfprotov6.Diagnostic{differs(call, "%s: decoding: %v, framework: %v", what, gerr, werr)}
	}
	if !g.Equal(w) {
		return []*tfprotov6.Diagnostic{differs(call, "%s\n%s\nframework\n%s", what, g, w)}
	}
	return nil
}

// compareDiagnostics compares as multisets: the framework's order follows
// Go's map iteration over the schema, which is random.
func compareDiagnostics(call string, got, want []*tfprotov6.Diagnostic) []*tfprotov6.Diagnostic {
	g, w := diagnosticSet(got), diagnosticSet(want)
	if g == w {
		return nil
	}
	return []*tfprotov6.Diagnostic{differs(call, "diagnostics\n%s\nframework\n%s", g, w)}
}

func diagnosticSet(diags []*tfprotov6.Diagnostic) string {
	lines := make([]string, 0, len(diags))
	for _, d := range diags {
		if d.Summary == fastPathDiffers {
			continue
		}
		attr := "<none>"
		if d.Attribute != nil {
			attr = d.Attribute.String()
		}
		lines = append(lines, fmt.Sprintf("%s | %s | %s | %s", d.Severity, attr, d.Summary, d.Detail))
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

func pathSet(paths []*tftypes.AttributePath) string {
	lines := make([]string, 0, len(paths))
	for _, p := range paths {
		lines = append(lines, p.String())
	}
	sort.Strings(lines)
	return strings.Join(lines, ", ")
}
