package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/kedacore/keda/v2/apis/keda/v1alpha1"
	kedaclient "github.com/kedacore/keda/v2/pkg/generated/clientset/versioned"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/kedaml/terraform-provider-keda/internal/acctest"
)

// migratedObject is the ScaledObject users bring, as YAML would say it.
func migratedObject(ns string) map[string]any {
	return map[string]any{
		"apiVersion": "keda.sh/v1alpha1",
		"kind":       "ScaledObject",
		"metadata": map[string]any{
			"name": "migrated", "namespace": ns,
			"labels": map[string]any{"team": "ml", "tier": "gpu"},
		},
		"spec": map[string]any{
			"scaleTargetRef":  map[string]any{"name": "worker"},
			"pollingInterval": 30,
			"minReplicaCount": 0,
			"maxReplicaCount": 5,
			"triggers": []any{map[string]any{
				"type": "prometheus",
				"metadata": map[string]any{
					"serverAddress": "http://prometheus:9090", "query": "sum(queue_depth)", "threshold": "10",
				},
			}},
		},
	}
}

// migrationOrigins create migratedObject the way each tool users move from
// does: the field manager and operation it leaves on the object.
var migrationOrigins = map[string]func(t *testing.T, ns string){
	// kubectl apply, and kubectl_manifest's default: client-side apply
	// (manager kubectl-client-side-apply, last-applied annotation).
	"kubectl apply": func(t *testing.T, ns string) { kubectlApplyObject(t, migratedObject(ns)) },
	// kubectl apply --server-side, and kubectl_manifest with
	// server_side_apply (manager kubectl).
	"kubectl apply --server-side": func(t *testing.T, ns string) {
		kubectlApplyObject(t, migratedObject(ns), "--server-side")
	},
	// kubernetes_manifest: server-side apply as manager Terraform.
	"kubernetes_manifest": func(t *testing.T, ns string) {
		body, err := json.Marshal(migratedObject(ns))
		if err != nil {
			t.Fatal(err)
		}
		force := true
		_, err = kedaclient.NewForConfigOrDie(acctest.Shared().Config).KedaV1alpha1().ScaledObjects(ns).
			Patch(t.Context(), "migrated", types.ApplyPatchType, body, metav1.PatchOptions{FieldManager: "Terraform", Force: &force})
		if err != nil {
			t.Fatal(err)
		}
	},
	// Helm: create and update as manager helm.
	"helm": func(t *testing.T, ns string) {
		body, err := json.Marshal(migratedObject(ns))
		if err != nil {
			t.Fatal(err)
		}
		var so v1alpha1.ScaledObject
		if err := json.Unmarshal(body, &so); err != nil {
			t.Fatal(err)
		}
		_, err = kedaclient.NewForConfigOrDie(acctest.Shared().Config).KedaV1alpha1().ScaledObjects(ns).
			Create(t.Context(), &so, metav1.CreateOptions{FieldManager: "helm"})
		if err != nil {
			t.Fatal(err)
		}
	},
}

func kubectlApplyObject(t *testing.T, obj map[string]any, args ...string) {
	t.Helper()
	bin, err := acctest.BinDir()
	if err != nil {
		t.Fatal(err)
	}
	body, err := json.Marshal(obj)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "object.json")
	if err := os.WriteFile(file, body, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(filepath.Join(bin, "kubectl"), append([]string{"apply", "-f", file, "--kubeconfig", acctest.Shared().KubeconfigPath}, args...)...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("kubectl apply %v: %v\n%s", args, err, out)
	}
}

