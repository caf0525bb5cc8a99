package keda

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/kedacore/keda/v2/apis/keda/v1alpha1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
)

func f(v float64) types.Float64 { return types.Float64Value(v) }

var (
	nullS = types.StringNull()
	nullF = types.Float64Null()
	no    = types.BoolValue(false)
)

func baseTrigger() TriggerModel {
	return TriggerModel{Name: nullS, UseCachedMetrics: no, Type: nullS, Metadata: types.MapNull(types.StringType), MetricType: nullS}
}

func TestTriggerConversion(t *testing.T) {
	tc := TriggerContext{Namespace: "ml", TargetName: "gpu-svc"}
	rabbit := baseTrigger()
	rabbit.Name = s("queue")
	rabbit.AuthenticationRef = &AuthRefModel{Name: s("rabbitmq-auth"), Kind: nullS}
	rabbit.RabbitMQ = &RabbitMQModel{
		Host: nullS, HostFromEnv: nullS, Protocol: s("amqp"), QueueName: s("inference_requests"), Mode: s("QueueLength"),
		Value: f(5), ActivationValue: f(0.5), VhostName: nullS, UseRegex: no, PageSize: types.Int64Null(), Operation: nullS,
		ExcludeUnacknowledged: no, UnsafeSSL: no, Timeout: nullS, UsernameFromEnv: nullS, PasswordFromEnv: nullS,
	}
	rabbitHTTP := baseTrigger()
	rabbitHTTP.RabbitMQ = &RabbitMQModel{
		Host: s("https://rmq:15671/vhost"), HostFromEnv: nullS, Protocol: s("http"), QueueName: s("q.*"), Mode: s("MessageRate"),
		Value: f(100), ActivationValue: nullF, VhostName: s("/"), UseRegex: types.BoolValue(true), PageSize: types.Int64Value(50),
		Operation: s("max"), ExcludeUnacknowledged: types.BoolValue(true), UnsafeSSL: types.BoolValue(true), Timeout: s("5s"),
		UsernameFromEnv: s("RMQ_USER"), PasswordFromEnv: s("RMQ_PASS"),
	}
	cpu := baseTrigger()
	cpu.CPU = &ResourceModel{Utilization: types.Int64Value(70), AverageValue: nullS, ContainerName: nullS}
	mem := baseTrigger()
	mem.Memory = &ResourceModel{Utilization: types.Int64Null(), AverageValue: s("512Mi"), ContainerName: s("model")}
	prom := baseTrigger()
	prom.UseCachedMetrics = types.BoolValue(true)
	prom.MetricType = s("Value")
	prom.AuthenticationRef = &AuthRefModel{Name: s("prom-auth"), Kind: s("ClusterTriggerAuthentication")}
	prom.Prometheus = &PrometheusModel{
		ServerAddress: s("http://prometheus:9090"), Query: s(`avg(inference_latency{service="ml"})`), Threshold: f(500),
		ActivationThreshold: f(100), Namespace: s("tenant"), CustomHeaders: mapValue(map[string]string{"X-B": "2", "X-A": "1"}),
		QueryParameters: mapValue(map[string]string{"dedup": "true"}), IgnoreNullValues: types.BoolValue(false),
		UnsafeSSL: no, Timeout: s("3s"), AuthModes: types.SetValueMust(types.StringType, []attr.Value{s("bearer")}),
	}
	gpu := baseTrigger()
	gpu.GPU = &GPUModel{
		ServerAddress: s("http://prometheus:9090"), Metric: s("framebuffer_utilization"), Target: f(80), ActivationTarget: nullF,
		PodNamespace: nullS, PodNamePrefix: nullS, NamespaceLabel: s("exported_namespace"), PodLabel: s("exported_pod"),
		Query: nullS, Namespace: nullS, CustomHeaders: types.MapNull(types.StringType), QueryParameters: types.MapNull(types.StringType),
		IgnoreNullValues: types.BoolNull(), UnsafeSSL: no, Timeout: nullS, AuthModes: types.SetNull(types.StringType),
	}
	generic := baseTrigger()
	generic.Type = s("kafka")
	generic.Metadata = mapValue(map[string]string{"topic": "requests", "lagThreshold": "10"})
	generic.MetricType = s("AverageValue")

	fbSel := `{exported_namespace="ml",exported_pod=~"gpu-svc-(([bcdfghjklmnpqrstvwxz2456789]{1,10}-)?[bcdfghjklmnpqrstvwxz2456789]{5}|[0-9]+)"}`
	cases := map[string]struct {
		in   TriggerModel
		want v1alpha1.ScaleTriggers
		// back is what reading the trigger gives, when it differs from in.
		back func(TriggerModel) TriggerModel
	}{
		"rabbitmq amqp": {in: rabbit, want: v1alpha1.ScaleTriggers{
			Type: "rabbitmq", Name: "queue", AuthenticationRef: &v1alpha1.AuthenticationRef{Name: "rabbitmq-auth"},
			Metadata: map[string]string{"protocol": "amqp", "queueName": "inference_requests", "mode": "QueueLength", "value": "5", "activationValue": "0.5"},
		}},
		"rabbitmq http with every option": {in: rabbitHTTP, want: v1alpha1.ScaleTriggers{
			Type: "rabbitmq",
			Metadata: map[string]string{"host": "https://rmq:15671/vhost", "protocol": "http", "queueName": "q.*", "mode": "MessageRate",
				"value": "100", "vhostName": "/", "useRegex": "true", "pageSize": "50", "operation": "max", "excludeUnacknowledged": "true",
				"unsafeSsl": "true", "timeout": "5s", "usernameFromEnv": "RMQ_USER", "passwordFromEnv": "RMQ_PASS"},
		}},
		"cpu utilization": {in: cpu, want: v1alpha1.ScaleTriggers{
			Type: "cpu", MetricType: autoscalingv2.UtilizationMetricType, Metadata: map[string]string{"value": "70"},
		}},
		"memory average value": {in: mem, want: v1alpha1.ScaleTriggers{
			Type: "memory", MetricType: autoscalingv2.AverageValueMetricType, Metadata: map[string]string{"value": "512Mi", "containerName": "model"},
		}},
		"prometheus": {in: prom, want: v1alpha1.ScaleTriggers{
			Type: "prometheus", UseCachedMetrics: true, MetricType: autoscalingv2.ValueMetricType,
			AuthenticationRef: &v1alpha1.AuthenticationRef{Name: "prom-auth", Kind: "ClusterTriggerAuthentication"},
			Metadata: map[string]string{"serverAddress": "http://prometheus:9090", "query": `avg(inference_latency{service="ml"})`,
				"threshold": "500", "activationThreshold": "100", "namespace": "tenant", "customHeaders": "X-A=1,X-B=2",
				"queryParameters": "dedup=true", "ignoreNullValues": "false", "timeout": "3s", "authModes": "bearer"},
		}},
		"gpu framebuffer utilization with exported labels": {
			in: gpu,
			want: v1alpha1.ScaleTriggers{
				Type: "prometheus", MetricType: autoscalingv2.AverageValueMetricType,
				Metadata: map[string]string{"serverAddress": "http://prometheus:9090", "threshold": "80",
					"query": "sum(100 * DCGM_FI_DEV_FB_USED" + fbSel + " / (DCGM_FI_DEV_FB_USED" + fbSel + " + DCGM_FI_DEV_FB_FREE" + fbSel + ")) or vector(0)"},
			},
			back: func(m TriggerModel) TriggerModel {
				g := *m.GPU
				g.Query = s("sum(100 * DCGM_FI_DEV_FB_USED" + fbSel + " / (DCGM_FI_DEV_FB_USED" + fbSel + " + DCGM_FI_DEV_FB_FREE" + fbSel + ")) or vector(0)")
				m.GPU = &g
				return m
			},
		},
		"any other scaler": {in: generic, want: v1alpha1.ScaleTriggers{
			Type: "kafka", MetricType: autoscalingv2.AverageValueMetricType, Metadata: map[string]string{"topic": "requests", "lagThreshold": "10"},
		}},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			got := c.in.Expand(tc)
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Fatalf("Expand (-want +got):\n%s", diff)
			}
			want := c.in
			if c.back != nil {
				want = c.back(c.in)
			}
			// Once with the prior state (refresh; the state holds what
			// the plan computed), once without (import).
			for _, prior := range []*TriggerModel{&want, nil} {
				back := FlattenTrigger(got, prior, tc)
				if diff := cmp.Diff(want, back); diff != "" {
					t.Fatalf("Flatten (prior %v) (-want +got):\n%s", prior != nil, diff)
				}
			}
		})
	}
}

