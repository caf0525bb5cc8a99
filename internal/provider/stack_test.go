package provider

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	tfconfig "github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	kedaclient "github.com/kedacore/keda/v2/pkg/generated/clientset/versioned"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kedaml/terraform-provider-keda/internal/acctest"
)

// The whole ML inference stack example — KEDA itself, the credentials and
// every scaler of the guide, one of them through the reusable module — is
// applied as users apply it: the terraform CLI with the provider binary
// through dev_overrides (terraform-plugin-testing cannot read the state of
// configurations with modules), to a cluster without KEDA, in one apply.
// The second plan is empty, and destroy removes everything.
func TestAccExample_mlInferenceStack(t *testing.T) {
	testAccPreCheck(t)
	t.Parallel()
	// With the controllers: destroying keda_installation deletes KEDA's
	// namespace, which only the namespace controller finalizes.
	cp, err := acctest.Start(acctest.Options{WithoutCRDs: true, Workloads: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cp.Stop)
	ctx := context.Background()
	if _, err := cp.Clientset().CoreV1().Namespaces().Create(ctx,
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "ml-inference"}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}

	w := newCLIWorkspace(t)
	for _, dir := range []string{"ml-inference-stack", "modules"} {
		if err := acctest.CopyDir(filepath.Join("../../examples", dir), filepath.Join(w.dir, "examples", dir)); err != nil {
			t.Fatal(err)
		}
	}
	terraform := func(args ...string) (int, string) {
		if args[0] != "get" {
			args = append(args, "-input=false", "-var", "wait_for_keda=false")
		}
		return w.terraform(t, filepath.Join(w.dir, "examples", "ml-inference-stack"),
			[]string{"KUBE_CONFIG_PATH=" + cp.KubeconfigPath}, args...)
	}

	// Providers under dev_overrides need no terraform init; the module does
	// need installing.
	if code, out := terraform("get"); code != 0 {
		t.Fatalf("terraform get exited %d:\n%s", code, out)
	}
	if code, out := terraform("apply", "-auto-approve"); code != 0 {
		t.Fatalf("terraform apply exited %d:\n%s", code, out)
	}
	kc := kedaclient.NewForConfigOrDie(cp.Config)
	sos, err := kc.KedaV1alpha1().ScaledObjects("ml-inference").List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	sjs, err := kc.KedaV1alpha1().ScaledJobs("ml-inference").List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	tas, err := kc.KedaV1alpha1().TriggerAuthentications("ml-inference").List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(sos.Items) != 8 || len(sjs.Items) != 1 || len(tas.Items) != 3 {
		t.Fatalf("%d ScaledObjects, %d ScaledJobs, %d TriggerAuthentications; want 8, 1, 3", len(sos.Items), len(sjs.Items), len(tas.Items))
	}
	if _, err := cp.Clientset().AppsV1().Deployments("keda").Get(ctx, "keda-operator", metav1.GetOptions{}); err != nil {
		t.Fatalf("KEDA's operator Deployment: %v", err)
	}

	if code, out := terraform("plan", "-detailed-exitcode"); code != 0 {
		t.Fatalf("the plan after apply is not empty (exit %d):\n%s", code, out)
	}
	if code, out := terraform("destroy", "-auto-approve"); code != 0 {
		t.Fatalf("terraform destroy exited %d:\n%s", code, out)
	}
	if _, err := cp.Clientset().AppsV1().Deployments("keda").Get(ctx, "keda-operator", metav1.GetOptions{}); err == nil {
		t.Fatal("KEDA's operator Deployment is still there after destroy")
	}
}

// configDir writes config as the main.tf of a directory for a step's
// ConfigDirectory.
func configDir(t *testing.T, config string) tfconfig.TestStepConfigFunc {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	return tfconfig.StaticDirectory(dir)
}

// useRegistryNamespace serves the provider under test as kedaml/keda, the
// source the examples require, rather than the test framework's default
// hashicorp/keda. The variable is process-wide: callers must not be
// parallel tests.
func useRegistryNamespace(t *testing.T) {
	t.Helper()
	t.Setenv("TF_ACC_PROVIDER_NAMESPACE", "kedaml")
}

// examplesWorkingDir is where a test that calls the examples' modules in
// place keeps its working directories (examples/.acctest/<test>/work*, which
// the test framework removes): at a known depth, so that relative module
// sources (../../../<example>) resolve.
func examplesWorkingDir(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("../../examples")
	if err != nil {
		t.Fatal(err)
	}
	base := filepath.Join(root, ".acctest")
	if err := os.MkdirAll(base, 0o755); err != nil {
		t.Fatal(err)
	}
	dir, err := os.MkdirTemp(base, "test") //nolint:usetesting // must sit under examples/ for the relative module source
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	return dir
}

// Each input validation of the queue-worker module fails at plan with its
// message, before anything reaches a cluster.
func TestExample_queueWorkerModuleValidation(t *testing.T) {
	useRegistryNamespace(t)
	cases := map[string]struct{ inputs, want string }{
		"name not a DNS label":  {`name = "Embedder_1"`, `name must be a DNS label`},
		"name too long for HPA": {`name = "` + strings.Repeat("a", 48) + `"`, `at most 47 characters`},
		"namespace not a label": {`namespace = "ML"`, `namespace must be a DNS label`},
		"unknown protocol":      {`protocol = "amqps"`, `protocol must be amqp or http`},
		"unknown mode":          {`mode = "QueueDepth"`, `mode must be QueueLength or MessageRate`},
		"zero messages":         {`messages_per_replica = 0`, `messages_per_replica must be positive`},
		"negative min":          {`min_replicas = -1`, `min_replicas must be a whole number`},
		"fractional max":        {`max_replicas = 2.5`, `max_replicas must be a whole number, 1 or more`},
		"cpu above 100":         {`cpu_utilization = 150`, `cpu_utilization must be between 1 and 100`},
		"MessageRate over amqp": {`mode = "MessageRate"`, `Needs the RabbitMQ HTTP protocol`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			inputs := map[string]string{
				"name": `name = "embedder"`, "namespace": `namespace = "ml-inference"`,
			}
			key := strings.TrimSpace(strings.SplitN(tc.inputs, "=", 2)[0])
			inputs[key] = tc.inputs
			var lines []string
			for _, l := range inputs {
				lines = append(lines, "  "+l)
			}
			config := `
terraform {
  required_providers {
    keda = { source = "kedaml/keda" }
  }
}
` + offlineProvider + fmt.Sprintf(`
module "worker" {
  source          = "../../../modules/queue-worker-autoscaling"
  queue_name      = "embedding_requests"
  rabbitmq_secret = { name = "rabbitmq-creds" }
%s
}
`, strings.Join(lines, "\n"))
			resource.UnitTest(t, resource.TestCase{
				WorkingDir: examplesWorkingDir(t),
				Steps: []resource.TestStep{{
					ProtoV6ProviderFactories: protoV6ProviderFactories,
					ConfigDirectory:          configDir(t, config),
					PlanOnly:                 true,
					ExpectError:              regexp.MustCompile(`(?s)` + strings.ReplaceAll(regexp.QuoteMeta(tc.want), " ", `\s+`)),
				}},
			})
		})
	}
}