// A ScaledObject made by kubectl, kubectl_manifest, kubernetes_manifest or
// Helm, imported, then a field and a label removed from its configuration:
// the apply removes them from the object (the other tool still owned
// them), the plan after is empty, and the object was never recreated.
func TestAccMigration_removedFieldConverges(t *testing.T) {
	testAccPreCheck(t)
	for origin, create := range migrationOrigins {
		t.Run(origin, func(t *testing.T) {
			ns := testNamespace(t)
			t.Parallel()
			create(t, ns)
			api := testScaledObjects(t, ns)
			before, err := api.Get(t.Context(), "migrated")
			if err != nil {
				t.Fatal(err)
			}
			addr := "keda_ml_scaled_object.migrated"
			config := func(labels, polling string) string {
				return fmt.Sprintf(`
import {
  to = keda_ml_scaled_object.migrated
  id = "%[1]s/migrated"
}

resource "keda_ml_scaled_object" "migrated" {
  metadata {
    name      = "migrated"
    namespace = %[1]q
    labels    = { %[2]s }
  }
  scale_target_ref {
    name = "worker"
  }
  %[3]s
  min_replica_count = 0
  max_replica_count = 5
  trigger {
    prometheus {
      server_address = "http://prometheus:9090"
      query          = "sum(queue_depth)"
      threshold      = 10
    }
  }
}`, ns, labels, polling)
			}
			sameObject := func(*terraform.State) error {
				now, err := api.Get(context.Background(), "migrated")
				if err != nil {
					return err
				}
				if now.UID != before.UID {
					return fmt.Errorf("the ScaledObject was recreated: uid %s -> %s", before.UID, now.UID)
				}
				return nil
			}
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				Steps: []resource.TestStep{
					{
						// The import plans nothing else.
						Config: config(`team = "ml", tier = "gpu"`, "polling_interval = 30"),
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionNoop)},
						},
						Check: sameObject,
					},
					{
						Config: config(`team = "ml"`, ""),
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
							PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
						},
						Check: resource.ComposeAggregateTestCheckFunc(sameObject, func(*terraform.State) error {
							now, err := api.Get(context.Background(), "migrated")
							if err != nil {
								return err
							}
							if now.Spec.PollingInterval != nil {
								return fmt.Errorf("pollingInterval is still %d on the object", *now.Spec.PollingInterval)
							}
							if _, ok := now.Labels["tier"]; ok {
								return fmt.Errorf("label tier is still on the object: %v", now.Labels)
							}
							if now.Labels["team"] != "ml" {
								return fmt.Errorf("label team is gone: %v", now.Labels)
							}
							return nil
						}),
					},
				},
			})
		})
	}
}

