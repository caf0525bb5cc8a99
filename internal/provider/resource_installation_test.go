package provider

import (
	"context"
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/kedacore/keda/v2/apis/keda/v1alpha1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"

	"github.com/kedaml/terraform-provider-keda/internal/acctest"
	"github.com/kedaml/terraform-provider-keda/internal/kube"
)

// startWorkloadPlane starts a control plane of its own, without KEDA's CRDs
// and with a scheduler, controllers and a kwok node, for one installation
// test: installations are cluster-wide and cannot share a cluster.
func startWorkloadPlane(t *testing.T) *acctest.ControlPlane {
	t.Helper()
	testAccPreCheck(t)
	cp, err := acctest.Start(acctest.Options{WithoutCRDs: true, Workloads: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cp.Stop)
	return cp
}

func installationProvider(cp *acctest.ControlPlane) string {
	return "provider \"keda\" {\n  config_path = \"" + cp.KubeconfigPath + "\"\n}\n"
}

func crdExists(cp *acctest.ControlPlane, name string) (bool, error) {
	api, err := kube.NewClientFromREST(cp.Config).ObjectsFor(crdRef(name))
	if err != nil {
		return false, err
	}
	_, err = api.Get(context.Background(), name)
	if kube.IsNotFound(err) {
		return false, nil
	}
	return err == nil, err
}

func TestAccInstallation_lifecycle(t *testing.T) {
	t.Parallel()
	cp := startWorkloadPlane(t)
	cs := cp.Clientset()
	addr := "keda_installation.this"
	config := func(body string) string {
		return installationProvider(cp) + `
resource "keda_installation" "this" {
  wait = false
  ` + body + `
}`
	}
	deployment := func(name string) (replicas int32, image string, err error) {
		d, err := cs.AppsV1().Deployments("keda").Get(context.Background(), name, metav1.GetOptions{})
		if err != nil {
			return 0, "", err
		}
		return *d.Spec.Replicas, d.Spec.Template.Spec.Containers[0].Image, nil
	}
	scaled := `image_registry = "registry.internal/mirror"
  operator {
    replicas = 2
  }`
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config(""),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact("keda")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("version"), knownvalue.StringExact("2.21.0")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("objects"), knownvalue.ListSizeExact(26)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("manages_namespace"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("sync_status"), knownvalue.StringExact("in sync")),
				},
				Check: func(*terraform.State) error {
					if ok, err := crdExists(cp, "scaledobjects.keda.sh"); !ok {
						return fmt.Errorf("CRD not installed: %w", err)
					}
					if _, image, err := deployment("keda-operator"); err != nil || image != "ghcr.io/kedacore/keda:2.21.0" {
						return fmt.Errorf("operator: %s %w", image, err)
					}
					return nil
				},
			},
			{
				ResourceName:            addr,
				ImportState:             true,
				ImportStateId:           "keda",
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"timeouts", "wait"},
			},
			{
				Config: config(scaled),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
				},
				Check: func(*terraform.State) error {
					replicas, image, err := deployment("keda-operator")
					if err != nil || replicas != 2 || image != "registry.internal/mirror/kedacore/keda:2.21.0" {
						return fmt.Errorf("operator not updated in place: %d %s %w", replicas, image, err)
					}
					if _, image, _ := deployment("keda-metrics-apiserver"); image != "registry.internal/mirror/kedacore/keda-metrics-apiserver:2.21.0" {
						return fmt.Errorf("metrics server image %s", image)
					}
					return nil
				},
			},
			{
				// The operator Deployment is deleted by hand: the plan shows it and apply restores it.
				PreConfig: func() {
					if err := cs.AppsV1().Deployments("keda").Delete(context.Background(), "keda-operator", metav1.DeleteOptions{}); err != nil {
						t.Fatal(err)
					}
				},
				Config: config(scaled),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
				},
				Check: func(*terraform.State) error {
					if replicas, _, err := deployment("keda-operator"); err != nil || replicas != 2 {
						return fmt.Errorf("operator not restored: %d %w", replicas, err)
					}
					return nil
				},
			},
			{
				// A declared field is changed by hand.
				PreConfig: func() {
					patch := []byte(`{"spec":{"replicas":5}}`)
					if _, err := cs.AppsV1().Deployments("keda").Patch(context.Background(), "keda-metrics-apiserver",
						types.MergePatchType, patch, metav1.PatchOptions{FieldManager: "kubectl-edit"}); err != nil {
						t.Fatal(err)
					}
				},
				Config: config(scaled),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
				},
				Check: func(*terraform.State) error {
					if replicas, _, err := deployment("keda-metrics-apiserver"); err != nil || replicas != 1 {
						return fmt.Errorf("metrics server not restored: %d %w", replicas, err)
					}
					return nil
				},
			},
			{
				Config: config(scaled + `
  webhooks {
    enabled = false
  }`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("objects"), knownvalue.ListSizeExact(23)),
				},
				Check: func(*terraform.State) error {
					if _, err := cs.AppsV1().Deployments("keda").Get(context.Background(), "keda-admission", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
						return fmt.Errorf("webhooks still installed: %w", err)
					}
					return nil
				},
			},
		},
		CheckDestroy: func(*terraform.State) error {
			if ok, err := crdExists(cp, "scaledobjects.keda.sh"); ok || err != nil {
				return fmt.Errorf("CRDs left after destroy with no KEDA objects: %w", err)
			}
			ns, err := cs.CoreV1().Namespaces().Get(context.Background(), "keda", metav1.GetOptions{})
			if err == nil && ns.DeletionTimestamp == nil {
				return fmt.Errorf("namespace keda left after destroy")
			}
			return nil
		},
	})
}

