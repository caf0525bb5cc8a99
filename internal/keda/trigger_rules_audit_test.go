package keda

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// withNulls sets every collection a model leaves at its zero value to a
// typed null, as the framework does for an absent attribute.
func withNulls[T any](m T) T {
	fill(reflect.ValueOf(&m).Elem())
	return m
}

func fill(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			fill(v.Elem())
		}
	case reflect.Slice:
		for i := range v.Len() {
			fill(v.Index(i))
		}
	case reflect.Struct:
		switch v.Interface().(type) {
		case types.Map:
			if v.Interface().(types.Map).ElementType(context.Background()) == nil {
				v.Set(reflect.ValueOf(types.MapNull(types.StringType)))
			}
			return
		case types.Set:
			if v.Interface().(types.Set).ElementType(context.Background()) == nil {
				v.Set(reflect.ValueOf(types.SetNull(types.StringType)))
			}
			return
		case types.List:
			if v.Interface().(types.List).ElementType(context.Background()) == nil {
				v.Set(reflect.ValueOf(types.ListNull(types.StringType)))
			}
			return
		}
		if v.Type().Implements(reflect.TypeFor[attr.Value]()) {
			return
		}
		for i := range v.NumField() {
			fill(v.Field(i))
		}
	}
}

func rabbit(mod func(*RabbitMQModel)) TriggerModel {
	r := &RabbitMQModel{Host: s("amqp://rabbitmq:5672"), QueueName: s("q")}
	if mod != nil {
		mod(r)
	}
	return withNulls(TriggerModel{RabbitMQ: r})
}

func prom(mod func(*PrometheusModel)) TriggerModel {
	p := &PrometheusModel{ServerAddress: s("http://prometheus:9090"), Query: s("sum(x)"), Threshold: f(10)}
	if mod != nil {
		mod(p)
	}
	return withNulls(TriggerModel{Prometheus: p})
}

func cpuT(mod func(*ResourceModel)) TriggerModel {
	r := &ResourceModel{Utilization: types.Int64Value(70)}
	if mod != nil {
		mod(r)
	}
	return withNulls(TriggerModel{CPU: r})
}

func untypedT(typ string, metadata map[string]string, metricType string) TriggerModel {
	return withNulls(TriggerModel{Type: s(typ), Metadata: mapValueOrEmpty(metadata), MetricType: fromStr(metricType)})
}

func withAuth(t TriggerModel) TriggerModel {
	t.AuthenticationRef = &AuthRefModel{Name: s("auth"), Kind: types.StringNull()}
	return t
}

func withMetricType(t TriggerModel, mt string) TriggerModel {
	t.MetricType = s(mt)
	return t
}

// triggerPlanDiags is what a plan reports on one trigger: the schema's
// validators first (their errors stop the plan before ModifyPlan), then
// the rules ModifyPlan runs.
func triggerPlanDiags(t TriggerModel, forJob bool) diag.Diagnostics {
	diags := t.configDiags()
	if diags.HasError() {
		return diags
	}
	diags.Append(validateTriggers([]TriggerModel{t}, TriggerContext{Namespace: "ml", TargetName: "worker"}, true, forJob)...)
	return diags
}

// auditRow is one rule of the audit: what KEDA v2.21 does with a trigger
// (cite names the KEDA file and function), and what the plan must do.
type auditRow struct {
	cite    string
	trigger TriggerModel
	forJob  bool
	// want is "ok" (no diagnostic), "warning" or "error" on path.
	want string
	path string
}

