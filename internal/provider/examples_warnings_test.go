package provider

import (
	"os"
	"regexp"
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
