package keda

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func queueTrigger(host string) TriggerModel {
	t := baseTrigger()
	t.RabbitMQ = &RabbitMQModel{
		Host: s(host), HostFromEnv: nullS, Protocol: nullS, QueueName: s("q"), Mode: s("QueueLength"), Value: f(5),
		ActivationValue: nullF, VhostName: nullS, UseRegex: no, PageSize: types.Int64Null(), Operation: nullS,
		ExcludeUnacknowledged: no, UnsafeSSL: no, Timeout: nullS, UsernameFromEnv: nullS, PasswordFromEnv: nullS,
	}
	return t
}

// untypedTrigger is a scaler the provider has no typed block for.
func untypedTrigger(typ string, metadata map[string]string) TriggerModel {
	t := baseTrigger()
	t.Type, t.Metadata = s(typ), mapValue(metadata)
	return t
}

func cpuTrigger() TriggerModel {
	t := baseTrigger()
	t.CPU = &ResourceModel{Utilization: types.Int64Value(70), AverageValue: nullS, ContainerName: nullS}
	return t
}

func validSpec() ScaledObjectSpecModel {
	return ScaledObjectSpecModel{
		ScaleTargetRef:  &ScaleTargetRefModel{Name: s("worker"), Kind: nullS, APIVersion: nullS, EnvSourceContainerName: nullS},
		PollingInterval: types.Int64Null(), CooldownPeriod: types.Int64Null(), InitialCooldownPeriod: types.Int64Null(),
		IdleReplicaCount: types.Int64Null(), MinReplicaCount: types.Int64Null(), MaxReplicaCount: types.Int64Null(),
		Paused: types.BoolNull(), PausedReplicas: types.Int64Null(), PausedScaleIn: types.BoolNull(), PausedScaleOut: types.BoolNull(),
		Trigger: []TriggerModel{queueTrigger("amqp://rabbitmq:5672")},
	}
}

func metaModel(om metav1.ObjectMeta) MetadataModel {
	annotations := types.MapNull(types.StringType)
	if om.Annotations != nil {
		annotations = mapValue(om.Annotations)
	}
	return MetadataModel{Name: s(om.Name), Namespace: s(om.Namespace), Labels: types.MapNull(types.StringType),
		Annotations: annotations, UID: types.StringUnknown()}
}

var (
	unknownS = types.StringUnknown()
	unknownI = types.Int64Unknown()
)

// ruleCase is one row of an audit table: a configuration, the diagnostic
// KEDA's rule makes the provider give (none: it plans), and where the rule
// comes from. unknown, when set, makes a value the rule reads unknown: the
// rule must then not fire.
type ruleCase[M any] struct {
	source  string
	mutate  func(*M, *MetadataModel)
	path    string
	summary string
	warning bool
	unknown func(*M, *MetadataModel)
}

func runRuleTable[M any](t *testing.T, cases map[string]ruleCase[M], base func() M, validate func(M, MetadataModel) diag.Diagnostics) {
	t.Helper()
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if tc.source == "" {
				t.Fatal("every row cites where its rule comes from")
			}
			spec, meta := base(), metaModel(metav1.ObjectMeta{Name: "ok", Namespace: "ml"})
			if tc.mutate != nil {
				tc.mutate(&spec, &meta)
			}
			diags := validate(spec, meta)
			if tc.path == "" {
				if len(diags) > 0 {
					t.Fatalf("KEDA accepts this as is (%s); want no diagnostics, got %v", tc.source, diags)
				}
				return
			}
			if !hasDiag(diags, tc.path, tc.summary, tc.warning) {
				t.Fatalf("want %s %q on %s (%s), got %v", severity(tc.warning), tc.summary, tc.path, tc.source, diags)
			}
			if tc.unknown == nil {
				return
			}
			tc.unknown(&spec, &meta)
			if diags := validate(spec, meta); hasSummary(diags, tc.summary) {
				t.Fatalf("with a value it reads unknown, the rule must not fire; got %v", diags)
			}
		})
	}
}

