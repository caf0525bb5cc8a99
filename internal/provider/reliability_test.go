package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/kedacore/keda/v2/apis/keda/v1alpha1"
	kedaclient "github.com/kedacore/keda/v2/pkg/generated/clientset/versioned"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/kedaml/terraform-provider-keda/internal/acctest"
	"github.com/kedaml/terraform-provider-keda/internal/kube"
)

// queueWorkersConfig is n queue-worker ScaledObjects sharing one
// TriggerAuthentication, against the cluster kubeconfig points at.
func queueWorkersConfig(kubeconfig, ns string, n int) string {
	provider := ""
	if kubeconfig != "" {
		provider = fmt.Sprintf("provider \"keda\" {\n  config_path = %q\n}\n", kubeconfig)
	}
	return provider + fmt.Sprintf(`
resource "keda_trigger_authentication" "rabbitmq" {
  metadata {
    name      = "rabbitmq"
    namespace = %[1]q
  }
  secret_target_ref {
    parameter = "host"
    name      = "rabbitmq-creds"
    key       = "host"
  }
}

resource "keda_ml_scaled_object" "worker" {
  count = %[2]d
  metadata {
    name      = "worker-${count.index}"
    namespace = %[1]q
  }
  scale_target_ref {
    name = "worker-${count.index}"
  }
  max_replica_count = 5
  trigger {
    rabbitmq {
      queue_name = "queue-${count.index}"
      mode       = "QueueLength"
      value      = 10
    }
    authentication_ref {
      name = keda_trigger_authentication.rabbitmq.metadata.name
    }
  }
}
`, ns, n)
}

// The API server is killed and restarted (etcd keeps the data) while an
// apply of dozens of objects is under way. The provider retries through
// the outage; the apply converges, every object exists, and the next plan
// is empty.
func TestAccReliability_apiServerRestartDuringApply(t *testing.T) {
	testAccPreCheck(t)
	t.Parallel()
	cp, err := acctest.Start(acctest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cp.Stop)
	const n = 40
	ns := "restart"
	if _, err := cp.Clientset().CoreV1().Namespaces().Create(context.Background(),
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	kc := kedaclient.NewForConfigOrDie(cp.Config)

	var (
		restart     sync.WaitGroup
		restartErr  error
		seenAtCrash = -1
	)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	crashOnceApplying := func() {
		restart.Add(1)
		go func() {
			defer restart.Done()
			for ctx.Err() == nil {
				list, err := kc.KedaV1alpha1().ScaledObjects(ns).List(ctx, metav1.ListOptions{})
				if err == nil && len(list.Items) >= 5 {
					seenAtCrash = len(list.Items)
					restartErr = cp.RestartAPIServer(2 * time.Second)
					return
				}
				time.Sleep(10 * time.Millisecond)
			}
		}()
	}
	config := queueWorkersConfig(cp.KubeconfigPath, ns, n)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: crashOnceApplying,
				Config:    config,
				Check: func(*terraform.State) error {
					restart.Wait()
					if restartErr != nil {
						return restartErr
					}
					if seenAtCrash < 0 || seenAtCrash >= n {
						return fmt.Errorf("the API server was not restarted during the apply (objects at restart: %d)", seenAtCrash)
					}
					list, err := kc.KedaV1alpha1().ScaledObjects(ns).List(context.Background(), metav1.ListOptions{})
					if err != nil {
						return err
					}
					if len(list.Items) != n {
						return fmt.Errorf("%d ScaledObjects in the cluster, want %d", len(list.Items), n)
					}
					t.Logf("API server restarted with %d of %d ScaledObjects written; apply converged", seenAtCrash, n)
					return nil
				},
			},
			{Config: config, PlanOnly: true},
		},
	})
}

