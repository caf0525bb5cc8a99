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

// What KEDA v2.21 accepts plans, with no cluster: each resource below was
// refused before (issue 13). The plan shows their warnings; none is an
// error.
func TestTriggers_planWhatKEDAAccepts(t *testing.T) {
	testPlansOfflineWarns(t, `
resource "keda_ml_scaled_object" "accepted" {
  metadata {
    name        = "accepted"
    labels      = {}
    annotations = {}
  }
  scale_target_ref {
    name = "worker"
  }
  trigger {
    # KEDA's default: QueueLength 20.
    rabbitmq {
      queue_name = "q"
    }
    authentication_ref {
      name = "rabbitmq-auth"
    }
  }
  trigger {
    rabbitmq {
      host       = "http://rabbitmq:15672"
      queue_name = "rates"
      mode       = "MessageRate"
      value      = 10
      timeout    = "1000"
    }
  }
  trigger {
    # KEDA takes host; host_from_env gets a warning.
    rabbitmq {
      host          = "amqp://rabbitmq:5672"
      host_from_env = "RABBITMQ_URL"
      queue_name    = "q2"
    }
  }
  trigger {
    prometheus {
      server_address = "http://prometheus:9090"
      query          = "sum(rate(requests[1m]))"
      threshold      = 100.5
      timeout        = "1000"
      auth_modes     = ["oauth", "tls"]
    }
    authentication_ref {
      name = "prometheus-oauth"
    }
  }
  trigger {
    # Amazon Managed Prometheus: what the typed block cannot hold.
    type = "prometheus"
    metadata = {
      serverAddress = "https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-1"
      query         = "sum(rate(requests[1m]))"
      threshold     = "100"
      awsRegion     = "eu-west-1"
      identityOwner = "operator"
    }
  }
  trigger {
    # A typed scaler written untyped: a warning says the block would do.
    type     = "rabbitmq"
    metadata = { host = "amqp://rabbitmq:5672", queueName = "q3", mode = "QueueLength", value = "5" }
  }
}

resource "keda_ml_scaled_job" "accepted" {
  metadata {
    name   = "accepted-job"
    labels = {}
  }
  job_target_ref {
    template {
      spec {
        container {
          name  = "infer"
          image = "infer:1"
        }
      }
    }
  }
  trigger {
    # Deprecated, still read by KEDA's rabbitmq scaler.
    type     = "rabbitmq"
    metadata = { host = "amqp://rabbitmq:5672", queueName = "batch", queueLength = "10" }
  }
  trigger {
    # KEDA skips cpu triggers of ScaledJobs: a warning, not an error.
    cpu {
      utilization = 50
    }
  }
}

resource "keda_trigger_authentication" "oauth" {
  metadata {
    name        = "prometheus-oauth"
    annotations = {}
  }
  oauth2 {
    client_id = "keda"
    token_url = "https://auth.example/oauth/token"
    scopes    = []
  }
  hashicorp_vault {
    address        = "https://vault:8200"
    authentication = "kubernetes"
    mount          = "kubernetes"
    role           = "keda"
    secret {
      parameter = "ca"
      path      = "secret/data/prometheus"
      key       = "ca"
    }
  }
}

resource "keda_cluster_trigger_authentication" "file" {
  metadata {
    name   = "from-file"
    labels = {}
  }
  file_path = "prometheus/auth.json"
}
`,
		// The ScaledJob's.
		`Deprecated queueLength at trigger[0].metadata["queueLength"]`,
		"Trigger ignored by ScaledJobs at trigger[1].cpu",
		// The ScaledObject's.
		"host_from_env ignored at trigger[2].rabbitmq.host_from_env",
		"A typed block would hold this trigger at trigger[5].type")
}

// What KEDA v2.21 rejects (or fails on at every poll) fails at plan, with
// the attribute at fault named, and nothing is created.
func TestTriggers_refuseWhatKEDARejects(t *testing.T) {
	object := func(trigger string) string {
		return fmt.Sprintf(`
resource "keda_ml_scaled_object" "bad" {
  metadata {
    name = "bad"
  }
  scale_target_ref {
    name = "worker"
  }
  trigger {
    %s
  }
}`, trigger)
	}
	cases := map[string]struct{ config, want string }{
		"Utilization on prometheus": {config: object(`metric_type = "Utilization"
    prometheus {
      server_address = "http://prometheus:9090"
      query          = "sum(x)"
      threshold      = 1
    }`), want: `(?s)Attribute trigger\[0\].metric_type: KEDA refuses it for external\s+metrics`},
		"Utilization on untyped rabbitmq": {config: object(`type        = "rabbitmq"
    metric_type = "Utilization"
    metadata    = { host = "amqp://rabbitmq:5672", queueName = "q" }`), want: `(?s)Attribute trigger\[0\].metric_type: KEDA refuses it`},
		"cpu utilization above int32": {config: object(`cpu { utilization = 2147483648 }`),
			want: `(?s)Attribute trigger\[0\].cpu.utilization value must be between`},
		"prometheus basic with bearer": {config: object(`prometheus {
      server_address = "http://prometheus:9090"
      query          = "sum(x)"
      threshold      = 1
      auth_modes     = ["basic", "bearer"]
    }
    authentication_ref { name = "auth" }`), want: `(?s)Attribute trigger\[0\].prometheus.auth_modes holds basic and bearer`},
		"untyped unknown scaler": {config: object(`type     = "rabbit-mq"
    metadata = { queueName = "q" }`), want: `(?s)Attribute trigger\[0\].type: KEDA v2.21 has no scaler named\s+"rabbit-mq"`},
		"file_path on a TriggerAuthentication": {config: `
resource "keda_trigger_authentication" "bad" {
  metadata {
    name = "bad"
  }
  file_path = "auth.json"
}`, want: `(?s)Attribute file_path: filePath is only supported for\s+ClusterTriggerAuthentication`},
		"vault kubernetes without role": {config: `
resource "keda_cluster_trigger_authentication" "bad" {
  metadata {
    name = "bad"
  }
  hashicorp_vault {
    address        = "https://vault:8200"
    authentication = "kubernetes"
    mount          = "kubernetes"
    secret {
      parameter = "p"
      path      = "secret/data/x"
      key       = "p"
    }
  }
}`, want: `(?s)Attribute hashicorp_vault.role: kubernetes authentication needs a Vault\s+role`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) { testPlanFails(t, tc.config, tc.want) })
	}
}
