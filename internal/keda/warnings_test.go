package keda

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func wProm(query string) TriggerModel {
	return TriggerModel{Prometheus: &PrometheusModel{
		ServerAddress: types.StringValue("http://prometheus:9090"), Query: types.StringValue(query), Threshold: types.Float64Value(500),
	}}
}

func wMetricType(t TriggerModel, mt string) TriggerModel {
	t.MetricType = types.StringValue(mt)
	return t
}

// wGPU is a gpu trigger in namespace ml as the plan holds it: defaults filled in, the
// generated query computed.
func wGPU(target string) TriggerModel {
	g := &GPUModel{
		ServerAddress: types.StringValue("http://prometheus:9090"), Metric: types.StringValue(string(GPUUtilization)),
		Target: types.Float64Value(70), NamespaceLabel: types.StringValue("namespace"), PodLabel: types.StringValue("pod"),
	}
	g.Query = types.StringValue(g.GeneratedQuery(TriggerContext{Namespace: "ml", TargetName: target}))
	return TriggerModel{GPU: g}
}

func wQueue() TriggerModel {
	return TriggerModel{RabbitMQ: &RabbitMQModel{
		Protocol: types.StringValue("amqp"), QueueName: types.StringValue("q"), Mode: types.StringValue("QueueLength"),
		Value: types.Float64Value(5),
	}}
}

func wSO(minR, maxR types.Int64, triggers ...TriggerModel) ScaledObjectSpecModel {
	return ScaledObjectSpecModel{
		ScaleTargetRef:  &ScaleTargetRefModel{Name: types.StringValue("llm-server")},
		MinReplicaCount: minR, MaxReplicaCount: maxR, Trigger: triggers,
	}
}

var (
	wUnset   = types.Int64Null()
	wUnknown = types.Int64Unknown()
)

func wInt(v int64) types.Int64 { return types.Int64Value(v) }

// assertOneWarning is the one warning of diags, which must have none else.
func assertOneWarning(t *testing.T, diags diag.Diagnostics, at path.Path, summary string) {
	t.Helper()
	if len(diags) != 1 {
		t.Fatalf("want one warning %q at %s, got %d diagnostics: %v", summary, at, len(diags), diags)
	}
	d := diags[0]
	wp, ok := d.(diag.DiagnosticWithPath)
	if d.Severity() != diag.SeverityWarning || !ok || !wp.Path().Equal(at) || d.Summary() != summary {
		t.Fatalf("want warning %q at %s, got %s %q at %v: %s", summary, at, d.Severity(), d.Summary(), warnPathOf(d), d.Detail())
	}
	if !strings.Contains(d.Detail(), "Attribute "+at.String()) {
		t.Errorf("the detail does not name %s: %s", at, d.Detail())
	}
}

func warnPathOf(d diag.Diagnostic) any {
	if wp, ok := d.(diag.DiagnosticWithPath); ok {
		return wp.Path()
	}
	return nil
}

const wQuantile = `histogram_quantile(0.95, sum(rate(inference_latency_ms_bucket{service="ml-api"}[2m])) by (le))`

