package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	tfresource "github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/kedaml/terraform-provider-keda/internal/kube"
)

// attributeRule is one row of an audit of attribute validators: the value
// an attribute gets, the error KEDA's or Kubernetes' rule makes the
// provider give at plan ("" when it plans), and where the rule comes from.
type attributeRule struct {
	source string
	at     path.Path
	value  attr.Value
	want   string
}

func resourceSchema(t *testing.T, r fwresource.Resource) fwresource.SchemaResponse {
	t.Helper()
	var resp fwresource.SchemaResponse
	r.Schema(context.Background(), fwresource.SchemaRequest{}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatal(resp.Diagnostics)
	}
	return resp
}

// validateAttribute runs the validators the schema declares for the
// attribute at `at` on value, as the framework does at plan.
func validateAttribute(t *testing.T, s fwresource.SchemaResponse, at path.Path, value attr.Value) diag.Diagnostics {
	t.Helper()
	ctx := context.Background()
	a, diags := s.Schema.AttributeAtPath(ctx, at)
	if diags.HasError() {
		t.Fatalf("%s: %v", at, diags)
	}
	var out diag.Diagnostics
	switch v := value.(type) {
	case types.Int64:
		for _, val := range a.(interface{ Int64Validators() []validator.Int64 }).Int64Validators() {
			resp := &validator.Int64Response{}
			val.ValidateInt64(ctx, validator.Int64Request{Path: at, ConfigValue: v}, resp)
			out.Append(resp.Diagnostics...)
		}
	case types.String:
		for _, val := range a.(interface{ StringValidators() []validator.String }).StringValidators() {
			resp := &validator.StringResponse{}
			val.ValidateString(ctx, validator.StringRequest{Path: at, ConfigValue: v}, resp)
			out.Append(resp.Diagnostics...)
		}
	case types.Map:
		for _, val := range a.(interface{ MapValidators() []validator.Map }).MapValidators() {
			resp := &validator.MapResponse{}
			val.ValidateMap(ctx, validator.MapRequest{Path: at, ConfigValue: v}, resp)
			out.Append(resp.Diagnostics...)
		}
	default:
		t.Fatalf("%s: no validator runner for %T", at, value)
	}
	return out
}

func runAttributeRules(t *testing.T, r fwresource.Resource, rows []attributeRule) {
	t.Helper()
	s := resourceSchema(t, r)
	for _, row := range rows {
		t.Run(fmt.Sprintf("%s=%s", row.at, row.value), func(t *testing.T) {
			if row.source == "" {
				t.Fatal("every row cites where its rule comes from")
			}
			diags := validateAttribute(t, s, row.at, row.value)
			if row.want == "" {
				if diags.HasError() {
					t.Fatalf("KEDA accepts this (%s); got %v", row.source, diags)
				}
				return
			}
			if !diags.HasError() {
				t.Fatalf("KEDA rejects this (%s); it planned", row.source)
			}
			for _, d := range diags.Errors() {
				if !strings.Contains(d.Detail(), row.at.String()) {
					t.Errorf("the error does not name the attribute %s: %s", row.at, d.Detail())
				}
				if !regexp.MustCompile(row.want).MatchString(d.Detail()) {
					t.Errorf("want %q, got %s", row.want, d.Detail())
				}
			}
		})
	}
}

var (
	i64 = types.Int64Value
	str = types.StringValue
)

const (
	soCRD       = "config/crd/bases/keda.sh_scaledobjects.yaml"
	hpaRules    = "k8s.io/kubernetes pkg/apis/autoscaling/validation validateScalingRules"
	hpaPolicy   = "k8s.io/kubernetes pkg/apis/autoscaling/validation validateScalingPolicy"
	outOfRange  = `does not fit .*32-bit integer`
	notAccepted = `is not accepted for`
)

