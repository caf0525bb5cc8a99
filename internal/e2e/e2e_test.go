//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/kedacore/keda/v2/apis/keda/v1alpha1"
	kedaclient "github.com/kedacore/keda/v2/pkg/generated/clientset/versioned"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/kedaml/terraform-provider-keda/internal/acctest"
	"github.com/kedaml/terraform-provider-keda/internal/provider"
)

var factories = map[string]func() (tfprotov6.ProviderServer, error){
	"keda": provider.NewServer("e2e"),
}

func clients() (kubernetes.Interface, kedaclient.Interface) {
	return env.cp.Clientset(), kedaclient.NewForConfigOrDie(env.cp.Config)
}

// namespace makes a namespace for one scenario, with a Deployment to scale
// and a Secret holding the RabbitMQ address KEDA gets through a
// TriggerAuthentication.
func namespace(t *testing.T, name string, deployment string, replicas int32, secret map[string]string) string {
	t.Helper()
	ctx := context.Background()
	cs, _ := clients()
	if _, err := cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if deployment != "" {
		if _, err := cs.AppsV1().Deployments(name).Create(ctx, acctest.Deployment(deployment, replicas), metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	if secret != nil {
		s := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "rabbitmq-creds"}, StringData: secret}
		if _, err := cs.CoreV1().Secrets(name).Create(ctx, s, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	return name
}

// eventually polls check until it returns nil or the time is up; then the
// last error says what was still not so.
func eventually(timeout time.Duration, what string, check func() error) error {
	deadline := time.Now().Add(timeout)
	for {
		err := check()
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s: not within %s: %w", what, timeout, err)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

func condition(conds v1alpha1.Conditions, typ v1alpha1.ConditionType) v1alpha1.Condition {
	for _, c := range conds {
		if c.Type == typ {
			return c
		}
	}
	return v1alpha1.Condition{Type: typ, Status: metav1.ConditionUnknown}
}

// scaledObjectCondition waits until KEDA reports the condition with the
// given status on the ScaledObject.
func scaledObjectCondition(ns, name string, typ v1alpha1.ConditionType, want metav1.ConditionStatus) error {
	_, kc := clients()
	return eventually(90*time.Second, fmt.Sprintf("ScaledObject %s/%s %s=%s", ns, name, typ, want), func() error {
		so, err := kc.KedaV1alpha1().ScaledObjects(ns).Get(context.Background(), name, metav1.GetOptions{})
		if err != nil {
			return err
		}
		if c := condition(so.Status.Conditions, typ); c.Status != want {
			return fmt.Errorf("%s=%s (%s: %s)", typ, c.Status, c.Reason, c.Message)
		}
		return nil
	})
}

// replicas waits until the Deployment's spec.replicas, which KEDA sets when
// it activates or deactivates a workload, is want.
func replicas(ns, name string, want int32) error {
	cs, _ := clients()
	return eventually(90*time.Second, fmt.Sprintf("Deployment %s/%s at %d replicas", ns, name, want), func() error {
		d, err := cs.AppsV1().Deployments(ns).Get(context.Background(), name, metav1.GetOptions{})
		if err != nil {
			return err
		}
		if d.Spec.Replicas == nil || *d.Spec.Replicas != want {
			return fmt.Errorf("spec.replicas is %v", ptrString(d.Spec.Replicas))
		}
		return nil
	})
}

func ptrString(p *int32) string {
	if p == nil {
		return "unset"
	}
	return fmt.Sprint(*p)
}

const triggerAuth = `
resource "keda_trigger_authentication" "rabbitmq" {
  metadata {
    name      = "rabbitmq"
    namespace = %q
  }
  secret_target_ref {
    parameter = "host"
    name      = "rabbitmq-creds"
    key       = "host"
  }
}
`

func queueWorkerConfig(ns, queue, protocol, mode string, value int) string {
	return fmt.Sprintf(triggerAuth, ns) + fmt.Sprintf(`
resource "keda_ml_scaled_object" "worker" {
  metadata {
    name      = "worker"
    namespace = %[1]q
  }
  scale_target_ref {
    name = "worker"
  }
  min_replica_count = 0
  max_replica_count = 5
  polling_interval  = 1
  cooldown_period   = 2
  wait_for_ready    = true
  trigger {
    rabbitmq {
      protocol   = %[2]q
      queue_name = %[3]q
      mode       = %[4]q
      value      = %[5]d
    }
    authentication_ref {
      name = keda_trigger_authentication.rabbitmq.metadata.name
    }
  }
  timeouts {
    create = "2m"
  }
}
`, ns, protocol, queue, mode, value)
}

// The guide's queue worker, scaled to zero: KEDA accepts it, creates its
// HPA with the configured bounds, wakes the Deployment up when messages
// arrive and puts it back to sleep after the cooldown once the queue is
// empty.
func TestE2E_queueWorkerScaledToZero(t *testing.T) {
	t.Parallel()
	ns := namespace(t, "queue-worker", "worker", 0, map[string]string{"host": env.rabbit.AMQPURL("guest", "guest")})
	must(t, env.rabbit.DeclareQueue("inference_requests"))
	cs, _ := clients()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories,
		Steps: []resource.TestStep{{
			Config: queueWorkerConfig(ns, "inference_requests", "amqp", "QueueLength", 5),
			Check: resource.ComposeTestCheckFunc(
				resource.TestCheckResourceAttr("keda_ml_scaled_object.worker", "status.ready", "true"),
				func(*terraform.State) error {
					if err := scaledObjectCondition(ns, "worker", v1alpha1.ConditionReady, metav1.ConditionTrue); err != nil {
						return err
					}
					err := eventually(60*time.Second, "KEDA's HPA", func() error {
						hpa, err := cs.AutoscalingV2().HorizontalPodAutoscalers(ns).Get(context.Background(), "keda-hpa-worker", metav1.GetOptions{})
						if err != nil {
							return err
						}
						if hpa.Spec.MinReplicas == nil || *hpa.Spec.MinReplicas != 1 || hpa.Spec.MaxReplicas != 5 ||
							hpa.Spec.ScaleTargetRef.Name != "worker" {
							return fmt.Errorf("HPA min %v max %d target %s; want 1, 5, worker",
								ptrString(hpa.Spec.MinReplicas), hpa.Spec.MaxReplicas, hpa.Spec.ScaleTargetRef.Name)
						}
						return nil
					})
					if err != nil {
						return err
					}
					if err := replicas(ns, "worker", 0); err != nil {
						return err
					}
					must(t, env.rabbit.Publish("inference_requests", 3))
					if err := replicas(ns, "worker", 1); err != nil {
						return err
					}
					if err := scaledObjectCondition(ns, "worker", v1alpha1.ConditionActive, metav1.ConditionTrue); err != nil {
						return err
					}
					must(t, env.rabbit.Purge("inference_requests"))
					return replicas(ns, "worker", 0)
				},
			),
		}},
	})
}

// The management API protocol with the message-rate mode, which only the
// http protocol supports: KEDA accepts it.
func TestE2E_httpProtocolMessageRate(t *testing.T) {
	t.Parallel()
	ns := namespace(t, "message-rate", "worker", 1, map[string]string{"host": env.rabbit.HTTPURL("guest", "guest")})
	must(t, env.rabbit.DeclareQueue("rate_requests"))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories,
		Steps: []resource.TestStep{{
			Config: queueWorkerConfig(ns, "rate_requests", "http", "MessageRate", 10),
			Check: resource.ComposeTestCheckFunc(
				resource.TestCheckResourceAttr("keda_ml_scaled_object.worker", "status.ready", "true"),
				func(*terraform.State) error {
					return scaledObjectCondition(ns, "worker", v1alpha1.ConditionReady, metav1.ConditionTrue)
				},
			),
		}},
	})
}