// checkRulesCited fails when a rule has no firing row citing its source.
func checkRulesCited[T, M any](t *testing.T, rules []rule[T], cases map[string]ruleCase[M]) {
	t.Helper()
	for _, r := range rules {
		cited := false
		for _, c := range cases {
			cited = cited || (c.path != "" && strings.Contains(r.source, c.source))
		}
		if !cited {
			t.Errorf("rule %q has no row that makes it fire", r.source)
		}
	}
}

// TestScaledObjectRules is the audit of keda_ml_scaled_object's whole-object
// rules against KEDA v2.21: each row cites KEDA's file and function, and both
// directions are covered (what KEDA rejects fails, what it accepts plans,
// what it only ignores warns).
func TestScaledObjectRules(t *testing.T) {
	long := strings.Repeat("a", 60)
	minMax := func(minR, maxR int64) func(*ScaledObjectSpecModel, *MetadataModel) {
		return func(m *ScaledObjectSpecModel, _ *MetadataModel) {
			m.MinReplicaCount, m.MaxReplicaCount = types.Int64Value(minR), types.Int64Value(maxR)
		}
	}
	onlyCPU := func(m *ScaledObjectSpecModel, _ *MetadataModel) { m.Trigger = []TriggerModel{cpuTrigger()} }
	target := func(kind, apiVersion string) func(*ScaledObjectSpecModel, *MetadataModel) {
		return func(m *ScaledObjectSpecModel, meta *MetadataModel) {
			onlyCPU(m, meta)
			m.ScaleTargetRef.Kind, m.ScaleTargetRef.APIVersion = fromStr(kind), fromStr(apiVersion)
		}
	}
	modifiers := func(formula, target string) *AdvancedModel {
		return &AdvancedModel{RestoreToOriginalReplicaCount: no, ScalingModifiers: &ScalingModifiersModel{
			Formula: s(formula), Target: s(target), ActivationTarget: nullS, MetricType: nullS}}
	}
	const (
		webhookName    = "scaledobject_webhook.go verifyName"
		replicaBounds  = "scaledobject_types.go CheckReplicaCountBoundsAreValid"
		cpuMemory      = "scaledobject_webhook.go verifyCPUMemoryScalers"
		fallbackValid  = "scaledobject_types.go CheckFallbackValid"
		modifiersRule  = "scaledobject_webhook.go ValidateAndCompileScalingModifiers"
		fallbackSM     = "scaledobject_webhook.go verifyScaledObjects (scalingModifiers fallback behavior)"
		pollingWarning = "scaledobject_webhook.go verifyScaledObjects (pollingInterval warning)"
		cooldownWarn   = "scaledobject_webhook.go verifyScaledObjects (cooldownPeriod warning)"
		pauseAttrs     = "provider: the paused* attributes"
		validateTrigs  = "scaletriggers_types.go ValidateTriggers"
	)
	cases := map[string]ruleCase[ScaledObjectSpecModel]{
		"valid": {source: "apis/keda/v1alpha1/scaledobject_webhook.go validateWorkload"},
		"name longer than a label value": {
			source: webhookName,
			mutate: func(_ *ScaledObjectSpecModel, meta *MetadataModel) { meta.Name = s(strings.Repeat("a", 64)) },
			path:   "metadata.name", summary: "ScaledObject name too long",
			unknown: func(_ *ScaledObjectSpecModel, meta *MetadataModel) { meta.Name = unknownS },
		},
		"name of 63 characters with a short HPA name": {
			source: webhookName,
			mutate: func(m *ScaledObjectSpecModel, meta *MetadataModel) {
				meta.Name = s(strings.Repeat("a", 63))
				m.Advanced = &AdvancedModel{RestoreToOriginalReplicaCount: no, HPAConfig: &HPAConfigModel{Name: s("short")}}
			},
		},
		"derived HPA name too long": {
			source: webhookName,
			mutate: func(_ *ScaledObjectSpecModel, meta *MetadataModel) { meta.Name = s(long) },
			path:   "metadata.name", summary: "HPA name too long",
			unknown: func(_ *ScaledObjectSpecModel, meta *MetadataModel) { meta.Name = unknownS },
		},
		"explicit HPA name too long": {
			source: webhookName,
			mutate: func(m *ScaledObjectSpecModel, _ *MetadataModel) {
				m.Advanced = &AdvancedModel{RestoreToOriginalReplicaCount: no, HPAConfig: &HPAConfigModel{Name: s(strings.Repeat("h", 64))}}
			},
			path: "advanced.horizontal_pod_autoscaler_config.name", summary: "HPA name too long",
			unknown: func(m *ScaledObjectSpecModel, _ *MetadataModel) { m.Advanced.HPAConfig.Name = unknownS },
		},
		"pause annotation written by hand": {
			source: pauseAttrs,
			mutate: func(_ *ScaledObjectSpecModel, meta *MetadataModel) {
				meta.Annotations = mapValue(map[string]string{"autoscaling.keda.sh/paused": "true"})
			},
			path: `metadata.annotations["autoscaling.keda.sh/paused"]`, summary: "Use the pause attributes",
			unknown: func(_ *ScaledObjectSpecModel, meta *MetadataModel) {
				meta.Annotations = types.MapUnknown(types.StringType)
			},
		},
		"min above max": {
			source: replicaBounds, mutate: minMax(5, 2),
			path: "min_replica_count", summary: "Invalid replica counts",
			unknown: func(m *ScaledObjectSpecModel, _ *MetadataModel) { m.MaxReplicaCount = unknownI },
		},
		"min equal to max": {source: replicaBounds, mutate: minMax(3, 3)},
		"min above the default max": {
			source: replicaBounds,
			mutate: func(m *ScaledObjectSpecModel, _ *MetadataModel) { m.MinReplicaCount = types.Int64Value(101) },
			path:   "min_replica_count", summary: "Invalid replica counts",
			unknown: func(m *ScaledObjectSpecModel, _ *MetadataModel) { m.MinReplicaCount = unknownI },
		},
		"int32 max replicas": {
			source: replicaBounds, mutate: minMax(1, 2147483647),
		},
		"idle not below min": {
			source: replicaBounds,
			mutate: func(m *ScaledObjectSpecModel, _ *MetadataModel) {
				m.MinReplicaCount, m.IdleReplicaCount = types.Int64Value(1), types.Int64Value(1)
			},
			path: "idle_replica_count", summary: "Invalid replica counts",
			unknown: func(m *ScaledObjectSpecModel, _ *MetadataModel) { m.IdleReplicaCount = unknownI },
		},
		"idle without min": {
			source: replicaBounds,
			mutate: func(m *ScaledObjectSpecModel, _ *MetadataModel) { m.IdleReplicaCount = types.Int64Value(0) },
			path:   "idle_replica_count", summary: "Invalid replica counts",
		},
		"idle 0 below min 0 (KEDA counts min 0 as 1)": {
			source: replicaBounds,
			mutate: func(m *ScaledObjectSpecModel, _ *MetadataModel) {
				m.MinReplicaCount, m.IdleReplicaCount = types.Int64Value(0), types.Int64Value(0)
			},
		},
		"cpu only, min 0, Deployment": {
			source: cpuMemory, mutate: onlyCPU,
			path: "min_replica_count", summary: "cpu/memory triggers cannot scale to zero",
			unknown: func(m *ScaledObjectSpecModel, _ *MetadataModel) { m.ScaleTargetRef.Kind = unknownS },
		},
		"cpu only, min 0, apps/v1 StatefulSet": {
			source: cpuMemory, mutate: target("StatefulSet", "apps/v1"),
			path: "min_replica_count", summary: "cpu/memory triggers cannot scale to zero",
			unknown: func(m *ScaledObjectSpecModel, _ *MetadataModel) { m.MinReplicaCount = unknownI },
		},
		"cpu only, min 0, another kind: KEDA accepts": {
			source: cpuMemory, mutate: target("Rollout", "argoproj.io/v1alpha1"),
			path: "min_replica_count", summary: "cpu/memory triggers cannot scale to zero", warning: true,
		},
		"cpu only, min 1": {
			source: cpuMemory,
			mutate: func(m *ScaledObjectSpecModel, meta *MetadataModel) {
				onlyCPU(m, meta)
				m.MinReplicaCount = types.Int64Value(1)
			},
		},
		"cpu and a queue, min 0": {
			source: cpuMemory,
			mutate: func(m *ScaledObjectSpecModel, _ *MetadataModel) { m.Trigger = append(m.Trigger, cpuTrigger()) },
		},
		"fallback with only cpu": {
			source: fallbackValid,
			mutate: func(m *ScaledObjectSpecModel, meta *MetadataModel) {
				onlyCPU(m, meta)
				m.MinReplicaCount = types.Int64Value(1)
				m.Fallback = &FallbackModel{FailureThreshold: types.Int64Value(3), Replicas: types.Int64Value(1), Behavior: s("static")}
			},
			path: "fallback", summary: "Invalid fallback",
			unknown: func(m *ScaledObjectSpecModel, _ *MetadataModel) { m.Fallback.Replicas = unknownI },
		},
		"fallback with a queue trigger": {
			source: fallbackValid,
			mutate: func(m *ScaledObjectSpecModel, _ *MetadataModel) {
				m.Fallback = &FallbackModel{FailureThreshold: types.Int64Value(3), Replicas: types.Int64Value(1), Behavior: s("static")}
			},
		},
		"fallback behavior scalingModifiers without a formula": {
			source: fallbackSM,
			mutate: func(m *ScaledObjectSpecModel, _ *MetadataModel) {
				m.Fallback = &FallbackModel{FailureThreshold: types.Int64Value(3), Replicas: types.Int64Value(1), Behavior: s("scalingModifiers")}
			},
			path: "fallback.behavior", summary: "Invalid fallback",
			unknown: func(m *ScaledObjectSpecModel, _ *MetadataModel) { m.Fallback.Behavior = unknownS },
		},
		"formula names an unnamed trigger": {
			source: modifiersRule,
			mutate: func(m *ScaledObjectSpecModel, _ *MetadataModel) { m.Advanced = modifiers("queue * 2", "5") },
			path:   "advanced.scaling_modifiers.formula", summary: "Invalid scaling modifiers",
			unknown: func(m *ScaledObjectSpecModel, _ *MetadataModel) { m.Trigger[0].Name = unknownS },
		},
		"formula target not positive": {
			source: modifiersRule,
			mutate: func(m *ScaledObjectSpecModel, _ *MetadataModel) {
				m.Trigger[0].Name = s("queue")
				m.Advanced = modifiers("queue * 2", "0")
			},
			path: "advanced.scaling_modifiers.target", summary: "Invalid scaling modifiers",
			unknown: func(m *ScaledObjectSpecModel, _ *MetadataModel) { m.Advanced.ScalingModifiers.Target = unknownS },
		},
		"formula over a named trigger": {
			source: modifiersRule,
			mutate: func(m *ScaledObjectSpecModel, _ *MetadataModel) {
				m.Trigger[0].Name = s("queue")
				m.Advanced = modifiers("queue * 2", "5")
			},
		},
		"duplicate trigger names": {
			source: validateTrigs,
			mutate: func(m *ScaledObjectSpecModel, _ *MetadataModel) {
				a, b := untypedTrigger("kafka", map[string]string{"topic": "a"}), untypedTrigger("kafka", map[string]string{"topic": "b"})
				a.Name, b.Name = s("a"), s("a")
				m.Trigger = []TriggerModel{a, b}
			},
			path: "trigger[1].name", summary: "Duplicate trigger name",
			unknown: func(m *ScaledObjectSpecModel, _ *MetadataModel) { m.Trigger[1].Name = unknownS },
		},
		"cached metrics on cron": {
			source: validateTrigs,
			mutate: func(m *ScaledObjectSpecModel, _ *MetadataModel) {
				c := untypedTrigger("cron", map[string]string{"timezone": "UTC", "start": "0 8 * * *", "end": "0 9 * * *", "desiredReplicas": "2"})
				c.UseCachedMetrics = types.BoolValue(true)
				m.Trigger = append(m.Trigger, c)
			},
			path: "trigger[1].use_cached_metrics", summary: "use_cached_metrics not supported",
			unknown: func(m *ScaledObjectSpecModel, _ *MetadataModel) { m.Trigger[1].Type = unknownS },
		},
		"polling interval with min above 0": {
			source: pollingWarning,
			mutate: func(m *ScaledObjectSpecModel, _ *MetadataModel) {
				m.MinReplicaCount, m.PollingInterval = types.Int64Value(1), types.Int64Value(15)
			},
			path: "polling_interval", summary: "polling_interval does not affect scaling", warning: true,
			unknown: func(m *ScaledObjectSpecModel, _ *MetadataModel) { m.MinReplicaCount = unknownI },
		},
		"polling interval with min 0": {
			source: pollingWarning,
			mutate: func(m *ScaledObjectSpecModel, _ *MetadataModel) {
				m.MinReplicaCount, m.PollingInterval = types.Int64Value(0), types.Int64Value(15)
			},
		},
		"cooldown with min above 0": {
			source: cooldownWarn,
			mutate: func(m *ScaledObjectSpecModel, _ *MetadataModel) {
				m.MinReplicaCount, m.CooldownPeriod = types.Int64Value(2), types.Int64Value(30)
			},
			path: "cooldown_period", summary: "cooldown_period has no effect", warning: true,
			unknown: func(m *ScaledObjectSpecModel, _ *MetadataModel) { m.CooldownPeriod = unknownI },
		},
		"cooldown with idle replicas": {
			source: cooldownWarn,
			mutate: func(m *ScaledObjectSpecModel, _ *MetadataModel) {
				m.MinReplicaCount, m.IdleReplicaCount, m.CooldownPeriod = types.Int64Value(2), types.Int64Value(0), types.Int64Value(30)
			},
		},
		"tolerance and policies": {
			source: "k8s.io/kubernetes pkg/apis/autoscaling/validation validateScalingRules",
			mutate: func(m *ScaledObjectSpecModel, _ *MetadataModel) {
				m.Advanced = &AdvancedModel{RestoreToOriginalReplicaCount: no, HPAConfig: &HPAConfigModel{Name: nullS, Behavior: &BehaviorModel{
					ScaleUp: &ScalingRulesModel{StabilizationWindowSeconds: types.Int64Value(3600), SelectPolicy: s("Max"), Tolerance: s("0.05"),
						Policy: []ScalingPolicyModel{{Type: s("Pods"), Value: types.Int64Value(2147483647), PeriodSeconds: types.Int64Value(1800)}}},
				}}}
			},
		},
	}
	runRuleTable(t, cases, validSpec, ValidateScaledObject)
	checkRulesCited(t, scaledObjectRules, cases)
}