// checkAudit asserts one row: an error names the attribute; "ok" and
// "warning" plan (no error at all).
func checkAudit(t *testing.T, diags diag.Diagnostics, want, at string) {
	t.Helper()
	switch want {
	case "ok":
		if len(diags) > 0 {
			t.Fatalf("want no diagnostics, got %v", diags)
		}
		return
	case "warning":
		if diags.HasError() {
			t.Fatalf("want only a warning on %s, got %v", at, diags)
		}
	}
	sev := diag.SeverityError
	if want == "warning" {
		sev = diag.SeverityWarning
	}
	for _, d := range diags {
		if wp, ok := d.(diag.DiagnosticWithPath); ok && wp.Path().String() == at && d.Severity() == sev {
			if sev == diag.SeverityError && !strings.Contains(d.Detail(), at) {
				t.Fatalf("the error on %s does not name it: %s", at, d.Detail())
			}
			return
		}
	}
	t.Fatalf("want %s on %s, got %v", want, at, diags)
}

// TestTriggerRulesAudit: every trigger-level rule the provider enforces or
// warns about, against what KEDA v2.21 does, both ways: what KEDA rejects
// fails at plan on the attribute at fault, what it accepts plans, what it
// ignores or defaults warns at most.
func TestTriggerRulesAudit(t *testing.T) {
	rows := map[string]auditRow{
		// Typed blocks and the untyped form.
		"unknown scaler type": {cite: "pkg/scaling/scalers_builder.go buildScaler (no scaler found for type)",
			trigger: untypedT("kafak", map[string]string{"topic": "t"}, ""), want: "error", path: "trigger[0].type"},
		"untyped form of a typed scaler (Amazon Managed Prometheus)": {cite: "pkg/scalers/prometheus_scaler.go prometheusMetadata (awsRegion, identityOwner)",
			trigger: untypedT("prometheus", map[string]string{"serverAddress": "https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-1",
				"query": "sum(x)", "threshold": "10", "awsRegion": "eu-west-1", "identityOwner": "operator"}, ""), want: "ok"},
		"untyped trigger a typed block would hold": {cite: "provider: typed form preferred (same KEDA metadata)",
			trigger: untypedT("prometheus", map[string]string{"serverAddress": "http://p:9090", "query": "sum(x)", "threshold": "100.50"}, ""),
			want:    "warning", path: "trigger[0].type"},
		"ScaledJob rabbitmq with the deprecated queueLength": {cite: "pkg/scalers/rabbitmq_scaler.go validateTrigger (queueLength alone accepted)",
			trigger: untypedT("rabbitmq", map[string]string{"host": "amqp://r:5672", "queueName": "q", "queueLength": "50"}, ""), forJob: true,
			want: "warning", path: `trigger[0].metadata["queueLength"]`},
		"queueLength with value": {cite: "pkg/scalers/rabbitmq_scaler.go validateTrigger",
			trigger: untypedT("rabbitmq", map[string]string{"host": "amqp://r:5672", "queueName": "q", "queueLength": "50", "value": "5"}, ""),
			want:    "error", path: `trigger[0].metadata["queueLength"]`},
		"metadata key KEDA does not read": {cite: "pkg/scalers/rabbitmq_scaler.go rabbitMQMetadata (username: order=authParams;resolvedEnv)",
			trigger: untypedT("rabbitmq", map[string]string{"host": "amqp://r:5672", "queueName": "q", "username": "guest"}, ""),
			want:    "warning", path: `trigger[0].metadata["username"]`},

		// metricType.
		"Utilization on prometheus": {cite: "pkg/scalers/scaler.go GetMetricTargetType",
			trigger: withMetricType(prom(nil), "Utilization"), want: "error", path: "trigger[0].metric_type"},
		"Utilization on untyped rabbitmq": {cite: "pkg/scalers/scaler.go GetMetricTargetType",
			trigger: untypedT("rabbitmq", map[string]string{"host": "amqp://r:5672", "queueName": "q"}, "Utilization"),
			want:    "error", path: "trigger[0].metric_type"},
		"Utilization on a ScaledJob's kafka": {cite: "pkg/scalers/scaler.go GetMetricTargetType",
			trigger: untypedT("kafka", map[string]string{"topic": "t"}, "Utilization"), forJob: true, want: "error", path: "trigger[0].metric_type"},
		"Utilization on pulsar (ignored)": {cite: "pkg/scalers/pulsar_scaler.go GetMetricSpecForScaling (own AverageValue)",
			trigger: untypedT("pulsar", map[string]string{"adminURL": "http://p", "topic": "t", "subscription": "s"}, "Utilization"),
			want:    "warning", path: "trigger[0].metric_type"},
		"unknown metric type on a ScaledObject": {cite: "k8s pkg/apis/autoscaling/validation validateMetricTarget",
			trigger: withMetricType(prom(nil), "Average"), want: "error", path: "trigger[0].metric_type"},
		"Value on a ScaledJob": {cite: "pkg/scaling/scaledjob/metrics.go getTargetAverageValue (AverageValue only)",
			trigger: withMetricType(prom(nil), "Value"), forJob: true, want: "warning", path: "trigger[0].metric_type"},
		"Value on a ScaledObject": {cite: "pkg/scalers/scaler.go GetMetricTargetType",
			trigger: withMetricType(prom(nil), "Value"), want: "ok"},
		"cached metrics on cpu": {cite: "apis/keda/v1alpha1/scaletriggers_types.go ValidateTriggers",
			trigger: func() TriggerModel { t := cpuT(nil); t.UseCachedMetrics = types.BoolValue(true); return t }(),
			want:    "error", path: "trigger[0].use_cached_metrics"},
		"cached metrics on untyped cron": {cite: "apis/keda/v1alpha1/scaletriggers_types.go ValidateTriggers",
			trigger: func() TriggerModel {
				t := untypedT("cron", map[string]string{"timezone": "UTC", "start": "0 8 * * *", "end": "0 9 * * *", "desiredReplicas": "2"}, "")
				t.UseCachedMetrics = types.BoolValue(true)
				return t
			}(), want: "error", path: "trigger[0].use_cached_metrics"},

		// RabbitMQ: pkg/scalers/rabbitmq_scaler.go.
		"rabbitmq without mode and value (KEDA's default QueueLength 20)": {cite: "rabbitmq_scaler.go validateTrigger",
			trigger: rabbit(nil), want: "ok"},
		"rabbitmq mode without value": {cite: "rabbitmq_scaler.go validateTrigger (value must be specified)",
			trigger: rabbit(func(r *RabbitMQModel) { r.Mode = s("QueueLength") }), want: "error", path: "trigger[0].rabbitmq.value"},
		"rabbitmq value without mode": {cite: "rabbitmq_scaler.go validateTrigger (mode must be specified)",
			trigger: rabbit(func(r *RabbitMQModel) { r.Value = f(5) }), want: "error", path: "trigger[0].rabbitmq.mode"},
		"rabbitmq value 0 with mode": {cite: "rabbitmq_scaler.go validateTrigger (value must be specified)",
			trigger: rabbit(func(r *RabbitMQModel) { r.Mode, r.Value = s("QueueLength"), f(0) }), want: "error", path: "trigger[0].rabbitmq.value"},
		"rabbitmq unknown mode": {cite: "rabbitmq_scaler.go validateTrigger",
			trigger: untypedT("rabbitmq", map[string]string{"host": "amqp://r:5672", "queueName": "q", "mode": "QueueLenght", "value": "5"}, ""),
			want:    "error", path: `trigger[0].metadata["mode"]`},
		"rabbitmq value rounding to an HPA target of 0": {cite: "pkg/scalers/scaler.go GetMetricTargetMili + HPA validateMetricTarget",
			trigger: rabbit(func(r *RabbitMQModel) { r.Mode, r.Value = s("QueueLength"), f(0.0004) }), want: "error", path: "trigger[0].rabbitmq.value"},
		"rabbitmq negative value on a ScaledJob (no HPA)": {cite: "rabbitmq_scaler.go validateTrigger (only value != 0)",
			trigger: rabbit(func(r *RabbitMQModel) { r.Mode, r.Value = s("QueueLength"), f(-5) }), forJob: true, want: "ok"},
		"rabbitmq timeout in milliseconds over HTTP": {cite: "scalersconfig/typed_config.go setConfigValueHelper (time.Duration: ms)",
			trigger: rabbit(func(r *RabbitMQModel) {
				r.Host, r.Mode, r.Value, r.Timeout = s("http://rabbitmq:15672"), s("MessageRate"), f(10), s("1000")
			}), want: "ok"},
		"rabbitmq negative timeout": {cite: "scalersconfig/typed_config.go setConfigValueHelper (duration cannot be negative)",
			trigger: rabbit(func(r *RabbitMQModel) { r.Host, r.Timeout = s("http://rabbitmq:15672"), s("-1") }), want: "error", path: "trigger[0].rabbitmq.timeout"},
		"rabbitmq timeout over AMQP": {cite: "rabbitmq_scaler.go validateTrigger (AMQP protocol doesn't support custom timeouts)",
			trigger: rabbit(func(r *RabbitMQModel) { r.Mode, r.Value, r.Timeout = s("QueueLength"), f(5), s("5s") }), want: "error", path: "trigger[0].rabbitmq.timeout"},
		"rabbitmq timeout over AMQP with KEDA's default mode": {cite: "rabbitmq_scaler.go validateTrigger (returns before the timeout check)",
			trigger: rabbit(func(r *RabbitMQModel) { r.Timeout = s("5s") }), want: "ok"},
		"rabbitmq host and host_from_env": {cite: "rabbitmq_scaler.go rabbitMQMetadata (host order=triggerMetadata;authParams;resolvedEnv)",
			trigger: rabbit(func(r *RabbitMQModel) { r.HostFromEnv = s("RABBITMQ_URL") }), want: "warning", path: "trigger[0].rabbitmq.host_from_env"},
		"rabbitmq without any host": {cite: "scalersconfig/typed_config.go setValue (missing required parameter host)",
			trigger: rabbit(func(r *RabbitMQModel) { r.Host = types.StringNull() }), want: "error", path: "trigger[0].rabbitmq.host"},
		"rabbitmq host from its TriggerAuthentication with vhostName /": {cite: "rabbitmq_scaler.go rabbitMQMetadata (host from authParams)",
			trigger: withAuth(rabbit(func(r *RabbitMQModel) { r.Host, r.VhostName = types.StringNull(), s("/") })), want: "ok"},
		"rabbitmq host from the environment": {cite: "rabbitmq_scaler.go rabbitMQMetadata (host from resolvedEnv)",
			trigger: rabbit(func(r *RabbitMQModel) { r.Host, r.HostFromEnv = types.StringNull(), s("RABBITMQ_URL") }), want: "ok"},
		"rabbitmq host scheme unknown": {cite: "rabbitmq_scaler.go rabbitMQMetadata.Validate (unknown host URL scheme)",
			trigger: untypedT("rabbitmq", map[string]string{"host": "tcp://r:5672", "queueName": "q"}, ""), want: "error", path: `trigger[0].metadata["host"]`},
		"rabbitmq http host with protocol amqp": {cite: "amqp091 dial of an http:// URL fails on every poll",
			trigger: rabbit(func(r *RabbitMQModel) { r.Host, r.Protocol = s("http://r:15672"), s("amqp") }), want: "error", path: "trigger[0].rabbitmq.host"},
		"rabbitmq rate mode over AMQP": {cite: "rabbitmq_scaler.go validateTrigger (httpOnly modes)",
			trigger: rabbit(func(r *RabbitMQModel) { r.Mode, r.Value = s("MessageRate"), f(5) }), want: "error", path: "trigger[0].rabbitmq.mode"},
		"rabbitmq rate mode, protocol from the TriggerAuthentication": {cite: "rabbitmq_scaler.go rabbitMQMetadata (protocol order=triggerMetadata;authParams)",
			trigger: withAuth(rabbit(func(r *RabbitMQModel) { r.Host, r.Mode, r.Value = types.StringNull(), s("MessageRate"), f(5) })), want: "ok"},
		"rabbitmq regex over AMQP": {cite: "rabbitmq_scaler.go rabbitMQMetadata.Validate (useRegex only with HTTP)",
			trigger: rabbit(func(r *RabbitMQModel) { r.UseRegex = types.BoolValue(true) }), want: "error", path: "trigger[0].rabbitmq.use_regex"},
		"rabbitmq excludeUnacknowledged over AMQP": {cite: "rabbitmq_scaler.go rabbitMQMetadata.Validate",
			trigger: rabbit(func(r *RabbitMQModel) { r.ExcludeUnacknowledged = types.BoolValue(true) }), want: "error", path: "trigger[0].rabbitmq.exclude_unacknowledged"},
		"rabbitmq page size 0": {cite: "rabbitmq_scaler.go rabbitMQMetadata.Validate (pageSize should be 1 or greater)",
			trigger: rabbit(func(r *RabbitMQModel) { r.PageSize = types.Int64Value(0) }), want: "error", path: "trigger[0].rabbitmq.page_size"},
		"rabbitmq page size not a number": {cite: "scalersconfig/typed_config.go setConfigValueHelper (json int64)",
			trigger: untypedT("rabbitmq", map[string]string{"host": "amqp://r:5672", "queueName": "q", "pageSize": "ten"}, ""),
			want:    "error", path: `trigger[0].metadata["pageSize"]`},
		"rabbitmq unknown operation with a regex": {cite: "rabbitmq_scaler.go getComposedQueue",
			trigger: rabbit(func(r *RabbitMQModel) {
				r.Host, r.UseRegex, r.Operation = s("http://r:15672"), types.BoolValue(true), s("median")
			}), want: "error", path: "trigger[0].rabbitmq.operation"},
		"rabbitmq unknown operation without a regex (ignored)": {cite: "rabbitmq_scaler.go getQueueInfoViaHTTP (getComposedQueue only with useRegex)",
			trigger: rabbit(func(r *RabbitMQModel) { r.Operation = s("median") }), want: "warning", path: "trigger[0].rabbitmq.operation"},
		"rabbitmq password in host": {cite: "provider: credentials in clear in the object",
			trigger: rabbit(func(r *RabbitMQModel) { r.Host = s("amqp://u:p@r:5672") }), want: "warning", path: "trigger[0].rabbitmq.host"},
		"rabbitmq auth mode bearer": {cite: "rabbitmq_scaler.go validateOAuth2 (ValidateAllowed oauth, basic, tls)",
			trigger: withAuth(untypedT("rabbitmq", map[string]string{"queueName": "q", "authModes": "bearer"}, "")),
			want:    "error", path: `trigger[0].metadata["authModes"]`},
		"rabbitmq auth mode tls without a TriggerAuthentication": {cite: "authentication/authentication_types.go Config.Validate",
			trigger: untypedT("rabbitmq", map[string]string{"host": "amqps://r:5671", "queueName": "q", "authModes": "tls"}, ""),
			want:    "error", path: `trigger[0].metadata["authModes"]`},

		// Prometheus: pkg/scalers/prometheus_scaler.go.
		"prometheus timeout in milliseconds": {cite: "scalersconfig/typed_config.go setConfigValueHelper (time.Duration: ms)",
			trigger: prom(func(p *PrometheusModel) { p.Timeout = s("1000") }), want: "ok"},
		"prometheus timeout not a duration": {cite: "scalersconfig/typed_config.go setConfigValueHelper",
			trigger: prom(func(p *PrometheusModel) { p.Timeout = s("1.5") }), want: "error", path: "trigger[0].prometheus.timeout"},
		"prometheus oauth": {cite: "authentication/authentication_types.go Config.Modes (enum ...;oauth)",
			trigger: withAuth(prom(func(p *PrometheusModel) { p.AuthModes = setOf("oauth") })), want: "ok"},
		"prometheus tls with bearer": {cite: "authentication/authentication_types.go Config.Modes (exclusiveSet=bearer;basic;oauth)",
			trigger: withAuth(prom(func(p *PrometheusModel) { p.AuthModes = setOf("tls", "bearer") })), want: "ok"},
		"prometheus basic with oauth": {cite: "authentication/authentication_types.go Config.Modes (exclusiveSet=bearer;basic;oauth)",
			trigger: withAuth(prom(func(p *PrometheusModel) { p.AuthModes = setOf("basic", "oauth") })), want: "error", path: "trigger[0].prometheus.auth_modes"},
		"prometheus untyped bearer with basic": {cite: "authentication/authentication_types.go Config.Modes (exclusiveSet)",
			trigger: withAuth(untypedT("prometheus", map[string]string{"serverAddress": "http://p:9090", "query": "sum(x)", "threshold": "1", "authModes": "bearer,basic"}, "")),
			want:    "error", path: `trigger[0].metadata["authModes"]`},
		"prometheus unknown auth mode": {cite: "authentication/authentication_types.go Config.Modes (enum)",
			trigger: withAuth(prom(func(p *PrometheusModel) { p.AuthModes = setOf("digest") })), want: "error",
			path: `trigger[0].prometheus.auth_modes[Value("digest")]`},
		"prometheus auth modes without a TriggerAuthentication": {cite: "authentication/authentication_types.go Config.Validate",
			trigger: prom(func(p *PrometheusModel) { p.AuthModes = setOf("bearer") }), want: "error", path: "trigger[0].prometheus.auth_modes"},
		"prometheus apiKey (accepted, not sent)": {cite: "prometheus_scaler.go ExecutePromQuery (no apiKey case)",
			trigger: withAuth(prom(func(p *PrometheusModel) { p.AuthModes = setOf("apiKey") })), want: "warning", path: "trigger[0].prometheus.auth_modes"},
		"prometheus threshold 0 on a ScaledObject": {cite: "pkg/scalers/scaler.go GetMetricTargetMili + HPA validateMetricTarget",
			trigger: prom(func(p *PrometheusModel) { p.Threshold = f(0) }), want: "error", path: "trigger[0].prometheus.threshold"},
		"prometheus threshold 0 on a ScaledJob": {cite: "prometheus_scaler.go prometheusMetadata (no check; no HPA)",
			trigger: prom(func(p *PrometheusModel) { p.Threshold = f(0) }), forJob: true, want: "ok"},
		"prometheus threshold spelled 100.50": {cite: "scalersconfig/typed_config.go setConfigValueHelper (float64 as JSON)",
			trigger: untypedT("prometheus", map[string]string{"serverAddress": "http://p:9090", "query": "sum(x)", "threshold": "100.50"}, ""),
			want:    "warning", path: "trigger[0].type"},
		"prometheus threshold KEDA cannot read": {cite: "scalersconfig/typed_config.go setConfigValueHelper (json: +5 is not a number)",
			trigger: untypedT("prometheus", map[string]string{"serverAddress": "http://p:9090", "query": "sum(x)", "threshold": "+5"}, ""),
			want:    "error", path: `trigger[0].metadata["threshold"]`},
		"prometheus without threshold": {cite: "prometheus_scaler.go prometheusMetadata (threshold required)",
			trigger: untypedT("prometheus", map[string]string{"serverAddress": "http://p:9090", "query": "sum(x)"}, ""),
			want:    "error", path: "trigger[0].metadata"},
		"prometheus address without scheme": {cite: "prometheus_scaler.go ExecutePromQuery (HTTP GET of serverAddress)",
			trigger: untypedT("prometheus", map[string]string{"serverAddress": "prometheus:9090", "query": "sum(x)", "threshold": "1"}, ""),
			want:    "error", path: `trigger[0].metadata["serverAddress"]`},
		"prometheus header value with a comma": {cite: "scalersconfig/typed_config.go setConfigValueMap",
			trigger: prom(func(p *PrometheusModel) { p.CustomHeaders = mapValue(map[string]string{"X-Scope": "a,b"}) }),
			want:    "error", path: `trigger[0].prometheus.custom_headers["X-Scope"]`},
		"prometheus header with spaces KEDA trims": {cite: "scalersconfig/typed_config.go setConfigValueMap (TrimSpace)",
			trigger: prom(func(p *PrometheusModel) { p.CustomHeaders = mapValue(map[string]string{"X-Scope": " ml"}) }),
			want:    "warning", path: `trigger[0].prometheus.custom_headers["X-Scope"]`},
		"prometheus header without a name": {cite: "net/http: invalid header field name (ExecutePromQuery)",
			trigger: prom(func(p *PrometheusModel) { p.CustomHeaders = mapValue(map[string]string{"": "v"}) }),
			want:    "error", path: `trigger[0].prometheus.custom_headers[""]`},
		"prometheus query parameter without a name": {cite: "prometheus_scaler.go ExecutePromQuery (&=v is sent as is)",
			trigger: prom(func(p *PrometheusModel) { p.QueryParameters = mapValue(map[string]string{"": "v"}) }), want: "ok"},
		"prometheus untyped headers KEDA cannot split": {cite: "scalersconfig/typed_config.go setConfigValueMap (expected format key=value)",
			trigger: untypedT("prometheus", map[string]string{"serverAddress": "http://p:9090", "query": "sum(x)", "threshold": "1", "customHeaders": "a=1,"}, ""),
			want:    "error", path: `trigger[0].metadata["customHeaders"]`},
		"prometheus apiKey method not in its enum": {cite: "authentication/authentication_types.go APIKeyAuth.Method (enum=header;query)",
			trigger: untypedT("prometheus", map[string]string{"serverAddress": "http://p:9090", "query": "sum(x)", "threshold": "1", "method": "cookie"}, ""),
			want:    "error", path: `trigger[0].metadata["method"]`},
		"gpu target 0 on a ScaledObject": {cite: "pkg/scalers/scaler.go GetMetricTargetMili + HPA validateMetricTarget",
			trigger: withNulls(TriggerModel{GPU: &GPUModel{ServerAddress: s("http://p:9090"), Metric: s("utilization"), Target: f(0),
				NamespaceLabel: s("namespace"), PodLabel: s("pod")}}), want: "error", path: "trigger[0].gpu.target"},

		// cpu and memory: pkg/scalers/cpu_memory_scaler.go.
		"cpu utilization above int32": {cite: "cpu_memory_scaler.go parseUtilization (strconv.ParseInt(value, 10, 32))",
			trigger: cpuT(func(r *ResourceModel) { r.Utilization = types.Int64Value(2147483648) }), want: "error", path: "trigger[0].cpu.utilization"},
		"cpu utilization 0 on a ScaledObject": {cite: "HPA validateMetricTarget (averageUtilization must be greater than 0)",
			trigger: cpuT(func(r *ResourceModel) { r.Utilization = types.Int64Value(0) }), want: "error", path: "trigger[0].cpu.utilization"},
		"cpu on a ScaledJob (skipped by KEDA)": {cite: "pkg/scaling/scale_handler.go getScaledJobMetrics (skip cpu/memory)",
			trigger: cpuT(nil), forJob: true, want: "warning", path: "trigger[0].cpu"},
		"untyped cpu utilization above int32": {cite: "cpu_memory_scaler.go parseUtilization",
			trigger: untypedT("cpu", map[string]string{"value": "2147483648"}, "Utilization"), want: "error", path: `trigger[0].metadata["value"]`},
		"untyped cpu without metricType": {cite: "cpu_memory_scaler.go parseResourceMetadata (unknown metric type)",
			trigger: untypedT("cpu", map[string]string{"value": "70"}, ""), want: "error", path: "trigger[0].metric_type"},
		"untyped cpu with the removed type key": {cite: "cpu_memory_scaler.go cpuMemoryMetadata.Type (deprecated)",
			trigger: untypedT("cpu", map[string]string{"value": "70", "type": "Utilization"}, "Utilization"), want: "error", path: `trigger[0].metadata["type"]`},
		"memory average value 0": {cite: "HPA validateMetricTarget (averageValue must be positive)",
			trigger: withNulls(TriggerModel{Memory: &ResourceModel{AverageValue: s("0")}}), want: "error", path: "trigger[0].memory.average_value"},
		"memory average value not a quantity": {cite: "cpu_memory_scaler.go parseResourceMetadata (resource.MustParse)",
			trigger: withNulls(TriggerModel{Memory: &ResourceModel{AverageValue: s("lots")}}), want: "error", path: "trigger[0].memory.average_value"},
	}
	for name, row := range rows {
		t.Run(name, func(t *testing.T) {
			if row.cite == "" {
				t.Fatal("every rule cites where KEDA (or the API server) enforces it")
			}
			checkAudit(t, triggerPlanDiags(row.trigger, row.forJob), row.want, row.path)
		})
	}
}