// TestScaledObjectAttributeRules audits the attribute validators of
// keda_ml_scaled_object against KEDA v2.21 and the HPA KEDA creates: every
// number against the range of the field that stores it.
func TestScaledObjectAttributeRules(t *testing.T) {
	behavior := path.Root("advanced").AtName("horizontal_pod_autoscaler_config").AtName("behavior")
	up, down := behavior.AtName("scale_up"), behavior.AtName("scale_down")
	policy := up.AtName("policy").AtListIndex(0)
	fallback := path.Root("fallback")
	modifiers := path.Root("advanced").AtName("scaling_modifiers")
	ref := path.Root("scale_target_ref")
	rows := []attributeRule{
		{soCRD + " maxReplicaCount (minimum 1, int32)", path.Root("max_replica_count"), i64(100000000000), outOfRange},
		{soCRD + " maxReplicaCount", path.Root("max_replica_count"), i64(2147483647), ""},
		{soCRD + " maxReplicaCount", path.Root("max_replica_count"), i64(2147483648), outOfRange},
		{soCRD + " maxReplicaCount", path.Root("max_replica_count"), i64(0), notAccepted},
		{soCRD + " minReplicaCount (minimum 0, int32)", path.Root("min_replica_count"), i64(-1), notAccepted},
		{soCRD + " minReplicaCount", path.Root("min_replica_count"), i64(0), ""},
		{soCRD + " minReplicaCount", path.Root("min_replica_count"), i64(4294967296), outOfRange},
		{soCRD + " idleReplicaCount (minimum 0, int32)", path.Root("idle_replica_count"), i64(2147483648), outOfRange},
		{soCRD + " pollingInterval (minimum 1, int32)", path.Root("polling_interval"), i64(0), notAccepted},
		{soCRD + " pollingInterval", path.Root("polling_interval"), i64(2147483647), ""},
		{soCRD + " pollingInterval", path.Root("polling_interval"), i64(2147483648), outOfRange},
		{soCRD + " cooldownPeriod (minimum 0, int32)", path.Root("cooldown_period"), i64(0), ""},
		{soCRD + " cooldownPeriod", path.Root("cooldown_period"), i64(1 << 40), outOfRange},
		{soCRD + " initialCooldownPeriod (minimum 0, int32)", path.Root("initial_cooldown_period"), i64(-5), notAccepted},
		{soCRD + " initialCooldownPeriod", path.Root("initial_cooldown_period"), i64(1 << 33), outOfRange},
		{"controllers/keda/scaledobject_controller.go scaleTargetToPausedCount (GetPausedReplicaCount: ParseInt 32 bits)",
			path.Root("paused_replicas"), i64(2147483648), outOfRange},
		{"k8s.io/kubernetes pkg/apis/autoscaling/validation ValidateScale (replicas >= 0)", path.Root("paused_replicas"), i64(-1), notAccepted},
		{"controllers/keda/scaledobject_controller.go scaleTargetToPausedCount", path.Root("paused_replicas"), i64(0), ""},
		{soCRD + " fallback.failureThreshold (minimum 0, int32)", fallback.AtName("failure_threshold"), i64(3000000000), outOfRange},
		{soCRD + " fallback.replicas (minimum 0, int32)", fallback.AtName("replicas"), i64(-1), notAccepted},
		{soCRD + " fallback.replicas", fallback.AtName("replicas"), i64(2147483647), ""},
		{soCRD + " fallback.behavior (enum)", fallback.AtName("behavior"), str("currentReplicasIfHigher"), ""},
		{soCRD + " fallback.behavior (enum)", fallback.AtName("behavior"), str("dynamic"), "must be one of"},
		{hpaRules + " (stabilizationWindowSeconds <= 3600)", up.AtName("stabilization_window_seconds"), i64(3601), notAccepted},
		{hpaRules, down.AtName("stabilization_window_seconds"), i64(3600), ""},
		{hpaRules + " (selectPolicy)", down.AtName("select_policy"), str("Disabled"), ""},
		{hpaRules + " (selectPolicy)", down.AtName("select_policy"), str("Maximum"), "must be one of"},
		{hpaRules + " (tolerance: ValidateNonnegativeQuantity)", up.AtName("tolerance"), str("-0.1"), "must not be negative"},
		{soCRD + " behavior.scaleUp.tolerance (quantity pattern)", up.AtName("tolerance"), str("5%"), "not a Kubernetes quantity"},
		{hpaRules + " (tolerance)", up.AtName("tolerance"), str("0.05"), ""},
		{hpaRules + " (tolerance)", down.AtName("tolerance"), str("50m"), ""},
		{hpaRules + " (tolerance)", down.AtName("tolerance"), str("0"), ""},
		{hpaPolicy + " (value > 0)", policy.AtName("value"), i64(0), notAccepted},
		{hpaPolicy + " (value, int32)", policy.AtName("value"), i64(2147483648), outOfRange},
		{hpaPolicy + " (value)", policy.AtName("value"), i64(2147483647), ""},
		{hpaPolicy + " (periodSeconds 1-1800)", policy.AtName("period_seconds"), i64(1801), notAccepted},
		{hpaPolicy + " (periodSeconds)", policy.AtName("period_seconds"), i64(0), notAccepted},
		{hpaPolicy + " (periodSeconds)", policy.AtName("period_seconds"), i64(1800), ""},
		{hpaPolicy + " (type)", policy.AtName("type"), str("Replicas"), "must be one of"},
		{"k8s.io/kubernetes pkg/apis/autoscaling/validation ValidateHorizontalPodAutoscalerName",
			path.Root("advanced").AtName("horizontal_pod_autoscaler_config").AtName("name"), str("My_HPA"), "not a valid Kubernetes name"},
		{soCRD + " scalingModifiers.metricType (enum)", modifiers.AtName("metric_type"), str("Utilization"), "must be one of"},
		{soCRD + " scalingModifiers.metricType (enum)", modifiers.AtName("metric_type"), str("Value"), ""},
		{"pkg/scaling/scale_handler.go (scalingModifiers.ActivationTarget: strconv.ParseFloat)", modifiers.AtName("activation_target"), str("ten"), "is not a number"},
		{"pkg/scaling/scale_handler.go (scalingModifiers.ActivationTarget)", modifiers.AtName("activation_target"), str("2.5"), ""},
		{"apis/keda/v1alpha1/gvkr.go ParseGVKR (schema.ParseGroupVersion)", ref.AtName("api_version"), str("apps/v1/beta"), "is not an API version"},
		{"apis/keda/v1alpha1/gvkr.go ParseGVKR", ref.AtName("api_version"), str("argoproj.io/v1alpha1"), ""},
		{"apis/keda/v1alpha1/gvkr.go ParseGVKR", ref.AtName("api_version"), str("v1"), ""},
	}
	runAttributeRules(t, NewScaledObjectResource(), rows)
}

