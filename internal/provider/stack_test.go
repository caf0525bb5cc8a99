package provider

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	tfconfig "github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
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
	// The module's worker shares the stack's RabbitMQ TriggerAuthentication.
	if len(sos.Items) != 8 || len(sjs.Items) != 1 || len(tas.Items) != 2 {
		t.Fatalf("%d ScaledObjects, %d ScaledJobs, %d TriggerAuthentications; want 8, 1, 2", len(sos.Items), len(sjs.Items), len(tas.Items))
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

// queueWorkerModuleConfig calls the queue-worker module with the inputs
// given (HCL attribute lines); an input set to "" is left out.
func queueWorkerModuleConfig(inputs map[string]string) string {
	var lines []string
	for _, key := range slices.Sorted(maps.Keys(inputs)) {
		if inputs[key] != "" {
			lines = append(lines, "  "+key+" = "+inputs[key])
		}
	}
	return `
terraform {
  required_providers {
    keda = { source = "kedaml/keda" }
  }
}
` + offlineProvider + fmt.Sprintf(`
module "worker" {
  source     = "../../../modules/queue-worker-autoscaling"
  queue_name = "embedding_requests"
%s
}
`, strings.Join(lines, "\n"))
}

// queueWorkerInputs are the smallest valid inputs of the module, with
// overrides.
func queueWorkerInputs(overrides map[string]string) map[string]string {
	inputs := map[string]string{
		"name": `"embedder"`, "namespace": `"ml-inference"`, "rabbitmq_secret": `{ name = "rabbitmq-creds" }`,
	}
	maps.Copy(inputs, overrides)
	return inputs
}

// Each input validation of the queue-worker module fails at plan with its
// message, before anything reaches a cluster.
func TestExample_queueWorkerModuleValidation(t *testing.T) {
	useRegistryNamespace(t)
	shared := `{ name = "rabbitmq-trigger-auth" }`
	cases := map[string]struct {
		inputs map[string]string
		want   string
	}{
		"name not a DNS label":  {map[string]string{"name": `"Embedder_1"`}, `name must be a DNS label`},
		"name too long for HPA": {map[string]string{"name": `"` + strings.Repeat("a", 48) + `"`}, `at most 47 characters`},
		"namespace not a label": {map[string]string{"namespace": `"ML"`}, `namespace must be a DNS label`},
		"kind not a kind":       {map[string]string{"target_kind": `"deployment"`}, `target_kind must be a Kubernetes kind`},
		"api version not one":   {map[string]string{"target_api_version": `"apps"`}, `target_api_version must look like apps/v1`},
		"both authentications": {map[string]string{"trigger_authentication": shared},
			`Set exactly one of rabbitmq_secret (the module creates a TriggerAuthentication) and trigger_authentication`},
		"no authentication": {map[string]string{"rabbitmq_secret": ""},
			`Set exactly one of rabbitmq_secret (the module creates a TriggerAuthentication) and trigger_authentication`},
		"authentication kind": {map[string]string{"rabbitmq_secret": "", "trigger_authentication": `{ name = "a", kind = "Secret" }`},
			`trigger_authentication.kind must be TriggerAuthentication or ClusterTriggerAuthentication`},
		"credentials in host": {map[string]string{"rabbitmq_host": `"amqp://ml:secret@rabbitmq:5672/"`},
			`rabbitmq_host must be an amqp://, amqps://, http:// or https:// address without user:password@`},
		"host without scheme":   {map[string]string{"rabbitmq_host": `"rabbitmq:5672"`}, `rabbitmq_host must be an amqp://`},
		"unknown protocol":      {map[string]string{"protocol": `"amqps"`}, `protocol must be amqp or http`},
		"unknown mode":          {map[string]string{"mode": `"QueueDepth"`}, `mode must be QueueLength or MessageRate`},
		"zero messages":         {map[string]string{"messages_per_replica": `0`}, `messages_per_replica must be positive`},
		"negative activation":   {map[string]string{"activation_value": `-1`}, `activation_value must be 0 or more`},
		"negative min":          {map[string]string{"min_replicas": `-1`}, `min_replicas must be a whole number`},
		"fractional max":        {map[string]string{"max_replicas": `2.5`}, `max_replicas must be a whole number, 1 or more`},
		"cpu above 100":         {map[string]string{"cpu_utilization": `150`}, `cpu_utilization must be between 1 and 100`},
		"negative fallback":     {map[string]string{"fallback": `{ failure_threshold = 3, replicas = -1 }`}, `fallback.failure_threshold and fallback.replicas must be whole numbers, 0 or more`},
		"fractional threshold":  {map[string]string{"fallback": `{ failure_threshold = 1.5, replicas = 2 }`}, `fallback.failure_threshold and fallback.replicas must be whole numbers`},
		"fallback behavior":     {map[string]string{"fallback": `{ failure_threshold = 3, replicas = 2, behavior = "sticky" }`}, `fallback.behavior must be static, currentReplicas`},
		"hpa policy type":       {map[string]string{"hpa_behavior": `{ scale_up = { policies = [{ type = "Replicas", value = 4, period_seconds = 15 }] } }`}, `hpa_behavior policies: type must be Pods or Percent`},
		"hpa select policy":     {map[string]string{"hpa_behavior": `{ scale_down = { select_policy = "Average" } }`}, `hpa_behavior select_policy must be Max, Min or Disabled`},
		"MessageRate over amqp": {map[string]string{"mode": `"MessageRate"`}, `Needs the RabbitMQ HTTP protocol`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			resource.UnitTest(t, resource.TestCase{
				WorkingDir: examplesWorkingDir(t),
				Steps: []resource.TestStep{{
					ProtoV6ProviderFactories: protoV6ProviderFactories,
					ConfigDirectory:          configDir(t, queueWorkerModuleConfig(queueWorkerInputs(tc.inputs))),
					PlanOnly:                 true,
					ExpectError:              regexp.MustCompile(`(?s)` + strings.ReplaceAll(regexp.QuoteMeta(tc.want), " ", `\s+`)),
				}},
			})
		})
	}
}

