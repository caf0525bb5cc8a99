package provider

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/kedacore/keda/v2/apis/keda/v1alpha1"
	"k8s.io/apimachinery/pkg/types"
)

func scaledObjectConfig(ns string, maxReplicas int, extra string) string {
	return fmt.Sprintf(`
resource "keda_trigger_authentication" "rabbitmq" {
  metadata {
    name      = "rabbitmq-trigger-auth"
    namespace = %[1]q
  }
  secret_target_ref {
    parameter = "host"
    name      = "rabbitmq-creds"
    key       = "host"
  }
}

resource "keda_ml_scaled_object" "worker" {
  metadata {
    name      = "ml-worker-scaler"
    namespace = %[1]q
    labels    = { team = "ml" }
  }
  scale_target_ref {
    name = "ml-worker"
  }
  min_replica_count = 1
  max_replica_count = %[2]d
  polling_interval  = 15
  cooldown_period   = 30
  %[3]s

  fallback {
    failure_threshold = 3
    replicas          = 2
  }
  advanced {
    horizontal_pod_autoscaler_config {
      behavior {
        scale_down {
          stabilization_window_seconds = 60
          policy {
            type           = "Percent"
            value          = 50
            period_seconds = 30
          }
        }
      }
    }
  }

  trigger {
    name = "queue"
    rabbitmq {
      protocol   = "amqp"
      queue_name = "inference_requests"
      mode       = "QueueLength"
      value      = 5
    }
    authentication_ref {
      name = keda_trigger_authentication.rabbitmq.metadata.name
    }
  }
  trigger {
    cpu {
      utilization = 70
    }
  }
  trigger {
    memory {
      average_value  = "512Mi"
      container_name = "model"
    }
  }
  trigger {
    name = "latency"
    prometheus {
      server_address       = "http://prometheus.monitoring:9090"
      query                = "avg(inference_latency{service=\"ml-service\"})"
      threshold            = 500
      activation_threshold = 100
      custom_headers       = { "X-Scope-OrgID" = "ml" }
    }
  }
  trigger {
    gpu {
      server_address = "http://prometheus.monitoring:9090"
      metric         = "utilization"
      target         = 70
    }
  }
  trigger {
    type     = "cron"
    metadata = { timezone = "UTC", start = "0 8 * * *", end = "0 20 * * *", desiredReplicas = "2" }
  }
}`, ns, maxReplicas, extra)
}

