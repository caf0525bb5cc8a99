package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/kedacore/keda/v2/apis/keda/v1alpha1"
	kedaclient "github.com/kedacore/keda/v2/pkg/generated/clientset/versioned"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kedaml/terraform-provider-keda/internal/acctest"
	"github.com/kedaml/terraform-provider-keda/internal/kube"
)

const cliProviderBlock = `terraform {
  required_providers {
    keda = { source = "kedaml/keda" }
  }
}
`

func writeConfig(t *testing.T, dir, config string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(cliProviderBlock+config), 0o644); err != nil {
		t.Fatal(err)
	}
}

// Adopting KEDA objects as kubectl users wrote them: `import` blocks and
// `terraform plan -generate-config-out` give typed configuration (a
// threshold written "100.50", a rabbitmq trigger whose host comes only from
// its TriggerAuthentication), the plan after shows only the imports, the
// apply imports without writing (same resourceVersion) and the next plan
// is empty.
func TestAccImport_generatedConfigPlansClean(t *testing.T) {
	ns := testNamespace(t)
	t.Parallel()
	kc := kedaclient.NewForConfigOrDie(acctest.Shared().Config).KedaV1alpha1()
	ta, err := kc.TriggerAuthentications(ns).Create(t.Context(), &v1alpha1.TriggerAuthentication{
		ObjectMeta: metav1.ObjectMeta{Name: "rabbitmq-auth"},
		Spec: v1alpha1.TriggerAuthenticationSpec{SecretTargetRef: []v1alpha1.AuthSecretTargetRef{
			{Parameter: "host", Name: "rabbitmq-creds", Key: "host"},
		}},
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	so, err := kc.ScaledObjects(ns).Create(t.Context(), &v1alpha1.ScaledObject{
		ObjectMeta: metav1.ObjectMeta{Name: "adopted"},
		Spec: v1alpha1.ScaledObjectSpec{
			ScaleTargetRef: &v1alpha1.ScaleTarget{Name: "worker"},
			Triggers: []v1alpha1.ScaleTriggers{
				{Type: "prometheus", Metadata: map[string]string{"serverAddress": "http://prometheus.monitoring:9090",
					"query": `sum(rate(http_requests_total{service="ml"}[2m]))`, "threshold": "100.50"}},
				{Type: "rabbitmq", AuthenticationRef: &v1alpha1.AuthenticationRef{Name: "rabbitmq-auth"},
					Metadata: map[string]string{"queueName": "inference", "mode": "QueueLength", "value": "5", "vhostName": "/"}},
			},
		},
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}

	w := newCLIWorkspace(t)
	dir := filepath.Join(w.dir, "adopt")
	writeConfig(t, dir, fmt.Sprintf(`
import {
  to = keda_ml_scaled_object.adopted
  id = "%[1]s/adopted"
}

import {
  to = keda_trigger_authentication.rabbitmq
  id = "%[1]s/rabbitmq-auth"
}
`, ns))
	cluster := []string{"KUBE_CONFIG_PATH=" + acctest.Shared().KubeconfigPath}
	if code, out := w.terraform(t, dir, cluster, "plan", "-input=false", "-generate-config-out=generated.tf"); code != 0 {
		t.Fatalf("plan -generate-config-out exited %d:\n%s", code, out)
	}
	generated, err := os.ReadFile(filepath.Join(dir, "generated.tf"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`(?m)^\s+prometheus \{`, `(?m)^\s+threshold\s+= 100\.5$`, `(?m)^\s+rabbitmq \{`, `(?m)^\s+vhost_name\s+= "/"$`} {
		if !regexp.MustCompile(want).Match(generated) {
			t.Errorf("generated configuration lacks %s:\n%s", want, generated)
		}
	}
	if strings.Contains(string(generated), `type `) && regexp.MustCompile(`(?m)^\s+type\s+= "(prometheus|rabbitmq)"`).Match(generated) {
		t.Errorf("a trigger the typed blocks hold was generated untyped:\n%s", generated)
	}
	if t.Failed() {
		return
	}
	code, out := w.terraform(t, dir, cluster, "plan", "-input=false")
	if code != 0 || !strings.Contains(out, "Plan: 2 to import, 0 to add, 0 to change, 0 to destroy.") {
		t.Fatalf("the plan after generating the configuration (exit %d) shows more than the imports:\n%s\n%s", code, out, generated)
	}
	if code, out := w.terraform(t, dir, cluster, "apply", "-input=false", "-auto-approve"); code != 0 {
		t.Fatalf("apply exited %d:\n%s", code, out)
	}
	soAfter, err := kc.ScaledObjects(ns).Get(t.Context(), "adopted", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	taAfter, err := kc.TriggerAuthentications(ns).Get(t.Context(), "rabbitmq-auth", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if soAfter.ResourceVersion != so.ResourceVersion || taAfter.ResourceVersion != ta.ResourceVersion {
		t.Fatalf("the import wrote to the objects: ScaledObject resourceVersion %s -> %s, TriggerAuthentication %s -> %s",
			so.ResourceVersion, soAfter.ResourceVersion, ta.ResourceVersion, taAfter.ResourceVersion)
	}
	if code, out := w.terraform(t, dir, cluster, "plan", "-input=false", "-detailed-exitcode"); code != 0 {
		t.Fatalf("the plan after the import is not empty (exit %d):\n%s", code, out)
	}
	if code, out := w.terraform(t, dir, cluster, "destroy", "-input=false", "-auto-approve"); code != 0 {
		t.Fatalf("destroy exited %d:\n%s", code, out)
	}
	if _, err := kc.ScaledObjects(ns).Get(t.Context(), "adopted", metav1.GetOptions{}); !kube.IsNotFound(err) {
		t.Fatalf("ScaledObject after destroy: %v", err)
	}
	if _, err := kc.TriggerAuthentications(ns).Get(t.Context(), "rabbitmq-auth", metav1.GetOptions{}); !kube.IsNotFound(err) {
		t.Fatalf("TriggerAuthentication after destroy: %v", err)
	}
}

// Amazon Managed Prometheus needs keys the prometheus block does not have:
// written untyped it is created as written, reads back without a diff, and
// only the untyped trigger the typed block would hold gets a warning.
func TestAccScaledObject_untypedPrometheus(t *testing.T) {
	ns := testNamespace(t)
	t.Parallel()
	w := newCLIWorkspace(t)
	dir := filepath.Join(w.dir, "amp")
	writeConfig(t, dir, fmt.Sprintf(`
resource "keda_ml_scaled_object" "amp" {
  metadata {
    name      = "amp"
    namespace = %q
  }
  scale_target_ref {
    name = "worker"
  }
  trigger {
    type = "prometheus"
    metadata = {
      serverAddress = "https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-example"
      query         = "sum(rate(http_requests_total[2m]))"
      threshold     = "100"
      awsRegion     = "eu-west-1"
      identityOwner = "operator"
    }
  }
  trigger {
    type = "prometheus"
    metadata = {
      serverAddress = "http://prometheus.monitoring:9090"
      query         = "sum(inference_queue_depth)"
      threshold     = "100.50"
    }
  }
}
`, ns))
	cluster := []string{"KUBE_CONFIG_PATH=" + acctest.Shared().KubeconfigPath}
	code, out := w.terraform(t, dir, cluster, "apply", "-input=false", "-auto-approve")
	if code != 0 {
		t.Fatalf("apply exited %d:\n%s", code, out)
	}
	warning := regexp.MustCompile(`(?s)Warning: A typed block would hold this trigger.*Attribute trigger\[1\]\.type: the\s+` + "`prometheus`" + `\s+block`)
	if !warning.MatchString(out) || strings.Contains(out, "Attribute trigger[0].type") {
		t.Fatalf("want the typed-block warning on trigger[1] only:\n%s", out)
	}
	kc := kedaclient.NewForConfigOrDie(acctest.Shared().Config).KedaV1alpha1()
	so, err := kc.ScaledObjects(ns).Get(t.Context(), "amp", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if m := so.Spec.Triggers[0].Metadata; m["awsRegion"] != "eu-west-1" || m["identityOwner"] != "operator" || so.Spec.Triggers[1].Metadata["threshold"] != "100.50" {
		t.Fatalf("triggers not written as configured: %+v", so.Spec.Triggers)
	}
	if code, out := w.terraform(t, dir, cluster, "plan", "-input=false", "-detailed-exitcode"); code != 0 {
		t.Fatalf("the plan after apply is not empty (exit %d):\n%s", code, out)
	}
	if code, out := w.terraform(t, dir, cluster, "destroy", "-input=false", "-auto-approve"); code != 0 {
		t.Fatalf("destroy exited %d:\n%s", code, out)
	}
	if _, err := kc.ScaledObjects(ns).Get(t.Context(), "amp", metav1.GetOptions{}); !kube.IsNotFound(err) {
		t.Fatalf("ScaledObject after destroy: %v", err)
	}
}
