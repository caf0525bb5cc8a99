package provider

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/kedacore/keda/v2/apis/keda/v1alpha1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kedaml/terraform-provider-keda/internal/acctest"
	"github.com/kedaml/terraform-provider-keda/internal/kube"
)

// TestMain runs the tests with the fast path checked against the framework
// (fastpath.go) unless KEDA_PROVIDER_FASTPATH says otherwise: every
// validation, plan and read a test makes through the provider, in process
// or through the CLI, fails on any difference between the two.
func TestMain(m *testing.M) {
	if os.Getenv(fastPathEnv) == "" {
		os.Setenv(fastPathEnv, "check")
	}
	os.Exit(acctest.RunWithControlPlane(m))
}

var protoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"keda": NewServer("test"),
}

// testAccPreCheck skips an acceptance test without TF_ACC, as
// resource.Test does, and fails (never skips) one that has TF_ACC but no
// control plane: a skipped acceptance test must not pass for a run one.
func testAccPreCheck(t *testing.T) {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 (make testacc)")
	}
	if acctest.Shared() == nil {
		t.Fatal("TF_ACC is set but no control plane is running")
	}
}

// testNamespace creates a namespace of its own for one test.
func testNamespace(t *testing.T) string {
	t.Helper()
	testAccPreCheck(t)
	name := fmt.Sprintf("acc-%08x", rand.Uint32())
	cs := acctest.Shared().Clientset()
	_, err := cs.CoreV1().Namespaces().Create(context.Background(),
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("creating namespace %s: %v", name, err)
	}
	return name
}

// testClient is a provider client on the shared control plane, for
// checking and changing objects outside Terraform.
func testClient(t *testing.T) *kube.Client {
	t.Helper()
	testAccPreCheck(t)
	return kube.NewClientFromREST(acctest.Shared().Config)
}

// testScaledObjects and testScaledJobs are the shared control plane's
// objects of a namespace, for setting up and checking tests.
func testScaledObjects(t *testing.T, ns string) kube.Objects[*v1alpha1.ScaledObject] {
	t.Helper()
	api, err := testClient(t).ScaledObjects(ns)
	if err != nil {
		t.Fatal(err)
	}
	return api
}

func testScaledJobs(t *testing.T, ns string) kube.Objects[*v1alpha1.ScaledJob] {
	t.Helper()
	api, err := testClient(t).ScaledJobs(ns)
	if err != nil {
		t.Fatal(err)
	}
	return api
}

// offlineProvider points the provider at an address where nothing listens:
// a plan that works with it never contacted the cluster.
const offlineProvider = `
provider "keda" {
  host = "https://127.0.0.1:1"
}
`

// testPlanFails checks that planning config fails with an error matching
// want, so nothing is ever created.
func testPlanFails(t *testing.T, config, want string) {
	t.Helper()
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      offlineProvider + config,
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(want),
		}},
	})
}

// testPlansOffline checks that config plans changes with no reachable
// cluster, and without a warning: a configuration that plans is one the
// provider has nothing to say about.
func testPlansOffline(t *testing.T, config string) {
	t.Helper()
	for _, w := range planOfflineWarnings(t, config) {
		t.Errorf("warning: %s", formatWarning(w))
	}
}