func TestAccScaledObject_lifecycle(t *testing.T) {
	ns := testNamespace(t)
	addr := "keda_ml_scaled_object.worker"
	api := testScaledObjects(t, ns)
	getSO := func() (*v1alpha1.ScaledObject, error) {
		return api.Get(context.Background(), "ml-worker-scaler")
	}
	wantQuery := fmt.Sprintf(`sum(DCGM_FI_DEV_GPU_UTIL{namespace="%s",pod=~"ml-worker-(([bcdfghjklmnpqrstvwxz2456789]{1,10}-)?[bcdfghjklmnpqrstvwxz2456789]{5}|[0-9]+)"}) or vector(0)`, ns)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: scaledObjectConfig(ns, 20, ""),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact(ns+"/ml-worker-scaler")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("hpa_name"), knownvalue.StringExact("keda-hpa-ml-worker-scaler")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("trigger").AtSliceIndex(4).AtMapKey("gpu").AtMapKey("query"), knownvalue.StringExact(wantQuery)),
				},
				Check: func(*terraform.State) error {
					so, err := getSO()
					if err != nil {
						return err
					}
					tr := so.Spec.Triggers
					switch {
					case len(tr) != 6:
						return fmt.Errorf("want 6 triggers, got %d", len(tr))
					case tr[0].Type != "rabbitmq" || tr[0].Metadata["mode"] != "QueueLength" || tr[0].Metadata["value"] != "5" || tr[0].Metadata["queueLength"] != "":
						return fmt.Errorf("rabbitmq trigger: %+v", tr[0])
					case tr[0].AuthenticationRef == nil || tr[0].AuthenticationRef.Name != "rabbitmq-trigger-auth":
						return fmt.Errorf("rabbitmq auth ref: %+v", tr[0].AuthenticationRef)
					case tr[1].Type != "cpu" || tr[1].MetricType != "Utilization" || tr[1].Metadata["value"] != "70" || tr[1].Metadata["type"] != "":
						return fmt.Errorf("cpu trigger: %+v", tr[1])
					case tr[2].Type != "memory" || tr[2].MetricType != "AverageValue" || tr[2].Metadata["value"] != "512Mi" || tr[2].Metadata["containerName"] != "model":
						return fmt.Errorf("memory trigger: %+v", tr[2])
					case tr[3].Type != "prometheus" || tr[3].Metadata["threshold"] != "500" || tr[3].Metadata["metricName"] != "" || tr[3].Metadata["customHeaders"] != "X-Scope-OrgID=ml":
						return fmt.Errorf("prometheus trigger: %+v", tr[3])
					case tr[4].Type != "prometheus" || tr[4].MetricType != "AverageValue" || tr[4].Metadata["query"] != wantQuery || tr[4].Metadata["threshold"] != "70":
						return fmt.Errorf("gpu trigger: %+v", tr[4])
					case tr[5].Type != "cron" || tr[5].Metadata["desiredReplicas"] != "2":
						return fmt.Errorf("cron trigger: %+v", tr[5])
					case *so.Spec.MaxReplicaCount != 20 || so.Spec.Fallback.Replicas != 2:
						return fmt.Errorf("spec: %+v", so.Spec)
					}
					return nil
				},
			},
			{
				Config: scaledObjectConfig(ns, 40, "paused_replicas = 3"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
				},
				Check: func(*terraform.State) error {
					so, err := getSO()
					if err != nil {
						return err
					}
					if *so.Spec.MaxReplicaCount != 40 || so.Annotations[v1alpha1.PausedReplicasAnnotation] != "3" {
						return fmt.Errorf("update not applied: max %d annotations %v", *so.Spec.MaxReplicaCount, so.Annotations)
					}
					return nil
				},
			},
			{
				ResourceName:            addr,
				ImportState:             true,
				ImportStateId:           ns + "/ml-worker-scaler",
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"timeouts", "status"},
			},
			{
				// Someone changes a declared field and KEDA's operator adds its label.
				PreConfig: func() {
					patch := []byte(`{"metadata":{"labels":{"scaledobject.keda.sh/name":"ml-worker-scaler"}},"spec":{"maxReplicaCount":7}}`)
					if _, err := api.RawPatch(context.Background(), "ml-worker-scaler", types.MergePatchType, patch); err != nil {
						t.Fatal(err)
					}
				},
				Config: scaledObjectConfig(ns, 40, "paused_replicas = 3"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
				},
				Check: func(*terraform.State) error {
					so, err := getSO()
					if err != nil {
						return err
					}
					if *so.Spec.MaxReplicaCount != 40 {
						return fmt.Errorf("drift not corrected: max %d", *so.Spec.MaxReplicaCount)
					}
					if so.Labels["scaledobject.keda.sh/name"] != "ml-worker-scaler" {
						return fmt.Errorf("the operator's label was removed: %v", so.Labels)
					}
					return nil
				},
			},
			{
				PreConfig: func() {
					if err := api.Delete(context.Background(), "ml-worker-scaler"); err != nil {
						t.Fatal(err)
					}
				},
				Config: scaledObjectConfig(ns, 40, "paused_replicas = 3"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate)},
				},
			},
		},
		CheckDestroy: func(*terraform.State) error { return expectNotFound("ScaledObject", api.Get, "ml-worker-scaler") },
	})
}

