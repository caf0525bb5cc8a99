package provider

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	tfresource "github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/kedaml/terraform-provider-keda/internal/acctest"
	"github.com/kedaml/terraform-provider-keda/internal/keda"
)

// The data sources hold the spec at the same paths and with the same types
// as the resources, so that the same models decode both and a module can
// move between reading and managing an object without changing its
// references.
func TestDataSourceSpecMatchesResource(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		res   resource.Resource
		data  datasource.DataSource
		names func() []string
	}{
		{NewScaledObjectResource(), NewScaledObjectDataSource(), func() []string {
			return append(keys(keda.ScaledObjectSpecAttributes()), append(keys(keda.ScaledObjectSpecBlocks()), "id", "hpa_name")...)
		}},
		{NewScaledJobResource(), NewScaledJobDataSource(), func() []string {
			return append(keys(keda.ScaledJobSpecAttributes()), append(keys(keda.ScaledJobSpecBlocks()), "id")...)
		}},
	}
	for _, tc := range cases {
		var rs resource.SchemaResponse
		tc.res.Schema(ctx, resource.SchemaRequest{}, &rs)
		var ds datasource.SchemaResponse
		tc.data.Schema(ctx, datasource.SchemaRequest{}, &ds)
		if rs.Diagnostics.HasError() || ds.Diagnostics.HasError() {
			t.Fatalf("schemas: %v %v", rs.Diagnostics, ds.Diagnostics)
		}
		rt, dt := rs.Schema.Type().TerraformType(ctx).(tftypes.Object), ds.Schema.Type().TerraformType(ctx).(tftypes.Object)
		for _, name := range tc.names() {
			if !rt.AttributeTypes[name].Equal(dt.AttributeTypes[name]) {
				t.Errorf("%s: resource type %s, data source type %s", name, rt.AttributeTypes[name], dt.AttributeTypes[name])
			}
		}
		for _, name := range []string{"ready", "ready_message", "paused"} {
			status := dt.AttributeTypes["status"].(tftypes.Object)
			if !status.AttributeTypes[name].Equal(rt.AttributeTypes["status"].(tftypes.Object).AttributeTypes[name]) {
				t.Errorf("status.%s differs", name)
			}
		}
	}
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// dataSourceExample is the documented data source example, reading from the
// test's namespace.
func dataSourceExample(t *testing.T, name, ns string) string {
	t.Helper()
	body, err := os.ReadFile("../../examples/data-sources/" + name + "/data-source.tf")
	if err != nil {
		t.Fatal(err)
	}
	return strings.ReplaceAll(string(body), `namespace = "ml-inference"`, fmt.Sprintf("namespace = %q", ns))
}

