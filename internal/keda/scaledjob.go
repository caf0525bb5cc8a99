package keda

import (
	"math"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/kedacore/keda/v2/apis/keda/v1alpha1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kedaml/terraform-provider-keda/internal/validators"
)

// ScaledJob enums, as KEDA v2.21's CRD (config/crd/bases/keda.sh_scaledjobs.yaml)
// declares them.
var (
	RolloutStrategies          = []string{"gradual", "immediate"}
	RolloutPropagationPolicies = []string{"foreground", "background"}
	ScalingStrategies          = []string{"default", "custom", "accurate", "eager"}
	MultipleScalersCalculation = []string{"max", "min", "avg", "sum"}
)

// KEDA's ScaledJob defaults (apis/keda/v1alpha1/scaledjob_types.go).
const (
	defaultScaledJobMaxReplicaCount = 100
	customScalingStrategy           = "custom"
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
	// TriggersUnknown: see ScaledObjectSpecModel.
	TriggersUnknown bool `tfsdk:"-"`
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
		"polling_interval": optionalInt32("Seconds between checks of the triggers (`spec.pollingInterval`, 1 or more). Default: KEDA's (`30`).",
			"spec.pollingInterval", 1),
		"successful_jobs_history_limit": optionalInt32("Finished Jobs kept (`spec.successfulJobsHistoryLimit`). Default: KEDA's (`100`).",
			"spec.successfulJobsHistoryLimit", 0),
		"failed_jobs_history_limit": optionalInt32("Failed Jobs kept (`spec.failedJobsHistoryLimit`). Default: KEDA's (`100`).",
			"spec.failedJobsHistoryLimit", 0),
		"min_replica_count": optionalInt32("Jobs kept running even with no work (`spec.minReplicaCount`). Default: KEDA's (`0`). "+
			"KEDA lowers it to `max_replica_count` when above.", "spec.minReplicaCount", 0),
		"max_replica_count": optionalInt32("Most Jobs at once (`spec.maxReplicaCount`, 1 to 2147483647). Default: KEDA's (`100`).",
			"spec.maxReplicaCount", 1),
		"env_source_container_name": optionalString("Container whose environment `*_from_env` trigger parameters read (`spec.envSourceContainerName`). Default: the first."),
		"paused":                    optionalBool("Pause creating Jobs (annotation `autoscaling.keda.sh/paused`)."),
	}
}

