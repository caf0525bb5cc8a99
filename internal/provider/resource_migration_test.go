package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
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