// A quantile is a per-request latency, not a load to divide among
// replicas. With AverageValue (KEDA's default when metricType is wUnset:
// pkg/scalers/scaler.go, GetMetricTargetType) the HPA computes
// ceil(value / target) replicas (k8s.io/kubernetes
// pkg/controller/podautoscaler/replica_calculator.go,
// GetExternalPerPodMetricReplicas), whatever the current number; with
// Value it scales the current replicas by value / target
// (GetExternalMetricReplicas).
func TestWarnScaledObject_quantileWithAverageValue(t *testing.T) {
	at := path.Root("trigger").AtListIndex(1).AtName("prometheus").AtName("query")
	const summary = "A latency scaled as an average per replica"
	fires := map[string]TriggerModel{
		"histogram_quantile, default metric type": wProm(wQuantile),
		"AverageValue written out":                wMetricType(wProm(wQuantile), "AverageValue"),
		"in parentheses":                          wProm("(" + wQuantile + ")"),
		"summed to one series":                    wProm("sum(" + wQuantile + ")"),
		"max over services":                       wProm("max by () (" + wQuantile + ")"),
		"converted to seconds":                    wProm(wQuantile + " / 1000"),
		"converted to milliseconds":               wProm("1000 * " + wQuantile),
		"with a fallback":                         wProm(wQuantile + " or vector(0)"),
	}
	for name, trig := range fires {
		t.Run("fires/"+name, func(t *testing.T) {
			assertOneWarning(t, WarnScaledObject(wSO(wInt(1), wInt(15), wQueue(), trig), types.StringValue("ml")), at, summary)
		})
	}

	quiet := map[string]ScaledObjectSpecModel{
		"metric type Value": wSO(wInt(1), wInt(15), wQueue(), wMetricType(wProm(wQuantile), "Value")),
		"a gauge":           wSO(wInt(1), wInt(15), wQueue(), wProm(`avg(inference_latency_ms{service="ml-api"})`)),
		"a rate":            wSO(wInt(1), wInt(15), wQueue(), wProm(`sum(rate(requests_total[2m]))`)),
		"quantile inside a count": wSO(wInt(1), wInt(15), wQueue(),
			wProm("count("+wQuantile+" > 500)")),
		"quantile divided into a number": wSO(wInt(1), wInt(15), wQueue(), wProm("1000 / "+wQuantile)),
		"quantile or another metric": wSO(wInt(1), wInt(15), wQueue(),
			wProm(wQuantile+" or sum(rate(requests_total[2m]))")),
		"quantile times a rate": wSO(wInt(1), wInt(15), wQueue(),
			wProm(wQuantile+" * on() sum(rate(requests_total[2m]))")),
		"quantile of a subquery inside a rate": wSO(wInt(1), wInt(15), wQueue(),
			wProm("sum(rate(requests_total[2m])) * 0 + avg_over_time(("+wQuantile+")[5m:1m])")),
		"max_replica_count 1": wSO(wInt(0), wInt(1), wQueue(), wProm(wQuantile)),
		"min = max":           wSO(wInt(4), wInt(4), wQueue(), wProm(wQuantile)),
		"bounds unknown":      wSO(wInt(1), wUnknown, wQueue(), wProm(wQuantile)),
		"query unknown": wSO(wInt(1), wInt(15), wQueue(),
			TriggerModel{Prometheus: &PrometheusModel{Query: types.StringUnknown()}}),
		"metric type unknown": wSO(wInt(1), wInt(15), wQueue(),
			TriggerModel{Prometheus: wProm(wQuantile).Prometheus, MetricType: types.StringUnknown()}),
		"not PromQL": wSO(wInt(1), wInt(15), wQueue(), wProm("histogram_quantile(0.95, ")),
		"histogram_quantile as a label value": wSO(wInt(1), wInt(15), wQueue(),
			wProm(`sum(alerts{rule="histogram_quantile"})`)),
	}
	withModifiers := wSO(wInt(1), wInt(15), wQueue(), wProm(wQuantile))
	withModifiers.Advanced = &AdvancedModel{ScalingModifiers: &ScalingModifiersModel{
		Formula: types.StringValue("latency > 500 ? queue / 2.5 : queue / 5"), Target: types.StringValue("1"),
	}}
	quiet["behind scaling modifiers"] = withModifiers
	for name, so := range quiet {
		t.Run("quiet/"+name, func(t *testing.T) {
			if diags := WarnScaledObject(so, types.StringValue("ml")); len(diags) != 0 {
				t.Fatalf("want no warning, got %v", diags)
			}
		})
	}
}