// A number beyond its 32-bit field fails the plan, naming the attribute;
// the int32 maximum itself plans.
func TestScaledObject_int32RangeAtPlan(t *testing.T) {
	config := func(maxReplicas string) string {
		return fmt.Sprintf(`
resource "keda_ml_scaled_object" "big" {
  metadata {
    name = "big"
  }
  scale_target_ref {
    name = "worker"
  }
  max_replica_count = %s
  trigger {
    type     = "kafka"
    metadata = { topic = "requests" }
  }
}`, maxReplicas)
	}
	testPlanFails(t, config("100000000000"), `(?s)Attribute max_replica_count value 100000000000 does not fit\s+spec.maxReplicaCount, a 32-bit integer`)
	testPlansOffline(t, config("2147483647"))
}

// Whole-object rules run with the namespace, the name and a trigger value
// known only after apply; rules that read an unknown value do not fire.
func TestScaledObject_rulesRunOnWhatIsKnown(t *testing.T) {
	config := func(minReplicas, maxReplicas string) string {
		return fmt.Sprintf(`
resource "terraform_data" "later" {
  input = "ml"
}

resource "keda_ml_scaled_object" "partly_known" {
  metadata {
    name      = "so-${terraform_data.later.output}"
    namespace = terraform_data.later.output
  }
  scale_target_ref {
    name = terraform_data.later.output
  }
  min_replica_count = %s
  max_replica_count = %s
  trigger {
    type     = "kafka"
    metadata = { topic = terraform_data.later.output }
  }
}`, minReplicas, maxReplicas)
	}
	testPlanFails(t, config("9", "3"), `(?s)Attribute min_replica_count: KEDA would reject this: MinReplicaCount=9`)
	// min itself unknown: the replica rule needs it and does not fire.
	testPlansOffline(t, config("length(terraform_data.later.output) + 7", "3"))

	// Triggers from a dynamic block over a value known after apply: the
	// list itself is unknown at plan.
	dynamic := func(minReplicas int) string {
		return fmt.Sprintf(`
resource "terraform_data" "topics" {
  input = ["a", "b"]
}

resource "keda_ml_scaled_object" "dynamic" {
  metadata {
    name = "dynamic"
  }
  scale_target_ref {
    name = "worker"
  }
  min_replica_count = %d
  max_replica_count = 3
  dynamic "trigger" {
    for_each = terraform_data.topics.output
    content {
      type     = "kafka"
      metadata = { topic = trigger.value }
    }
  }
}`, minReplicas)
	}
	testPlanFails(t, dynamic(9), `(?s)Attribute min_replica_count: KEDA would reject this: MinReplicaCount=9`)
	testPlansOffline(t, dynamic(0))
}

