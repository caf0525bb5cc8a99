package keda

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func validJobSpec() ScaledJobSpecModel {
	return ScaledJobSpecModel{
		JobTargetRef: gpuBatchJob(), PollingInterval: types.Int64Null(), SuccessfulJobsHistoryLimit: types.Int64Null(),
		FailedJobsHistoryLimit: types.Int64Null(), MinReplicaCount: types.Int64Null(), MaxReplicaCount: types.Int64Null(),
		EnvSourceContainerName: nullS, Paused: types.BoolNull(),
		Trigger: []TriggerModel{untypedTrigger("kafka", map[string]string{"topic": "batches", "lagThreshold": "5"})},
	}
}

func strategy(name string, deduction types.Int64, percentage types.Float64) *ScalingStrategyModel {
	return &ScalingStrategyModel{Strategy: fromStr(name), CustomScalingQueueLengthDeduction: deduction,
		CustomScalingRunningJobPercentage: percentage, PendingPodConditions: types.ListNull(types.StringType), MultipleScalersCalculation: nullS}
}

// TestScaledJobRules is the audit of keda_ml_scaled_job's whole-object rules
// against KEDA v2.21 (the job template's are in TestJobTemplateRules).
func TestScaledJobRules(t *testing.T) {
	type m = ScaledJobSpecModel
	minMax := func(minR, maxR types.Int64) func(*m, *MetadataModel) {
		return func(j *m, _ *MetadataModel) { j.MinReplicaCount, j.MaxReplicaCount = minR, maxR }
	}
	const (
		clamp        = "scaledjob_types.go MinReplicaCount, MaxReplicaCount"
		customFields = "scale_jobs.go NewScalingStrategy (custom fields read only by the custom strategy)"
		customOnly   = "scale_jobs.go NewScalingStrategy (custom without customScalingRunningJobPercentage selects default)"
		fraction     = "scale_jobs.go customScalingStrategy.GetEffectiveMaxScale"
		controller   = "scaledjob_controller.go reconcileScaledJob"
		pauseAttr    = "provider: the paused attribute"
	)
	cases := map[string]ruleCase[ScaledJobSpecModel]{
		"valid": {source: "apis/keda/v1alpha1/scaledjob_webhook.go ValidateCreate"},
		"pause annotation written by hand": {
			source: pauseAttr,
			mutate: func(_ *m, meta *MetadataModel) {
				meta.Annotations = mapValue(map[string]string{"autoscaling.keda.sh/paused": "true"})
			},
			path: `metadata.annotations["autoscaling.keda.sh/paused"]`, summary: "Use the paused attribute",
			unknown: func(_ *m, meta *MetadataModel) { meta.Annotations = types.MapUnknown(types.StringType) },
		},
		"min above max: KEDA clamps": {
			source: clamp, mutate: minMax(i64(5), i64(2)),
			path: "min_replica_count", summary: "min_replica_count above max_replica_count", warning: true,
			unknown: func(j *m, _ *MetadataModel) { j.MaxReplicaCount = unknownI },
		},
		"min above the default max": {
			source: clamp, mutate: minMax(i64(150), types.Int64Null()),
			path: "min_replica_count", summary: "min_replica_count above the default max_replica_count", warning: true,
			unknown: func(j *m, _ *MetadataModel) { j.MinReplicaCount = unknownI },
		},
		"min equal to max": {source: clamp, mutate: minMax(i64(4), i64(4))},
		"int32 max":        {source: clamp, mutate: minMax(i64(0), i64(2147483647))},
		"deduction without the custom strategy": {
			source: customFields,
			mutate: func(j *m, _ *MetadataModel) { j.ScalingStrategy = strategy("accurate", i64(1), nullF) },
			path:   "scaling_strategy.custom_scaling_queue_length_deduction", summary: "Ignored without the custom strategy", warning: true,
			unknown: func(j *m, _ *MetadataModel) { j.ScalingStrategy.Strategy = unknownS },
		},
		"percentage without a strategy": {
			source: customFields,
			mutate: func(j *m, _ *MetadataModel) { j.ScalingStrategy = strategy("", types.Int64Null(), f(0.5)) },
			path:   "scaling_strategy.custom_scaling_running_job_percentage", summary: "Ignored without the custom strategy", warning: true,
		},
		"custom without its percentage: KEDA uses default": {
			source: customOnly,
			mutate: func(j *m, _ *MetadataModel) { j.ScalingStrategy = strategy("custom", i64(1), nullF) },
			path:   "scaling_strategy.strategy", summary: "The custom strategy falls back to default", warning: true,
			unknown: func(j *m, _ *MetadataModel) {
				j.ScalingStrategy.CustomScalingRunningJobPercentage = types.Float64Unknown()
			},
		},
		"custom with its fields": {
			source: customOnly,
			mutate: func(j *m, _ *MetadataModel) { j.ScalingStrategy = strategy("custom", i64(-3), f(0.5)) },
		},
		"custom with a percentage only (no deduction: 0)": {
			source: customOnly,
			mutate: func(j *m, _ *MetadataModel) { j.ScalingStrategy = strategy("custom", types.Int64Null(), f(1)) },
		},
		"percentage above 1: used as is": {
			source: fraction,
			mutate: func(j *m, _ *MetadataModel) { j.ScalingStrategy = strategy("custom", types.Int64Null(), f(50)) },
			path:   "scaling_strategy.custom_scaling_running_job_percentage", summary: "Running-job fraction outside 0–1", warning: true,
			unknown: func(j *m, _ *MetadataModel) {
				j.ScalingStrategy.CustomScalingRunningJobPercentage = types.Float64Unknown()
			},
		},
		"metric type on a job trigger": {
			source: controller,
			mutate: func(j *m, _ *MetadataModel) { j.Trigger[0].MetricType = s("Value") },
			path:   "trigger[0].metric_type", summary: "metric_type not supported for ScaledJobs",
			unknown: func(j *m, _ *MetadataModel) { j.Trigger[0].MetricType = unknownS },
		},
		"cached metrics on a job trigger: ignored": {
			source: controller,
			mutate: func(j *m, _ *MetadataModel) { j.Trigger[0].UseCachedMetrics = types.BoolValue(true) },
			path:   "trigger[0].use_cached_metrics", summary: "use_cached_metrics has no effect on ScaledJobs", warning: true,
			unknown: func(j *m, _ *MetadataModel) { j.Trigger[0].UseCachedMetrics = types.BoolUnknown() },
		},
	}
	runRuleTable(t, cases, validJobSpec, ValidateScaledJob)
	checkRulesCited(t, scaledJobRules, cases)
}

