package keda

import (
	"fmt"
	"maps"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/kedacore/keda/v2/apis/keda/v1alpha1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	"k8s.io/apimachinery/pkg/api/resource"
)

// The fuzz targets below run their seed corpus in every `go test`; explore
// further with e.g. `go test ./internal/keda -run '^$' -fuzz FuzzTriggerFromCluster`.

var fuzzTC = TriggerContext{Namespace: "ml-inference", TargetName: "llm-server"}

// fuzzTriggerTypes are the trigger types a cluster object may hold: every
// typed block's, and one only the generic form can express.
var fuzzTriggerTypes = []string{"rabbitmq", "cpu", "memory", "prometheus", "kafka"}

var fuzzMetricTypes = []autoscalingv2.MetricTargetType{"", autoscalingv2.AverageValueMetricType,
	autoscalingv2.UtilizationMetricType, autoscalingv2.ValueMetricType}

func fuzzKeys(typ string) []string {
	switch typ {
	case "rabbitmq":
		return append(blockKeyNames(rabbitMQBlockKeys), "queueLength")
	case "cpu", "memory":
		return []string{"value", "containerName", "type"}
	case "prometheus":
		return append(blockKeyNames(prometheusBlockKeys)[:11], "metricName", "awsRegion")
	}
	return []string{"bootstrapServers", "consumerGroup", "topic", "lagThreshold"}
}

// triggerFromFuzz builds a cluster trigger: mask picks which of the type's
// metadata keys are present, a, b and c are their values in turn.
func triggerFromFuzz(typ, metricType uint8, mask uint32, a, b, c, name, auth string) v1alpha1.ScaleTriggers {
	kt := v1alpha1.ScaleTriggers{
		Type:       fuzzTriggerTypes[int(typ)%len(fuzzTriggerTypes)],
		Name:       name,
		MetricType: fuzzMetricTypes[int(metricType)%len(fuzzMetricTypes)],
		Metadata:   map[string]string{},
	}
	values := []string{a, b, c}
	for i, k := range fuzzKeys(kt.Type) {
		if mask&(1<<i) != 0 {
			kt.Metadata[k] = values[i%3]
		}
	}
	if auth != "" {
		kt.AuthenticationRef = &v1alpha1.AuthenticationRef{Name: auth, Kind: "TriggerAuthentication"}
	}
	return kt
}

func sameTrigger(a, b v1alpha1.ScaleTriggers) bool {
	return a.Type == b.Type && a.Name == b.Name && a.MetricType == b.MetricType &&
		a.UseCachedMetrics == b.UseCachedMetrics && fmt.Sprint(a.AuthenticationRef) == fmt.Sprint(b.AuthenticationRef) &&
		maps.Equal(a.Metadata, b.Metadata)
}

// untyped is a cluster trigger in the `type` + `metadata` form.
func untyped(kt v1alpha1.ScaleTriggers) TriggerModel {
	t := FlattenTrigger(kt, nil, fuzzTC)
	t.RabbitMQ, t.CPU, t.Memory, t.Prometheus, t.GPU = nil, nil, nil, nil, nil
	t.Type, t.Metadata, t.MetricType = fromStr(kt.Type), mapValueOrEmpty(kt.Metadata), fromStr(string(kt.MetricType))
	return t
}