func TestScaledObject_toleranceAndPoliciesPlan(t *testing.T) {
	testPlansOffline(t, `
resource "keda_ml_scaled_object" "tolerant" {
  metadata {
    name = "tolerant"
  }
  scale_target_ref {
    name = "worker"
  }
  advanced {
    horizontal_pod_autoscaler_config {
      behavior {
        scale_up {
          tolerance = "0.05"
        }
        scale_down {
          tolerance                    = "50m"
          stabilization_window_seconds = 3600
          policy {
            type           = "Percent"
            value          = 2147483647
            period_seconds = 1800
          }
        }
      }
    }
  }
  trigger {
    type     = "kafka"
    metadata = { topic = "requests" }
  }
}`)
}

// expectNotFound checks that get found nothing: NotFound, not any error.
func expectNotFound[T any](kind string, get func(context.Context, string) (T, error), name string) error {
	_, err := get(context.Background(), name)
	switch {
	case err == nil:
		return fmt.Errorf("%s %s exists", kind, name)
	case !kube.IsNotFound(err):
		return fmt.Errorf("%s %s: want NotFound, got %w", kind, name, err)
	}
	return nil
}

// A number beyond its field is refused at plan against a real cluster, and
// nothing is created.
func TestAccScaledObject_wrappedNumberRefused(t *testing.T) {
	ns := testNamespace(t)
	api := testScaledObjects(t, ns)
	tfresource.ParallelTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []tfresource.TestStep{{
			Config: fmt.Sprintf(`
resource "keda_ml_scaled_object" "wrapped" {
  metadata {
    name      = "wrapped"
    namespace = %q
  }
  scale_target_ref {
    name = "worker"
  }
  max_replica_count = 100000000000
  trigger {
    type     = "kafka"
    metadata = { topic = "requests" }
  }
}`, ns),
			ExpectError: regexp.MustCompile(`(?s)Attribute max_replica_count value 100000000000 does not fit`),
		}},
	})
	if err := expectNotFound("ScaledObject", api.Get, "wrapped"); err != nil {
		t.Fatal(err)
	}
}

