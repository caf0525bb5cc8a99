//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/kedacore/keda/v2/apis/keda/v1alpha1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// The data sources with KEDA's own status: a ScaledObject and a ScaledJob
// on a cron trigger active all day (KEDA's cron scaler is active from the
// last start to the next end: 00:00 to 23:59 UTC), which need nothing but
// the operator. KEDA reports both Ready and Active and makes the HPA; the
// data sources read that, while the resources keep no Active in state.
// With no HPA controller here the HPA has no status yet, which the data
// source reports as unknown replica counts.
func TestE2E_dataSourcesReadKEDAsStatus(t *testing.T) {
	t.Parallel()
	if now := time.Now().UTC(); now.Hour() == 23 && now.Minute() >= 58 {
		time.Sleep(time.Until(now.Truncate(time.Hour).Add(time.Hour + 30*time.Second)))
	}
	ns := namespace(t, "data-sources", "nightly-worker", 0, nil)
	const cron = `
    type     = "cron"
    metadata = { timezone = "UTC", start = "0 0 * * *", end = "59 23 * * *", desiredReplicas = "1" }`
	managed := fmt.Sprintf(`
resource "keda_ml_scaled_object" "worker" {
  metadata {
    name      = "nightly-worker"
    namespace = %[1]q
  }
  scale_target_ref {
    name = "nightly-worker"
  }
  min_replica_count = 0
  max_replica_count = 3
  polling_interval  = 1
  wait_for_ready    = true
  trigger {%[2]s
  }
}

resource "keda_ml_scaled_job" "batch" {
  metadata {
    name      = "nightly-batch"
    namespace = %[1]q
  }
  job_target_ref {
    template {
      spec {
        restart_policy = "Never"
        container {
          name  = "infer"
          image = "registry.local/ml/batch-infer:1"
        }
      }
    }
  }
  polling_interval  = 1
  max_replica_count = 1
  wait_for_ready    = true
  trigger {%[2]s
  }
}
`, ns, cron)
	read := fmt.Sprintf(`
data "keda_ml_scaled_object" "worker" {
  metadata {
    name      = "nightly-worker"
    namespace = %[1]q
  }
}

data "keda_ml_scaled_job" "batch" {
  metadata {
    name      = "nightly-batch"
    namespace = %[1]q
  }
}
`, ns)
	_, kc := clients()
	cs, _ := clients()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories,
		Steps: []resource.TestStep{
			{
				Config: managed,
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckResourceAttr("keda_ml_scaled_object.worker", "status.ready", "true"),
					resource.TestCheckNoResourceAttr("keda_ml_scaled_object.worker", "status.active"),
					resource.TestCheckResourceAttr("keda_ml_scaled_job.batch", "status.ready", "true"),
					func(*terraform.State) error {
						if err := scaledObjectCondition(ns, "nightly-worker", v1alpha1.ConditionActive, metav1.ConditionTrue); err != nil {
							return err
						}
						err := eventually(90*time.Second, "ScaledJob Active=True", func() error {
							sj, err := kc.KedaV1alpha1().ScaledJobs(ns).Get(context.Background(), "nightly-batch", metav1.GetOptions{})
							if err != nil {
								return err
							}
							if c := sj.Status.Conditions.GetActiveCondition(); c.Status != metav1.ConditionTrue {
								return fmt.Errorf("Active=%s (%s)", c.Status, c.Message)
							}
							return nil
						})
						if err != nil {
							return err
						}
						return eventually(60*time.Second, "KEDA's HPA", func() error {
							_, err := cs.AutoscalingV2().HorizontalPodAutoscalers(ns).Get(context.Background(), "keda-hpa-nightly-worker", metav1.GetOptions{})
							return err
						})
					},
				),
			},
			{
				Config: managed + read,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("data.keda_ml_scaled_object.worker", "status.ready", "true"),
					resource.TestCheckResourceAttr("data.keda_ml_scaled_object.worker", "status.active", "true"),
					resource.TestCheckResourceAttr("data.keda_ml_scaled_object.worker", "status.active_message", "Scaling is performed because triggers are active"),
					resource.TestMatchResourceAttr("data.keda_ml_scaled_object.worker", "status.last_active_time", regexp.MustCompile(`^\d{4}-\d\d-\d\dT`)),
					resource.TestCheckResourceAttr("data.keda_ml_scaled_object.worker", "hpa_name", "keda-hpa-nightly-worker"),
					resource.TestCheckNoResourceAttr("data.keda_ml_scaled_object.worker", "current_replicas"),
					resource.TestCheckResourceAttr("data.keda_ml_scaled_object.worker", "trigger.0.type", "cron"),
					resource.TestCheckResourceAttr("data.keda_ml_scaled_object.worker", "trigger.0.metadata.end", "59 23 * * *"),
					resource.TestCheckResourceAttr("data.keda_ml_scaled_object.worker", "scale_target_ref.name", "nightly-worker"),
					resource.TestCheckResourceAttr("data.keda_ml_scaled_job.batch", "status.ready", "true"),
					resource.TestCheckResourceAttr("data.keda_ml_scaled_job.batch", "status.active", "true"),
					resource.TestCheckResourceAttr("data.keda_ml_scaled_job.batch", "job_target_ref.template.spec.container.0.image", "registry.local/ml/batch-infer:1"),
					resource.TestCheckNoResourceAttr("keda_ml_scaled_job.batch", "status.active"),
				),
			},
		},
	})
}
