package keda

import (
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/kedacore/keda/v2/apis/keda/v1alpha1"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

const maxLabelValueLength = 63

func attrError(diags *diag.Diagnostics, at path.Path, summary, detail string) {
	diags.AddAttributeError(at, summary, fmt.Sprintf("Attribute %s: %s", at, detail))
}

// validateTriggers checks every trigger, and the rules that span them. A
// trigger's own checks run once all its values are known, and for a gpu
// trigger its context (namespace and target name) too.
func validateTriggers(triggers []TriggerModel, tc TriggerContext, tcKnown, forJob bool) diag.Diagnostics {
	var diags diag.Diagnostics
	seen := map[string]int{}
	allKnown := true
	for i, t := range triggers {
		at := path.Root("trigger").AtListIndex(i)
		if known(t) && (tcKnown || t.GPU == nil) {
			diags.Append(t.Validate(at, tc, forJob)...)
		}
		kt := t.Expand(tc)
		if known(t.Type, t.UseCachedMetrics) && kt.UseCachedMetrics && (kt.Type == "cpu" || kt.Type == "memory" || kt.Type == "cron") {
			attrError(&diags, at.AtName("use_cached_metrics"), "use_cached_metrics not supported",
				fmt.Sprintf("KEDA does not support cached metrics for %q triggers.", kt.Type))
		}
		if !known(t.Name) {
			allKnown = false
			continue
		}
		if kt.Name != "" {
			if j, dup := seen[kt.Name]; dup {
				attrError(&diags, at.AtName("name"), "Duplicate trigger name",
					fmt.Sprintf("%q is also the name of trigger %d; KEDA requires unique trigger names.", kt.Name, j))
			}
			seen[kt.Name] = i
		}
		allKnown = allKnown && known(t.Type, t.UseCachedMetrics)
	}
	if allKnown && !diags.HasError() {
		kts := make([]v1alpha1.ScaleTriggers, len(triggers))
		for i, t := range triggers {
			kts[i] = t.Expand(tc)
		}
		if err := v1alpha1.ValidateTriggers(kts); err != nil {
			attrError(&diags, path.Root("trigger"), "Invalid triggers", "KEDA would reject this: "+err.Error()+".")
		}
	}
	return diags
}

// triggerKinds stands for what the rules read of the triggers as a whole:
// their types (a typed block is known by its presence), names and whether
// they use cached metrics; unknown when the list itself is.
func triggerKinds(triggers []TriggerModel, listUnknown bool) []any {
	if listUnknown {
		return []any{types.ListUnknown(types.StringType)}
	}
	out := make([]any, 0, 3*len(triggers))
	for _, t := range triggers {
		out = append(out, t.Type, t.Name, t.UseCachedMetrics)
	}
	return out
}

// onlyResourceTriggers reports whether every trigger is cpu or memory.
func onlyResourceTriggers(so *v1alpha1.ScaledObject) bool {
	for _, t := range so.Spec.Triggers {
		if t.Type != "cpu" && t.Type != "memory" {
			return false
		}
	}
	return true
}

// targetIsWorkload reports whether the scale target is an apps/v1
// Deployment or StatefulSet, as KEDA's ParseGVKR resolves it (an empty
// apiVersion is apps/v1, an empty kind Deployment).
func targetIsWorkload(ref *ScaleTargetRefModel) bool {
	if ref == nil {
		return true
	}
	gv := schema.GroupVersion{Group: "apps", Version: "v1"}
	if v := str(ref.APIVersion); v != "" {
		parsed, err := schema.ParseGroupVersion(v)
		if err != nil {
			return false
		}
		gv = parsed
	}
	kind := str(ref.Kind)
	if kind == "" {
		kind = "Deployment"
	}
	return gv == schema.GroupVersion{Group: "apps", Version: "v1"} && (kind == "Deployment" || kind == "StatefulSet")
}

// scaledObjectInput is what the ScaledObject rules read: the plan, and the
// object it would write (with unknown values left out).
type scaledObjectInput struct {
	spec ScaledObjectSpecModel
	meta MetadataModel
	so   *v1alpha1.ScaledObject
}

func (in scaledObjectInput) hpaNamePath() path.Path {
	if a := in.spec.Advanced; a != nil && a.HPAConfig != nil && !a.HPAConfig.Name.IsNull() {
		return path.Root("advanced").AtName("horizontal_pod_autoscaler_config").AtName("name")
	}
	return path.Root("metadata").AtName("name")
}

func (in scaledObjectInput) hpaName() any {
	if a := in.spec.Advanced; a != nil && a.HPAConfig != nil && !a.HPAConfig.Name.IsNull() {
		return a.HPAConfig.Name
	}
	return in.meta.Name
}

func (in scaledObjectInput) scalingModifiers() *ScalingModifiersModel {
	if in.spec.Advanced == nil {
		return nil
	}
	return in.spec.Advanced.ScalingModifiers
}

func (in scaledObjectInput) targetRef() []any {
	if r := in.spec.ScaleTargetRef; r != nil {
		return []any{r.Kind, r.APIVersion}
	}
	return nil
}

// scaledObjectRules are the whole-object rules of keda_ml_scaled_object, in
// the order their diagnostics appear.
var scaledObjectRules = []rule[scaledObjectInput]{
	{
		source: "provider: the paused* attributes write these annotations (KEDA reads them in apis/keda/v1alpha1/scaledobject_types.go NeedToBePausedByAnnotation)",
		needs:  func(in scaledObjectInput) []any { return []any{keys(in.meta.Annotations)} },
		check: func(in scaledObjectInput, diags *diag.Diagnostics) {
			for k := range in.meta.Annotations.Elements() {
				if strings.HasPrefix(k, pauseAnnotationPrefix) {
					attrError(diags, path.Root("metadata").AtName("annotations").AtMapKey(k), "Use the pause attributes",
						"set paused, paused_replicas, paused_scale_in or paused_scale_out instead of this annotation.")
				}
			}
		},
	},
	{
		source: "apis/keda/v1alpha1/scaledobject_webhook.go verifyName",
		needs:  func(in scaledObjectInput) []any { return []any{in.meta.Name} },
		check: func(in scaledObjectInput, diags *diag.Diagnostics) {
			if name := in.so.Name; len(name) > maxLabelValueLength {
				attrError(diags, path.Root("metadata").AtName("name"), "ScaledObject name too long",
					fmt.Sprintf("%q has %d characters; KEDA uses it as a label value, which allows at most %d.", name, len(name), maxLabelValueLength))
			}
		},
	},
	{
		source: "apis/keda/v1alpha1/scaledobject_webhook.go verifyName",
		needs:  func(in scaledObjectInput) []any { return []any{in.hpaName()} },
		check: func(in scaledObjectInput, diags *diag.Diagnostics) {
			if hpa := in.spec.HPAName(in.so.Name); len(hpa) > maxLabelValueLength {
				attrError(diags, in.hpaNamePath(), "HPA name too long",
					fmt.Sprintf("the HPA would be named %q (%d characters; at most %d). Set advanced.horizontal_pod_autoscaler_config.name "+
						"to something shorter, or shorten the name.", hpa, len(hpa), maxLabelValueLength))
			}
		},
	},
	{
		source: "apis/keda/v1alpha1/scaledobject_types.go CheckReplicaCountBoundsAreValid (webhook verifyReplicaCount, controller reconcileScaledObject); CRD x-kubernetes-validations",
		needs: func(in scaledObjectInput) []any {
			return []any{in.spec.MinReplicaCount, in.spec.MaxReplicaCount, in.spec.IdleReplicaCount}
		},
		check: func(in scaledObjectInput, diags *diag.Diagnostics) {
			if err := v1alpha1.CheckReplicaCountBoundsAreValid(in.so); err != nil {
				at := path.Root("min_replica_count")
				if strings.HasPrefix(err.Error(), "IdleReplicaCount") {
					at = path.Root("idle_replica_count")
				}
				attrError(diags, at, "Invalid replica counts", "KEDA would reject this: "+err.Error()+".")
			}
		},
	},
	{
		source: "apis/keda/v1alpha1/scaledobject_webhook.go verifyCPUMemoryScalers (Deployment and StatefulSet targets only)",
		needs: func(in scaledObjectInput) []any {
			return append([]any{in.spec.MinReplicaCount, triggerKinds(in.spec.Trigger, in.spec.TriggersUnknown)}, in.targetRef()...)
		},
		check: func(in scaledObjectInput, diags *diag.Diagnostics) {
			if !onlyResourceTriggers(in.so) || (in.so.Spec.MinReplicaCount != nil && *in.so.Spec.MinReplicaCount != 0) {
				return
			}
			if targetIsWorkload(in.spec.ScaleTargetRef) {
				attrError(diags, path.Root("min_replica_count"), "cpu/memory triggers cannot scale to zero",
					"with only cpu and memory triggers and a Deployment or StatefulSet target, set min_replica_count to 1 or more "+
						"(KEDA's default is 0, which its admission webhook rejects here): a workload at zero replicas has no CPU or "+
						"memory usage to scale it up again.")
				return
			}
			attrWarning(diags, path.Root("min_replica_count"), "cpu/memory triggers cannot scale to zero",
				"KEDA accepts min_replica_count 0 with only cpu and memory triggers for this kind of target (its webhook checks "+
					"Deployments and StatefulSets only), but scaling to zero does not work: at zero replicas there is no CPU or memory "+
					"usage to scale up on. Set min_replica_count to 1 or more, or add another trigger.")
		},
	},
	{
		source: "apis/keda/v1alpha1/scaledobject_types.go CheckFallbackValid (webhook verifyFallback)",
		needs: func(in scaledObjectInput) []any {
			return []any{in.spec.Fallback, in.scalingModifiers(), triggerKinds(in.spec.Trigger, in.spec.TriggersUnknown)}
		},
		check: func(in scaledObjectInput, diags *diag.Diagnostics) {
			if in.so.Spec.Fallback == nil {
				return
			}
			if err := v1alpha1.CheckFallbackValid(in.so); err != nil {
				attrError(diags, path.Root("fallback"), "Invalid fallback", "KEDA would reject this: "+err.Error()+".")
			}
		},
	},
	{
		source: "apis/keda/v1alpha1/scaledobject_webhook.go verifyScaledObjects (scalingModifiers fallback behavior)",
		needs:  func(in scaledObjectInput) []any { return []any{in.spec.Fallback, in.scalingModifiers()} },
		check: func(in scaledObjectInput, diags *diag.Diagnostics) {
			so := in.so
			if so.FallbackScalingModifiers() && (so.Spec.Advanced == nil || so.Spec.Advanced.ScalingModifiers.Formula == "") {
				attrError(diags, path.Root("fallback").AtName("behavior"), "Invalid fallback",
					"behavior \"scalingModifiers\" needs advanced.scaling_modifiers with a formula.")
			}
		},
	},
	{
		source: "apis/keda/v1alpha1/scaledobject_webhook.go ValidateAndCompileScalingModifiers (verifyScaledObjects)",
		needs: func(in scaledObjectInput) []any {
			return []any{in.scalingModifiers(), triggerKinds(in.spec.Trigger, in.spec.TriggersUnknown)}
		},
		check: func(in scaledObjectInput, diags *diag.Diagnostics) {
			if !in.so.IsUsingModifiers() {
				return
			}
			if _, err := v1alpha1.ValidateAndCompileScalingModifiers(in.so.DeepCopy()); err != nil {
				at := path.Root("advanced").AtName("scaling_modifiers").AtName("formula")
				if strings.Contains(err.Error(), "target") {
					at = path.Root("advanced").AtName("scaling_modifiers").AtName("target")
				}
				attrError(diags, at, "Invalid scaling modifiers", "KEDA would reject this: "+strings.ReplaceAll(err.Error(), "\n", ": ")+
					". Every trigger the formula names needs that `name`.")
			}
		},
	},
	{
		source: "apis/keda/v1alpha1/scaledobject_webhook.go verifyScaledObjects (pollingInterval warning)",
		needs: func(in scaledObjectInput) []any {
			return []any{present(in.spec.PollingInterval), in.spec.MinReplicaCount, in.spec.IdleReplicaCount,
				in.scalingModifiers(), triggerKinds(in.spec.Trigger, in.spec.TriggersUnknown)}
		},
		check: func(in scaledObjectInput, diags *diag.Diagnostics) {
			if in.so.Spec.PollingInterval != nil && in.so.UsesHPAObservations() {
				attrWarning(diags, path.Root("polling_interval"), "polling_interval does not affect scaling",
					"KEDA's admission webhook warns: it only affects scaling when min_replica_count is 0, idle_replica_count is set, "+
						"a trigger uses cached metrics or scaling modifiers are set; otherwise the HPA scales on its own schedule "+
						"and polling_interval only sets how often KEDA refreshes the status.")
			}
		},
	},
	{
		source: "apis/keda/v1alpha1/scaledobject_webhook.go verifyScaledObjects (cooldownPeriod warning)",
		needs: func(in scaledObjectInput) []any {
			return []any{present(in.spec.CooldownPeriod), in.spec.MinReplicaCount, present(in.spec.IdleReplicaCount)}
		},
		check: func(in scaledObjectInput, diags *diag.Diagnostics) {
			s := in.so.Spec
			if s.CooldownPeriod != nil && s.MinReplicaCount != nil && *s.MinReplicaCount > 0 && s.IdleReplicaCount == nil {
				attrWarning(diags, path.Root("cooldown_period"), "cooldown_period has no effect",
					"KEDA's admission webhook warns: it only applies when min_replica_count is 0 or idle_replica_count is set.")
			}
		},
	},
}

// ValidateScaledObject runs, offline, KEDA's own checks and the provider's
// rules on the ScaledObject a plan would write. Every error names the
// attribute at fault. A check runs only when the values it reads are known.
func ValidateScaledObject(m ScaledObjectSpecModel, meta MetadataModel) diag.Diagnostics {
	tcKnown := known(meta.Namespace) && (m.ScaleTargetRef == nil || known(m.ScaleTargetRef.Name))
	var diags diag.Diagnostics
	if !m.TriggersUnknown {
		diags = validateTriggers(m.Trigger, m.TriggerContext(meta.Namespace.ValueString()), tcKnown, false)
	}
	if diags.HasError() {
		return diags
	}
	in := scaledObjectInput{spec: m, meta: meta, so: m.expand(meta.ObjectMeta(), &conversion{})}
	diags.Append(runRules(scaledObjectRules, in)...)
	return diags
}