// Whole-object rules still run when values they do not read are unknown:
// here the namespace, the name and a trigger value are known only after
// apply.
func TestScaledObjectRulesRunOnWhatIsKnown(t *testing.T) {
	spec := validSpec()
	spec.MinReplicaCount, spec.MaxReplicaCount = types.Int64Value(9), types.Int64Value(3)
	spec.Trigger[0].RabbitMQ.QueueName = unknownS
	spec.ScaleTargetRef.Name = unknownS
	meta := metaModel(metav1.ObjectMeta{})
	meta.Name, meta.Namespace = unknownS, unknownS
	diags := ValidateScaledObject(spec, meta)
	if !hasDiag(diags, "min_replica_count", "Invalid replica counts", false) {
		t.Fatalf("min > max must fail with the namespace, name and a trigger value unknown; got %v", diags)
	}
	if len(diags) != 1 {
		t.Fatalf("rules that read unknown values must not fire; got %v", diags)
	}
	// The trigger list itself unknown (a dynamic block over a value known
	// after apply): rules reading triggers skip, the others run.
	spec = validSpec()
	spec.Trigger, spec.TriggersUnknown = nil, true
	spec.Fallback = &FallbackModel{FailureThreshold: types.Int64Value(3), Replicas: types.Int64Value(1), Behavior: s("static")}
	if diags := ValidateScaledObject(spec, metaModel(metaOK)); len(diags) > 0 {
		t.Fatalf("no rule may judge an unknown trigger list as empty; got %v", diags)
	}
	spec.MinReplicaCount, spec.MaxReplicaCount = types.Int64Value(9), types.Int64Value(3)
	if diags := ValidateScaledObject(spec, metaModel(metaOK)); !hasDiag(diags, "min_replica_count", "Invalid replica counts", false) || len(diags) != 1 {
		t.Fatalf("want only the replica counts error, got %v", diags)
	}
}