// The same for a TriggerAuthentication made by kubectl apply: a block
// removed from its configuration leaves the object.
func TestAccMigration_triggerAuthenticationRemovedBlockConverges(t *testing.T) {
	ns := testNamespace(t)
	t.Parallel()
	kubectlApplyObject(t, map[string]any{
		"apiVersion": "keda.sh/v1alpha1",
		"kind":       "TriggerAuthentication",
		"metadata":   map[string]any{"name": "migrated", "namespace": ns},
		"spec": map[string]any{
			"secretTargetRef": []any{map[string]any{"parameter": "host", "name": "rabbitmq", "key": "host"}},
			"env":             []any{map[string]any{"parameter": "username", "name": "RABBITMQ_USER"}},
		},
	})
	kc := kedaclient.NewForConfigOrDie(acctest.Shared().Config).KedaV1alpha1().TriggerAuthentications(ns)
	before, err := kc.Get(t.Context(), "migrated", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	addr := "keda_trigger_authentication.migrated"
	config := func(env string) string {
		return fmt.Sprintf(`
import {
  to = keda_trigger_authentication.migrated
  id = "%[1]s/migrated"
}

resource "keda_trigger_authentication" "migrated" {
  metadata {
    name      = "migrated"
    namespace = %[1]q
  }
  secret_target_ref {
    parameter = "host"
    name      = "rabbitmq"
    key       = "host"
  }
  %[2]s
}`, ns, env)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config(`env {
    parameter = "username"
    name      = "RABBITMQ_USER"
  }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionNoop)},
				},
			},
			{
				Config: config(""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(*terraform.State) error {
					now, err := kc.Get(context.Background(), "migrated", metav1.GetOptions{})
					if err != nil {
						return err
					}
					if now.UID != before.UID {
						return fmt.Errorf("the TriggerAuthentication was recreated: uid %s -> %s", before.UID, now.UID)
					}
					if len(now.Spec.Env) != 0 {
						return fmt.Errorf("env is still on the object: %+v", now.Spec.Env)
					}
					return nil
				},
			},
		},
	})
}

// The migration guide's kubectl_manifest recipe, run with gavinbunney's
// provider: a ScaledObject applied by kubectl_manifest moves to
// keda_ml_scaled_object with removed { destroy = false } and an import block
// in one apply that destroys nothing; the object keeps its uid, and an
// attribute removed afterwards leaves the object with an empty plan after.
func TestAccMigration_kubectlManifestRecipe(t *testing.T) {
	ns := testNamespace(t)
	t.Parallel()
	bin, err := acctest.BinDir()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(bin, "terraform-provider-kubectl")); err != nil {
		t.Fatalf("gavinbunney's terraform-provider-kubectl is not built: run `scripts/testbin.sh kubectl-provider` (make test does): %v", err)
	}
	w := newCLIWorkspace(t)
	if err := acctest.WriteDevOverrides(w.rc, map[string]string{
		"kedaml/keda": filepath.Join(w.dir, "bin"), "gavinbunney/kubectl": bin,
	}); err != nil {
		t.Fatal(err)
	}
	kubeconfig := acctest.Shared().KubeconfigPath
	env := []string{"KUBECONFIG=" + kubeconfig, "KUBE_CONFIG_PATH=" + kubeconfig}
	dir := filepath.Join(w.dir, "recipe")
	const providers = `terraform {
  required_providers {
    keda    = { source = "kedaml/keda" }
    kubectl = { source = "gavinbunney/kubectl" }
  }
}

provider "kubectl" {
  load_config_file = true
}
`
	write := func(config string) {
		t.Helper()
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(providers+config), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	run := func(args ...string) string {
		t.Helper()
		code, out := w.terraform(t, dir, env, args...)
		if code != 0 {
			t.Fatalf("terraform %v exited %d:\n%s", args, code, out)
		}
		return out
	}

	// Before: the YAML through kubectl_manifest.
	write(fmt.Sprintf(`
resource "kubectl_manifest" "worker_scaler" {
  yaml_body = <<YAML
apiVersion: keda.sh/v1alpha1
kind: ScaledObject
metadata:
  name: worker
  namespace: %s
spec:
  scaleTargetRef:
    name: worker
  pollingInterval: 30
  minReplicaCount: 0
  maxReplicaCount: 5
  triggers:
  - type: prometheus
    metadata:
      serverAddress: http://prometheus:9090
      query: sum(queue_depth)
      threshold: "10"
YAML
}
`, ns))
	run("apply", "-auto-approve", "-input=false")
	api := testScaledObjects(t, ns)
	before, err := api.Get(t.Context(), "worker")
	if err != nil {
		t.Fatal(err)
	}

	// After: the guide's removed + import blocks and the typed resource.
	typed := func(polling string) string {
		return fmt.Sprintf(`
removed {
  from = kubectl_manifest.worker_scaler

  lifecycle {
    destroy = false
  }
}

import {
  to = keda_ml_scaled_object.worker
  id = "%[1]s/worker"
}

resource "keda_ml_scaled_object" "worker" {
  metadata {
    name      = "worker"
    namespace = %[1]q
  }
  scale_target_ref {
    name = "worker"
  }
  %[2]s
  min_replica_count = 0
  max_replica_count = 5
  trigger {
    prometheus {
      server_address = "http://prometheus:9090"
      query          = "sum(queue_depth)"
      threshold      = 10
    }
  }
}
`, ns, polling)
	}
	write(typed("polling_interval = 30"))
	run("plan", "-input=false", "-out=migrate.tfplan")
	var plan struct {
		ResourceChanges []struct {
			Address string `json:"address"`
			Change  struct {
				Actions   []string        `json:"actions"`
				Importing json.RawMessage `json:"importing"`
			} `json:"change"`
		} `json:"resource_changes"`
	}
	if err := json.Unmarshal([]byte(run("show", "-json", "migrate.tfplan")), &plan); err != nil {
		t.Fatal(err)
	}
	actions := map[string]string{}
	for _, c := range plan.ResourceChanges {
		actions[c.Address] = strings.Join(c.Change.Actions, ",")
		if c.Address == "keda_ml_scaled_object.worker" && c.Change.Importing == nil {
			t.Errorf("the plan does not import the ScaledObject")
		}
	}
	if actions["kubectl_manifest.worker_scaler"] != "forget" || actions["keda_ml_scaled_object.worker"] != "no-op" {
		t.Fatalf("want kubectl_manifest forgotten and the ScaledObject imported with no change, got %v", actions)
	}
	run("apply", "-input=false", "migrate.tfplan")
	sameUID := func(step string) {
		t.Helper()
		now, err := api.Get(t.Context(), "worker")
		if err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		if now.UID != before.UID {
			t.Fatalf("%s: the ScaledObject was recreated: uid %s -> %s", step, before.UID, now.UID)
		}
	}
	sameUID("after the migration")

	// kubectl_manifest's fields are now the provider's to remove.
	write(typed(""))
	run("apply", "-auto-approve", "-input=false")
	sameUID("after removing polling_interval")
	now, err := api.Get(t.Context(), "worker")
	if err != nil {
		t.Fatal(err)
	}
	if now.Spec.PollingInterval != nil {
		t.Errorf("pollingInterval is still %d on the object", *now.Spec.PollingInterval)
	}
	if code, out := w.terraform(t, dir, env, "plan", "-input=false", "-detailed-exitcode"); code != 0 {
		t.Errorf("the plan after is not empty (exit %d):\n%s", code, out)
	}
}
