package keda

import (
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/kedacore/keda/v2/apis/keda/v1alpha1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

const maxLabelValueLength = 63

func attrError(diags *diag.Diagnostics, at path.Path, summary, detail string) {
	diags.AddAttributeError(at, summary, fmt.Sprintf("Attribute %s: %s", at, detail))
}

// validateTriggers checks every trigger, and the rules that span them.
func validateTriggers(triggers []TriggerModel, tc TriggerContext, forJob bool) diag.Diagnostics {
	var diags diag.Diagnostics
	seen := map[string]int{}
	for i, t := range triggers {
		at := path.Root("trigger").AtListIndex(i)
		diags.Append(t.Validate(at, tc, forJob)...)
		kt := t.Expand(tc)
		if kt.UseCachedMetrics && (kt.Type == "cpu" || kt.Type == "memory" || kt.Type == "cron") {
			attrError(&diags, at.AtName("use_cached_metrics"), "use_cached_metrics not supported",
				fmt.Sprintf("KEDA does not support cached metrics for %q triggers.", kt.Type))
		}
		if kt.Name != "" {
			if j, dup := seen[kt.Name]; dup {
				attrError(&diags, at.AtName("name"), "Duplicate trigger name",
					fmt.Sprintf("%q is also the name of trigger %d; KEDA requires unique trigger names.", kt.Name, j))
			}
			seen[kt.Name] = i
		}
	}
	return diags
}

// ValidateScaledObject runs, offline, KEDA's own checks and the provider's
// rules on the ScaledObject a plan would write. Every error names the
// attribute at fault.
func ValidateScaledObject(m ScaledObjectSpecModel, meta metav1.ObjectMeta) diag.Diagnostics {
	var diags diag.Diagnostics
	tc := m.TriggerContext(meta.Namespace)
	diags.Append(validateTriggers(m.Trigger, tc, false)...)
	if diags.HasError() {
		return diags
	}
	for k := range meta.Annotations {
		if strings.HasPrefix(k, pauseAnnotationPrefix) {
			attrError(&diags, path.Root("metadata").AtName("annotations").AtMapKey(k), "Use the pause attributes",
				"set paused, paused_replicas, paused_scale_in or paused_scale_out instead of this annotation.")
		}
	}
	if len(meta.Name) > maxLabelValueLength {
		attrError(&diags, path.Root("metadata").AtName("name"), "ScaledObject name too long",
			fmt.Sprintf("%q has %d characters; KEDA uses it as a label value, which allows at most %d.", meta.Name, len(meta.Name), maxLabelValueLength))
	}
	if hpa := m.HPAName(meta.Name); len(hpa) > maxLabelValueLength {
		at := path.Root("metadata").AtName("name")
		if m.Advanced != nil && m.Advanced.HPAConfig != nil && !m.Advanced.HPAConfig.Name.IsNull() {
			at = path.Root("advanced").AtName("horizontal_pod_autoscaler_config").AtName("name")
		}
		attrError(&diags, at, "HPA name too long",
			fmt.Sprintf("the HPA would be named %q (%d characters; at most %d). Set advanced.horizontal_pod_autoscaler_config.name "+
				"to something shorter, or shorten the name.", hpa, len(hpa), maxLabelValueLength))
	}

	so := m.Expand(meta)
	if err := v1alpha1.CheckReplicaCountBoundsAreValid(so); err != nil {
		at := path.Root("min_replica_count")
		if strings.HasPrefix(err.Error(), "IdleReplicaCount") {
			at = path.Root("idle_replica_count")
		}
		attrError(&diags, at, "Invalid replica counts", "KEDA would reject this: "+err.Error()+".")
	}
	onlyResource := true
	for _, t := range so.Spec.Triggers {
		if t.Type != "cpu" && t.Type != "memory" {
			onlyResource = false
		}
	}
	if onlyResource && (so.Spec.MinReplicaCount == nil || *so.Spec.MinReplicaCount == 0) {
		attrError(&diags, path.Root("min_replica_count"), "cpu/memory triggers cannot scale to zero",
			"with only cpu and memory triggers, set min_replica_count to 1 or more (KEDA's default is 0, which it rejects here): "+
				"a workload at zero replicas has no CPU or memory usage to scale it up again.")
	}
	if so.Spec.Fallback != nil {
		if err := v1alpha1.CheckFallbackValid(so); err != nil {
			attrError(&diags, path.Root("fallback"), "Invalid fallback", "KEDA would reject this: "+err.Error()+".")
		}
		if so.FallbackScalingModifiers() && (so.Spec.Advanced == nil || so.Spec.Advanced.ScalingModifiers.Formula == "") {
			attrError(&diags, path.Root("fallback").AtName("behavior"), "Invalid fallback",
				"behavior \"scalingModifiers\" needs advanced.scaling_modifiers with a formula.")
		}
	}
	if so.IsUsingModifiers() {
		if _, err := v1alpha1.ValidateAndCompileScalingModifiers(so.DeepCopy()); err != nil {
			at := path.Root("advanced").AtName("scaling_modifiers").AtName("formula")
			if strings.Contains(err.Error(), "target") {
				at = path.Root("advanced").AtName("scaling_modifiers").AtName("target")
			}
			attrError(&diags, at, "Invalid scaling modifiers", "KEDA would reject this: "+strings.ReplaceAll(err.Error(), "\n", ": ")+
				". Every trigger the formula names needs that `name`.")
		}
	}
	if err := v1alpha1.ValidateTriggers(so.Spec.Triggers); err != nil && !diags.HasError() {
		attrError(&diags, path.Root("trigger"), "Invalid triggers", "KEDA would reject this: "+err.Error()+".")
	}
	return diags
}
