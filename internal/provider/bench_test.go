package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// Terraform asks a freshly started provider for its schema on every
// command: what that costs is part of each plan and apply.
func BenchmarkProviderSchema(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		server := providerserver.NewProtocol6(New("bench")())()
		resp, err := server.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
		if err != nil || len(resp.ResourceSchemas) != 5 {
			b.Fatalf("schema: %v, %d resources", err, len(resp.ResourceSchemas))
		}
	}
}

// benchScaledObjectConfig is one of the benchmark's ScaledObjects (see
// internal/cmd/bench) as Terraform sends its configuration.
const benchScaledObjectConfig = `{
  "metadata": {"name": "worker-0", "namespace": "bench"},
  "scale_target_ref": {"name": "worker-0"},
  "max_replica_count": 10,
  "trigger": [{
    "rabbitmq": {"protocol": "amqp", "queue_name": "queue-0", "mode": "QueueLength", "value": 5},
    "authentication_ref": {"name": "rabbitmq"}
  }]
}`

// The provider's side of planning one new ScaledObject: validating its
// configuration and planning its creation, which Terraform asks for on every
// plan and again during apply.
func BenchmarkPlanNewScaledObject(b *testing.B) {
	ctx := context.Background()
	server := providerserver.NewProtocol6(New("bench")())()
	schemas, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		b.Fatal(err)
	}
	typ := schemas.ResourceSchemas["keda_ml_scaled_object"].ValueType()
	config := dynamicValue(b, typ, benchScaledObjectConfig)
	prior, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, nil))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		v, err := server.ValidateResourceConfig(ctx, &tfprotov6.ValidateResourceConfigRequest{
			TypeName: "keda_ml_scaled_object", Config: config,
		})
		if err != nil || len(v.Diagnostics) > 0 {
			b.Fatalf("validate: %v %v", err, v.Diagnostics)
		}
		p, err := server.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{
			TypeName: "keda_ml_scaled_object", PriorState: &prior, ProposedNewState: config, Config: config,
		})
		if err != nil || len(p.Diagnostics) > 0 {
			b.Fatalf("plan: %v %v", err, p.Diagnostics)
		}
	}
}

func dynamicValue(b *testing.B, typ tftypes.Type, json string) *tfprotov6.DynamicValue {
	b.Helper()
	v, err := (&tfprotov6.DynamicValue{JSON: []byte(json)}).Unmarshal(typ)
	if err != nil {
		b.Fatal(err)
	}
	dv, err := tfprotov6.NewDynamicValue(typ, v)
	if err != nil {
		b.Fatal(err)
	}
	return &dv
}
