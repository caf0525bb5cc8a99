package corpus

import (
	"encoding/json"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/kedaml/terraform-provider-keda/internal/install"
)

// renderSource renders one Go file as if it were a package of KEDA's tests.
func renderSource(t *testing.T, files map[string]string) *Result {
	t.Helper()
	fsys := fstest.MapFS{}
	for name, src := range files {
		fsys["tests/"+name] = &fstest.MapFile{Data: []byte(src)}
	}
	crds, err := kedaCRDs()
	if err != nil {
		t.Fatal(err)
	}
	res, err := Render(fsys, "tests", crds)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

var kedaCRDs = sync.OnceValues(install.CRDs)

// rendered is what a test compares: each object's JSON and its sources.
type rendered struct {
	Object  map[string]any
	Sources []string
}

func summarize(t *testing.T, res *Result) []rendered {
	t.Helper()
	var out []rendered
	for _, o := range res.Objects {
		var obj map[string]any
		if err := json.Unmarshal(o.JSON, &obj); err != nil {
			t.Fatal(err)
		}
		var srcs []string
		for _, s := range o.Sources {
			srcs = append(srcs, s.String())
		}
		out = append(out, rendered{Object: obj, Sources: srcs})
	}
	return out
}

func so(spec map[string]any) map[string]any {
	return map[string]any{
		"apiVersion": "keda.sh/v1alpha1", "kind": "ScaledObject",
		"metadata": map[string]any{"name": "scaled-object-name", "namespace": "test-namespace"},
		"spec":     spec,
	}
}

func TestRender(t *testing.T) {
	const header = "package p\n\n"
	const soHead = "apiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata:\n  name: {{.ScaledObjectName}}\n  namespace: {{.TestNamespace}}\nspec:\n  scaleTargetRef:\n    name: {{.DeploymentName}}\n"
	target := map[string]any{"name": "deployment-name"}
	cron := []any{map[string]any{"type": "cron", "metadata": map[string]any{"start": "0 * * * *"}}}
	cases := []struct {
		name     string
		files    map[string]string
		want     []rendered
		problems []string
		renders  int
	}{{
		name: "names are DNS labels from the field name; numbers where the schema wants them, whatever the Go type",
		files: map[string]string{"a/a_test.go": header + "type templateData struct {\n\tScaledObjectName, TestNamespace, DeploymentName string\n\tMinReplicaCount string\n\tMaxReplicaCount int\n\tIdle int\n}\n" +
			"const soTemplate = `" + soHead + "  idleReplicaCount: {{.Idle}}\n  minReplicaCount: {{.MinReplicaCount}}\n  maxReplicaCount: {{.MaxReplicaCount}}\n  triggers:\n  - type: cron\n    metadata:\n      start: 0 * * * *\n`\n"},
		want: []rendered{{
			Object:  so(map[string]any{"scaleTargetRef": target, "idleReplicaCount": 0.0, "minReplicaCount": 1.0, "maxReplicaCount": 10.0, "triggers": cron}),
			Sources: []string{"a/a_test.go:soTemplate"},
		}},
		renders: 1,
	}, {
		name: "a field inside a string stays a string; a boolean position gets a boolean; a URL key a URL",
		files: map[string]string{"a/a_test.go": header +
			"const soTemplate = `" + soHead + "  advanced:\n    restoreToOriginalReplicaCount: {{.Restore}}\n  triggers:\n  - type: prometheus\n    useCachedMetrics: {{.Cached}}\n    metadata:\n      serverAddress: http://{{.PrometheusServerName}}.{{.TestNamespace}}.svc:9090\n  - type: rabbitmq\n    metadata:\n      host: {{.Connection}}\n      queueName: {{.QueueName}}\n`\n"},
		want: []rendered{{
			Object: so(map[string]any{"scaleTargetRef": target, "advanced": map[string]any{"restoreToOriginalReplicaCount": true},
				"triggers": []any{
					map[string]any{"type": "prometheus", "useCachedMetrics": true, "metadata": map[string]any{"serverAddress": "http://prometheus-server-name.test-namespace.svc:9090"}},
					map[string]any{"type": "rabbitmq", "metadata": map[string]any{"host": "http://connection:8080", "queueName": "queue-name"}},
				}}),
			Sources: []string{"a/a_test.go:soTemplate"},
		}},
		renders: 1,
	}, {
		name: "each branch of {{if .Bool}} renders; only KEDA kinds of a multi-document template are kept",
		files: map[string]string{"a/a_test.go": header + "type data struct {\n\tEnableOAuth bool\n}\n" +
			"const taTemplate = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ndata:\n  token: {{.Token}}\n---\napiVersion: keda.sh/v1alpha1\nkind: TriggerAuthentication\nmetadata:\n  name: ta\nspec:\n  secretTargetRef:\n  - parameter: host\n    name: s\n    key: host\n  {{- if .EnableOAuth}}\n  - parameter: token\n    name: s\n    key: token\n  {{- end}}\n`\n"},
		want: []rendered{{
			Object: map[string]any{"apiVersion": "keda.sh/v1alpha1", "kind": "TriggerAuthentication", "metadata": map[string]any{"name": "ta"},
				"spec": map[string]any{"secretTargetRef": []any{map[string]any{"parameter": "host", "name": "s", "key": "host"}, map[string]any{"parameter": "token", "name": "s", "key": "token"}}}},
			Sources: []string{"a/a_test.go:taTemplate[EnableOAuth=true]"},
		}, {
			Object: map[string]any{"apiVersion": "keda.sh/v1alpha1", "kind": "TriggerAuthentication", "metadata": map[string]any{"name": "ta"},
				"spec": map[string]any{"secretTargetRef": []any{map[string]any{"parameter": "host", "name": "s", "key": "host"}}}},
			Sources: []string{"a/a_test.go:taTemplate[EnableOAuth=false]"},
		}},
		renders: 2,
	}, {
		name: "eq/else branches: the compared constant, and the schema's first enum value for the else",
		files: map[string]string{"a/a_test.go": header +
			"const taTemplate = `apiVersion: keda.sh/v1alpha1\nkind: TriggerAuthentication\nmetadata:\n  name: ta\nspec:\n  hashiCorpVault:\n    address: http://vault:8200\n    authentication: {{.Auth}}\n    credential:\n      {{- if eq .Auth \"kubernetes\"}}\n      serviceAccount: /sa/token\n      {{- else}}\n      token: {{.Token}}\n      {{- end}}\n    secrets: []\n`\n"},
		want: []rendered{{
			Object: map[string]any{"apiVersion": "keda.sh/v1alpha1", "kind": "TriggerAuthentication", "metadata": map[string]any{"name": "ta"},
				"spec": map[string]any{"hashiCorpVault": map[string]any{"address": "http://vault:8200", "authentication": "token", "credential": map[string]any{"token": "token"}, "secrets": []any{}}}},
			Sources: []string{`a/a_test.go:taTemplate[Auth="token"]`},
		}, {
			Object: map[string]any{"apiVersion": "keda.sh/v1alpha1", "kind": "TriggerAuthentication", "metadata": map[string]any{"name": "ta"},
				"spec": map[string]any{"hashiCorpVault": map[string]any{"address": "http://vault:8200", "authentication": "kubernetes", "credential": map[string]any{"serviceAccount": "/sa/token"}, "secrets": []any{}}}},
			Sources: []string{`a/a_test.go:taTemplate[Auth="kubernetes"]`},
		}},
		renders: 2,
	}, {
		name: "a number compared with a constant: both branches",
		files: map[string]string{"a/a_test.go": header + "type templateData struct {\n\tIterations int\n}\n" +
			"const soTemplate = `" + soHead + "  triggers:\n  - type: cron\n    metadata:\n      start: 0 * * * *\n      {{- if ne .Iterations 0 }}\n      end: {{.Iterations}} * * * *\n      {{- end }}\n`\n"},
		want: []rendered{{
			Object:  so(map[string]any{"scaleTargetRef": target, "triggers": []any{map[string]any{"type": "cron", "metadata": map[string]any{"start": "0 * * * *", "end": "1 * * * *"}}}}),
			Sources: []string{"a/a_test.go:soTemplate[Iterations=1]"},
		}, {
			Object:  so(map[string]any{"scaleTargetRef": target, "triggers": cron}),
			Sources: []string{"a/a_test.go:soTemplate[Iterations=0]"},
		}},
		renders: 2,
	}, {
		name: "a templated kind renders as each kind the document's shape allows",
		files: map[string]string{"a/a_test.go": header + "var triggerAuthKind = \"TriggerAuthentication\"\ntype templateData struct {\n\tTriggerAuthKind string\n}\nvar d = templateData{TriggerAuthKind: triggerAuthKind}\n" +
			"const taTemplate = `apiVersion: keda.sh/v1alpha1\nkind: {{.TriggerAuthKind}}\nmetadata:\n  name: ta\nspec:\n  secretTargetRef:\n  - parameter: host\n    name: s\n    key: host\n`\n"},
		want: []rendered{{
			Object: map[string]any{"apiVersion": "keda.sh/v1alpha1", "kind": "TriggerAuthentication", "metadata": map[string]any{"name": "ta"},
				"spec": map[string]any{"secretTargetRef": []any{map[string]any{"parameter": "host", "name": "s", "key": "host"}}}},
			Sources: []string{`a/a_test.go:taTemplate[TriggerAuthKind="TriggerAuthentication"]`},
		}, {
			Object: map[string]any{"apiVersion": "keda.sh/v1alpha1", "kind": "ClusterTriggerAuthentication", "metadata": map[string]any{"name": "ta"},
				"spec": map[string]any{"secretTargetRef": []any{map[string]any{"parameter": "host", "name": "s", "key": "host"}}}},
			Sources: []string{`a/a_test.go:taTemplate[TriggerAuthKind="ClusterTriggerAuthentication"]`},
		}},
		renders: 2,
	}, {
		name: "the values the tests assign: the first for a plain string, each one for a setting; a format is no value",
		files: map[string]string{"a/a_test.go": header + "const deploymentName = \"worker\"\ntype templateData struct {\n\tDeploymentName, MetricType, ScaledObjectName, TestNamespace string\n}\n" +
			"func f(data templateData) {\n\tdata = templateData{DeploymentName: deploymentName}\n\tdata.DeploymentName = \"other\"\n\tdata.ScaledObjectName = \"so-%d\"\n\tdata.MetricType = \"AverageValue\"\n\tdata.MetricType = \"Value\"\n\tother := struct{ MetricType string }{MetricType: \"Utilization\"}\n\t_ = other\n}\n" +
			"const soTemplate = `" + soHead + "  triggers:\n  - type: cron\n    metricType: {{.MetricType}}\n    metadata:\n      start: 0 * * * *\n`\n"},
		want: []rendered{{
			Object:  so(map[string]any{"scaleTargetRef": map[string]any{"name": "worker"}, "triggers": []any{map[string]any{"type": "cron", "metricType": "AverageValue", "metadata": map[string]any{"start": "0 * * * *"}}}}),
			Sources: []string{"a/a_test.go:soTemplate"},
		}, {
			Object:  so(map[string]any{"scaleTargetRef": map[string]any{"name": "worker"}, "triggers": []any{map[string]any{"type": "cron", "metricType": "Value", "metadata": map[string]any{"start": "0 * * * *"}}}}),
			Sources: []string{`a/a_test.go:soTemplate[MetricType="Value"]`},
		}},
		renders: 2,
	}, {
		name: "identical objects from two templates are one object with both sources; a template in a function is named after it",
		files: map[string]string{
			"a/a_test.go": header + "const soTemplate = `" + soHead + "  triggers:\n  - type: cron\n    metadata:\n      start: 0 * * * *\n`\n",
			"b/b_test.go": header + "func testIt() {\n\tcustom := `" + soHead + "  triggers:\n  - type: cron\n    metadata:\n      start: 0 * * * *\n`\n\t_ = custom\n}\n",
		},
		want: []rendered{{
			Object:  so(map[string]any{"scaleTargetRef": target, "triggers": cron}),
			Sources: []string{"a/a_test.go:soTemplate", "b/b_test.go:testIt.custom"},
		}},
		renders: 2,
	}, {
		name: "{{range}} renders empty and with one element",
		files: map[string]string{"a/a_test.go": header +
			"const soTemplate = `" + soHead + "  triggers:\n  - type: cron\n    metadata:\n      start: 0 * * * *\n  fallback:\n    failureThreshold: 3\n    replicas: 1\n{{- range .Labels}}\n  # {{.}}\n{{- end}}\n`\n"},
		want: []rendered{{
			Object:  so(map[string]any{"scaleTargetRef": target, "triggers": cron, "fallback": map[string]any{"failureThreshold": 3.0, "replicas": 1.0}}),
			Sources: []string{"a/a_test.go:soTemplate[Labels=[1]]", "a/a_test.go:soTemplate[Labels=[0]]"},
		}},
		renders: 2,
	}, {
		name: "templates that do not render are problems, not objects",
		files: map[string]string{"a/a_test.go": header +
			"const broken = `apiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata:\n  name: {{.Name}\n`\n" +
			"const notYAML = `apiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nspec: [\n`\n"},
		problems: []string{"a/a_test.go:broken", "a/a_test.go:notYAML"},
		renders:  1,
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := renderSource(t, tc.files)
			var problems, errs []string
			for _, p := range res.Problems {
				problems = append(problems, p.String())
				errs = append(errs, p.Err)
			}
			slices.Sort(problems)
			if diff := cmp.Diff(tc.problems, problems); diff != "" {
				t.Errorf("problems (-want +got):\n%s\n%q", diff, errs)
			}
			if diff := cmp.Diff(tc.want, summarize(t, res)); diff != "" {
				t.Errorf("objects (-want +got):\n%s", diff)
			}
			if res.Renders != tc.renders {
				t.Errorf("renders = %d, want %d", res.Renders, tc.renders)
			}
		})
	}
}

func TestKebab(t *testing.T) {
	for in, want := range map[string]string{
		"ScaledObjectName":      "scaled-object-name",
		"TestNamespace":         "test-namespace",
		"HTTPServerURL":         "http-server-url",
		"Deployment2Name":       "deployment2-name",
		"AWSRegion":             "aws-region",
		"x":                     "x",
		"9lives":                "x9lives",
		strings.Repeat("A", 80): strings.Repeat("a", 63),
	} {
		if got := kebab(in); got != want {
			t.Errorf("kebab(%q) = %q, want %q", in, got, want)
		}
	}
}
