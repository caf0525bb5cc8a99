package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// The ML inference stack — what `make demo` applies — and the reusable
// module it calls plan, with no reachable cluster, without a single warning:
// an example that draws a warning teaches the mistake. The stack is called
// as a module in place (examplesWorkingDir) so that its own relative module
// source resolves.
func TestExample_mlInferenceStackPlansWithoutWarnings(t *testing.T) {
	useRegistryNamespace(t)
	config := `
terraform {
  required_providers {
    keda = { source = "kedaml/keda" }
  }
}
` + offlineProvider + `
module "stack" {
  source = "../../../ml-inference-stack"
}
`
	rec := &warningRecorder{}
	resource.UnitTest(t, resource.TestCase{
		WorkingDir: examplesWorkingDir(t),
		Steps: []resource.TestStep{{
			ProtoV6ProviderFactories: recordingFactories(rec),
			ConfigDirectory:          configDir(t, config),
			PlanOnly:                 true,
			ExpectNonEmptyPlan:       true,
		}},
	})
	for _, w := range rec.warnings() {
		t.Errorf("warning: %s", formatWarning(w))
	}
}

// The whole resources of the GPU guide plan offline without a warning: the
// guide shows how to scale a GPU service from zero, and the plan agrees.
func TestGuide_gpuAutoscalingPlansWithoutWarnings(t *testing.T) {
	body, err := os.ReadFile("../../templates/guides/gpu-autoscaling.md.tmpl")
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?s)```hcl\n(resource .*?)```").FindAllStringSubmatch(string(body), -1)
	if len(blocks) == 0 {
		t.Fatal("the guide has no resource to plan")
	}
	for _, b := range blocks {
		testPlansOffline(t, b[1])
	}
}

// Every guide's HCL that declares resources of this provider and needs no
// cluster to plan (no import or removed block: TestAccMigration_* run the
// migration guide's) plans offline, without a warning: a reader can paste it
// as it is.
func TestGuides_resourceBlocksPlanOffline(t *testing.T) {
	guides, err := filepath.Glob("../../docs/guides/*.md")
	if err != nil {
		t.Fatal(err)
	}
	fence := regexp.MustCompile("(?s)```(?:terraform|hcl)\n(.*?)```")
	planned := 0
	for _, g := range guides {
		body, err := os.ReadFile(g)
		if err != nil {
			t.Fatal(err)
		}
		for i, b := range fence.FindAllStringSubmatch(string(body), -1) {
			hcl := b[1]
			if !strings.Contains(hcl, `resource "keda_`) || strings.Contains(hcl, "import {") || strings.Contains(hcl, "removed {") {
				continue
			}
			// The HCP Terraform guide's configurations bring their own
			// provider block: TestAccGuideHCPTerraform_envVarsOnly runs them.
			if strings.Contains(hcl, `provider "keda"`) {
				continue
			}
			planned++
			t.Run(fmt.Sprintf("%s block %d", filepath.Base(g), i), func(t *testing.T) { testPlansOffline(t, hcl) })
		}
	}
	if planned < 2 {
		t.Fatalf("%d guide blocks planned; the guides hold at least the one-apply and GPU examples", planned)
	}
}