// The nearest valid inputs to those the validations refuse plan, and the
// module writes them where KEDA reads them: an existing TriggerAuthentication
// means no new one; target kind, fallback, HPA behaviour, activation value
// and wait_for_ready reach the ScaledObject.
func TestExample_queueWorkerModuleInputs(t *testing.T) {
	useRegistryNamespace(t)
	so := "module.worker.keda_ml_scaled_object.worker"
	ta := "module.worker.keda_trigger_authentication.rabbitmq[0]"
	cases := map[string]struct {
		inputs map[string]string
		checks []plancheck.PlanCheck
	}{
		"own TriggerAuthentication from a Secret": {
			inputs: map[string]string{},
			checks: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(ta, plancheck.ResourceActionCreate),
				plancheck.ExpectKnownValue(ta, tfjsonpath.New("secret_target_ref").AtSliceIndex(0).AtMapKey("name"), knownvalue.StringExact("rabbitmq-creds")),
				plancheck.ExpectKnownValue(ta, tfjsonpath.New("secret_target_ref").AtSliceIndex(0).AtMapKey("key"), knownvalue.StringExact("host")),
				plancheck.ExpectKnownValue(so, tfjsonpath.New("scale_target_ref").AtMapKey("kind"), knownvalue.StringExact("Deployment")),
				plancheck.ExpectKnownValue(so, tfjsonpath.New("wait_for_ready"), knownvalue.Bool(false)),
				expectResourceCount(2),
			},
		},
		"existing TriggerAuthentication and every option": {
			inputs: map[string]string{
				"rabbitmq_secret":        "",
				"trigger_authentication": `{ name = "shared-rabbitmq", kind = "ClusterTriggerAuthentication" }`,
				"rabbitmq_host":          `"amqps://rabbitmq.messaging.svc:5671/ml"`,
				"target_kind":            `"Rollout"`,
				"target_api_version":     `"argoproj.io/v1alpha1"`,
				"activation_value":       `0`,
				"fallback":               `{ failure_threshold = 0, replicas = 0, behavior = "currentReplicasIfHigher" }`,
				"hpa_behavior": `{
    scale_up   = { stabilization_window_seconds = 0, select_policy = "Max", policies = [{ type = "Pods", value = 4, period_seconds = 15 }] }
    scale_down = { select_policy = "Disabled" }
  }`,
				"wait_for_ready": `true`,
			},
			checks: []plancheck.PlanCheck{
				expectResourceCount(1),
				plancheck.ExpectKnownValue(so, tfjsonpath.New("trigger").AtSliceIndex(0).AtMapKey("authentication_ref").AtMapKey("name"), knownvalue.StringExact("shared-rabbitmq")),
				plancheck.ExpectKnownValue(so, tfjsonpath.New("trigger").AtSliceIndex(0).AtMapKey("authentication_ref").AtMapKey("kind"), knownvalue.StringExact("ClusterTriggerAuthentication")),
				plancheck.ExpectKnownValue(so, tfjsonpath.New("trigger").AtSliceIndex(0).AtMapKey("rabbitmq").AtMapKey("host"), knownvalue.StringExact("amqps://rabbitmq.messaging.svc:5671/ml")),
				plancheck.ExpectKnownValue(so, tfjsonpath.New("trigger").AtSliceIndex(0).AtMapKey("rabbitmq").AtMapKey("activation_value"), knownvalue.Float64Exact(0)),
				plancheck.ExpectKnownValue(so, tfjsonpath.New("scale_target_ref").AtMapKey("kind"), knownvalue.StringExact("Rollout")),
				plancheck.ExpectKnownValue(so, tfjsonpath.New("scale_target_ref").AtMapKey("api_version"), knownvalue.StringExact("argoproj.io/v1alpha1")),
				plancheck.ExpectKnownValue(so, tfjsonpath.New("fallback").AtMapKey("failure_threshold"), knownvalue.Int64Exact(0)),
				plancheck.ExpectKnownValue(so, tfjsonpath.New("fallback").AtMapKey("behavior"), knownvalue.StringExact("currentReplicasIfHigher")),
				plancheck.ExpectKnownValue(so, tfjsonpath.New("advanced").AtMapKey("horizontal_pod_autoscaler_config").AtMapKey("behavior").
					AtMapKey("scale_up").AtMapKey("policy").AtSliceIndex(0).AtMapKey("type"), knownvalue.StringExact("Pods")),
				plancheck.ExpectKnownValue(so, tfjsonpath.New("advanced").AtMapKey("horizontal_pod_autoscaler_config").AtMapKey("behavior").
					AtMapKey("scale_down").AtMapKey("select_policy"), knownvalue.StringExact("Disabled")),
				plancheck.ExpectKnownValue(so, tfjsonpath.New("wait_for_ready"), knownvalue.Bool(true)),
			},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			resource.UnitTest(t, resource.TestCase{
				WorkingDir: examplesWorkingDir(t),
				Steps: []resource.TestStep{{
					ProtoV6ProviderFactories: protoV6ProviderFactories,
					ConfigDirectory:          configDir(t, queueWorkerModuleConfig(queueWorkerInputs(tc.inputs))),
					PlanOnly:                 true,
					ExpectNonEmptyPlan:       true,
					ConfigPlanChecks:         resource.ConfigPlanChecks{PostApplyPreRefresh: tc.checks},
				}},
			})
		})
	}
}

// expectResourceCount checks how many resources a plan creates.
func expectResourceCount(want int) plancheck.PlanCheck { return resourceCount(want) }

type resourceCount int

func (n resourceCount) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	var created []string
	for _, rc := range req.Plan.ResourceChanges {
		if rc.Change.Actions.Create() {
			created = append(created, rc.Address)
		}
	}
	if len(created) != int(n) {
		resp.Error = fmt.Errorf("the plan creates %d resources %v, want %d", len(created), created, int(n))
	}
}
