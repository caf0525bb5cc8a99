package provider

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"k8s.io/apimachinery/pkg/types"
)

// Each trigger type on its own: create, change one of its values in place,
// import (verified equal), a value changed outside Terraform (the plan
// updates, the apply restores it), the object deleted outside Terraform (the
// plan creates it again), destroy. After every apply the test framework also
// checks that a second plan is empty.
func TestAccScaledObject_eachTriggerType(t *testing.T) {
	triggers := map[string]func(v int) string{
		"rabbitmq": func(v int) string {
			return fmt.Sprintf(`rabbitmq {
      host       = "amqp://rabbitmq.ml:5672"
      queue_name = "inference_requests"
      mode       = "QueueLength"
      value      = %d
    }`, v)
		},
		"cpu": func(v int) string { return fmt.Sprintf("cpu {\n      utilization = %d\n    }", v) },
		"memory": func(v int) string {
			return fmt.Sprintf("memory {\n      average_value = \"%dMi\"\n    }", v*100)
		},
		"prometheus": func(v int) string {
			return fmt.Sprintf(`prometheus {
      server_address = "http://prometheus.monitoring:9090"
      query          = "avg(inference_latency_ms{service=\"ml\"})"
      threshold      = %d
      auth_modes     = ["bearer"]
    }
    authentication_ref {
      name = "prometheus-auth"
    }`, v*10)
		},
		"gpu": func(v int) string {
			return fmt.Sprintf(`gpu {
      server_address  = "http://prometheus.monitoring:9090"
      metric          = "tensor_active"
      target          = %d
      namespace_label = "exported_namespace"
      pod_label       = "exported_pod"
    }`, v)
		},
		"untyped": func(v int) string {
			return fmt.Sprintf(`type     = "cron"
    metadata = { timezone = "UTC", start = "0 8 * * *", end = "0 20 * * *", desiredReplicas = "%d" }`, v)
		},
	}
	// The KEDA metadata key each drift step changes behind Terraform's back.
	driftKey := map[string]string{"rabbitmq": "value", "cpu": "value", "memory": "value", "prometheus": "threshold",
		"gpu": "threshold", "untyped": "desiredReplicas"}
	for name, trigger := range triggers {
		t.Run(name, func(t *testing.T) {
			ns := testNamespace(t)
			addr := "keda_ml_scaled_object.this"
			objectName := name + "-scaler"
			api := testScaledObjects(t, ns)
			var declared string
			changeOutside := func() {
				so, err := api.Get(context.Background(), objectName)
				if err != nil {
					t.Fatal(err)
				}
				declared = so.Spec.Triggers[0].Metadata[driftKey[name]]
				patch := fmt.Sprintf(`[{"op":"replace","path":"/spec/triggers/0/metadata/%s","value":"999"}]`, driftKey[name])
				if _, err := api.RawPatch(context.Background(), objectName, types.JSONPatchType, []byte(patch)); err != nil {
					t.Fatal(err)
				}
			}
			restored := func(*terraform.State) error {
				so, err := api.Get(context.Background(), objectName)
				if err != nil {
					return err
				}
				if got := so.Spec.Triggers[0].Metadata[driftKey[name]]; got != declared {
					return fmt.Errorf("drift not corrected: %s = %q, want %q", driftKey[name], got, declared)
				}
				return nil
			}
			config := func(v int) string {
				return fmt.Sprintf(`
resource "keda_ml_scaled_object" "this" {
  metadata {
    name      = "%s-scaler"
    namespace = %q
  }
  scale_target_ref {
    name = "worker"
  }
  min_replica_count = 1
  trigger {
    %s
  }
}`, name, ns, trigger(v))
			}
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				Steps: []resource.TestStep{
					{Config: config(5)},
					{
						Config: config(7),
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
						},
					},
					{
						ResourceName:            addr,
						ImportState:             true,
						ImportStateId:           ns + "/" + name + "-scaler",
						ImportStateVerify:       true,
						ImportStateVerifyIgnore: []string{"timeouts", "status"},
					},
					{
						PreConfig: changeOutside,
						Config:    config(7),
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
						},
						Check: restored,
					},
					{
						PreConfig: func() {
							if err := api.Delete(context.Background(), objectName); err != nil {
								t.Fatal(err)
							}
						},
						Config: config(7),
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate)},
						},
					},
				},
				CheckDestroy: func(*terraform.State) error {
					if _, err := api.Get(context.Background(), objectName); err == nil {
						return fmt.Errorf("ScaledObject %s still exists after destroy", objectName)
					}
					return nil
				},
			})
		})
	}
}
