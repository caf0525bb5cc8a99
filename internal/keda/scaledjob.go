package keda

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/kedacore/keda/v2/apis/keda/v1alpha1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// ScaledJob enums, as KEDA v2.21's CRD declares them.
var (
	RolloutStrategies          = []string{"default", "gradual", "immediate"}
	RolloutPropagationPolicies = []string{"foreground", "background"}
	ScalingStrategies          = []string{"default", "custom", "accurate", "eager"}
	MultipleScalersCalculation = []string{"max", "min", "avg", "sum"}
)

// ScaledJobSpecModel is everything of keda_ml_scaled_job but the metadata,
// id, status and timeouts.
type ScaledJobSpecModel struct {
	JobTargetRef               *JobTargetRefModel    `tfsdk:"job_target_ref"`
	PollingInterval            types.Int64           `tfsdk:"polling_interval"`
	SuccessfulJobsHistoryLimit types.Int64           `tfsdk:"successful_jobs_history_limit"`
	FailedJobsHistoryLimit     types.Int64           `tfsdk:"failed_jobs_history_limit"`
	MinReplicaCount            types.Int64           `tfsdk:"min_replica_count"`
	MaxReplicaCount            types.Int64           `tfsdk:"max_replica_count"`
	EnvSourceContainerName     types.String          `tfsdk:"env_source_container_name"`
	Paused                     types.Bool            `tfsdk:"paused"`
	Rollout                    *RolloutModel         `tfsdk:"rollout"`
	ScalingStrategy            *ScalingStrategyModel `tfsdk:"scaling_strategy"`
	Trigger                    []TriggerModel        `tfsdk:"trigger"`
}

// RolloutModel is what happens to running Jobs when the ScaledJob changes.
type RolloutModel struct {
	Strategy          types.String `tfsdk:"strategy"`
	PropagationPolicy types.String `tfsdk:"propagation_policy"`
}

// ScalingStrategyModel is how KEDA turns queue length into new Jobs.
type ScalingStrategyModel struct {
	Strategy                          types.String  `tfsdk:"strategy"`
	CustomScalingQueueLengthDeduction types.Int64   `tfsdk:"custom_scaling_queue_length_deduction"`
	CustomScalingRunningJobPercentage types.Float64 `tfsdk:"custom_scaling_running_job_percentage"`
	PendingPodConditions              types.List    `tfsdk:"pending_pod_conditions"`
	MultipleScalersCalculation        types.String  `tfsdk:"multiple_scalers_calculation"`
}

// ScaledJobSpecAttributes is the top-level attributes of the spec.
func ScaledJobSpecAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"polling_interval":              optionalInt("Seconds between checks of the triggers. Default: KEDA's (`30`).", 1),
		"successful_jobs_history_limit": optionalInt("Finished Jobs kept. Default: KEDA's (`100`).", 0),
		"failed_jobs_history_limit":     optionalInt("Failed Jobs kept. Default: KEDA's (`100`).", 0),
		"min_replica_count":             optionalInt("Jobs kept running even with no work. Default: KEDA's (`0`).", 0),
		"max_replica_count":             optionalInt("Most Jobs at once. Default: KEDA's (`100`).", 1),
		"env_source_container_name":     optionalString("Container whose environment `*_from_env` trigger parameters read. Default: the first."),
		"paused":                        optionalBool("Pause creating Jobs (annotation `autoscaling.keda.sh/paused`)."),
	}
}

// ScaledJobSpecBlocks is the spec's blocks.
func ScaledJobSpecBlocks() map[string]schema.Block {
	return map[string]schema.Block{
		"job_target_ref": JobTargetRefBlock(),
		"rollout": schema.SingleNestedBlock{
			MarkdownDescription: "What happens to running Jobs when the ScaledJob changes.",
			Attributes: map[string]schema.Attribute{
				"strategy": optionalString("`default` (delete running Jobs), `gradual` (let them finish) or `immediate`.",
					OneOf(RolloutStrategies...)),
				"propagation_policy": optionalString("Deletion propagation of replaced Jobs: `background` (KEDA's default) or `foreground`.",
					OneOf(RolloutPropagationPolicies...)),
			},
		},
		"scaling_strategy": schema.SingleNestedBlock{
			MarkdownDescription: "How KEDA turns queue length into new Jobs.",
			Attributes: map[string]schema.Attribute{
				"strategy": optionalString("`default`, `custom`, `accurate` or `eager`. Default: KEDA's (`default`).", OneOf(ScalingStrategies...)),
				"custom_scaling_queue_length_deduction": schema.Int64Attribute{Optional: true,
					MarkdownDescription: "With `custom`: subtracted from the queue length."},
				"custom_scaling_running_job_percentage": schema.Float64Attribute{Optional: true,
					MarkdownDescription: "With `custom`: fraction (0–1) of running Jobs subtracted."},
				"pending_pod_conditions": schema.ListAttribute{Optional: true, ElementType: types.StringType,
					MarkdownDescription: "Pod conditions a Job's pod must reach before it no longer counts as pending, e.g. `[\"Ready\", \"PodScheduled\"]`."},
				"multiple_scalers_calculation": optionalString("How several triggers combine: `max` (default), `min`, `avg` or `sum`.",
					OneOf(MultipleScalersCalculation...)),
			},
		},
		"trigger": TriggerBlock(),
	}
}

