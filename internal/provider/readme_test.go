package provider

import (
	"encoding/json"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/kedaml/terraform-provider-keda/internal/acctest"
)

func readme(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// readmeHCL is the README's ```hcl blocks, in order.
func readmeHCL(t *testing.T) []string {
	t.Helper()
	var blocks []string
	for _, m := range regexp.MustCompile("(?s)```hcl\n(.*?)```").FindAllStringSubmatch(readme(t), -1) {
		blocks = append(blocks, m[1])
	}
	if len(blocks) != 3 {
		t.Fatalf("the README has %d hcl blocks, want 3 (installing, configuring, the example)", len(blocks))
	}
	return blocks
}

// The README's installing block and its complete example plan together,
// with no cluster reachable; its configuring block's three provider
// configurations are accepted.
func TestReadme_hclPlansOffline(t *testing.T) {
	blocks := readmeHCL(t)
	useRegistryNamespace(t)
	t.Run("installing and the example", func(t *testing.T) {
		testPlansOffline(t, blocks[0]+blocks[2])
	})
	t.Run("configuring", func(t *testing.T) {
		vars := `
variable "kube_token" {
  type    = string
  default = "token"
}
variable "kube_ca_pem" {
  type    = string
  default = ""
}
variable "eks_ca" {
  type    = string
  default = ""
}
`
		resource.UnitTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6ProviderFactories,
			Steps:                    []resource.TestStep{{Config: blocks[1] + vars, PlanOnly: true}},
		})
	})
}

// The versions the README says the tests run against are the ones they run
// against: the terraform CLI the tests use, the kube-apiserver and etcd the
// control plane runs, and the KEDA the provider is built on and the
// end-to-end tests run.
func TestAccReadme_versionsTested(t *testing.T) {
	testAccPreCheck(t)
	text := readme(t)
	row := func(name string) string {
		m := regexp.MustCompile(`(?m)^\| ` + name + ` \|[^|]*\| (.*) \|$`).FindStringSubmatch(text)
		if m == nil {
			t.Fatalf("the README's versions table has no %s row", name)
		}
		return m[1]
	}

	terraform := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if terraform == "" {
		terraform = "terraform"
	}
	out, err := exec.Command(terraform, "version", "-json").Output()
	if err != nil {
		t.Fatal(err)
	}
	var tf struct {
		Version string `json:"terraform_version"`
	}
	if err := json.Unmarshal(out, &tf); err != nil {
		t.Fatal(err)
	}
	if got, want := row("Terraform"), "Terraform "+tf.Version; got != want {
		t.Errorf("README: %q; the tests run %q", got, want)
	}

	server, err := acctest.Shared().Clientset().Discovery().ServerVersion()
	if err != nil {
		t.Fatal(err)
	}
	etcd := moduleVersion(t, "../../tools/etcd/go.mod", "go.etcd.io/etcd/server/v3")
	if got, want := row("Kubernetes"), "kube-apiserver "+server.GitVersion+" (and etcd "+etcd+")"; got != want {
		t.Errorf("README: %q; the tests run %q", got, want)
	}

	keda := moduleVersion(t, "../../go.mod", "github.com/kedacore/keda/v2")
	if operator := moduleVersion(t, "../../tools/keda/go.mod", "github.com/kedacore/keda/v2"); operator != keda {
		t.Errorf("the provider is built on KEDA %s, the end-to-end tests run its operator %s", keda, operator)
	}
	if got, want := row("KEDA"), "KEDA "+strings.TrimPrefix(keda, "v")+"'s operator"; got != want {
		t.Errorf("README: %q; the tests run %q", got, want)
	}
}

// moduleVersion is the version of path a go.mod requires.
func moduleVersion(t *testing.T, gomod, path string) string {
	t.Helper()
	data, err := os.ReadFile(gomod)
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^\s*(?:require\s+)?` + regexp.QuoteMeta(path) + `\s+(v\S+)`).FindSubmatch(data)
	if m == nil {
		t.Fatalf("%s does not require %s", gomod, path)
	}
	return string(m[1])
}
