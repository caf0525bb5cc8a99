package provider

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kedaml/terraform-provider-keda/internal/acctest"
	"github.com/kedaml/terraform-provider-keda/internal/kube"
)

func TestMain(m *testing.M) {
	os.Exit(acctest.RunWithControlPlane(m))
}

var protoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"keda": providerserver.NewProtocol6WithError(New("test")()),
}

// testAccPreCheck fails (never skips) an acceptance test that has no
// control plane: a skipped acceptance test must not pass for a run one.
func testAccPreCheck(t *testing.T) {
	t.Helper()
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