// A trigger written in a form the typed blocks cannot express (here the
// deprecated queueLength) is read back untyped, so the plan shows the
// difference instead of hiding it.
func TestFlattenTriggerFallsBackToUntyped(t *testing.T) {
	kt := v1alpha1.ScaleTriggers{Type: "rabbitmq", Metadata: map[string]string{"queueName": "q", "queueLength": "50", "value": "5"}}
	got := FlattenTrigger(kt, nil, TriggerContext{})
	if got.RabbitMQ != nil || got.Type.ValueString() != "rabbitmq" || stringMap(got.Metadata)["queueLength"] != "50" {
		t.Fatalf("got %+v", got)
	}
}

func TestGenerateGPUQueryEscapesNames(t *testing.T) {
	q := GenerateGPUQuery(GPUUtilization, "namespace", "ml", "pod", "llm.v2")
	want := `sum(DCGM_FI_DEV_GPU_UTIL{namespace="ml",pod=~"llm\\.v2-(([bcdfghjklmnpqrstvwxz2456789]{1,10}-)?[bcdfghjklmnpqrstvwxz2456789]{5}|[0-9]+)"}) or vector(0)`
	if q != want {
		t.Fatalf("got  %s\nwant %s", q, want)
	}
	g, ok := flattenGPU(map[string]string{"query": q, "threshold": "1", "serverAddress": "http://p"}, nil, TriggerContext{Namespace: "ml", TargetName: "other"})
	if !ok || g.Metric.ValueString() != "utilization" || g.PodNamePrefix.ValueString() != "llm.v2" || !g.PodNamespace.IsNull() {
		t.Fatalf("import of a generated query: ok=%v %+v", ok, g)
	}
}