// Whatever trigger a cluster object holds (written by this provider, by
// kubectl, or edited by hand), importing it gives configuration that KEDA
// reads exactly as the original (typed values may be spelled differently:
// "5.0" is 5), and writes the untyped form unchanged. The imported
// configuration passes the schema's validators, and plans (or fails) just
// as the original written untyped would: a typed import never refuses what
// KEDA accepts. A refresh, of the original or of what the configuration
// writes, keeps the model, so the next plan has nothing to do.
func FuzzTriggerFromCluster(f *testing.F) {
	gpuQuery := GenerateGPUQuery(GPUUtilization, "namespace", "ml-inference", "pod", "llm-server")
	for _, seed := range []struct {
		typ, metricType uint8
		mask            uint32
		a, b, c         string
		name, auth      string
	}{
		{0, 0, 1<<0 | 1<<3 | 1<<4 | 1<<5, "amqp://rabbitmq.ml:5672", "QueueLength", "5", "queue", "rabbitmq-auth"},
		{0, 0, 1<<3 | 1<<4 | 1<<5 | 1<<16, "inference_requests", "QueueLength", "5.0", "", ""},
		{0, 0, 1<<8 | 1<<9, "", "true", "0100", "", ""},
		{1, 2, 1 << 0, "70", "", "", "", ""},
		{2, 1, 1<<0 | 1<<1, "512Mi", "server", "", "mem", ""},
		{1, 2, 1 << 0, "07", "", "", "", ""},
		{3, 0, 1<<0 | 1<<1 | 1<<2, "http://prometheus:9090", "histogram_quantile(0.95, sum(rate(x[2m])) by (le))", "0.5", "latency", ""},
		{3, 0, 1<<5 | 1<<6 | 1<<10, "a=1, b=2", "X-Scope=ml", "basic,bearer", "", "prom-auth"},
		{3, 1, 1<<0 | 1<<1 | 1<<2 | 1<<3, "http://prometheus:9090", gpuQuery, "75", "", ""},
		{3, 0, 1<<2 | 1<<7, "NaN", "True", "", "", ""},
		{3, 0, 1 << 2, "1e3", "", "", "", ""},
		{4, 0, 0xf, "kafka:9092", "ml", "requests", "", ""},
		// Spellings KEDA reads alike: "100.50", milliseconds, spaces in a map.
		{3, 0, 1<<1 | 1<<2 | 1<<9, "1000", "sum(x)", "100.50", "", ""},
		{3, 0, 1<<0 | 1<<1 | 1<<2 | 1<<5, "http://prometheus:9090", "sum(x)", "50.0", "", ""},
		{3, 0, 1<<5 | 1<<10, "", "tls, bearer", "X-Scope = ml, X-Team=a", "", "prom-auth"},
		// Host only from the TriggerAuthentication, vhostName "/".
		{0, 0, 1<<3 | 1<<7, "inference", "/", "", "", "rabbitmq-auth"},
		{0, 0, 1<<3 | 1<<4 | 1<<5, "q", "QueueLength", " 5 ", "", "rabbitmq-auth"},
	} {
		f.Add(seed.typ, seed.metricType, seed.mask, seed.a, seed.b, seed.c, seed.name, seed.auth)
	}
	f.Fuzz(func(t *testing.T, typ, metricType uint8, mask uint32, a, b, c, name, auth string) {
		kt := triggerFromFuzz(typ, metricType, mask, a, b, c, name, auth)
		model := FlattenTrigger(kt, nil, fuzzTC)
		back := model.Expand(fuzzTC)
		if !sameKEDATrigger(kt, back) || (model.block() == "" && !sameTrigger(kt, back)) {
			t.Fatalf("KEDA reads the import differently:\n in:  %+v\n out: %+v\n model: %s", kt, back, describe(model))
		}
		if !model.validConfig() {
			t.Fatalf("imported configuration fails the schema's validators: %s", describe(model))
		}
		at := path.Root("trigger").AtListIndex(0)
		if typedErr, untypedErr := model.Validate(at, fuzzTC, false), untyped(kt).Validate(at, fuzzTC, false); typedErr.HasError() != untypedErr.HasError() {
			t.Fatalf("the %q form plans differently from the untyped one:\n typed:   %v\n untyped: %v\n model: %s", model.block(), typedErr, untypedErr, describe(model))
		}
		for _, cluster := range []v1alpha1.ScaleTriggers{back, kt} {
			if again := FlattenTrigger(cluster, &model, fuzzTC); !sameModel(again, model) {
				t.Fatalf("model not stable on refresh of %+v:\n first:  %s\n second: %s", cluster, describe(model), describe(again))
			}
		}
	})
}

// fuzzString is an optional string attribute: the schema rejects "", so ""
// stands for null.
func fuzzString(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}

func fuzzFloat(f float64, present bool) types.Float64 {
	if !present {
		return types.Float64Null()
	}
	return types.Float64Value(f)
}

