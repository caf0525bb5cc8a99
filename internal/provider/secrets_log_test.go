package provider

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kedaml/terraform-provider-keda/internal/acctest"
)

// serviceAccountToken returns a real bearer token of a service account
// allowed everything, so that the provider authenticates with a secret.
func serviceAccountToken(t *testing.T, ns string) string {
	t.Helper()
	ctx := context.Background()
	cs := acctest.Shared().Clientset()
	if _, err := cs.CoreV1().ServiceAccounts(ns).Create(ctx, &corev1.ServiceAccount{
		ObjectMeta: metav1.ObjectMeta{Name: "terraform"}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	binding := &rbacv1.ClusterRoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: "terraform-" + ns},
		RoleRef:    rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: "cluster-admin"},
		Subjects:   []rbacv1.Subject{{Kind: "ServiceAccount", Name: "terraform", Namespace: ns}},
	}
	if _, err := cs.RbacV1().ClusterRoleBindings().Create(ctx, binding, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cs.RbacV1().ClusterRoleBindings().Delete(context.Background(), binding.Name, metav1.DeleteOptions{})
	})
	tr, err := cs.CoreV1().ServiceAccounts(ns).CreateToken(ctx, "terraform", &authenticationv1.TokenRequest{}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return tr.Status.Token
}

// At TRACE level, through create, refresh, update, import and destroy,
// neither the provider's credentials nor a Sensitive attribute (a Vault
// token) appear in the logs; the plan shows them as sensitive.
func TestAccReliability_noSecretsInLogs(t *testing.T) {
	ns := testNamespace(t)
	log := captureProviderLog(t)
	// Only the token may authenticate: no kubeconfig with a client
	// certificate from the environment.
	t.Setenv("KUBE_CONFIG_PATH", "")
	token := serviceAccountToken(t, ns)
	const vaultToken = "hvs.CAESIJ-must-not-leak-0123456789abcdef"
	cfg := acctest.Shared().Config
	config := func(maxReplicas int) string {
		return fmt.Sprintf(`
provider "keda" {
  host                   = %[1]q
  token                  = %[2]q
  cluster_ca_certificate = %[3]q
}

resource "keda_trigger_authentication" "vault" {
  metadata {
    name      = "vault"
    namespace = %[4]q
  }
  hashicorp_vault {
    address        = "https://vault.example:8200"
    authentication = "token"
    credential {
      token = %[5]q
    }
    secret {
      parameter = "password"
      path      = "secret/data/rabbitmq"
      key       = "password"
    }
  }
}

resource "keda_ml_scaled_object" "worker" {
  metadata {
    name      = "worker"
    namespace = %[4]q
  }
  scale_target_ref {
    name = "worker"
  }
  max_replica_count = %[6]d
  trigger {
    rabbitmq {
      queue_name = "q"
      mode       = "QueueLength"
      value      = 5
    }
    authentication_ref {
      name = keda_trigger_authentication.vault.metadata.name
    }
  }
}
`, cfg.Host, token, string(cfg.CAData), ns, vaultToken, maxReplicas)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config(5),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectSensitiveValue("keda_trigger_authentication.vault",
						tfjsonpath.New("hashicorp_vault").AtMapKey("credential").AtMapKey("token")),
				},
			},
			{Config: config(6)},
			{ResourceName: "keda_trigger_authentication.vault", ImportState: true, ImportStateVerify: true,
				ImportStateVerifyIgnore: []string{"timeouts"}, Config: config(6)},
		},
	})
	// terraform-plugin-testing itself logs each step's configuration, which
	// holds the secrets as written: that entry is the harness's, not the
	// provider's or Terraform's.
	got := withoutLogEntries(log(), "sdk.helper_resource: Setting Terraform configuration")
	if !strings.Contains(got, "Kubernetes API request") {
		t.Fatal("the log holds none of the provider's TRACE messages: the capture did not work")
	}
	for name, secret := range map[string]string{"provider token": token, "Vault token": vaultToken} {
		for _, line := range strings.Split(got, "\n") {
			if strings.Contains(line, secret) {
				line = strings.ReplaceAll(line, secret, "<"+name+">")
				t.Errorf("the %s appears in the TRACE log: %.300s", name, line)
			}
		}
	}
}

// withoutLogEntries drops the log entries (a timestamped line and the lines
// that continue it) whose first line contains marker.
func withoutLogEntries(log, marker string) string {
	var out strings.Builder
	skipping := false
	for _, line := range strings.SplitAfter(log, "\n") {
		if len(line) > 4 && line[:2] == "20" && strings.Contains(line[:30], "T") {
			skipping = strings.Contains(line, marker)
		}
		if !skipping {
			out.WriteString(line)
		}
	}
	return out.String()
}
