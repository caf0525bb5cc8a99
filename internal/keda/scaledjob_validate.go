package keda

import (
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/kedacore/keda/v2/apis/keda/v1alpha1"
)

// scaledJobInput is what the ScaledJob rules read: the plan, and the object
// it would write (with unknown values left out).
type scaledJobInput struct {
	spec ScaledJobSpecModel
	meta MetadataModel
	sj   *v1alpha1.ScaledJob
}

func (in scaledJobInput) strategy() []any {
	s := in.spec.ScalingStrategy
	if s == nil {
		return nil
	}
	return []any{s.Strategy, present(s.CustomScalingQueueLengthDeduction), present(s.CustomScalingRunningJobPercentage)}
}

var scalingStrategyPath = path.Root("scaling_strategy")

// scaledJobRules are the whole-object rules of keda_ml_scaled_job, in the
// order their diagnostics appear.
var scaledJobRules = []rule[scaledJobInput]{
	{
		source: "provider: the paused attribute writes this annotation (KEDA reads it in apis/keda/v1alpha1/scaledjob_types.go NeedToBePausedByAnnotation)",
		needs:  func(in scaledJobInput) []any { return []any{keys(in.meta.Annotations)} },
		check: func(in scaledJobInput, diags *diag.Diagnostics) {
			for k := range in.meta.Annotations.Elements() {
				if strings.HasPrefix(k, pauseAnnotationPrefix) {
					attrError(diags, path.Root("metadata").AtName("annotations").AtMapKey(k), "Use the paused attribute",
						"set paused instead of this annotation.")
				}
			}
		},
	},
	{
		source: "apis/keda/v1alpha1/scaledjob_types.go MinReplicaCount, MaxReplicaCount (KEDA clamps; no webhook or CRD rule)",
		needs:  func(in scaledJobInput) []any { return []any{in.spec.MinReplicaCount, in.spec.MaxReplicaCount} },
		check: func(in scaledJobInput, diags *diag.Diagnostics) {
			s := in.sj.Spec
			if s.MinReplicaCount == nil {
				return
			}
			minR := *s.MinReplicaCount
			switch {
			case s.MaxReplicaCount != nil && minR > *s.MaxReplicaCount:
				attrWarning(diags, path.Root("min_replica_count"), "min_replica_count above max_replica_count",
					fmt.Sprintf("KEDA accepts it but uses max_replica_count (%d) as the minimum too, so %d Jobs are never kept. "+
						"Lower min_replica_count to at most max_replica_count.", *s.MaxReplicaCount, minR))
			case s.MaxReplicaCount == nil && minR > defaultScaledJobMaxReplicaCount:
				attrWarning(diags, path.Root("min_replica_count"), "min_replica_count above the default max_replica_count",
					fmt.Sprintf("max_replica_count is not set, so KEDA uses %d, below min_replica_count (%d): KEDA keeps %d Jobs and "+
						"never starts more for queued work. Set max_replica_count.", defaultScaledJobMaxReplicaCount, minR, minR))
			}
		},
	},
	{
		source: "pkg/scaling/executor/scale_jobs.go NewScalingStrategy (custom fields read only by the custom strategy)",
		needs:  func(in scaledJobInput) []any { return in.strategy() },
		check: func(in scaledJobInput, diags *diag.Diagnostics) {
			s := in.spec.ScalingStrategy
			if s == nil || str(s.Strategy) == customScalingStrategy {
				return
			}
			ignored := func(name string) {
				attrWarning(diags, scalingStrategyPath.AtName(name), "Ignored without the custom strategy",
					"KEDA reads it only with strategy = \"custom\"; with this strategy it has no effect.")
			}
			if !s.CustomScalingQueueLengthDeduction.IsNull() {
				ignored("custom_scaling_queue_length_deduction")
			}
			if !s.CustomScalingRunningJobPercentage.IsNull() {
				ignored("custom_scaling_running_job_percentage")
			}
		},
	},
	{
		source: "pkg/scaling/executor/scale_jobs.go NewScalingStrategy (custom without customScalingRunningJobPercentage selects default)",
		needs:  func(in scaledJobInput) []any { return in.strategy() },
		check: func(in scaledJobInput, diags *diag.Diagnostics) {
			s := in.spec.ScalingStrategy
			if s == nil || str(s.Strategy) != customScalingStrategy || !s.CustomScalingRunningJobPercentage.IsNull() {
				return
			}
			detail := "without custom_scaling_running_job_percentage KEDA cannot read the custom strategy and uses the default one instead"
			if !s.CustomScalingQueueLengthDeduction.IsNull() {
				detail += ", ignoring custom_scaling_queue_length_deduction"
			}
			attrWarning(diags, scalingStrategyPath.AtName("strategy"), "The custom strategy falls back to default",
				detail+". Set custom_scaling_running_job_percentage (e.g. 1 to subtract every running Job, 0 for none).")
		},
	},
	{
		source: "pkg/scaling/executor/scale_jobs.go customScalingStrategy.GetEffectiveMaxScale (the fraction is used as is)",
		needs: func(in scaledJobInput) []any {
			if in.spec.ScalingStrategy == nil {
				return nil
			}
			return []any{in.spec.ScalingStrategy.CustomScalingRunningJobPercentage}
		},
		check: func(in scaledJobInput, diags *diag.Diagnostics) {
			s := in.spec.ScalingStrategy
			if s == nil || s.CustomScalingRunningJobPercentage.IsNull() {
				return
			}
			if p := s.CustomScalingRunningJobPercentage.ValueFloat64(); p < 0 || p > 1 {
				attrWarning(diags, scalingStrategyPath.AtName("custom_scaling_running_job_percentage"), "Running-job fraction outside 0–1",
					fmt.Sprintf("KEDA subtracts %v times the running Jobs from the queue length; a fraction between 0 and 1 is usual "+
						"(0.5 for half).", p))
			}
		},
	},
	{
		source: "controllers/keda/scaledjob_controller.go reconcileScaledJob (metricType, useCachedMetrics)",
		needs:  func(scaledJobInput) []any { return nil },
		check: func(in scaledJobInput, diags *diag.Diagnostics) {
			for i, t := range in.spec.Trigger {
				at := path.Root("trigger").AtListIndex(i)
				// cpu, memory and gpu triggers have their own errors.
				typed := t.CPU != nil || t.Memory != nil || t.GPU != nil
				if !typed && known(t.MetricType) && !t.MetricType.IsNull() {
					attrError(diags, at.AtName("metric_type"), "metric_type not supported for ScaledJobs",
						"KEDA's ScaledJob controller refuses a trigger with a metric type (the ScaledJob never becomes Ready); remove metric_type.")
				}
				kt := in.sj.Spec.Triggers[i]
				cached := kt.Type == "cpu" || kt.Type == "memory" || kt.Type == "cron"
				if known(t.Type, t.UseCachedMetrics) && t.UseCachedMetrics.ValueBool() && !cached {
					attrWarning(diags, at.AtName("use_cached_metrics"), "use_cached_metrics has no effect on ScaledJobs",
						"KEDA does not support cached metrics for ScaledJobs and ignores it.")
				}
			}
		},
	},
}

// ValidateScaledJob runs, offline, KEDA's checks, the API server's checks
// of the Jobs KEDA will create, and the provider's rules on the ScaledJob a
// plan would write. A check runs only when the values it reads are known.
func ValidateScaledJob(m ScaledJobSpecModel, meta MetadataModel) diag.Diagnostics {
	tcKnown := known(meta.Namespace, meta.Name)
	var diags diag.Diagnostics
	if !m.TriggersUnknown {
		diags = validateTriggers(m.Trigger, m.TriggerContext(meta.ObjectMeta()), tcKnown, true)
	}
	in := scaledJobInput{spec: m, meta: meta, sj: m.expand(meta.ObjectMeta(), &conversion{})}
	diags.Append(runRules(scaledJobRules, in)...)
	diags.Append(validateJobTemplate(m.JobTargetRef)...)
	return diags
}