// TriggerContext of this ScaledJob: gpu triggers match the Jobs' pods,
// named after the ScaledJob.
func (m ScaledJobSpecModel) TriggerContext(meta metav1.ObjectMeta) TriggerContext {
	return TriggerContext{Namespace: meta.Namespace, TargetName: meta.Name}
}

// Expand builds the ScaledJob the plan describes.
func (m ScaledJobSpecModel) Expand(meta metav1.ObjectMeta) *v1alpha1.ScaledJob {
	sj := &v1alpha1.ScaledJob{
		TypeMeta:   metav1.TypeMeta{APIVersion: v1alpha1.GroupVersion.String(), Kind: "ScaledJob"},
		ObjectMeta: meta,
		Spec: v1alpha1.ScaledJobSpec{
			JobTargetRef:               m.JobTargetRef.Expand(),
			PollingInterval:            int32Ptr(m.PollingInterval),
			SuccessfulJobsHistoryLimit: int32Ptr(m.SuccessfulJobsHistoryLimit),
			FailedJobsHistoryLimit:     int32Ptr(m.FailedJobsHistoryLimit),
			MinReplicaCount:            int32Ptr(m.MinReplicaCount),
			MaxReplicaCount:            int32Ptr(m.MaxReplicaCount),
			EnvSourceContainerName:     str(m.EnvSourceContainerName),
		},
	}
	if !m.Paused.IsNull() && !m.Paused.IsUnknown() {
		if sj.Annotations == nil {
			sj.Annotations = map[string]string{}
		}
		sj.Annotations[v1alpha1.PausedAnnotation] = strconv.FormatBool(m.Paused.ValueBool())
	}
	if r := m.Rollout; r != nil {
		sj.Spec.Rollout = v1alpha1.Rollout{Strategy: str(r.Strategy), PropagationPolicy: str(r.PropagationPolicy)}
	}
	if s := m.ScalingStrategy; s != nil {
		sj.Spec.ScalingStrategy = v1alpha1.ScalingStrategy{
			Strategy:                          str(s.Strategy),
			CustomScalingQueueLengthDeduction: int32Ptr(s.CustomScalingQueueLengthDeduction),
			PendingPodConditions:              stringList(s.PendingPodConditions),
			MultipleScalersCalculation:        str(s.MultipleScalersCalculation),
		}
		if !s.CustomScalingRunningJobPercentage.IsNull() && !s.CustomScalingRunningJobPercentage.IsUnknown() {
			sj.Spec.ScalingStrategy.CustomScalingRunningJobPercentage = formatFloat(s.CustomScalingRunningJobPercentage)
		}
	}
	tc := m.TriggerContext(meta)
	for _, t := range m.Trigger {
		sj.Spec.Triggers = append(sj.Spec.Triggers, t.Expand(tc))
	}
	return sj
}

