package provider

import (
	"os"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// The shared control plane has KEDA's CRDs but runs no KEDA: the data source
// says so instead of failing, and a module's precondition on `available`
// stops its plan with the module's own message.
func TestAccInstallationDataSource_crdsWithoutOperator(t *testing.T) {
	testAccPreCheck(t)
	t.Parallel()
	ds := "data.keda_installation.this"
	example, err := os.ReadFile("../../examples/data-sources/keda_installation/data-source.tf")
	if err != nil {
		t.Fatal(err)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: `data "keda_installation" "this" {}`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("crds_installed"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("crds"), knownvalue.ListSizeExact(6)),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("crd_version"), knownvalue.StringExact("2.21.0")),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("installed"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("version"), knownvalue.Null()),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("namespace"), knownvalue.Null()),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("operator"), knownvalue.Null()),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("available"), knownvalue.Bool(false)),
				},
			},
			{
				Config:      string(example),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Resource precondition failed.*KEDA is not available in this cluster`),
			},
		},
	})
}
