package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kedaml/terraform-provider-keda/internal/acctest"
	"github.com/kedaml/terraform-provider-keda/internal/kube"
)

// What the provider asks of the API server for objects it manages, counted
// in its request log through the terraform CLI: a plan of new objects sends
// nothing, an apply one request per object (server-side apply), a refresh
// one (a get), a destroy one (the delete, whose answer shows the object
// gone when no finalizer holds it; with one, gets follow until it is).
func TestAccRequests_perObject(t *testing.T) {
	ns := testNamespace(t)
	t.Parallel()
	const n = 5
	w := newCLIWorkspace(t)
	dir := filepath.Join(w.dir, "config")
	writeConfig(t, dir, fmt.Sprintf(`
resource "keda_ml_scaled_object" "worker" {
  count = %d
  metadata {
    name      = "worker-${count.index}"
    namespace = %q
  }
  scale_target_ref {
    name = "worker-${count.index}"
  }
  trigger {
    rabbitmq {
      host       = "amqp://rabbitmq:5672"
      queue_name = "queue-${count.index}"
    }
  }
}
`, n, ns))
	kubeconfig := acctest.Shared().KubeconfigPath
	count := func(log string, args ...string) map[string]int {
		t.Helper()
		file := filepath.Join(w.dir, log)
		// The fast path as users run it: in check mode every read is made
		// twice, once for the framework.
		env := []string{"KUBE_CONFIG_PATH=" + kubeconfig, kube.RequestLogEnv + "=" + file, fastPathEnv + "=on"}
		// plan -detailed-exitcode exits 2 when there are changes.
		if code, out := w.terraform(t, dir, env, args...); code != 0 && (args[0] != "plan" || code != 2) {
			t.Fatalf("terraform %v exited %d:\n%s", args, code, out)
		}
		byMethod := map[string]int{}
		if _, err := os.Stat(file); err != nil {
			return byMethod
		}
		for _, r := range requestLog(t, file) {
			byMethod[r.method]++
		}
		return byMethod
	}
	want := func(phase string, got map[string]int, expect map[string]int) {
		t.Helper()
		var lines []string
		for m, c := range got {
			lines = append(lines, fmt.Sprintf("%s %d", m, c))
		}
		t.Logf("%s of %d ScaledObjects: %s", phase, n, strings.Join(lines, ", "))
		for m := range got {
			if _, ok := expect[m]; !ok {
				t.Errorf("%s sent %d %s requests, want none", phase, got[m], m)
			}
		}
		for m, c := range expect {
			if got[m] != c {
				t.Errorf("%s sent %d %s requests, want %d", phase, got[m], m, c)
			}
		}
	}
	want("plan", count("plan.log", "plan", "-input=false", "-detailed-exitcode"), map[string]int{})
	want("apply", count("apply.log", "apply", "-auto-approve", "-input=false", "-refresh=false"), map[string]int{"PATCH": n})
	want("refresh", count("refresh.log", "plan", "-input=false", "-detailed-exitcode"), map[string]int{"GET": n})
	want("destroy", count("destroy.log", "destroy", "-auto-approve", "-input=false", "-refresh=false"), map[string]int{"DELETE": n})
}
