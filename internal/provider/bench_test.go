package provider

import (
	"context"
	"encoding/json"
	"math/big"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// Terraform asks a freshly started provider for its schema on every
// command: what that costs is part of each plan and apply.
func BenchmarkProviderSchema(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		server, err := NewServer("bench")()
		if err != nil {
			b.Fatal(err)
		}
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

// benchServer is the provider's server as Terraform is served it (the fast
// path on, whatever TestMain set for the tests), with the ScaledObject's
// type and the benchmark's configuration.
func benchServer(b *testing.B) (tfprotov6.ProviderServer, tftypes.Type, *tfprotov6.DynamicValue) {
	b.Helper()
	b.Setenv(fastPathEnv, "on")
	server, err := NewServer("bench")()
	if err != nil {
		b.Fatal(err)
	}
	schemas, err := server.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		b.Fatal(err)
	}
	typ := schemas.ResourceSchemas["keda_ml_scaled_object"].ValueType()
	return server, typ, dynamicValue(b, typ, benchScaledObjectConfig)
}

// The provider's side of planning one new ScaledObject: validating its
// configuration and planning its creation, which Terraform asks for on every
// plan and again during apply.
func BenchmarkPlanNewScaledObject(b *testing.B) {
	ctx := context.Background()
	server, typ, config := benchServer(b)
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

// What a plan with refresh asks of the provider for each ScaledObject it
// already manages, apart from the read itself: upgrading the stored state,
// validating the configuration and planning no change.
func BenchmarkPlanUnchangedScaledObject(b *testing.B) {
	ctx := context.Background()
	server, typ, config := benchServer(b)
	prior, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, nil))
	if err != nil {
		b.Fatal(err)
	}
	p, err := server.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{
		TypeName: "keda_ml_scaled_object", PriorState: &prior, ProposedNewState: config, Config: config,
	})
	if err != nil || len(p.Diagnostics) > 0 {
		b.Fatalf("plan: %v %v", err, p.Diagnostics)
	}
	// The state an apply leaves: the plan with what was unknown filled.
	planned, err := p.PlannedState.Unmarshal(typ)
	if err != nil {
		b.Fatal(err)
	}
	applied, err := tftypes.Transform(planned, func(_ *tftypes.AttributePath, v tftypes.Value) (tftypes.Value, error) {
		if v.IsKnown() {
			return v, nil
		}
		if v.Type().Is(tftypes.String) {
			return tftypes.NewValue(tftypes.String, "bench/worker-0"), nil
		}
		return tftypes.NewValue(v.Type(), nil), nil
	})
	if err != nil {
		b.Fatal(err)
	}
	state, err := tfprotov6.NewDynamicValue(typ, applied)
	if err != nil {
		b.Fatal(err)
	}
	stateJSON, err := json.Marshal(valueJSON(b, applied))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		u, err := server.UpgradeResourceState(ctx, &tfprotov6.UpgradeResourceStateRequest{
			TypeName: "keda_ml_scaled_object", Version: statusSchemaVersion, RawState: &tfprotov6.RawState{JSON: stateJSON},
		})
		if err != nil || len(u.Diagnostics) > 0 {
			b.Fatalf("upgrade: %v %v", err, u.Diagnostics)
		}
		v, err := server.ValidateResourceConfig(ctx, &tfprotov6.ValidateResourceConfigRequest{
			TypeName: "keda_ml_scaled_object", Config: config,
		})
		if err != nil || len(v.Diagnostics) > 0 {
			b.Fatalf("validate: %v %v", err, v.Diagnostics)
		}
		p, err := server.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{
			TypeName: "keda_ml_scaled_object", PriorState: &state, ProposedNewState: &state, Config: config,
		})
		if err != nil || len(p.Diagnostics) > 0 {
			b.Fatalf("plan: %v %v", err, p.Diagnostics)
		}
	}
}

// valueJSON is a known value as Terraform stores it in state JSON.
func valueJSON(b *testing.B, v tftypes.Value) any {
	b.Helper()
	switch {
	case v.IsNull():
		return nil
	case v.Type().Is(tftypes.String):
		var s string
		_ = v.As(&s)
		return s
	case v.Type().Is(tftypes.Bool):
		var x bool
		_ = v.As(&x)
		return x
	case v.Type().Is(tftypes.Number):
		var f big.Float
		_ = v.As(&f)
		x, _ := f.Float64()
		return x
	case v.Type().Is(tftypes.List{}), v.Type().Is(tftypes.Set{}):
		var elems []tftypes.Value
		_ = v.As(&elems)
		out := []any{}
		for _, e := range elems {
			out = append(out, valueJSON(b, e))
		}
		return out
	default:
		var attrs map[string]tftypes.Value
		_ = v.As(&attrs)
		out := map[string]any{}
		for k, e := range attrs {
			out[k] = valueJSON(b, e)
		}
		return out
	}
}

func dynamicValue(b testing.TB, typ tftypes.Type, json string) *tfprotov6.DynamicValue {
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