func setOf(values ...string) types.Set {
	elems := make([]attr.Value, len(values))
	for i, v := range values {
		elems[i] = types.StringValue(v)
	}
	return types.SetValueMust(types.StringType, elems)
}

// A value known only after apply (say, a host built from another
// resource) skips the rules that need it; every known value is still
// checked as KEDA parses it.
func TestTriggerRulesWithUnknownValues(t *testing.T) {
	unknownMeta := func(known map[string]string, unknownKeys ...string) types.Map {
		elems := map[string]attr.Value{}
		for k, v := range known {
			elems[k] = types.StringValue(v)
		}
		for _, k := range unknownKeys {
			elems[k] = types.StringUnknown()
		}
		return types.MapValueMust(types.StringType, elems)
	}
	rows := map[string]struct {
		trigger TriggerModel
		want    string
		path    string
	}{
		"rabbitmq host unknown": {trigger: rabbit(func(r *RabbitMQModel) { r.Host, r.Mode, r.Value = types.StringUnknown(), s("MessageRate"), f(5) }), want: "ok"},
		"rabbitmq page size KEDA cannot read, host unknown": {trigger: func() TriggerModel {
			t := untypedT("rabbitmq", nil, "")
			t.Metadata = unknownMeta(map[string]string{"queueName": "q", "pageSize": "ten"}, "host")
			return t
		}(), want: "error", path: `trigger[0].metadata["pageSize"]`},
		"prometheus threshold KEDA cannot read, address unknown": {trigger: func() TriggerModel {
			t := untypedT("prometheus", nil, "")
			t.Metadata = unknownMeta(map[string]string{"query": "sum(x)", "threshold": "+5"}, "serverAddress")
			return t
		}(), want: "error", path: `trigger[0].metadata["threshold"]`},
		"metric type unknown": {trigger: func() TriggerModel { t := prom(nil); t.MetricType = types.StringUnknown(); return t }(), want: "ok"},
		"metric type known, a metadata value unknown": {trigger: func() TriggerModel {
			t := untypedT("prometheus", nil, "Utilization")
			t.Metadata = unknownMeta(map[string]string{"query": "sum(x)", "threshold": "1"}, "serverAddress")
			return t
		}(), want: "error", path: "trigger[0].metric_type"},
		"whole metadata unknown": {trigger: func() TriggerModel {
			t := untypedT("prometheus", nil, "")
			t.Metadata = types.MapUnknown(types.StringType)
			return t
		}(), want: "ok"},
	}
	for name, row := range rows {
		t.Run(name, func(t *testing.T) {
			diags := row.trigger.Validate(path.Root("trigger").AtListIndex(0), TriggerContext{Namespace: "ml", TargetName: "w"}, false)
			checkAudit(t, diags, row.want, row.path)
		})
	}
}