// Injected API failures — a dropped connection, etcd's leader change, a
// server shutting down, a timeout, rate limiting with Retry-After — are
// retried: the apply succeeds and the faults were really served.
func TestAccReliability_retriesTransientAPIErrors(t *testing.T) {
	ns := testNamespace(t)
	t.Parallel()
	faults := []acctest.Fault{acctest.DropConnection, acctest.EtcdLeaderChanged, acctest.ServiceUnavailable,
		acctest.GatewayTimeout, acctest.TooManyRequests, acctest.DropConnection}
	proxy, err := acctest.Shared().StartFaultProxy(func(r *http.Request) bool {
		return strings.Contains(r.URL.Path, "/namespaces/"+ns+"/")
	}, faults...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(proxy.Close)
	config := queueWorkersConfig(proxy.KubeconfigPath, ns, 3)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: func(*terraform.State) error {
					served := proxy.Injected()
					if len(served) != len(faults) {
						return fmt.Errorf("%d of %d faults served: %v", len(served), len(faults), served)
					}
					t.Logf("apply succeeded through: %s", strings.Join(served, "; "))
					return nil
				},
			},
			{Config: config, PlanOnly: true},
		},
	})
}

// An object that exists but is not in state — written by an apply that was
// interrupted before Terraform saved its state — is adopted by the next
// apply: no "already exists" error, the same object (uid) afterwards.
func TestAccReliability_adoptsObjectLeftByInterruptedApply(t *testing.T) {
	ns := testNamespace(t)
	t.Parallel()
	api := testScaledObjects(t, ns)
	var leftUID string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					so := &v1alpha1.ScaledObject{
						TypeMeta:   metav1.TypeMeta{APIVersion: "keda.sh/v1alpha1", Kind: "ScaledObject"},
						ObjectMeta: metav1.ObjectMeta{Name: "worker-0", Namespace: ns},
						Spec: v1alpha1.ScaledObjectSpec{
							ScaleTargetRef: &v1alpha1.ScaleTarget{Name: "worker-0"},
							Triggers:       []v1alpha1.ScaleTriggers{{Type: "cpu", Metadata: map[string]string{"value": "70"}, MetricType: "Utilization"}},
						},
					}
					out, _, err := api.Apply(context.Background(), "worker-0", so)
					if err != nil {
						t.Fatal(err)
					}
					leftUID = string(out.UID)
				},
				Config: queueWorkersConfig("", ns, 2),
				Check: resource.ComposeTestCheckFunc(
					func(s *terraform.State) error {
						if uid := s.RootModule().Resources["keda_ml_scaled_object.worker.0"].Primary.Attributes["metadata.uid"]; uid != leftUID {
							return fmt.Errorf("uid %q, want the adopted object's %q", uid, leftUID)
						}
						so, err := api.Get(context.Background(), "worker-0")
						if err != nil {
							return err
						}
						if len(so.Spec.Triggers) != 1 || so.Spec.Triggers[0].Type != "rabbitmq" {
							return fmt.Errorf("adopted object not updated to the configuration: %+v", so.Spec.Triggers)
						}
						return nil
					},
				),
			},
			{Config: queueWorkersConfig("", ns, 2), PlanOnly: true},
		},
	})
}

// takeBackConfig is one ScaledObject whose max_replica_count another field
// manager will change.
func takeBackConfig(ns, policy string) string {
	provider := ""
	if policy != "" {
		provider = fmt.Sprintf("provider \"keda\" {\n  field_conflicts = %q\n}\n", policy)
	}
	return provider + fmt.Sprintf(`
resource "keda_ml_scaled_object" "worker" {
  metadata {
    name      = "worker"
    namespace = %q
  }
  scale_target_ref {
    name = "worker"
  }
  min_replica_count = 1
  max_replica_count = 5
  trigger {
    cpu {
      utilization = 70
    }
  }
}
`, ns)
}

// kubectlEdit changes the declared max_replica_count and adds a label and
// an annotation Terraform does not declare, under another field manager.
func kubectlEdit(t *testing.T, api kube.Objects[*v1alpha1.ScaledObject]) {
	t.Helper()
	patch := `{"metadata":{"labels":{"owner":"sre"},"annotations":{"note":"hand-tuned"}},"spec":{"maxReplicaCount":7}}`
	if _, err := api.RawPatch(context.Background(), "worker", types.MergePatchType, []byte(patch)); err != nil {
		t.Fatal(err)
	}
}

