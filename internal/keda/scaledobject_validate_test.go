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

func validSpec() ScaledObjectSpecModel {
	return ScaledObjectSpecModel{
		ScaleTargetRef:  &ScaleTargetRefModel{Name: s("worker"), Kind: nullS, APIVersion: nullS, EnvSourceContainerName: nullS},
		PollingInterval: types.Int64Null(), CooldownPeriod: types.Int64Null(), InitialCooldownPeriod: types.Int64Null(),
		IdleReplicaCount: types.Int64Null(), MinReplicaCount: types.Int64Null(), MaxReplicaCount: types.Int64Null(),
		Paused: types.BoolNull(), PausedReplicas: types.Int64Null(), PausedScaleIn: types.BoolNull(), PausedScaleOut: types.BoolNull(),
		Trigger: []TriggerModel{queueTrigger("amqp://rabbitmq:5672")},
	}
}

func TestValidateScaledObject(t *testing.T) {
	long := strings.Repeat("a", 60)
	cases := map[string]struct {
		meta    metav1.ObjectMeta
		spec    func(*ScaledObjectSpecModel)
		path    string
		summary string
		warning bool
	}{
		"valid": {meta: metav1.ObjectMeta{Name: "ok", Namespace: "ml"}},
		"name longer than a label value": {
			meta: metav1.ObjectMeta{Name: strings.Repeat("a", 64), Namespace: "ml"},
			path: "metadata.name", summary: "ScaledObject name too long",
		},
		"derived HPA name too long": {
			meta: metav1.ObjectMeta{Name: long, Namespace: "ml"},
			path: "metadata.name", summary: "HPA name too long",
		},
		"explicit HPA name too long": {
			meta: metav1.ObjectMeta{Name: "ok", Namespace: "ml"},
			spec: func(m *ScaledObjectSpecModel) {
				m.Advanced = &AdvancedModel{RestoreToOriginalReplicaCount: no, HPAConfig: &HPAConfigModel{Name: s(strings.Repeat("h", 64))}}
			},
			path: "advanced.horizontal_pod_autoscaler_config.name", summary: "HPA name too long",
		},
		"pause annotation written by hand": {
			meta: metav1.ObjectMeta{Name: "ok", Namespace: "ml", Annotations: map[string]string{"autoscaling.keda.sh/paused": "true"}},
			path: `metadata.annotations["autoscaling.keda.sh/paused"]`, summary: "Use the pause attributes",
		},
		"password in the rabbitmq host": {
			meta: metav1.ObjectMeta{Name: "ok", Namespace: "ml"},
			spec: func(m *ScaledObjectSpecModel) {
				m.Trigger = []TriggerModel{queueTrigger("amqp://user:secret@rabbitmq:5672")}
			},
			path: "trigger[0].rabbitmq.host", summary: "Password in the RabbitMQ host", warning: true,
		},
		"fallback behavior scalingModifiers without a formula": {
			meta: metav1.ObjectMeta{Name: "ok", Namespace: "ml"},
			spec: func(m *ScaledObjectSpecModel) {
				m.Fallback = &FallbackModel{FailureThreshold: types.Int64Value(3), Replicas: types.Int64Value(1), Behavior: s("scalingModifiers")}
			},
			path: "fallback.behavior", summary: "Invalid fallback",
		},
		"host and host_from_env": {
			meta: metav1.ObjectMeta{Name: "ok", Namespace: "ml"},
			spec: func(m *ScaledObjectSpecModel) { m.Trigger[0].RabbitMQ.HostFromEnv = s("RABBITMQ_URL") },
			path: "trigger[0].rabbitmq.host_from_env", summary: "host_from_env ignored", warning: true,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			spec := validSpec()
			if tc.spec != nil {
				tc.spec(&spec)
			}
			diags := ValidateScaledObject(spec, tc.meta)
			if tc.path == "" {
				if len(diags) > 0 {
					t.Fatalf("unexpected diagnostics: %v", diags)
				}
				return
			}
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