// predict_linear and deriv fit a line through raw samples; Prometheus'
// documentation of both says they should only be used with gauges
// (docs/querying/functions.md). A counter only grows, so the prediction is
// its running total.
func TestWarnCounterTrend(t *testing.T) {
	at := path.Root("trigger").AtListIndex(0).AtName("prometheus").AtName("query")
	fires := map[string]struct{ query, summary, fix string }{
		"predict_linear of a counter": {
			`sum(predict_linear(http_requests_total{service="ml-forecast"}[30m], 600))`, "predict_linear of a counter",
			`predict_linear(sum(rate(http_requests_total{service="ml-forecast"}[5m]))[30m:1m], 600)`,
		},
		"deriv of a counter": {
			`deriv(http_requests_total[10m])`, "deriv of a counter",
			`deriv(sum(rate(http_requests_total[5m]))[10m:1m])`,
		},
		"a subquery of the bare counter": {
			`predict_linear(http_requests_total[30m:1m], 300)`, "predict_linear of a counter",
			`predict_linear(sum(rate(http_requests_total[5m]))[30m:1m], 300)`,
		},
		"the name as a matcher": {
			`predict_linear({__name__="http_requests_total"}[30m], 600)`, "predict_linear of a counter", "rate(",
		},
		"deep inside": {
			`sum(rate(x[1m])) + clamp_min(predict_linear(jobs_total[1h], 60) / 2, 0)`, "predict_linear of a counter", "rate(",
		},
	}
	for name, tc := range fires {
		t.Run("fires/"+name, func(t *testing.T) {
			so := wSO(wInt(1), wInt(10), wProm(tc.query))
			diags := WarnScaledObject(so, types.StringValue("ml"))
			assertOneWarning(t, diags, at, tc.summary)
			if !strings.Contains(diags[0].Detail(), tc.fix) {
				t.Errorf("the detail does not suggest %s: %s", tc.fix, diags[0].Detail())
			}
			job := ScaledJobSpecModel{Trigger: []TriggerModel{wProm(tc.query)}}
			assertOneWarning(t, WarnScaledJob(job), at, tc.summary)
		})
	}
	quiet := map[string]string{
		"predict_linear of a rate":          `predict_linear(sum(rate(http_requests_total[5m]))[30m:1m], 600)`,
		"predict_linear of an irate":        `predict_linear(irate(http_requests_total[1m])[30m:1m], 600)`,
		"predict_linear of an increase":     `predict_linear(increase(http_requests_total[5m])[30m:1m], 600)`,
		"predict_linear of a gauge":         `predict_linear(node_filesystem_avail_bytes[6h], 3600)`,
		"deriv of a gauge":                  `deriv(queue_depth[10m])`,
		"total in the middle of a name":     `deriv(gpu_total_memory_bytes[10m])`,
		"a sum of counters in the subquery": `predict_linear(sum(http_requests_total)[30m:1m], 600)`,
		"a counter elsewhere":               `sum(rate(http_requests_total[5m])) + predict_linear(queue_depth[30m], 60)`,
		"not PromQL":                        `predict_linear(http_requests_total[30m], `,
	}
	for name, query := range quiet {
		t.Run("quiet/"+name, func(t *testing.T) {
			if diags := WarnScaledObject(wSO(wInt(1), wInt(10), wProm(query)), types.StringValue("ml")); len(diags) != 0 {
				t.Fatalf("want no warning, got %v", diags)
			}
			if diags := WarnScaledJob(ScaledJobSpecModel{Trigger: []TriggerModel{wProm(query)}}); len(diags) != 0 {
				t.Fatalf("want no warning on a ScaledJob, got %v", diags)
			}
		})
	}
}

