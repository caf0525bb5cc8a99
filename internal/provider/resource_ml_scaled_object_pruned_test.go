package provider

import (
	"context"
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	corev1 "k8s.io/api/core/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/kedaml/terraform-provider-keda/internal/acctest"
	"github.com/kedaml/terraform-provider-keda/internal/install"
	"github.com/kedaml/terraform-provider-keda/internal/kube"
)

var crdGVR = schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}

// installOlderCRDs installs the bundled CRDs on a control plane of the
// test's own, with the ScaledObject CRD as KEDA 2.16 had it: labeled 2.16.0
// and without spec.fallback.behavior, which KEDA added in 2.17
// (kedacore/keda#6464). The rest of its schema is the bundled one.
func installOlderCRDs(t *testing.T, cp *acctest.ControlPlane) {
	t.Helper()
	ctx := context.Background()
	crds, err := install.CRDs()
	if err != nil {
		t.Fatal(err)
	}
	var created []*unstructured.Unstructured
	for _, crd := range crds {
		if crd.Name == "scaledobjects.keda.sh" {
			crd.Labels[kube.KEDAVersionLabel] = "2.16.0"
			fallback := crd.Spec.Versions[0].Schema.OpenAPIV3Schema.Properties["spec"].Properties["fallback"]
			if _, ok := fallback.Properties["behavior"]; !ok {
				t.Fatal("the bundled ScaledObject CRD has no spec.fallback.behavior to take out")
			}
			delete(fallback.Properties, "behavior")
			spec := crd.Spec.Versions[0].Schema.OpenAPIV3Schema.Properties["spec"]
			spec.Properties["fallback"] = fallback
			crd.Spec.Versions[0].Schema.OpenAPIV3Schema.Properties["spec"] = spec
		}
		u, err := toUnstructured(crd)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := cp.Dynamic().Resource(crdGVR).Create(ctx, u, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		created = append(created, u)
	}
	waitCtx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if err := kube.NewClientFromREST(cp.Config).WaitEstablished(waitCtx, created); err != nil {
		t.Fatal(err)
	}
}

func toUnstructured(crd *apiextensionsv1.CustomResourceDefinition) (*unstructured.Unstructured, error) {
	m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(crd)
	if err != nil {
		return nil, err
	}
	u := &unstructured.Unstructured{Object: m}
	u.SetAPIVersion("apiextensions.k8s.io/v1")
	u.SetKind("CustomResourceDefinition")
	return u, nil
}

// A field the installed CRD does not know never reaches KEDA: the API
// server refuses the server-side apply with a 500 (which must not be retried
// until the timeout), or, where it prunes, stores the object without it.
// The apply fails at once naming the field and the installed KEDA version;
// without the field the same object applies.
func TestAccScaledObject_fieldPrunedByAnOlderCRDFailsTheApply(t *testing.T) {
	t.Parallel()
	testAccPreCheck(t)
	cp, err := acctest.Start(acctest.Options{WithoutCRDs: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cp.Stop)
	installOlderCRDs(t, cp)
	if _, err := cp.Clientset().CoreV1().Namespaces().Create(context.Background(),
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "ml"}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	config := func(fallback string) string {
		return installationProvider(cp) + `
resource "keda_ml_scaled_object" "worker" {
  metadata {
    name      = "worker"
    namespace = "ml"
  }
  scale_target_ref {
    name = "worker"
  }
  ` + fallback + `
  trigger {
    rabbitmq {
      host       = "amqp://rabbitmq.ml:5672"
      queue_name = "inference_requests"
      mode       = "QueueLength"
      value      = 5
    }
  }
}`
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config(`fallback {
    failure_threshold = 3
    replicas          = 2
    behavior          = "currentReplicasIfHigher"
  }`),
				ExpectError: regexp.MustCompile(`(?s)Fields unknown to the installed KEDA.*ScaledObject\s+ml/worker\s+sets\s+` +
					`\.spec\.fallback\.behavior:\s+The\s+installed\s+KEDA\s+2\.16\.0\s+does\s+not\s+know.*refused\s+the\s+apply`),
			},
			{
				// Nothing was written: without the field the same object
				// applies. (Without the fallback block: the provider writes
				// behavior with every fallback, its default static included.)
				Config: config(""),
				Check: func(*terraform.State) error {
					api, err := kube.NewClientFromREST(cp.Config).ScaledObjects("ml")
					if err != nil {
						return err
					}
					so, err := api.Get(context.Background(), "worker")
					if err != nil {
						return err
					}
					if len(so.Spec.Triggers) != 1 || so.Spec.Triggers[0].Type != "rabbitmq" {
						return fmt.Errorf("the ScaledObject was not applied: %+v", so.Spec)
					}
					return nil
				},
			},
		},
	})
}
