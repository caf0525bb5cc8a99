package provider

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	kedaclient "github.com/kedacore/keda/v2/pkg/generated/clientset/versioned"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kedaml/terraform-provider-keda/internal/acctest"
)

// cliWorkspace is the provider as a user who builds it runs it: the binary
// served to the terraform CLI through dev_overrides.
type cliWorkspace struct {
	dir string
	rc  string
}

func newCLIWorkspace(t *testing.T) cliWorkspace {
	t.Helper()
	w := cliWorkspace{dir: t.TempDir()}
	build := exec.Command("go", "build", "-o", filepath.Join(w.dir, "bin", "terraform-provider-keda"), ".")
	build.Dir = "../.."
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the provider: %v\n%s", err, out)
	}
	w.rc = filepath.Join(w.dir, "terraformrc")
	if err := acctest.WriteDevOverrides(w.rc, map[string]string{"kedaml/keda": filepath.Join(w.dir, "bin")}); err != nil {
		t.Fatal(err)
	}
	return w
}

// terraform runs the CLI in dir. The provider's settings come from env
// alone: the test process's own KUBE_* variables are not passed on.
func (w cliWorkspace) terraform(t *testing.T, dir string, env []string, args ...string) (int, string) {
	t.Helper()
	cmd := exec.Command("terraform", append(args, "-no-color")...)
	cmd.Dir = dir
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "KUBE_") && !strings.HasPrefix(kv, "KUBECONFIG=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "TF_CLI_CONFIG_FILE="+w.rc, "TF_IN_AUTOMATION=1")
	cmd.Env = append(cmd.Env, env...)
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("terraform %s: %v", args[0], err)
	}
	return cmd.ProcessState.ExitCode(), string(out)
}

// The foundation's promise, end to end with the terraform CLI: a plan needs
// no cluster (KUBE_HOST points where nothing listens), apply creates the
// TriggerAuthentication on the real API server, and after import the plan
// is empty.
func TestAccTriggerAuthentication_terraformCLI(t *testing.T) {
	ns := testNamespace(t)
	t.Parallel()
	w := newCLIWorkspace(t)
	dir := filepath.Join(w.dir, "config")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	config := fmt.Sprintf(`terraform {
  required_providers {
    keda = { source = "kedaml/keda" }
  }
}

resource "keda_trigger_authentication" "rabbitmq" {
  metadata {
    name      = "rabbitmq"
    namespace = %q
  }
  secret_target_ref {
    parameter = "host"
    name      = "rabbitmq-creds"
    key       = "host"
  }
}
`, ns)
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	port, err := acctest.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	nowhere := []string{fmt.Sprintf("KUBE_HOST=https://127.0.0.1:%d", port), "KUBE_INSECURE=true"}
	code, out := w.terraform(t, dir, nowhere, "plan", "-input=false", "-detailed-exitcode")
	if code != 2 || !strings.Contains(out, "1 to add") {
		t.Fatalf("plan with no cluster listening: exit %d, want 2 (changes):\n%s", code, out)
	}

	cluster := []string{"KUBE_CONFIG_PATH=" + acctest.Shared().KubeconfigPath}
	if code, out := w.terraform(t, dir, cluster, "apply", "-auto-approve", "-input=false"); code != 0 {
		t.Fatalf("apply exited %d:\n%s", code, out)
	}
	kc := kedaclient.NewForConfigOrDie(acctest.Shared().Config)
	if _, err := kc.KedaV1alpha1().TriggerAuthentications(ns).Get(t.Context(), "rabbitmq", metav1.GetOptions{}); err != nil {
		t.Fatalf("the TriggerAuthentication apply created: %v", err)
	}

	if code, out := w.terraform(t, dir, cluster, "state", "rm", "keda_trigger_authentication.rabbitmq"); code != 0 {
		t.Fatalf("state rm exited %d:\n%s", code, out)
	}
	if code, out := w.terraform(t, dir, cluster, "import", "-input=false", "keda_trigger_authentication.rabbitmq", ns+"/rabbitmq"); code != 0 {
		t.Fatalf("import exited %d:\n%s", code, out)
	}
	if code, out := w.terraform(t, dir, cluster, "plan", "-input=false", "-detailed-exitcode"); code != 0 {
		t.Fatalf("the plan after import is not empty (exit %d):\n%s", code, out)
	}
	if code, out := w.terraform(t, dir, cluster, "destroy", "-auto-approve", "-input=false"); code != 0 {
		t.Fatalf("destroy exited %d:\n%s", code, out)
	}
}
