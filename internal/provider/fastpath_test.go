package provider

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// The ScaledObject and ScaledJob examples, created, planned unchanged,
// imported, updated and destroyed through the provider in check mode: the
// fast path answers upgrades, validations, unchanged and destroy plans and
// reads, each compared with the framework's answer to the same request
// (a difference fails the step). The counts prove it answered them.
func TestAccFastPath_matchesTheFrameworkThroughALifecycle(t *testing.T) {
	t.Setenv(fastPathEnv, "check")
	ns := testNamespace(t)
	var mu sync.Mutex
	var servers []*fastServer
	factories := map[string]func() (tfprotov6.ProviderServer, error){
		"keda": func() (tfprotov6.ProviderServer, error) {
			s, err := NewServer("test")()
			if err != nil {
				return nil, err
			}
			mu.Lock()
			defer mu.Unlock()
			servers = append(servers, s.(*fastServer))
			return s, nil
		},
	}
	config := scaledObjectConfig(ns, 10, "") + scaledJobExample(t, ns)
	updated := scaledObjectConfig(ns, 12, "") + scaledJobExample(t, ns, "max_replica_count             = 8", "max_replica_count             = 9")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories,
		Steps: []resource.TestStep{
			{Config: config},
			{Config: config, PlanOnly: true},
			{Config: config, ResourceName: "keda_ml_scaled_object.worker", ImportState: true, ImportStateVerify: true,
				ImportStateVerifyIgnore: []string{"timeouts", "wait_for_ready"}},
			{Config: updated},
		},
	})
	var total struct{ upgrade, validate, plan, read, apply, differed, configReused, destroyedByID int64 }
	for _, s := range servers {
		total.configReused += s.stats.configReused.Load()
		total.destroyedByID += s.stats.destroyedByID.Load()
		total.upgrade += s.stats.upgrade.Load()
		total.validate += s.stats.validate.Load()
		total.plan += s.stats.plan.Load()
		total.read += s.stats.read.Load()
		total.apply += s.stats.apply.Load()
		total.differed += s.stats.differed.Load()
	}
	t.Logf("fast path answered (and checked): %+v", total)
	if total.differed != 0 {
		t.Errorf("%d answers differed from the framework's", total.differed)
	}
	if total.upgrade == 0 || total.validate == 0 || total.plan == 0 || total.read == 0 || total.apply == 0 {
		t.Errorf("the fast path did not answer every kind of call: %+v", total)
	}
	// Every plan follows a validation of the same configuration bytes.
	if total.configReused == 0 {
		t.Errorf("no plan took the configuration its validation decoded: %+v", total)
	}
	// The ScaledObject and the ScaledJob, destroyed at the end.
	if total.destroyedByID != 2 {
		t.Errorf("destroys that decoded only id and timeouts = %d, want 2: %+v", total.destroyedByID, total)
	}
}