// A number beyond 32 bits has its attribute error and is not judged again.
func TestScaledObjectRulesSkipOutOfRangeNumbers(t *testing.T) {
	spec := validSpec()
	spec.MinReplicaCount, spec.MaxReplicaCount = types.Int64Value(150), types.Int64Value(100000000000)
	if diags := ValidateScaledObject(spec, metaModel(metav1.ObjectMeta{Name: "ok", Namespace: "ml"})); len(diags) > 0 {
		t.Fatalf("want no whole-object diagnostics, got %v", diags)
	}
}

// Trigger-level checks (owned by the trigger files) still run from here.
func TestScaledObjectTriggerChecks(t *testing.T) {
	cases := map[string]struct {
		spec    func(*ScaledObjectSpecModel)
		path    string
		summary string
		warning bool
	}{
		"password in the rabbitmq host": {
			spec: func(m *ScaledObjectSpecModel) {
				m.Trigger = []TriggerModel{queueTrigger("amqp://user:secret@rabbitmq:5672")}
			},
			path: "trigger[0].rabbitmq.host", summary: "Password in the RabbitMQ host", warning: true,
		},
		"host and host_from_env": {
			spec: func(m *ScaledObjectSpecModel) { m.Trigger[0].RabbitMQ.HostFromEnv = s("RABBITMQ_URL") },
			path: "trigger[0].rabbitmq.host_from_env", summary: "host_from_env ignored", warning: true,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			spec := validSpec()
			tc.spec(&spec)
			diags := ValidateScaledObject(spec, metaModel(metav1.ObjectMeta{Name: "ok", Namespace: "ml"}))
			if !hasDiag(diags, tc.path, tc.summary, tc.warning) {
				t.Fatalf("want %s %q on %s, got %v", severity(tc.warning), tc.summary, tc.path, diags)
			}
		})
	}
}

func severity(warning bool) diag.Severity {
	if warning {
		return diag.SeverityWarning
	}
	return diag.SeverityError
}

func hasDiag(diags diag.Diagnostics, at, summary string, warning bool) bool {
	for _, d := range diags {
		wp, ok := d.(diag.DiagnosticWithPath)
		if ok && wp.Path().String() == at && d.Summary() == summary && d.Severity() == severity(warning) {
			return true
		}
	}
	return false
}

func hasSummary(diags diag.Diagnostics, summary string) bool {
	for _, d := range diags {
		if d.Summary() == summary {
			return true
		}
	}
	return false
}