// ScaledJobSpecBlocks is the spec's blocks.
func ScaledJobSpecBlocks() map[string]schema.Block {
	return map[string]schema.Block{
		"job_target_ref": JobTargetRefBlock(),
		"rollout": schema.SingleNestedBlock{
			MarkdownDescription: "What happens to running Jobs when the ScaledJob changes (`spec.rollout`).",
			Attributes: map[string]schema.Attribute{
				"strategy": optionalString("`gradual` (let the Jobs of the previous version finish) or `immediate` (delete them). "+
					"Default: KEDA's, which deletes them as `immediate` does.", OneOf(RolloutStrategies...)),
				"propagation_policy": optionalString("Deletion propagation of replaced Jobs: "+EnumDescription(RolloutPropagationPolicies...)+
					". Default: KEDA's (`background`).", OneOf(RolloutPropagationPolicies...)),
			},
		},
		"scaling_strategy": schema.SingleNestedBlock{
			MarkdownDescription: "How KEDA turns queue length into new Jobs (`spec.scalingStrategy`).",
			Attributes: map[string]schema.Attribute{
				"strategy": optionalString(EnumDescription(ScalingStrategies...)+". Default: KEDA's (`default`). `custom` needs "+
					"`custom_scaling_running_job_percentage`; without it KEDA uses `default`.", OneOf(ScalingStrategies...)),
				"custom_scaling_queue_length_deduction": schema.Int64Attribute{Optional: true,
					MarkdownDescription: "With `custom`: subtracted from the queue length (`customScalingQueueLengthDeduction`). Default: `0`.",
					Validators:          []validator.Int64{validators.Int32Field("spec.scalingStrategy.customScalingQueueLengthDeduction", math.MinInt32, math.MaxInt32)}},
				"custom_scaling_running_job_percentage": schema.Float64Attribute{Optional: true,
					MarkdownDescription: "With `custom`: the fraction of running Jobs subtracted, e.g. `0.5` (`customScalingRunningJobPercentage`)."},
				"pending_pod_conditions": schema.ListAttribute{Optional: true, ElementType: types.StringType,
					MarkdownDescription: "Pod conditions a Job's pod must reach before it no longer counts as pending (`spec.scalingStrategy.pendingPodConditions`), e.g. `[\"Ready\", \"PodScheduled\"]`."},
				"multiple_scalers_calculation": optionalString("How several triggers combine: "+EnumDescription(MultipleScalersCalculation...)+
					". Default: KEDA's (`max`).", OneOf(MultipleScalersCalculation...)),
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

// Expand builds the ScaledJob the plan describes. It fails, writing
// nothing, on a value that its field cannot hold.
func (m ScaledJobSpecModel) Expand(meta metav1.ObjectMeta) (*v1alpha1.ScaledJob, error) {
	var c conversion
	sj := m.expand(meta, &c)
	return sj, c.err
}

func (m ScaledJobSpecModel) expand(meta metav1.ObjectMeta, c *conversion) *v1alpha1.ScaledJob {
	sj := &v1alpha1.ScaledJob{
		TypeMeta:   metav1.TypeMeta{APIVersion: v1alpha1.GroupVersion.String(), Kind: "ScaledJob"},
		ObjectMeta: meta,
		Spec: v1alpha1.ScaledJobSpec{
			JobTargetRef:               m.JobTargetRef.expand(c),
			PollingInterval:            c.int32Ptr(m.PollingInterval, "polling_interval"),
			SuccessfulJobsHistoryLimit: c.int32Ptr(m.SuccessfulJobsHistoryLimit, "successful_jobs_history_limit"),
			FailedJobsHistoryLimit:     c.int32Ptr(m.FailedJobsHistoryLimit, "failed_jobs_history_limit"),
			MinReplicaCount:            c.int32Ptr(m.MinReplicaCount, "min_replica_count"),
			MaxReplicaCount:            c.int32Ptr(m.MaxReplicaCount, "max_replica_count"),
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
			CustomScalingQueueLengthDeduction: c.int32Ptr(s.CustomScalingQueueLengthDeduction, "scaling_strategy.custom_scaling_queue_length_deduction"),
			PendingPodConditions:              stringList(s.PendingPodConditions),
			MultipleScalersCalculation:        str(s.MultipleScalersCalculation),
		}
		if !s.CustomScalingRunningJobPercentage.IsNull() && !s.CustomScalingRunningJobPercentage.IsUnknown() {
			sj.Spec.ScalingStrategy.CustomScalingRunningJobPercentage = formatFloat(s.CustomScalingRunningJobPercentage)
		}
	}
	tc := m.TriggerContext(meta)
	for _, t := range m.Trigger {
		kt := t.Expand(tc)
		if t.GPU != nil {
			// KEDA's ScaledJob controller refuses any trigger metricType
			// (reconcileScaledJob); a ScaledJob divides the metric by the
			// target without one.
			kt.MetricType = ""
		}
		sj.Spec.Triggers = append(sj.Spec.Triggers, kt)
	}
	return sj
}

// flattenJobTrigger reads a ScaledJob trigger back. The gpu triggers of a
// ScaledJob are written without a metric type, which FlattenTrigger looks
// for to tell them from plain prometheus triggers.
func flattenJobTrigger(kt v1alpha1.ScaleTriggers, prior *TriggerModel, tc TriggerContext) TriggerModel {
	if kt.Type == "prometheus" && kt.MetricType == "" {
		asGPU := kt
		asGPU.MetricType = autoscalingv2.AverageValueMetricType
		if t := FlattenTrigger(asGPU, prior, tc); t.GPU != nil {
			return t
		}
	}
	t := FlattenTrigger(kt, prior, tc)
	if t.GPU != nil {
		// Written with a metric type (as before ScaledJobs left it out):
		// shown, so that the plan removes it.
		t.MetricType = fromStr(string(kt.MetricType))
	}
	return t
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
		m.Trigger = append(m.Trigger, flattenJobTrigger(kt, p, tc))
	}
	return m
}