// Configurations as Terraform sends them, valid and not, validated by the
// fast path and by the framework alone: the same diagnostics, attribute
// paths included. The rules' own tests (resource_ml_scaled_object_rules_test.go
// and the others) run through the fast path in check mode as well.
func TestFastPath_validationMatchesTheFramework(t *testing.T) {
	ctx := context.Background()
	t.Setenv(fastPathEnv, "on")
	fast, err := NewServer("test")()
	if err != nil {
		t.Fatal(err)
	}
	framework, err := providerserver.NewProtocol6WithError(New("test")())()
	if err != nil {
		t.Fatal(err)
	}
	schemas, err := framework.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, typ, config string
		wantDiagnostics   bool
		// The plan is the framework's: a plan modifier sets a value
		// under a block the configuration lacks.
		planLeftToFramework bool
	}{
		{"the bench ScaledObject", "keda_ml_scaled_object", benchScaledObjectConfig, false, false},
		{"max below min, refused at plan only", "keda_ml_scaled_object", `{"metadata": {"name": "a"}, "scale_target_ref": {"name": "w"},
			"min_replica_count": 5, "max_replica_count": 2, "trigger": [{"cpu": {"utilization": 50}}]}`, false, false},
		{"no trigger", "keda_ml_scaled_object", `{"metadata": {"name": "a"}, "scale_target_ref": {"name": "w"}}`, true, false},
		{"no scale_target_ref", "keda_ml_scaled_object", `{"metadata": {"name": "a"}, "trigger": [{"cpu": {"utilization": 50}}]}`, true, false},
		{"bad name and enum", "keda_ml_scaled_object", `{"metadata": {"name": "A_b"}, "scale_target_ref": {"name": "w"},
			"trigger": [{"rabbitmq": {"protocol": "smtp", "queue_name": "q", "mode": "QueueLength", "value": 5}}]}`, true, false},
		{"read-only attribute set", "keda_ml_scaled_object", `{"id": "x", "metadata": {"name": "a"}, "scale_target_ref": {"name": "w"},
			"trigger": [{"cpu": {"utilization": 50}}]}`, true, false},
		{"untyped trigger", "keda_ml_scaled_object", `{"metadata": {"name": "a"}, "scale_target_ref": {"name": "w"},
			"trigger": [{"type": "kafka", "metadata": {"topic": "t", "bootstrapServers": "b:9092", "consumerGroup": "g"}}]}`, false, false},
		{"ScaledJob without template", "keda_ml_scaled_job", `{"metadata": {"name": "a"},
			"trigger": [{"cpu": {"utilization": 50}}]}`, true, true},
		{"ScaledJob negative history", "keda_ml_scaled_job", `{"metadata": {"name": "a"}, "failed_jobs_history_limit": -1,
			"job_target_ref": {"template": {"spec": {"container": [{"name": "c", "image": "i"}]}}},
			"trigger": [{"cpu": {"utilization": 50}}]}`, true, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			typ := schemas.ResourceSchemas[c.typ].ValueType()
			v, err := (&tfprotov6.DynamicValue{JSON: []byte(c.config)}).Unmarshal(typ)
			if err != nil {
				t.Fatal(err)
			}
			dv, err := tfprotov6.NewDynamicValue(typ, v)
			if err != nil {
				t.Fatal(err)
			}
			req := &tfprotov6.ValidateResourceConfigRequest{TypeName: c.typ, Config: &dv}
			got, err := fast.ValidateResourceConfig(ctx, req)
			if err != nil {
				t.Fatal(err)
			}
			want, err := framework.ValidateResourceConfig(ctx, req)
			if err != nil {
				t.Fatal(err)
			}
			if g, w := diagnosticSet(got.Diagnostics), diagnosticSet(want.Diagnostics); g != w {
				t.Errorf("fast path:\n%s\nframework:\n%s", g, w)
			}
			if (len(got.Diagnostics) > 0) != c.wantDiagnostics {
				t.Errorf("diagnostics: %s", diagnosticSet(got.Diagnostics))
			}
			if fast.(*fastServer).stats.validate.Load() == 0 {
				t.Error("the fast path left the validation to the framework")
			}
			// Planned as a new object: the same plan, diagnostics (KEDA's
			// checks in ModifyPlan) and replacements.
			null, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, nil))
			if err != nil {
				t.Fatal(err)
			}
			plan := &tfprotov6.PlanResourceChangeRequest{TypeName: c.typ, PriorState: &null, ProposedNewState: &dv, Config: &dv}
			plans := fast.(*fastServer).stats.plan.Load()
			gotPlan, err := fast.PlanResourceChange(ctx, plan)
			if err != nil {
				t.Fatal(err)
			}
			wantPlan, err := framework.PlanResourceChange(ctx, plan)
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range comparePlan(typ, gotPlan, wantPlan) {
				t.Errorf("plan: %s", d.Detail)
			}
			if left := fast.(*fastServer).stats.plan.Load() == plans; left != c.planLeftToFramework {
				t.Errorf("plan left to the framework: %v, want %v", left, c.planLeftToFramework)
			}
		})
	}
}

// Check mode reports a difference, and only a difference: diagnostics in
// another order are the same answer.
func TestFastPathCheck_reportsOnlyDifferences(t *testing.T) {
	a := &tfprotov6.Diagnostic{Severity: tfprotov6.DiagnosticSeverityError, Summary: "s", Detail: "a",
		Attribute: tftypes.NewAttributePath().WithAttributeName("trigger").WithElementKeyInt(0)}
	b := &tfprotov6.Diagnostic{Severity: tfprotov6.DiagnosticSeverityWarning, Summary: "s", Detail: "b"}
	moved := &tfprotov6.Diagnostic{Severity: a.Severity, Summary: a.Summary, Detail: a.Detail,
		Attribute: tftypes.NewAttributePath().WithAttributeName("trigger").WithElementKeyInt(1)}
	typ := tftypes.Object{AttributeTypes: map[string]tftypes.Type{"n": tftypes.Number}}
	one, _ := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, map[string]tftypes.Value{"n": tftypes.NewValue(tftypes.Number, 1)}))
	two, _ := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, map[string]tftypes.Value{"n": tftypes.NewValue(tftypes.Number, 2)}))
	cases := []struct {
		name      string
		got       []*tfprotov6.Diagnostic
		differing int
	}{
		{"same diagnostics, other order", compareDiagnostics("x", []*tfprotov6.Diagnostic{b, a}, []*tfprotov6.Diagnostic{a, b}), 0},
		{"one missing", compareDiagnostics("x", []*tfprotov6.Diagnostic{a}, []*tfprotov6.Diagnostic{a, b}), 1},
		{"another attribute", compareDiagnostics("x", []*tfprotov6.Diagnostic{a}, []*tfprotov6.Diagnostic{moved}), 1},
		{"same values", compareValues("x", "state", typ, &one, &one), 0},
		{"another value", compareValues("x", "state", typ, &one, &two), 1},
		{"a value and none", compareValues("x", "state", typ, &one, nil), 1},
	}
	for _, c := range cases {
		if len(c.got) != c.differing {
			t.Errorf("%s: %d differences reported, want %d: %v", c.name, len(c.got), c.differing, c.got)
		}
		for _, d := range c.got {
			if d.Summary != fastPathDiffers || d.Severity != tfprotov6.DiagnosticSeverityError || !strings.HasPrefix(d.Detail, "x: ") {
				t.Errorf("%s: %+v", c.name, d)
			}
		}
	}
}