// ScaledObjects the configuration does not manage keep the CRDs alive.
func TestAccInstallation_destroyKeepsCRDsForForeignObjects(t *testing.T) {
	t.Parallel()
	cp := startWorkloadPlane(t)
	kc, err := kube.NewClientFromREST(cp.Config).KEDA()
	if err != nil {
		t.Fatal(err)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: installationProvider(cp) + `
resource "keda_installation" "this" {
  namespace = "autoscaling"
  wait      = false
}`,
			Check: func(*terraform.State) error {
				_, err := cp.Clientset().CoreV1().Namespaces().Create(context.Background(),
					&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "team-a"}}, metav1.CreateOptions{})
				if err != nil {
					return err
				}
				_, err = kc.KedaV1alpha1().ScaledObjects("team-a").Create(context.Background(), &v1alpha1.ScaledObject{
					ObjectMeta: metav1.ObjectMeta{Name: "not-ours"},
					Spec: v1alpha1.ScaledObjectSpec{
						ScaleTargetRef: &v1alpha1.ScaleTarget{Name: "worker"},
						Triggers:       []v1alpha1.ScaleTriggers{{Type: "cron", Metadata: map[string]string{"timezone": "UTC", "start": "0 8 * * *", "end": "0 9 * * *", "desiredReplicas": "1"}}},
					},
				}, metav1.CreateOptions{})
				return err
			},
		}},
		CheckDestroy: func(*terraform.State) error {
			if ok, err := crdExists(cp, "scaledobjects.keda.sh"); !ok {
				return fmt.Errorf("the CRDs were deleted although a foreign ScaledObject exists: %w", err)
			}
			if _, err := kc.KedaV1alpha1().ScaledObjects("team-a").Get(context.Background(), "not-ours", metav1.GetOptions{}); err != nil {
				return fmt.Errorf("the foreign ScaledObject is gone: %w", err)
			}
			if _, err := cp.Clientset().AppsV1().Deployments("autoscaling").Get(context.Background(), "keda-operator", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
				return fmt.Errorf("the operator was not removed: %w", err)
			}
			return nil
		},
	})
}

// With delete_crds_with_objects the CRDs go, and the foreign objects with them.
func TestAccInstallation_destroyWithObjectsWhenAsked(t *testing.T) {
	t.Parallel()
	cp := startWorkloadPlane(t)
	kc, err := kube.NewClientFromREST(cp.Config).KEDA()
	if err != nil {
		t.Fatal(err)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: installationProvider(cp) + `
resource "keda_installation" "this" {
  wait                     = false
  delete_crds_with_objects = true
}`,
			Check: func(*terraform.State) error {
				_, err := kc.KedaV1alpha1().TriggerAuthentications("default").Create(context.Background(), &v1alpha1.TriggerAuthentication{
					ObjectMeta: metav1.ObjectMeta{Name: "not-ours"},
				}, metav1.CreateOptions{})
				return err
			},
		}},
		CheckDestroy: func(*terraform.State) error {
			if ok, err := crdExists(cp, "triggerauthentications.keda.sh"); ok || err != nil {
				return fmt.Errorf("the CRDs were kept although delete_crds_with_objects is set: %w", err)
			}
			return nil
		},
	})
}