// A gpu trigger measures the GPUs of the scale target's own pods: at zero
// replicas there are none and its query returns 0 (`or vector(0)`), so KEDA
// never activates the target. An wUnset minReplicaCount is 0 to KEDA
// (apis/keda/v1alpha1/scaledobject_types.go, IsPollingIntervalRelevant).
// KEDA's webhook rejects this only when every trigger is cpu or memory
// (scaledobject_webhook.go, verifyCPUMemoryScalers), not for prometheus.
func TestWarnScaledObject_ownPodsFromZero(t *testing.T) {
	at := path.Root("min_replica_count")
	const summary = "Cannot scale up from zero"
	ns := types.StringValue("ml")
	own := wGPU("llm-server")
	cpu := TriggerModel{CPU: &ResourceModel{Utilization: types.Int64Value(70)}}
	fires := map[string]ScaledObjectSpecModel{
		"gpu only, min wUnset": wSO(wUnset, wInt(8), own),
		"gpu only, min 0":      wSO(wInt(0), wInt(8), own),
		"gpu and cpu":          wSO(wInt(0), wInt(8), own, cpu),
		"two gpu triggers":     wSO(wUnset, wInt(8), own, own),
	}
	for name, so := range fires {
		t.Run("fires/"+name, func(t *testing.T) {
			assertOneWarning(t, WarnScaledObject(so, ns), at, summary)
		})
	}

	elsewhere := wGPU("llm-server")
	elsewhere.GPU.PodNamePrefix = types.StringValue("llm-router")
	elsewhere.GPU.Query = types.StringValue(elsewhere.GPU.GeneratedQuery(TriggerContext{Namespace: "ml", TargetName: "llm-server"}))
	otherNS := wGPU("llm-server")
	otherNS.GPU.PodNamespace = types.StringValue("serving")
	otherNS.GPU.Query = types.StringValue(otherNS.GPU.GeneratedQuery(TriggerContext{Namespace: "ml", TargetName: "llm-server"}))
	sameNS := wGPU("llm-server")
	sameNS.GPU.PodNamespace = types.StringValue("ml")
	overridden := wGPU("llm-server")
	overridden.GPU.Query = types.StringValue(`sum(DCGM_FI_DEV_GPU_UTIL{namespace="ml",pod=~"llm-router-.*"})`)
	unknownPrefix := wGPU("llm-server")
	unknownPrefix.GPU.PodNamePrefix, unknownPrefix.GPU.Query = types.StringUnknown(), types.StringUnknown()
	unknownTarget := wSO(wUnset, wInt(8), own)
	unknownTarget.ScaleTargetRef = &ScaleTargetRefModel{Name: types.StringUnknown()}

	quiet := map[string]ScaledObjectSpecModel{
		"min 1":                        wSO(wInt(1), wInt(8), own),
		"min unknown":                  wSO(wUnknown, wInt(8), own),
		"with a queue trigger":         wSO(wInt(0), wInt(8), own, wQueue()),
		"pods of another workload":     wSO(wInt(0), wInt(8), elsewhere),
		"pods in another namespace":    wSO(wInt(0), wInt(8), otherNS),
		"a query of its own":           wSO(wInt(0), wInt(8), overridden),
		"prefix unknown":               wSO(wInt(0), wInt(8), unknownPrefix),
		"target name unknown":          unknownTarget,
		"cpu only (KEDA rejects that)": wSO(wInt(0), wInt(8), cpu),
	}
	for name, so := range quiet {
		t.Run("quiet/"+name, func(t *testing.T) {
			if diags := WarnScaledObject(so, ns); len(diags) != 0 {
				t.Fatalf("want no warning, got %v", diags)
			}
		})
	}
	t.Run("fires/pod_namespace set to its own", func(t *testing.T) {
		assertOneWarning(t, WarnScaledObject(wSO(wInt(0), wInt(8), sameNS), ns), at, summary)
	})
	t.Run("quiet/namespace unknown", func(t *testing.T) {
		if diags := WarnScaledObject(wSO(wInt(0), wInt(8), own), types.StringUnknown()); len(diags) != 0 {
			t.Fatalf("want no warning, got %v", diags)
		}
	})
}

// A ScaledJob creates Jobs from the pending work its triggers report
// (pkg/scaling/executor/scale_jobs.go: the number of Jobs follows
// queueLength / targetAverageValue); GPU load is not work waiting.
func TestWarnScaledJob_gpu(t *testing.T) {
	job := ScaledJobSpecModel{Trigger: []TriggerModel{wQueue(), wGPU("batch")}}
	assertOneWarning(t, WarnScaledJob(job), path.Root("trigger").AtListIndex(1).AtName("gpu"), "GPU load is not pending work")

	job.Trigger = job.Trigger[:1]
	if diags := WarnScaledJob(job); len(diags) != 0 {
		t.Fatalf("a queue trigger alone: want no warning, got %v", diags)
	}
}

// What the warnings cost a plan: one ScaledObject with two prometheus
// queries to parse (reported, not asserted).
func BenchmarkWarnScaledObject(b *testing.B) {
	so := wSO(wInt(1), wInt(15), wProm(wQuantile), wProm(`predict_linear(sum(rate(http_requests_total[5m]))[30m:1m], 600)`))
	ns := types.StringValue("ml")
	for b.Loop() {
		if diags := WarnScaledObject(so, ns); len(diags) != 1 {
			b.Fatalf("want the quantile warning only, got %v", diags)
		}
	}
}