// A wrong RabbitMQ password is something only KEDA can find out: with the
// wait for Ready, apply fails with KEDA's own message.
func TestE2E_wrongPasswordFailsWithKEDAsMessage(t *testing.T) {
	t.Parallel()
	ns := namespace(t, "wrong-password", "worker", 0, map[string]string{"host": env.rabbit.AMQPURL("guest", "not-the-password")})
	must(t, env.rabbit.DeclareQueue("locked_requests"))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories,
		Steps: []resource.TestStep{{
			Config:      queueWorkerConfig(ns, "locked_requests", "amqp", "QueueLength", 5),
			ExpectError: regexp.MustCompile(`(?s)KEDA rejected the ScaledObject.*Ready=False.*establishing\s+connection\s+to\s+RabbitMQ.*username\s+or\s+password\s+not\s+allowed`),
		}},
	})
}

// Latency on Prometheus: above activation_threshold KEDA reports the
// ScaledObject Active, below it not.
func TestE2E_prometheusLatencyActivation(t *testing.T) {
	t.Parallel()
	ns := namespace(t, "latency", "llm-api", 1, nil)
	series := `inference_latency_seconds{service="llm-api"}`
	env.metrics.Set(series, 0.1)
	config := fmt.Sprintf(`
resource "keda_ml_scaled_object" "latency" {
  metadata {
    name      = "llm-api"
    namespace = %q
  }
  scale_target_ref {
    name = "llm-api"
  }
  min_replica_count = 1
  max_replica_count = 10
  polling_interval  = 1
  wait_for_ready    = true
  trigger {
    prometheus {
      server_address       = %q
      query                = "max(inference_latency_seconds{service=\"llm-api\"})"
      threshold            = 0.5
      activation_threshold = 0.3
    }
  }
}
`, ns, env.prometheus.URL())
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories,
		Steps: []resource.TestStep{{
			Config: config,
			Check: func(*terraform.State) error {
				if err := scaledObjectCondition(ns, "llm-api", v1alpha1.ConditionActive, metav1.ConditionFalse); err != nil {
					return err
				}
				env.metrics.Set(series, 1.2)
				if err := scaledObjectCondition(ns, "llm-api", v1alpha1.ConditionActive, metav1.ConditionTrue); err != nil {
					return err
				}
				env.metrics.Set(series, 0.1)
				return scaledObjectCondition(ns, "llm-api", v1alpha1.ConditionActive, metav1.ConditionFalse)
			},
		}},
	})
}