// A ScaledJob's gpu trigger is written without a metric type (KEDA's
// ScaledJob controller refuses one) and still reads back as gpu.
func TestScaledJobGPUTrigger(t *testing.T) {
	g := baseTrigger()
	g.GPU = &GPUModel{
		ServerAddress: s("http://prometheus:9090"), Metric: s("utilization"), Target: f(70), ActivationTarget: nullF, Query: nullS,
		PodNamespace: nullS, PodNamePrefix: nullS, NamespaceLabel: nullS, PodLabel: nullS, Namespace: nullS,
		CustomHeaders: types.MapNull(types.StringType), QueryParameters: types.MapNull(types.StringType),
		IgnoreNullValues: types.BoolNull(), UnsafeSSL: types.BoolNull(), Timeout: nullS, AuthModes: types.SetNull(types.StringType),
	}
	spec := validJobSpec()
	spec.Trigger = []TriggerModel{g}
	meta := metav1.ObjectMeta{Name: "batch", Namespace: "ml"}
	sj, err := spec.Expand(meta)
	if err != nil {
		t.Fatal(err)
	}
	if mt := sj.Spec.Triggers[0].MetricType; mt != "" {
		t.Fatalf("metricType %q written; KEDA's ScaledJob controller refuses any", mt)
	}
	for name, prior := range map[string]*ScaledJobSpecModel{"refresh": &spec, "import": nil} {
		back := FlattenScaledJobSpec(sj, prior)
		if back.Trigger[0].GPU == nil || !back.Trigger[0].MetricType.IsNull() {
			t.Fatalf("%s: want the gpu trigger back, got %+v", name, back.Trigger[0])
		}
	}
	// Written by an earlier version with metricType: the state shows it,
	// so that the plan removes it.
	sj.Spec.Triggers[0].MetricType = autoscalingv2.AverageValueMetricType
	if back := FlattenScaledJobSpec(sj, &spec); back.Trigger[0].GPU == nil || back.Trigger[0].MetricType.ValueString() != "AverageValue" {
		t.Fatalf("want the gpu trigger with its stray metric type, got %+v", back.Trigger[0])
	}
}
