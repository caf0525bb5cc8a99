package keda

import (
	"testing"

	"github.com/kedacore/keda/v2/apis/keda/v1alpha1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
)

// importShapes are cluster triggers as KEDA users write them (KEDA's docs
// and e2e templates), with the form import must give them: a typed block,
// or "" for type + metadata.
var importShapes = []struct {
	name    string
	trigger v1alpha1.ScaleTriggers
	forJob  bool
	form    string
}{
	{name: "prometheus threshold with trailing zeros", form: "prometheus", trigger: v1alpha1.ScaleTriggers{Type: "prometheus",
		Metadata: map[string]string{"serverAddress": "http://prometheus.monitoring:9090", "query": "sum(rate(http_requests_total[2m]))", "threshold": "100.50"}}},
	{name: "prometheus threshold 50.0", form: "prometheus", trigger: v1alpha1.ScaleTriggers{Type: "prometheus",
		Metadata: map[string]string{"serverAddress": "http://prometheus:9090", "query": "sum(x)", "threshold": "50.0", "activationThreshold": "5.00"}}},
	{name: "prometheus with every key of the typed block", form: "prometheus", trigger: v1alpha1.ScaleTriggers{Type: "prometheus",
		AuthenticationRef: &v1alpha1.AuthenticationRef{Name: "prom-auth"}, MetricType: autoscalingv2.ValueMetricType, UseCachedMetrics: true,
		Metadata: map[string]string{"serverAddress": "https://thanos:9090", "query": "sum(x)", "threshold": "10", "activationThreshold": "2",
			"namespace": "tenant-a", "customHeaders": "X-Scope-OrgID=ml, X-Team = inference", "queryParameters": "dedup=true,partial_response=false",
			"ignoreNullValues": "False", "unsafeSsl": "true", "timeout": "1000", "authModes": "tls, bearer"}}},
	{name: "prometheus oauth with its TriggerAuthentication", form: "prometheus", trigger: v1alpha1.ScaleTriggers{Type: "prometheus",
		AuthenticationRef: &v1alpha1.AuthenticationRef{Name: "oauth", Kind: "ClusterTriggerAuthentication"},
		Metadata:          map[string]string{"serverAddress": "http://prometheus:9090", "query": "sum(x)", "threshold": "1", "authModes": "oauth"}}},
	{name: "Amazon Managed Prometheus", form: "", trigger: v1alpha1.ScaleTriggers{Type: "prometheus",
		Metadata: map[string]string{"serverAddress": "https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-1", "query": "sum(x)",
			"threshold": "100", "awsRegion": "eu-west-1", "identityOwner": "operator"}}},
	{name: "prometheus with the removed metricName", form: "", trigger: v1alpha1.ScaleTriggers{Type: "prometheus",
		Metadata: map[string]string{"serverAddress": "http://prometheus:9090", "query": "sum(x)", "threshold": "1", "metricName": "http_requests"}}},
	{name: "rabbitmq host from its TriggerAuthentication, vhostName /", form: "rabbitmq", trigger: v1alpha1.ScaleTriggers{Type: "rabbitmq",
		AuthenticationRef: &v1alpha1.AuthenticationRef{Name: "rabbitmq-auth"},
		Metadata:          map[string]string{"protocol": "amqp", "queueName": "inference", "mode": "QueueLength", "value": "5", "vhostName": "/"}}},
	{name: "rabbitmq with KEDA's default mode and value", form: "rabbitmq", trigger: v1alpha1.ScaleTriggers{Type: "rabbitmq",
		AuthenticationRef: &v1alpha1.AuthenticationRef{Name: "rabbitmq-auth"}, Metadata: map[string]string{"queueName": "inference"}}},
	{name: "rabbitmq with every key of the typed block", form: "rabbitmq", trigger: v1alpha1.ScaleTriggers{Type: "rabbitmq", Name: "queue",
		Metadata: map[string]string{"host": "https://rabbitmq:15671/vh", "hostFromEnv": "RABBITMQ_URL", "protocol": "http", "queueName": "jobs.*",
			"mode": "MessageRate", "value": "100.0", "activationValue": "0.5", "vhostName": "/", "useRegex": "true", "pageSize": "50",
			"operation": "max", "excludeUnacknowledged": "True", "unsafeSsl": "1", "timeout": "1500",
			"usernameFromEnv": "RMQ_USER", "passwordFromEnv": "RMQ_PASS"}}},
	{name: "rabbitmq deprecated queueLength on a ScaledJob", form: "", forJob: true, trigger: v1alpha1.ScaleTriggers{Type: "rabbitmq",
		Metadata: map[string]string{"host": "amqp://guest:guest@rabbitmq:5672/", "queueName": "batch", "queueLength": "10"}}},
	{name: "rabbitmq with a key KEDA does not read", form: "", trigger: v1alpha1.ScaleTriggers{Type: "rabbitmq",
		AuthenticationRef: &v1alpha1.AuthenticationRef{Name: "rabbitmq-auth"},
		Metadata:          map[string]string{"queueName": "q", "mode": "QueueLength", "value": "5", "vHostName": "/"}}},
	{name: "cpu utilization", form: "cpu", trigger: v1alpha1.ScaleTriggers{Type: "cpu", MetricType: autoscalingv2.UtilizationMetricType,
		Metadata: map[string]string{"value": "60", "containerName": "server"}}},
	{name: "memory average value", form: "memory", trigger: v1alpha1.ScaleTriggers{Type: "memory", MetricType: autoscalingv2.AverageValueMetricType,
		Metadata: map[string]string{"value": "0.5Gi"}}},
	{name: "gpu query the provider generates", form: "gpu", trigger: v1alpha1.ScaleTriggers{Type: "prometheus", MetricType: autoscalingv2.AverageValueMetricType,
		Metadata: map[string]string{"serverAddress": "http://prometheus:9090", "threshold": "70",
			"query": GenerateGPUQuery(GPUUtilization, "namespace", "ml", "pod", "worker")}}},
	{name: "kafka", form: "", trigger: v1alpha1.ScaleTriggers{Type: "kafka",
		Metadata: map[string]string{"bootstrapServers": "kafka:9092", "consumerGroup": "ml", "topic": "requests", "lagThreshold": "50"}}},
	{name: "cron", form: "", trigger: v1alpha1.ScaleTriggers{Type: "cron",
		Metadata: map[string]string{"timezone": "Europe/Paris", "start": "0 8 * * *", "end": "0 20 * * *", "desiredReplicas": "3"}}},
	{name: "external scaler with empty metadata", form: "", trigger: v1alpha1.ScaleTriggers{Type: "external-push", Metadata: map[string]string{}}},
}