// The gpu trigger on DCGM-shaped series: the generated query sums the GPU
// utilization of the target's pods only — a foreign pod never counts — and
// KEDA's Active condition follows the values.
func TestE2E_gpuTriggerOnDCGMSeries(t *testing.T) {
	t.Parallel()
	ns := namespace(t, "gpu-inference", "llm-server", 1, nil)
	dcgm := func(pod, gpu, uuid string) string {
		return fmt.Sprintf(`DCGM_FI_DEV_GPU_UTIL{namespace=%q,pod=%q,gpu=%q,UUID=%q}`, ns, pod, gpu, uuid)
	}
	podA, podB := dcgm("llm-server-7d9f8b6c5-x2k4p", "0", "GPU-0a"), dcgm("llm-server-7d9f8b6c5-q2w4r", "1", "GPU-1b")
	foreign := dcgm("embedder-5c6d7f8-xyz12", "2", "GPU-2c")
	env.metrics.Set(podA, 10)
	env.metrics.Set(podB, 10)
	env.metrics.Set(foreign, 95)
	config := fmt.Sprintf(`
resource "keda_ml_scaled_object" "gpu" {
  metadata {
    name      = "llm-server"
    namespace = %q
  }
  scale_target_ref {
    name = "llm-server"
  }
  min_replica_count = 1
  max_replica_count = 4
  polling_interval  = 1
  wait_for_ready    = true
  trigger {
    gpu {
      server_address    = %q
      metric            = "utilization"
      target            = 60
      activation_target = 50
    }
  }
}
`, ns, env.prometheus.URL())
	_, kc := clients()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories,
		Steps: []resource.TestStep{{
			Config: config,
			Check: func(s *terraform.State) error {
				query := s.RootModule().Resources["keda_ml_scaled_object.gpu"].Primary.Attributes["trigger.0.gpu.query"]
				so, err := kc.KedaV1alpha1().ScaledObjects(ns).Get(context.Background(), "llm-server", metav1.GetOptions{})
				if err != nil {
					return err
				}
				if got := so.Spec.Triggers[0].Metadata["query"]; got != query {
					return fmt.Errorf("KEDA got query %q, state says %q", got, query)
				}
				// Target pods at 10 + 10; the foreign pod's 95 would make it active.
				err = eventually(30*time.Second, "the generated query over the scraped series", func() error {
					labels, values, err := env.prometheus.Query(query)
					if err != nil {
						return err
					}
					if len(values) != 1 || values[0] != "20" {
						return fmt.Errorf("query %s returned %v %v, want one series of 20", query, labels, values)
					}
					return nil
				})
				if err != nil {
					return err
				}
				if err := scaledObjectCondition(ns, "llm-server", v1alpha1.ConditionReady, metav1.ConditionTrue); err != nil {
					return err
				}
				if err := scaledObjectCondition(ns, "llm-server", v1alpha1.ConditionActive, metav1.ConditionFalse); err != nil {
					return err
				}
				env.metrics.Set(podA, 40)
				env.metrics.Set(podB, 30)
				return scaledObjectCondition(ns, "llm-server", v1alpha1.ConditionActive, metav1.ConditionTrue)
			},
		}},
	})
}

