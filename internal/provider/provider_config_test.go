package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/kedaml/terraform-provider-keda/internal/acctest"
)

// A cluster created in the same apply makes the provider configuration
// unknown at plan; planning new objects must still work.
func TestProvider_unknownConfigurationPlans(t *testing.T) {
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `
resource "terraform_data" "cluster" {
  input = "https://127.0.0.1:1"
}
provider "keda" {
  host  = terraform_data.cluster.output
  token = "not-a-real-token"
}
resource "keda_trigger_authentication" "new" {
  metadata {
    name = "planned"
  }
  env {
    parameter = "host"
    name      = "HOST"
  }
}`,
			PlanOnly:           true,
			ExpectNonEmptyPlan: true,
		}},
	})
}

// Against a cluster without KEDA the error says what is missing and how to
// fix it.
func TestAccProvider_missingCRDs(t *testing.T) {
	testAccPreCheck(t)
	cp, err := acctest.Start(acctest.Options{WithoutCRDs: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cp.Stop)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
provider "keda" {
  config_path = %q
}
resource "keda_trigger_authentication" "x" {
  metadata {
    name = "no-keda"
  }
  env {
    parameter = "host"
    name      = "HOST"
  }
}`, cp.KubeconfigPath),
			ExpectError: regexp.MustCompile(`(?s)KEDA is not installed in the cluster.*keda_installation`),
		}},
	})
}