// HPA behavior tolerance round-trips: written as the quantity, read back in
// the configured spelling (Kubernetes returns 0.05 as 50m), an empty plan
// after apply, and import.
func TestAccScaledObject_tolerance(t *testing.T) {
	ns := testNamespace(t)
	api := testScaledObjects(t, ns)
	addr := "keda_ml_scaled_object.tolerant"
	config := fmt.Sprintf(`
resource "keda_ml_scaled_object" "tolerant" {
  metadata {
    name      = "tolerant"
    namespace = %q
  }
  scale_target_ref {
    name = "worker"
  }
  advanced {
    horizontal_pod_autoscaler_config {
      behavior {
        scale_up {
          tolerance = "0.05"
        }
        scale_down {
          tolerance                    = "50m"
          stabilization_window_seconds = 60
        }
      }
    }
  }
  trigger {
    type     = "kafka"
    metadata = { topic = "requests" }
  }
}`, ns)
	up := tfjsonpath.New("advanced").AtMapKey("horizontal_pod_autoscaler_config").AtMapKey("behavior").AtMapKey("scale_up").AtMapKey("tolerance")
	down := tfjsonpath.New("advanced").AtMapKey("horizontal_pod_autoscaler_config").AtMapKey("behavior").AtMapKey("scale_down").AtMapKey("tolerance")
	tfresource.ParallelTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []tfresource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, up, knownvalue.StringExact("0.05")),
					statecheck.ExpectKnownValue(addr, down, knownvalue.StringExact("50m")),
				},
				ConfigPlanChecks: tfresource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(*terraform.State) error {
					so, err := api.Get(context.Background(), "tolerant")
					if err != nil {
						return err
					}
					b := so.Spec.Advanced.HorizontalPodAutoscalerConfig.Behavior
					want := resource.MustParse("50m")
					if b.ScaleUp.Tolerance == nil || b.ScaleUp.Tolerance.Cmp(want) != 0 || b.ScaleDown.Tolerance == nil || b.ScaleDown.Tolerance.Cmp(want) != 0 {
						return fmt.Errorf("tolerances on the object: %v, %v", b.ScaleUp.Tolerance, b.ScaleDown.Tolerance)
					}
					return nil
				},
			},
			{
				Config:             config,
				PlanOnly:           true,
				ExpectNonEmptyPlan: false,
			},
			{
				ResourceName:      addr,
				ImportState:       true,
				ImportStateId:     ns + "/tolerant",
				ImportStateVerify: true,
				// The import reads Kubernetes' spelling of 0.05.
				ImportStateVerifyIgnore: []string{"timeouts", "status", "advanced.horizontal_pod_autoscaler_config.behavior.scale_up.tolerance"},
				ImportStateCheck: func(states []*terraform.InstanceState) error {
					if got := states[0].Attributes["advanced.horizontal_pod_autoscaler_config.behavior.scale_up.tolerance"]; got != "50m" {
						return fmt.Errorf("imported scale_up tolerance %q, want 50m", got)
					}
					return nil
				},
			},
		},
		CheckDestroy: func(*terraform.State) error { return expectNotFound("ScaledObject", api.Get, "tolerant") },
	})
}

// KEDA's webhook refuses cpu/memory-only ScaledObjects with min 0 only for
// Deployment and StatefulSet targets (verifyCPUMemoryScalers): another kind
// plans, with a warning.
func TestScaledObject_cpuOnlyMinZeroOtherKindPlans(t *testing.T) {
	testPlansOfflineWarns(t, `
resource "keda_ml_scaled_object" "rollout" {
  metadata {
    name = "rollout"
  }
  scale_target_ref {
    name        = "worker"
    kind        = "Rollout"
    api_version = "argoproj.io/v1alpha1"
  }
  min_replica_count = 0
  trigger {
    cpu { utilization = 60 }
  }
}`, "cpu/memory triggers cannot scale to zero at min_replica_count")
}