// Every import shape comes out in the expected form, as configuration the
// plan accepts (the schema's validators, then the rules ModifyPlan runs:
// no error), which writes back what KEDA reads as the original.
func TestImportedTriggerShapesPlan(t *testing.T) {
	tc := TriggerContext{Namespace: "ml", TargetName: "worker"}
	for _, shape := range importShapes {
		t.Run(shape.name, func(t *testing.T) {
			model := FlattenTrigger(shape.trigger, nil, tc)
			if model.block() != shape.form {
				t.Fatalf("imported as %q, want %q: %s", model.block(), shape.form, describe(model))
			}
			if diags := model.configDiags(); diags.HasError() {
				t.Fatalf("generated configuration fails validation: %v", diags)
			}
			if diags := validateTriggers([]TriggerModel{model}, tc, true, shape.forJob); diags.HasError() {
				t.Fatalf("generated configuration fails the plan: %v", diags)
			}
			back := model.Expand(tc)
			if !sameKEDATrigger(shape.trigger, back) {
				t.Fatalf("KEDA reads the configuration differently:\n cluster: %+v\n written: %+v", shape.trigger, back)
			}
			if again := FlattenTrigger(shape.trigger, &model, tc); !sameModel(again, model) {
				t.Fatalf("refresh of the cluster's spelling changes the state:\n import:  %s\n refresh: %s", describe(model), describe(again))
			}
		})
	}
}

// A refresh keeps the state when the cluster spells a value differently,
// and shows a real change as drift.
func TestRefreshSpellingAndDrift(t *testing.T) {
	tc := TriggerContext{Namespace: "ml", TargetName: "worker"}
	cluster := func(threshold string) v1alpha1.ScaleTriggers {
		return v1alpha1.ScaleTriggers{Type: "prometheus",
			Metadata: map[string]string{"serverAddress": "http://p:9090", "query": "sum(x)", "threshold": threshold}}
	}
	state := FlattenTrigger(cluster("100.5"), nil, tc)
	if got := FlattenTrigger(cluster("100.50"), &state, tc); !sameModel(got, state) {
		t.Fatalf("100.50 for 100.5 shows as a change: %s", describe(got))
	}
	got := FlattenTrigger(cluster("101"), &state, tc)
	if got.Prometheus == nil || got.Prometheus.Threshold.ValueFloat64() != 101 {
		t.Fatalf("a changed threshold must read as 101: %s", describe(got))
	}
	untypedState := untyped(cluster("100.5"))
	if got := FlattenTrigger(cluster("100.50"), &untypedState, tc); !sameModel(got, untypedState) {
		t.Fatalf("the untyped form changes on refresh: %s", describe(got))
	}
	if got := FlattenTrigger(cluster("101"), &untypedState, tc); got.block() != "" || stringMap(got.Metadata)["threshold"] != "101" {
		t.Fatalf("a refresh must keep the untyped form and show the change: %s", describe(got))
	}
}