// managersOf returns which managers own spec.maxReplicaCount.
func managersOf(so *v1alpha1.ScaledObject, field string) []string {
	var out []string
	for _, mf := range so.ManagedFields {
		if mf.FieldsV1 == nil {
			continue
		}
		var fields map[string]any
		if json.Unmarshal(mf.FieldsV1.GetRawBytes(), &fields) != nil {
			continue
		}
		if spec, ok := fields["f:spec"].(map[string]any); ok {
			if _, ok := spec["f:"+field]; ok {
				out = append(out, mf.Manager)
			}
		}
	}
	return out
}

// captureProviderLog sends the provider's logs (and Terraform's) at TRACE
// to a file for this test and returns a reader for it. Environment
// variables are process-wide: callers must not run in parallel.
func captureProviderLog(t *testing.T) func() string {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("TF_LOG", "TRACE")
	t.Setenv("TF_LOG_PATH_MASK", filepath.Join(dir, "%s.log"))
	return func() string {
		data, err := os.ReadFile(filepath.Join(dir, strings.ReplaceAll(t.Name(), "/", "__")+".log"))
		if err != nil {
			t.Fatalf("reading the provider log: %v", err)
		}
		return string(data)
	}
}

// A declared field changed by another field manager is taken back by the
// next apply, with a warning naming that manager; fields Terraform does
// not declare stay as the other manager left them.
func TestAccReliability_takesBackFieldsFromOtherManagers(t *testing.T) {
	ns := testNamespace(t)
	log := captureProviderLog(t)
	api := testScaledObjects(t, ns)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: takeBackConfig(ns, "")},
			{
				PreConfig: func() { kubectlEdit(t, api) },
				Config:    takeBackConfig(ns, ""),
				Check: func(*terraform.State) error {
					so, err := api.Get(context.Background(), "worker")
					if err != nil {
						return err
					}
					if so.Spec.MaxReplicaCount == nil || *so.Spec.MaxReplicaCount != 5 {
						return fmt.Errorf("maxReplicaCount %v, want 5 taken back", so.Spec.MaxReplicaCount)
					}
					if m := managersOf(so, "maxReplicaCount"); fmt.Sprint(m) != "["+kube.FieldManager+"]" {
						return fmt.Errorf("maxReplicaCount managed by %v, want only %s", m, kube.FieldManager)
					}
					if so.Labels["owner"] != "sre" || so.Annotations["note"] != "hand-tuned" {
						return fmt.Errorf("undeclared fields touched: labels %v annotations %v", so.Labels, so.Annotations)
					}
					return nil
				},
			},
		},
	})
	got := log()
	for _, want := range []string{"Response contains warning diagnostic", "Fields taken back from another field manager",
		`.spec.maxReplicaCount (set by "kubectl-edit")`} {
		if !strings.Contains(got, want) {
			t.Errorf("the provider log has no %q", want)
		}
	}
}

// With field_conflicts = "error" the same change fails the apply, names the
// field and the manager, and writes nothing.
func TestAccReliability_fieldConflictsAsErrors(t *testing.T) {
	ns := testNamespace(t)
	t.Parallel()
	api := testScaledObjects(t, ns)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: takeBackConfig(ns, "error")},
			{
				PreConfig:   func() { kubectlEdit(t, api) },
				Config:      takeBackConfig(ns, "error"),
				ExpectError: regexp.MustCompile(`(?s)Fields changed by another field manager.*kubectl-edit.*\.spec\.maxReplicaCount`),
			},
			{
				// Nothing was written: the other manager's value stands.
				PreConfig: func() {
					so, err := api.Get(context.Background(), "worker")
					if err != nil {
						t.Fatal(err)
					}
					if *so.Spec.MaxReplicaCount != 7 {
						t.Fatalf("maxReplicaCount %d after a refused apply, want 7", *so.Spec.MaxReplicaCount)
					}
				},
				Config: takeBackConfig(ns, "take_back"),
			},
		},
	})
}