// modelFromFuzz builds a typed trigger block as a configuration could.
func modelFromFuzz(typ uint8, f1, f2 float64, n int64, s1, s2, s3 string, b1, b2 bool) TriggerModel {
	t := TriggerModel{Name: fuzzString(s3), UseCachedMetrics: types.BoolValue(b2), Type: types.StringNull(),
		Metadata: types.MapNull(types.StringType), MetricType: types.StringNull()}
	if b1 {
		t.AuthenticationRef = &AuthRefModel{Name: types.StringValue("auth"), Kind: types.StringValue("TriggerAuthentication")}
	}
	switch typ % 6 {
	case 0:
		t.RabbitMQ = &RabbitMQModel{
			Host: fuzzString(s1), HostFromEnv: types.StringNull(), Protocol: types.StringValue(string(RabbitMQProtocols[int(n&3)%len(RabbitMQProtocols)])),
			QueueName: types.StringValue("q" + s2), Mode: types.StringValue(string(RabbitMQModes[int(n>>2&1)])),
			Value: types.Float64Value(f1), ActivationValue: fuzzFloat(f2, b2), VhostName: fuzzString(s2),
			UseRegex: types.BoolValue(b1), PageSize: types.Int64Null(), Operation: types.StringNull(),
			ExcludeUnacknowledged: types.BoolValue(b2), UnsafeSSL: types.BoolValue(false), Timeout: types.StringNull(),
			UsernameFromEnv: types.StringNull(), PasswordFromEnv: types.StringNull(),
		}
		if b1 {
			t.RabbitMQ.PageSize = types.Int64Value(n)
		}
	case 1, 2:
		r := &ResourceModel{Utilization: types.Int64Value(n), AverageValue: types.StringNull(), ContainerName: fuzzString(s1)}
		if b1 {
			r.Utilization, r.AverageValue = types.Int64Null(), types.StringValue(s2)
			if _, err := resource.ParseQuantity(s2); err != nil {
				return TriggerModel{} // the schema rejects it
			}
		}
		if typ%6 == 1 {
			t.CPU = r
		} else {
			t.Memory = r
		}
	case 3:
		t.Prometheus = &PrometheusModel{
			ServerAddress: types.StringValue("http://prometheus:9090"), Query: types.StringValue("q" + s1),
			Threshold: types.Float64Value(f1), ActivationThreshold: fuzzFloat(f2, b2), Namespace: fuzzString(s2),
			CustomHeaders: types.MapNull(types.StringType), QueryParameters: types.MapNull(types.StringType),
			IgnoreNullValues: types.BoolNull(), UnsafeSSL: types.BoolValue(b1), Timeout: types.StringNull(),
			AuthModes: types.SetNull(types.StringType),
		}
		if s3 != "" {
			if strings.ContainsAny(s3, ",=") || strings.TrimSpace(s3) != s3 {
				return TriggerModel{} // the schema rejects it
			}
			t.Prometheus.CustomHeaders = types.MapValueMust(types.StringType, map[string]attr.Value{"X-Scope": types.StringValue(s3)})
		}
	case 4:
		t.GPU = &GPUModel{
			ServerAddress: types.StringValue("http://prometheus:9090"), Metric: types.StringValue(string(GPUMetrics[int(n&7)%len(GPUMetrics)])),
			Target: types.Float64Value(f1), ActivationTarget: fuzzFloat(f2, b2), PodNamespace: fuzzString(s1),
			PodNamePrefix: fuzzString(s2), NamespaceLabel: types.StringValue("namespace"), PodLabel: types.StringValue("pod"),
			Query: types.StringNull(), Namespace: types.StringNull(), CustomHeaders: types.MapNull(types.StringType),
			QueryParameters: types.MapNull(types.StringType), IgnoreNullValues: types.BoolNull(), UnsafeSSL: types.BoolValue(false),
			Timeout: types.StringNull(), AuthModes: types.SetNull(types.StringType),
		}
		// The plan fills the computed query (see the provider's ModifyPlan).
		t.GPU.Query = types.StringValue(t.GPU.GeneratedQuery(fuzzTC))
	default:
		t.Type = types.StringValue("kafka")
		t.Metadata = types.MapValueMust(types.StringType, map[string]attr.Value{"topic": types.StringValue(s1), "lagThreshold": types.StringValue(s2)})
		t.MetricType = fuzzString(map[bool]string{true: "AverageValue", false: ""}[b1])
	}
	return t
}

