package provider

import (
	"context"
	"reflect"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// Values of the two hot resources as plans and states hold them, decoded
// into their models by the decoder and by the framework's Get: the same
// model, and the decoder does decode them (the framework is not asked
// instead). Where the model cannot hold a value (an unknown metadata block
// in a *MetadataModel) the decoder steps aside and the framework's error is
// what the caller gets.
func TestModelDecoder_matchesTheFrameworksGet(t *testing.T) {
	t.Setenv(fastPathEnv, "on")
	ctx := context.Background()
	unknown := func(names ...string) func(*tftypes.AttributePath, tftypes.Value) (tftypes.Value, error) {
		return func(p *tftypes.AttributePath, v tftypes.Value) (tftypes.Value, error) {
			for _, n := range names {
				if p.Equal(tftypes.NewAttributePath().WithAttributeName(n)) {
					return tftypes.NewValue(v.Type(), tftypes.UnknownValue), nil
				}
			}
			return v, nil
		}
	}
	tests := []struct {
		name      string
		resource  func() resource.Resource
		model     func() any
		json      string
		transform func(*tftypes.AttributePath, tftypes.Value) (tftypes.Value, error)
		decodes   bool
	}{
		{
			name: "a new ScaledObject as planned", resource: NewScaledObjectResource, model: func() any { return &scaledObjectModel{} },
			json: benchScaledObjectConfig, transform: unknown("id", "hpa_name", "status"), decodes: true,
		},
		{
			name: "a ScaledObject's state with every kind of block", resource: NewScaledObjectResource,
			model: func() any { return &scaledObjectModel{} }, decodes: true,
			json: `{
			  "id": "ml/worker", "hpa_name": "keda-hpa-worker", "wait_for_ready": false,
			  "metadata": {"name": "worker", "namespace": "ml", "labels": {"team": "ml"}, "annotations": {}, "uid": "1234"},
			  "scale_target_ref": {"name": "worker", "kind": "Deployment", "api_version": "apps/v1"},
			  "min_replica_count": 0, "max_replica_count": 10, "paused": false,
			  "fallback": {"failure_threshold": 3, "replicas": 2, "behavior": "static"},
			  "advanced": {"restore_to_original_replica_count": true,
			    "horizontal_pod_autoscaler_config": {"behavior": {"scale_down": {"stabilization_window_seconds": 300,
			      "policy": [{"type": "Pods", "value": 1, "period_seconds": 60}]}}},
			    "scaling_modifiers": {"formula": "a + b", "target": "5", "metric_type": "AverageValue"}},
			  "trigger": [
			    {"name": "a", "rabbitmq": {"protocol": "amqp", "queue_name": "q", "mode": "QueueLength", "value": 5},
			     "authentication_ref": {"name": "rabbitmq", "kind": "TriggerAuthentication"}},
			    {"name": "b", "prometheus": {"server_address": "http://prometheus:9090", "query": "sum(up)", "threshold": 2.5}},
			    {"type": "kafka", "metadata": {"topic": "jobs", "lagThreshold": "10"}, "metric_type": "AverageValue"}
			  ],
			  "status": {"ready": true, "ready_message": "", "paused": false, "fallback": false, "fallback_message": ""},
			  "timeouts": {"create": "5m"}
			}`,
		},
		{
			name: "an imported ScaledObject before its first read", resource: NewScaledObjectResource,
			model: func() any { return &scaledObjectModel{} }, json: `{"id": "ml/worker", "trigger": []}`, decodes: true,
		},
		{
			name: "a ScaledJob as configured", resource: NewScaledJobResource, model: func() any { return &scaledJobModel{} },
			decodes: true,
			json: `{
			  "metadata": {"name": "batch", "namespace": "ml"},
			  "job_target_ref": {"template": {"spec": {"container": [{"name": "infer", "image": "infer:1",
			    "env": [{"name": "MODE", "value": "batch"}]}], "restart_policy": "Never"}}},
			  "max_replica_count": 8,
			  "trigger": [{"rabbitmq": {"protocol": "amqp", "queue_name": "batch", "mode": "QueueLength", "value": 1}}]
			}`,
		},
		{
			name: "an unknown metadata block, which *MetadataModel cannot hold", resource: NewScaledObjectResource,
			model: func() any { return &scaledObjectModel{} }, json: benchScaledObjectConfig,
			transform: unknown("metadata"), decodes: false,
		},
		{
			name: "a count beyond int64, which Int64Type's validation refuses", resource: NewScaledObjectResource,
			model: func() any { return &scaledObjectModel{} }, decodes: false,
			json: `{"metadata": {"name": "w", "namespace": "ml"}, "max_replica_count": 1e20, "trigger": []}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var resp resource.SchemaResponse
			tt.resource().Schema(ctx, resource.SchemaRequest{}, &resp)
			typ := resp.Schema.Type().TerraformType(ctx)
			raw, err := (&tfprotov6.DynamicValue{JSON: []byte(tt.json)}).Unmarshal(typ)
			if err != nil {
				t.Fatal(err)
			}
			if tt.transform != nil {
				if raw, err = tftypes.Transform(raw, tt.transform); err != nil {
					t.Fatal(err)
				}
			}
			plan := tfsdk.Plan{Schema: resp.Schema, Raw: raw}

			want := tt.model()
			wantDiags := plan.Get(ctx, want)
			_, decodes := decodeModel(ctx, resp.Schema, raw, reflect.TypeOf(want).Elem())
			if decodes != tt.decodes {
				t.Fatalf("the decoder decodes: %v, want %v", decodes, tt.decodes)
			}
			got := tt.model()
			gotDiags := getPlan(ctx, plan, got)
			if !gotDiags.Equal(wantDiags) {
				t.Fatalf("diagnostics:\n%v\nframework's:\n%v", gotDiags, wantDiags)
			}
			if tt.decodes && wantDiags.HasError() {
				t.Fatalf("the framework fails where the decoder does not: %v", wantDiags)
			}
			if !tt.decodes && !wantDiags.HasError() {
				t.Fatal("the framework decodes what the decoder leaves to it")
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("decoded:\n%+v\nframework's:\n%+v", got, want)
			}
		})
	}
}

// The struct-tag rules the decoder shares with the framework: where the
// framework reports an error the decoder leaves the struct to it.
func TestStructTags_followTheFrameworksRules(t *testing.T) {
	type embedded struct {
		B string `tfsdk:"b"`
	}
	tests := []struct {
		name string
		typ  reflect.Type
		want map[string][]int
	}{
		{"tagged, skipped and embedded fields", reflect.TypeFor[struct {
			A       string `tfsdk:"a"`
			Skipped string `tfsdk:"-"`
			hidden  string
			embedded
		}](), map[string][]int{"a": {0}, "b": {3, 0}}},
		{"an untagged field", reflect.TypeFor[struct{ A string }](), nil},
		{"an invalid name", reflect.TypeFor[struct {
			A string `tfsdk:"A"`
		}](), nil},
		{"a name starting with a digit", reflect.TypeFor[struct {
			A string `tfsdk:"1a"`
		}](), nil},
		{"a duplicate name", reflect.TypeFor[struct {
			A string `tfsdk:"a"`
			B string `tfsdk:"a"`
		}](), nil},
		{"a tagged embedded struct", reflect.TypeFor[struct {
			embedded `tfsdk:"e"`
		}](), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := structTags(tt.typ)
			if ok != (tt.want != nil) || !reflect.DeepEqual(got, tt.want) && tt.want != nil {
				t.Errorf("structTags = %v, %v; want %v", got, ok, tt.want)
			}
		})
	}
}