// A StatefulSet target and an HTTP RabbitMQ rate trigger with the host in
// the trigger.
func TestAccScaledObject_statefulSetTarget(t *testing.T) {
	ns := testNamespace(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: fmt.Sprintf(`
resource "keda_ml_scaled_object" "sts" {
  metadata {
    name      = "embedder"
    namespace = %q
  }
  scale_target_ref {
    name        = "embedder"
    kind        = "StatefulSet"
    api_version = "apps/v1"
  }
  min_replica_count = 0
  trigger {
    rabbitmq {
      host       = "http://rabbitmq.ml:15672/"
      queue_name = "embeddings"
      mode       = "MessageRate"
      value      = 100
      use_regex  = true
      operation  = "max"
      timeout    = "5s"
    }
  }
}`, ns),
			},
			{
				ResourceName:            "keda_ml_scaled_object.sts",
				ImportState:             true,
				ImportStateId:           ns + "/embedder",
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"timeouts", "status"},
			},
		},
	})
}

func TestScaledObject_validation(t *testing.T) {
	base := func(body string) string {
		return fmt.Sprintf(`
resource "keda_ml_scaled_object" "bad" {
  metadata {
    name = "bad"
  }
  scale_target_ref {
    name = "worker"
  }
  %s
}`, body)
	}
	rabbit := `trigger {
    rabbitmq {
      host       = "amqp://rabbitmq:5672"
      queue_name = "q"
      mode       = "QueueLength"
      value      = 5
    }
  }`
	cases := map[string]struct {
		body string
		want string
	}{
		"no trigger": {body: ``, want: `(?s)trigger.*must have a configuration value|At least 1 "trigger" blocks are required`},
		"two trigger kinds in one": {body: `trigger {
    cpu { utilization = 50 }
    memory { utilization = 50 }
  }`, want: `(?s)Invalid Attribute Combination.*trigger\[0\]`},
		"cpu only with min 0": {body: `trigger {
    cpu { utilization = 50 }
  }`, want: `(?s)Attribute min_replica_count: with only cpu and memory triggers`},
		"cpu utilization and average": {body: `min_replica_count = 1
  trigger {
    cpu {
      utilization   = 50
      average_value = "500m"
    }
  }`, want: `(?s)Invalid Attribute Combination`},
		"bad quantity": {body: `min_replica_count = 1
  trigger {
    memory { average_value = "lots" }
  }`, want: `(?s)Attribute trigger\[0\].memory.average_value value "lots" is not a Kubernetes\s+quantity`},
		"min above max":      {body: "min_replica_count = 5\n  max_replica_count = 2\n  " + rabbit, want: `(?s)Attribute min_replica_count: KEDA would reject\s+this: MinReplicaCount=5 must\s+be less than MaxReplicaCount=2`},
		"idle not below min": {body: "min_replica_count = 1\n  idle_replica_count = 1\n  " + rabbit, want: `(?s)Attribute idle_replica_count: KEDA would reject\s+this: IdleReplicaCount=1`},
		"rabbitmq rate over amqp": {body: `trigger {
    rabbitmq {
      host       = "amqp://rabbitmq:5672"
      queue_name = "q"
      mode       = "MessageRate"
      value      = 5
    }
  }`, want: `(?s)Attribute trigger\[0\].rabbitmq.mode: mode MessageRate needs the HTTP\s+protocol`},
		"rabbitmq regex with amqp protocol": {body: `trigger {
    rabbitmq {
      protocol   = "amqp"
      queue_name = "q.*"
      use_regex  = true
      mode       = "QueueLength"
      value      = 5
    }
    authentication_ref { name = "auth" }
  }`, want: `(?s)Attribute trigger\[0\].rabbitmq.use_regex: use_regex needs the HTTP\s+protocol`},
		"rabbitmq without host": {body: `trigger {
    rabbitmq {
      queue_name = "q"
      mode       = "QueueLength"
      value      = 5
    }
  }`, want: `(?s)Attribute trigger\[0\].rabbitmq.host: KEDA requires host`},
		"rabbitmq bad host scheme": {body: `trigger {
    rabbitmq {
      host       = "tcp://rabbitmq:5672"
      queue_name = "q"
      mode       = "QueueLength"
      value      = 5
    }
  }`, want: `(?s)Attribute trigger\[0\].rabbitmq.host value "tcp://rabbitmq:5672"`},
		"rabbitmq unknown mode": {body: `trigger {
    rabbitmq {
      host       = "amqp://rabbitmq:5672"
      queue_name = "q"
      mode       = "QueueLenght"
      value      = 5
    }
  }`, want: `(?s)Attribute trigger\[0\].rabbitmq.mode value must be one of`},
		"rabbitmq without value": {body: `trigger {
    rabbitmq {
      host       = "amqp://rabbitmq:5672"
      queue_name = "q"
      mode       = "QueueLength"
    }
  }`, want: `(?s)Attribute trigger\[0\].rabbitmq.value: value must be specified`},
		"duplicate trigger names": {body: `trigger {
    name = "a"
    prometheus {
      server_address = "http://prom:9090"
      query          = "sum(x)"
      threshold      = 1
    }
  }
  trigger {
    name = "a"
    prometheus {
      server_address = "http://prom:9090"
      query          = "sum(y)"
      threshold      = 1
    }
  }`, want: `(?s)Attribute trigger\[1\].name: "a" is also the name of trigger 0`},
		"cached metrics on cpu": {body: `min_replica_count = 1
  trigger {
    use_cached_metrics = true
    cpu { utilization = 50 }
  }`, want: `(?s)Attribute trigger\[0\].use_cached_metrics: KEDA does not support cached\s+metrics`},
		"fallback with only cpu": {body: `min_replica_count = 1
  fallback {
    failure_threshold = 3
    replicas          = 2
  }
  trigger {
    cpu { utilization = 50 }
  }`, want: `(?s)Attribute fallback: KEDA would reject this`},
		"formula names unknown trigger": {body: `advanced {
    scaling_modifiers {
      formula = "queue * 2"
      target  = "5"
    }
  }
  ` + rabbit, want: `(?s)Attribute advanced.scaling_modifiers.formula: KEDA would reject`},
		"prometheus auth modes without auth": {body: `trigger {
    prometheus {
      server_address = "http://prom:9090"
      query          = "sum(x)"
      threshold      = 1
      auth_modes     = ["bearer"]
    }
  }`, want: `(?s)Attribute trigger\[0\].prometheus.auth_modes: the credentials of these\s+modes`},
		"prometheus unknown auth mode": {body: `trigger {
    prometheus {
      server_address = "http://prom:9090"
      query          = "sum(x)"
      threshold      = 1
      auth_modes     = ["digest"]
    }
    authentication_ref { name = "auth" }
  }`, want: `(?s)trigger\[0\].prometheus.auth_modes.*value must be one\s+of`},
		"prometheus header value KEDA cannot parse": {body: `trigger {
    prometheus {
      server_address = "http://prom:9090"
      query          = "sum(x)"
      threshold      = 1
      custom_headers = { "X-Scope" = "a,b" }
    }
  }`, want: `(?s)Attribute trigger\[0\].prometheus.custom_headers\["X-Scope"\] value\s+"a,b"\s+contains\s+","`},
		"gpu query parameter key with =": {body: `trigger {
    gpu {
      server_address   = "http://prom:9090"
      metric           = "utilization"
      target           = 70
      query_parameters = { "a=b" = "c" }
    }
  }`, want: `(?s)Attribute trigger\[0\].gpu.query_parameters\["a=b"\]: the key\s+"a=b"\s+contains`},
		"gpu metric type": {body: `trigger {
    metric_type = "Value"
    gpu {
      server_address = "http://prom:9090"
      metric         = "utilization"
      target         = 70
    }
  }`, want: `(?s)Attribute trigger\[0\].metric_type: gpu triggers always use AverageValue`},
		"gpu unknown preset": {body: `trigger {
    gpu {
      server_address = "http://prom:9090"
      metric         = "temperature"
      target         = 70
    }
  }`, want: `(?s)Attribute trigger\[0\].gpu.metric value must be one of`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			testPlanFails(t, base(tc.body), tc.want)
		})
	}
}

// The plan of a ScaledObject with every trigger type never contacts the
// cluster, and the gpu query is known at plan.
func TestScaledObject_planWithoutCluster(t *testing.T) {
	testPlansOfflineWarns(t, scaledObjectConfig("ml-inference", 20, ""),
		"polling_interval does not affect scaling at polling_interval",
		"cooldown_period has no effect at cooldown_period")
}