func TestProvider_fieldConflictsValidated(t *testing.T) {
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `
provider "keda" {
  host            = "https://127.0.0.1:1"
  field_conflicts = "ignore"
}
resource "keda_cluster_trigger_authentication" "a" {
  metadata {
    name = "a"
  }
  env {
    parameter = "host"
    name      = "HOST"
  }
}`,
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)field_conflicts.*value must be one of`),
		}},
	})
}

// A finalizer nobody removes (here: no controller owns it) keeps the object
// after delete: destroy fails at its timeout saying which finalizer and
// how to resolve it; once it is removed, destroy completes.
func TestAccReliability_stuckFinalizer(t *testing.T) {
	ns := testNamespace(t)
	t.Parallel()
	api := testScaledObjects(t, ns)
	config := strings.Replace(takeBackConfig(ns, ""), "max_replica_count = 5", "max_replica_count = 5\n  timeouts {\n    delete = \"3s\"\n  }", 1)
	setFinalizers := func(value string) func() {
		return func() {
			patch := `{"metadata":{"finalizers":` + value + `}}`
			if _, err := api.RawPatch(context.Background(), "worker", types.MergePatchType, []byte(patch)); err != nil {
				t.Fatal(err)
			}
		}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig:   setFinalizers(`["finalizer.keda.sh"]`),
				Config:      config,
				Destroy:     true,
				ExpectError: regexp.MustCompile(`(?s)Deletion blocked by finalizers.*finalizer\.keda\.sh.*KEDA's\s+operator.*kubectl\s+patch\s+scaledobject\s+worker\s+-n\s+` + ns),
			},
			{
				PreConfig: setFinalizers(`null`),
				Config:    config,
				Destroy:   true,
			},
		},
		CheckDestroy: func(*terraform.State) error {
			_, err := api.Get(context.Background(), "worker")
			switch {
			case err == nil:
				return errors.New("ScaledObject still there after destroy")
			case !kube.IsNotFound(err):
				return err
			}
			return nil
		},
	})
}

// A destroy the API server refuses (RBAC's 403: not transient, not retried)
// fails with the API's reason and leaves the ScaledObject, in the cluster and
// in state, as it was: the plan after it has nothing to do, and the destroy
// after that deletes it.
func TestAccReliability_refusedDestroyKeepsTheState(t *testing.T) {
	ns := testNamespace(t)
	t.Parallel()
	proxy, err := acctest.Shared().StartFaultProxy(func(r *http.Request) bool {
		return r.Method == http.MethodDelete && strings.Contains(r.URL.Path, "/namespaces/"+ns+"/scaledobjects/")
	}, acctest.Forbidden)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(proxy.Close)
	api := testScaledObjects(t, ns)
	config := queueWorkersConfig(proxy.KubeconfigPath, ns, 1)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config},
			{Config: config, Destroy: true, ExpectError: regexp.MustCompile(`Failed to delete ScaledObject(.|\n)*forbidden`)},
			{
				PreConfig: func() {
					if served := proxy.Injected(); len(served) != 1 {
						t.Fatalf("faults served: %v, want the one 403", served)
					}
					if _, err := api.Get(context.Background(), "worker-0"); err != nil {
						t.Fatalf("the ScaledObject is gone after a refused delete: %v", err)
					}
				},
				Config: config, PlanOnly: true,
			},
		},
		CheckDestroy: func(*terraform.State) error {
			_, err := api.Get(context.Background(), "worker-0")
			if err == nil {
				return errors.New("worker-0 still exists after destroy")
			}
			if !apierrors.IsNotFound(err) {
				return fmt.Errorf("worker-0 after destroy, want NotFound: %w", err)
			}
			return nil
		},
	})
}
