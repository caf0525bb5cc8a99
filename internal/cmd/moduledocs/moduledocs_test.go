package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Every module README under examples/modules is what `make generate` makes
// of its module: an input, output or constraint changed without
// regenerating fails here.
func TestModuleReadmesAreGenerated(t *testing.T) {
	dirs, err := filepath.Glob("../../../examples/modules/*")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no modules found: %v", err)
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			current, err := os.ReadFile(filepath.Join(dir, "README.md"))
			if err != nil {
				t.Fatal(err)
			}
			want, err := UpdateReadme(dir, string(current))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, string(current)); diff != "" {
				t.Fatalf("README.md is not what `make generate` writes (-generated +committed):\n%s", diff)
			}
		})
	}
}

func TestParse(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"versions.tf": `terraform {
  required_version = ">= 1.9"
  required_providers {
    keda = {
      source  = "kedaml/keda"
      version = "~> 0.1"
    }
  }
}
`,
		"main.tf": `resource "keda_ml_scaled_object" "worker" {
  count = 1
}
`,
		"variables.tf": `variable "name" {
  description = "Name | of it."
  type        = string
  validation {
    condition     = length(var.name) > 0
    error_message = "empty"
  }
}

variable "password" {
  type      = string
  default   = null
  sensitive = true
}

variable "rules" {
  description = "Rules."
  type = object({
    up = optional(number, 1)
  })
  default = {
    up = 2
  }
}
`,
		"outputs.tf": `output "id" {
  description = "The id."
  value       = keda_ml_scaled_object.worker[0].id
}
`,
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := Parse(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := &Module{
		RequiredVersion: ">= 1.9",
		Providers:       []Provider{{Name: "keda", Source: "kedaml/keda", Version: "~> 0.1"}},
		Resources:       []string{"keda_ml_scaled_object.worker"},
		Inputs: []Input{
			{Name: "name", Description: "Name | of it.", Type: "string", Required: true, Validations: 1},
			{Name: "password", Type: "string", Default: "null", Sensitive: true},
			{Name: "rules", Description: "Rules.", Type: "object({\n  up = optional(number, 1)\n})", Default: "{\n  up = 2\n}"},
		},
		Outputs: []Output{{Name: "id", Description: "The id."}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("Parse (-want +got):\n%s", diff)
	}

	out := Render(got)
	for _, line := range []string{
		"| terraform | `>= 1.9` |",
		"| keda (`kedaml/keda`) | `~> 0.1` |",
		"- `keda_ml_scaled_object.worker`",
		"| `name` | Name \\| of it. | `string` | n/a | yes |",
		"| `password` |  (sensitive) | `string` | `null` | no |",
		"| `rules` | Rules. | <pre>object({<br>  up = optional(number, 1)<br>})</pre> | <pre>{<br>  up = 2<br>}</pre> | no |",
		"| `id` | The id. |",
	} {
		if !strings.Contains(out, line+"\n") {
			t.Errorf("rendered Markdown lacks the line %q:\n%s", line, out)
		}
	}
}

func TestUpdateReadmeNeedsMarkers(t *testing.T) {
	for name, readme := range map[string]string{
		"no begin": "# m\n" + endMarker + "\n",
		"no end":   "# m\n" + beginMarker + "\n",
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := UpdateReadme(t.TempDir(), readme); err == nil || !strings.Contains(err.Error(), "marker") {
				t.Fatalf("err = %v, want one about the missing marker", err)
			}
		})
	}
}