// From an empty cluster, one apply installs KEDA and creates a ScaledObject
// that needs its CRDs; one destroy removes both.
func TestAccInstallation_withScaledObjectInOneApply(t *testing.T) {
	t.Parallel()
	cp := startWorkloadPlane(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: installationProvider(cp) + `
resource "keda_installation" "this" {
  wait = false
}

resource "keda_ml_scaled_object" "worker" {
  metadata {
    name      = "worker"
    namespace = "default"
  }
  scale_target_ref {
    name = "worker"
  }
  trigger {
    rabbitmq {
      host       = "amqp://rabbitmq.default:5672"
      queue_name = "inference_requests"
      mode       = "QueueLength"
      value      = 5
    }
  }
  depends_on = [keda_installation.this]
}`,
		}},
		CheckDestroy: func(*terraform.State) error {
			if ok, err := crdExists(cp, "scaledobjects.keda.sh"); ok || err != nil {
				return fmt.Errorf("CRDs left after destroying everything: %w", err)
			}
			return nil
		},
	})
}

// Pods that can never run: the wait fails within its timeout and names the
// component and why its pods do not run.
func TestAccInstallation_waitNamesTheComponentThatNeverRuns(t *testing.T) {
	t.Parallel()
	cp := startWorkloadPlane(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: installationProvider(cp) + `
resource "keda_installation" "this" {
  node_selector = { "pool" = "does-not-exist" }
  timeouts {
    create = "20s"
  }
}`,
			ExpectError: regexp.MustCompile(`(?s)KEDA did not become available.*deployment\s+keda/keda-[a-z-]+\s+is\s+not\s+Available.*PodScheduled=False\s+\(Unschedulable\)`),
		}},
	})
}
func crdRef(name string) *unstructured.Unstructured {
	o := &unstructured.Unstructured{}
	o.SetAPIVersion("apiextensions.k8s.io/v1")
	o.SetKind("CustomResourceDefinition")
	o.SetName(name)
	return o
}

// With default settings and wait, apply returns once the three Deployments
// are Available (scheduled by kube-scheduler, run by kwok) and the
// aggregator reports the metrics APIService Available (it reached a
// stand-in server in the pods' network).
func TestAccInstallation_defaultsWaitUntilAvailable(t *testing.T) {
	t.Parallel()
	cp := startWorkloadPlane(t)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	playKEDAMetricsServer(ctx, t, cp, "keda")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: installationProvider(cp) + `
resource "keda_installation" "this" {
  timeouts {
    create = "4m"
  }
}`,
			Check: func(*terraform.State) error {
				cs := cp.Clientset()
				for _, name := range []string{"keda-operator", "keda-metrics-apiserver", "keda-admission"} {
					d, err := cs.AppsV1().Deployments("keda").Get(context.Background(), name, metav1.GetOptions{})
					if err != nil {
						return err
					}
					if d.Status.AvailableReplicas < 1 {
						return fmt.Errorf("%s not available after apply", name)
					}
				}
				a, err := cp.Dynamic().Resource(apiServiceGVR).Get(context.Background(), "v1beta1.external.metrics.k8s.io", metav1.GetOptions{})
				if err != nil {
					return err
				}
				conds, _, _ := unstructured.NestedSlice(a.Object, "status", "conditions")
				for _, c := range conds {
					if m := c.(map[string]any); m["type"] == "Available" && m["status"] == "True" {
						return nil
					}
				}
				return fmt.Errorf("APIService not Available after apply: %v", conds)
			},
		}},
	})
}

// Without anything answering for the metrics server, the wait ends within its
// timeout naming the APIService and the aggregator's reason, after the
// Deployments passed.
func TestAccInstallation_waitNamesTheUnavailableAPIService(t *testing.T) {
	t.Parallel()
	cp := startWorkloadPlane(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: installationProvider(cp) + `
resource "keda_installation" "this" {
  timeouts {
    create = "60s"
  }
}`,
			ExpectError: regexp.MustCompile(`(?s)KEDA did not become available.*Deployments\s+are\s+Available.*APIService\s+v1beta1.external.metrics.k8s.io\s+is\s+not\s+Available:\s+Available=False`),
		}},
	})
}