// Batch inference: a ScaledJob on a queue makes one Job per queued batch,
// never more than max_replica_count.
func TestE2E_batchInferenceScaledJob(t *testing.T) {
	t.Parallel()
	ns := namespace(t, "batch", "", 0, map[string]string{"host": env.rabbit.AMQPURL("guest", "guest")})
	must(t, env.rabbit.DeclareQueue("batches"))
	const maxJobs = 3
	config := fmt.Sprintf(triggerAuth, ns) + fmt.Sprintf(`
resource "keda_ml_scaled_job" "batch" {
  metadata {
    name      = "batch-inference"
    namespace = %q
  }
  job_target_ref {
    backoff_limit = 0
    template {
      spec {
        restart_policy = "Never"
        container {
          name  = "infer"
          image = "registry.local/ml/batch-infer:1"
          resources {
            limits = { "nvidia.com/gpu" = "1" }
          }
        }
      }
    }
  }
  polling_interval  = 1
  max_replica_count = %d
  wait_for_ready    = true
  trigger {
    rabbitmq {
      protocol   = "amqp"
      queue_name = "batches"
      mode       = "QueueLength"
      value      = 1
    }
    authentication_ref {
      name = keda_trigger_authentication.rabbitmq.metadata.name
    }
  }
}
`, ns, maxJobs)
	cs, _ := clients()
	countJobs := func() (int, error) {
		jobs, err := cs.BatchV1().Jobs(ns).List(context.Background(), metav1.ListOptions{LabelSelector: "scaledjob.keda.sh/name=batch-inference"})
		if err != nil {
			return 0, err
		}
		return len(jobs.Items), nil
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories,
		Steps: []resource.TestStep{{
			Config: config,
			Check: func(*terraform.State) error {
				if n, err := countJobs(); err != nil {
					return err
				} else if n != 0 {
					return fmt.Errorf("%d Jobs before any message", n)
				}
				must(t, env.rabbit.Publish("batches", 5))
				err := eventually(60*time.Second, fmt.Sprintf("%d Jobs for 5 queued batches", maxJobs), func() error {
					n, err := countJobs()
					if err == nil && n != maxJobs {
						err = fmt.Errorf("%d Jobs", n)
					}
					return err
				})
				if err != nil {
					return err
				}
				// Over the next polling intervals KEDA must not go past the limit.
				for deadline := time.Now().Add(4 * time.Second); time.Now().Before(deadline); time.Sleep(500 * time.Millisecond) {
					if n, err := countJobs(); err != nil {
						return err
					} else if n > maxJobs {
						return fmt.Errorf("%d Jobs, more than max_replica_count %d", n, maxJobs)
					}
				}
				return nil
			},
		}},
	})
}