// FlattenScaledJobSpec reads a ScaledJob back; prior is the prior state
// (nil on import).
func FlattenScaledJobSpec(sj *v1alpha1.ScaledJob, prior *ScaledJobSpecModel) ScaledJobSpecModel {
	s := sj.Spec
	var priorJob *JobTargetRefModel
	if prior != nil {
		priorJob = prior.JobTargetRef
	}
	m := ScaledJobSpecModel{
		JobTargetRef:               FlattenJobTargetRef(s.JobTargetRef, priorJob),
		PollingInterval:            fromInt32Ptr(s.PollingInterval),
		SuccessfulJobsHistoryLimit: fromInt32Ptr(s.SuccessfulJobsHistoryLimit),
		FailedJobsHistoryLimit:     fromInt32Ptr(s.FailedJobsHistoryLimit),
		MinReplicaCount:            fromInt32Ptr(s.MinReplicaCount),
		MaxReplicaCount:            fromInt32Ptr(s.MaxReplicaCount),
		EnvSourceContainerName:     fromStr(s.EnvSourceContainerName),
		Paused:                     annotationBool(sj.Annotations, v1alpha1.PausedAnnotation),
	}
	if r := s.Rollout; r != (v1alpha1.Rollout{}) {
		m.Rollout = &RolloutModel{Strategy: fromStr(r.Strategy), PropagationPolicy: fromStr(r.PropagationPolicy)}
	}
	if st := s.ScalingStrategy; st.Strategy != "" || st.CustomScalingQueueLengthDeduction != nil ||
		st.CustomScalingRunningJobPercentage != "" || len(st.PendingPodConditions) > 0 || st.MultipleScalersCalculation != "" {
		m.ScalingStrategy = &ScalingStrategyModel{
			Strategy:                          fromStr(st.Strategy),
			CustomScalingQueueLengthDeduction: fromInt32Ptr(st.CustomScalingQueueLengthDeduction),
			CustomScalingRunningJobPercentage: types.Float64Null(),
			PendingPodConditions:              listValue(st.PendingPodConditions),
			MultipleScalersCalculation:        fromStr(st.MultipleScalersCalculation),
		}
	}
	if m.ScalingStrategy != nil && s.ScalingStrategy.CustomScalingRunningJobPercentage != "" {
		if p, err := strconv.ParseFloat(s.ScalingStrategy.CustomScalingRunningJobPercentage, 64); err == nil {
			m.ScalingStrategy.CustomScalingRunningJobPercentage = types.Float64Value(p)
		}
	}
	tc := m.TriggerContext(sj.ObjectMeta)
	for i, kt := range s.Triggers {
		var p *TriggerModel
		if prior != nil && i < len(prior.Trigger) {
			p = &prior.Trigger[i]
		}
		m.Trigger = append(m.Trigger, FlattenTrigger(kt, p, tc))
	}
	return m
}

// ValidateScaledJob runs, offline, KEDA's checks and the provider's rules on
// the ScaledJob a plan would write.
func ValidateScaledJob(m ScaledJobSpecModel, meta metav1.ObjectMeta) diag.Diagnostics {
	var diags diag.Diagnostics
	diags.Append(validateTriggers(m.Trigger, m.TriggerContext(meta), true)...)
	for k := range meta.Annotations {
		if strings.HasPrefix(k, pauseAnnotationPrefix) {
			attrError(&diags, path.Root("metadata").AtName("annotations").AtMapKey(k), "Use the paused attribute",
				"set paused instead of this annotation.")
		}
	}
	if minR, maxR := m.MinReplicaCount, m.MaxReplicaCount; !minR.IsNull() && !maxR.IsNull() && minR.ValueInt64() > maxR.ValueInt64() {
		attrError(&diags, path.Root("min_replica_count"), "Invalid replica counts",
			fmt.Sprintf("min_replica_count (%d) must not exceed max_replica_count (%d).", minR.ValueInt64(), maxR.ValueInt64()))
	}
	if s := m.ScalingStrategy; s != nil && str(s.Strategy) != "custom" {
		onlyCustom := func(name string) {
			attrError(&diags, path.Root("scaling_strategy").AtName(name), "Only with the custom strategy",
				"KEDA ignores it unless strategy = \"custom\".")
		}
		if !s.CustomScalingQueueLengthDeduction.IsNull() {
			onlyCustom("custom_scaling_queue_length_deduction")
		}
		if !s.CustomScalingRunningJobPercentage.IsNull() {
			onlyCustom("custom_scaling_running_job_percentage")
		}
	}
	if s := m.ScalingStrategy; s != nil && !s.CustomScalingRunningJobPercentage.IsNull() {
		if p := s.CustomScalingRunningJobPercentage.ValueFloat64(); p < 0 || p > 1 {
			attrError(&diags, path.Root("scaling_strategy").AtName("custom_scaling_running_job_percentage"), "Invalid percentage",
				fmt.Sprintf("a fraction between 0 and 1 is expected, got %v.", p))
		}
	}
	if err := v1alpha1.ValidateTriggers(m.Expand(meta).Spec.Triggers); err != nil && !diags.HasError() {
		attrError(&diags, path.Root("trigger"), "Invalid triggers", "KEDA would reject this: "+err.Error()+".")
	}
	return diags
}