// Every typed trigger a configuration can hold is written and read back as
// the same model (no "inconsistent result after apply", no perpetual diff),
// and writing that again gives the same object. Imported instead (no prior
// state), what it wrote comes back in the same typed block, as
// configuration that passes the schema's validators and that KEDA reads
// as the original.
func FuzzTriggerModelRoundTrip(f *testing.F) {
	f.Add(uint8(0), 5.0, 1.0, int64(0), "amqp://rabbitmq.ml:5672", "/", "queue", false, false)
	f.Add(uint8(0), 0.5, 0.0, int64(6), "", "ml", "", true, true)
	f.Add(uint8(1), 0.0, 0.0, int64(70), "", "", "", false, false)
	f.Add(uint8(2), 0.0, 0.0, int64(0), "server", "512Mi", "mem", true, false)
	f.Add(uint8(3), 0.25, 0.05, int64(0), "histogram_quantile(0.95, rate(x[2m]))", "ml", "ml-tenant", false, true)
	f.Add(uint8(4), 75.0, 10.0, int64(1), "", "", "", false, true)
	f.Add(uint8(4), 1e-7, 0.0, int64(5), "gpu-pods", "vllm", "gpu", true, false)
	f.Add(uint8(5), 0.0, 0.0, int64(0), "requests", "50", "lag", true, false)
	f.Fuzz(func(t *testing.T, typ uint8, f1, f2 float64, n int64, s1, s2, s3 string, b1, b2 bool) {
		for _, v := range []float64{f1, f2} {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Skip("Terraform numbers are finite")
			}
		}
		model := modelFromFuzz(typ, f1, f2, n, s1, s2, s3, b1, b2)
		if !model.validConfig() || model.Validate(path.Root("trigger").AtListIndex(0), fuzzTC, false).HasError() {
			t.Skip("rejected at plan")
		}
		written := model.Expand(fuzzTC)
		read := FlattenTrigger(written, &model, fuzzTC)
		if !sameModel(read, model) {
			t.Fatalf("read back differs from the configuration:\n config: %s\n read:   %s\n object: %+v", describe(model), describe(read), written)
		}
		if again := read.Expand(fuzzTC); !sameTrigger(again, written) {
			t.Fatalf("second write differs:\n first:  %+v\n second: %+v", written, again)
		}
		imported := FlattenTrigger(written, nil, fuzzTC)
		if imported.block() != model.block() || !imported.validConfig() || !sameKEDATrigger(imported.Expand(fuzzTC), written) {
			t.Fatalf("import of what the configuration wrote:\n config:   %s\n imported: %s\n object:   %+v", describe(model), describe(imported), written)
		}
	})
}

// sameModel compares models field by field, framework values with Equal
// (which knows that sets have no order).
func sameModel(a, b TriggerModel) bool {
	return sameValue(reflect.ValueOf(a), reflect.ValueOf(b))
}

func sameValue(a, b reflect.Value) bool {
	switch {
	case a.Type().Implements(attrValueType):
		return a.Interface().(attr.Value).Equal(b.Interface().(attr.Value))
	case a.Kind() == reflect.Pointer:
		if a.IsNil() || b.IsNil() {
			return a.IsNil() == b.IsNil()
		}
		return sameValue(a.Elem(), b.Elem())
	case a.Kind() == reflect.Struct:
		for i := range a.NumField() {
			if !sameValue(a.Field(i), b.Field(i)) {
				return false
			}
		}
		return true
	}
	return reflect.DeepEqual(a.Interface(), b.Interface())
}

// describe prints a model with its nested blocks.
func describe(m TriggerModel) string { return describeValue(reflect.ValueOf(m)) }

func describeValue(v reflect.Value) string {
	switch {
	case v.Type().Implements(attrValueType):
		return v.Interface().(attr.Value).String()
	case v.Kind() == reflect.Pointer:
		if v.IsNil() {
			return "nil"
		}
		return describeValue(v.Elem())
	case v.Kind() == reflect.Struct:
		var parts []string
		for i := range v.NumField() {
			f := v.Field(i)
			if f.Kind() == reflect.Pointer && f.IsNil() {
				continue
			}
			parts = append(parts, v.Type().Field(i).Name+":"+describeValue(f))
		}
		return "{" + strings.Join(parts, " ") + "}"
	}
	return fmt.Sprint(v.Interface())
}
