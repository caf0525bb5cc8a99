package provider

import (
	"context"
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/kedacore/keda/v2/apis/keda/v1alpha1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func waitingScaledObjectConfig(ns, timeout string) string {
	return fmt.Sprintf(`
resource "keda_ml_scaled_object" "wait" {
  metadata {
    name      = "wait-ready"
    namespace = %q
  }
  scale_target_ref {
    name = "worker"
  }
  wait_for_ready = true
  trigger {
    rabbitmq {
      host       = "amqp://rabbitmq.ml:5672"
      queue_name = "q"
      mode       = "QueueLength"
      value      = 5
    }
  }
  timeouts {
    create = %q
  }
}`, ns, timeout)
}

// Without KEDA's operator nothing ever reports Ready: the wait ends at the
// create timeout and says what to check.
func TestAccScaledObject_waitForReadyTimesOut(t *testing.T) {
	ns := testNamespace(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      waitingScaledObjectConfig(ns, "3s"),
			ExpectError: regexp.MustCompile(`(?s)waiting for KEDA to report ScaledObject\s+` + ns + `/wait-ready\s+Ready.*operator\s+running`),
		}},
	})
}

// When KEDA reports Ready=False, apply fails with KEDA's own message. The
// operator is played by the test, which writes the condition KEDA writes
// for the guide's deprecated RabbitMQ form.
//
// t.Parallel comes first: a parallel test is paused until the serial tests
// finish, and the stand-in operator must not start (or give up) before then.
func TestAccScaledObject_waitForReadyReportsKEDAsMessage(t *testing.T) {
	t.Parallel()
	ns := testNamespace(t)
	kc, err := testClient(t).KEDA()
	if err != nil {
		t.Fatal(err)
	}
	const kedaMessage = "error parsing RabbitMQ metadata: queueLength is deprecated; use mode and value"
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	go func() {
		for ctx.Err() == nil {
			so, err := kc.KedaV1alpha1().ScaledObjects(ns).Get(ctx, "wait-ready", metav1.GetOptions{})
			if err == nil {
				so.Status.Conditions = v1alpha1.Conditions{{
					Type: v1alpha1.ConditionReady, Status: metav1.ConditionFalse, Reason: "ScaledObjectCheckFailed", Message: kedaMessage,
				}}
				if _, err := kc.KedaV1alpha1().ScaledObjects(ns).UpdateStatus(ctx, so, metav1.UpdateOptions{}); err == nil {
					return
				}
			}
			time.Sleep(50 * time.Millisecond)
		}
	}()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      waitingScaledObjectConfig(ns, "1m"),
			ExpectError: regexp.MustCompile(`(?s)KEDA rejected the ScaledObject.*Ready=False\s+\(ScaledObjectCheckFailed\):\s+error\s+parsing\s+RabbitMQ\s+metadata`),
		}},
	})
}