// kedaHPA is the HPA KEDA's operator makes for a ScaledObject, with the
// status the HPA controller would report.
func kedaHPA(t *testing.T, ns, name string, current, desired int32) {
	t.Helper()
	ctx := context.Background()
	hpas := acctest.Shared().Clientset().AutoscalingV2().HorizontalPodAutoscalers(ns)
	hpa, err := hpas.Create(ctx, &autoscalingv2.HorizontalPodAutoscaler{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{"app.kubernetes.io/managed-by": "keda-operator"}},
		Spec: autoscalingv2.HorizontalPodAutoscalerSpec{
			ScaleTargetRef: autoscalingv2.CrossVersionObjectReference{APIVersion: "apps/v1", Kind: "Deployment", Name: "benthos-ml-worker"},
			MinReplicas:    ptr.To[int32](1), MaxReplicas: 20,
		},
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	now := metav1.NewTime(time.Now())
	hpa.Status = autoscalingv2.HorizontalPodAutoscalerStatus{
		ObservedGeneration: ptr.To[int64](1), LastScaleTime: &now, CurrentReplicas: current, DesiredReplicas: desired,
	}
	if _, err := hpas.UpdateStatus(ctx, hpa, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
}

// The ScaledObject data source reads the spec in typed form, KEDA's live
// status (what the resource does not keep) and the HPA KEDA made: first
// before KEDA has done anything (no HPA: no replica counts), then with the
// status KEDA's operator writes and the HPA with the controller's status.
// The documented example reads the same object. A missing object is an
// error at plan.
func TestAccDataSourceScaledObject(t *testing.T) {
	ns := testNamespace(t)
	managed := fmt.Sprintf(`
resource "keda_ml_scaled_object" "queue_worker" {
  metadata {
    name      = "benthos-ml-worker-scaler"
    namespace = %q
    labels    = { team = "ml" }
  }
  scale_target_ref {
    name = "benthos-ml-worker"
  }
  min_replica_count = 0
  max_replica_count = 20
  trigger {
    rabbitmq {
      protocol   = "amqp"
      queue_name = "inference_requests"
      mode       = "QueueLength"
      value      = 5
    }
    authentication_ref {
      name = "rabbitmq-trigger-auth"
    }
  }
}
`, ns)
	read := `
data "keda_ml_scaled_object" "worker" {
  metadata {
    name      = keda_ml_scaled_object.queue_worker.metadata.name
    namespace = keda_ml_scaled_object.queue_worker.metadata.namespace
  }
}
`
	addr := "data.keda_ml_scaled_object.worker"
	tfresource.ParallelTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []tfresource.TestStep{
			{
				Config: managed + read,
				Check: tfresource.ComposeAggregateTestCheckFunc(
					tfresource.TestCheckResourceAttr(addr, "id", ns+"/benthos-ml-worker-scaler"),
					tfresource.TestCheckResourceAttr(addr, "metadata.labels.team", "ml"),
					tfresource.TestCheckResourceAttrPair(addr, "metadata.uid", "keda_ml_scaled_object.queue_worker", "metadata.uid"),
					tfresource.TestCheckResourceAttr(addr, "scale_target_ref.name", "benthos-ml-worker"),
					tfresource.TestCheckResourceAttr(addr, "min_replica_count", "0"),
					tfresource.TestCheckResourceAttr(addr, "max_replica_count", "20"),
					tfresource.TestCheckResourceAttr(addr, "trigger.0.rabbitmq.queue_name", "inference_requests"),
					tfresource.TestCheckResourceAttr(addr, "trigger.0.rabbitmq.value", "5"),
					tfresource.TestCheckResourceAttr(addr, "trigger.0.authentication_ref.name", "rabbitmq-trigger-auth"),
					tfresource.TestCheckResourceAttr(addr, "hpa_name", "keda-hpa-benthos-ml-worker-scaler"),
					tfresource.TestCheckNoResourceAttr(addr, "current_replicas"),
					tfresource.TestCheckNoResourceAttr(addr, "desired_replicas"),
					tfresource.TestCheckResourceAttr(addr, "status.ready", "false"),
					tfresource.TestCheckResourceAttr(addr, "status.active", "false"),
					tfresource.TestCheckNoResourceAttr(addr, "status.last_active_time"),
				),
			},
			{
				PreConfig: func() {
					setActive(t, ns, "benthos-ml-worker-scaler", "", true)
					kedaHPA(t, ns, "keda-hpa-benthos-ml-worker-scaler", 3, 5)
				},
				Config: managed + read,
				Check: tfresource.ComposeAggregateTestCheckFunc(
					tfresource.TestCheckResourceAttr(addr, "status.ready", "true"),
					tfresource.TestCheckResourceAttr(addr, "status.ready_message", "ScaledObject is defined correctly and is ready for scaling"),
					tfresource.TestCheckResourceAttr(addr, "status.active", "true"),
					tfresource.TestCheckResourceAttr(addr, "status.active_message", "Scaling is performed because triggers are active"),
					tfresource.TestMatchResourceAttr(addr, "status.last_active_time", regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`)),
					tfresource.TestCheckResourceAttr(addr, "status.fallback", "false"),
					tfresource.TestCheckResourceAttr(addr, "current_replicas", "3"),
					tfresource.TestCheckResourceAttr(addr, "desired_replicas", "5"),
					tfresource.TestCheckResourceAttr("keda_ml_scaled_object.queue_worker", "status.ready", "true"),
					tfresource.TestCheckNoResourceAttr("keda_ml_scaled_object.queue_worker", "status.active"),
				),
			},
			{
				Config: managed + dataSourceExample(t, "keda_ml_scaled_object", ns),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("worker_hpa", knownvalue.StringExact("keda-hpa-benthos-ml-worker-scaler")),
					statecheck.ExpectKnownOutputValue("worker_scaling", knownvalue.ObjectExact(map[string]knownvalue.Check{
						"target":           knownvalue.StringExact("benthos-ml-worker"),
						"max_replicas":     knownvalue.Int64Exact(20),
						"ready":            knownvalue.Bool(true),
						"active":           knownvalue.Bool(true),
						"current_replicas": knownvalue.Int64Exact(3),
						"desired_replicas": knownvalue.Int64Exact(5),
					})),
				},
			},
			{
				Config:      managed + strings.ReplaceAll(read, "keda_ml_scaled_object.queue_worker.metadata.name\n", "\"no-such-scaler\"\n"),
				ExpectError: regexp.MustCompile(`ScaledObject not found(.|\n)*no-such-scaler`),
			},
		},
	})
}

// The ScaledJob data source reads the documented ScaledJob — its typed Job
// template included — and KEDA's live status, through the documented
// example.
func TestAccDataSourceScaledJob(t *testing.T) {
	ns := testNamespace(t)
	addr := "data.keda_ml_scaled_job.batch"
	managed := scaledJobExample(t, ns)
	tfresource.ParallelTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []tfresource.TestStep{
			{Config: managed},
			{
				PreConfig: func() { setActive(t, ns, "", "gpu-batch-inference", true) },
				Config:    managed + dataSourceExample(t, "keda_ml_scaled_job", ns),
				Check: tfresource.ComposeAggregateTestCheckFunc(
					tfresource.TestCheckResourceAttr(addr, "id", ns+"/gpu-batch-inference"),
					tfresource.TestCheckResourceAttr(addr, "job_target_ref.template.spec.container.0.resources.limits.nvidia.com/gpu", "1"),
					tfresource.TestCheckResourceAttr(addr, "job_target_ref.template.spec.volume.0.persistent_volume_claim.claim_name", "model-weights"),
					tfresource.TestCheckResourceAttr(addr, "rollout.strategy", "gradual"),
					tfresource.TestCheckResourceAttr(addr, "status.active_message", "Scaling is performed because triggers are active"),
					tfresource.TestCheckNoResourceAttr("keda_ml_scaled_job.batch_inference", "status.active"),
				),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("batch_inference", knownvalue.ObjectExact(map[string]knownvalue.Check{
						"queue":            knownvalue.StringExact("batch_inference"),
						"image":            knownvalue.StringExact("ghcr.io/acme/batch-infer:1.4"),
						"max_jobs":         knownvalue.Int64Exact(8),
						"ready":            knownvalue.Bool(true),
						"active":           knownvalue.Bool(true),
						"last_active_time": knownvalue.StringRegexp(regexp.MustCompile(`^\d{4}-\d\d-\d\dT`)),
					})),
				},
			},
		},
	})
}
