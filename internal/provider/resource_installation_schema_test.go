package provider

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/kedaml/terraform-provider-keda/internal/install"
)

// productionSettings sets every setting of KEDA's Helm chart that
// keda_installation has, on each component where the chart has it.
const productionSettings = `
  node_selector       = { "kubernetes.io/arch" = "amd64" }
  priority_class_name = "keda-critical"
  toleration {
    key      = "CriticalAddonsOnly"
    operator = "Exists"
  }
  affinity {
    node_affinity {
      preferred_during_scheduling_ignored_during_execution {
        weight = 50
        preference {
          match_expressions {
            key      = "node-role.kubernetes.io/system"
            operator = "Exists"
          }
        }
      }
    }
  }
  env {
    name  = "HTTP_PROXY"
    value = "http://proxy.internal:3128"
  }
  env {
    name = "KEDA_HTTP_MIN_TLS_VERSION"
    value_from {
      config_map_key_ref {
        name = "keda-tls"
        key  = "min-version"
      }
    }
  }
  http {
    timeout    = 5000
    keep_alive = false
  }

  operator {
    replicas          = 2
    log_level         = "debug"
    log_format        = "json"
    log_time_encoding = "iso8601"
    pod_labels        = { "azure.workload.identity/use" = "true" }
    pod_annotations   = { "team" = "platform" }
    extra_args        = { "kube-api-qps" = "50" }
    service_account {
      annotations = { "eks.amazonaws.com/role-arn" = "arn:aws:iam::111122223333:role/keda-operator" }
      labels      = { "azure.workload.identity/use" = "true" }
    }
    prometheus {
      enabled = false
    }
    resources {
      requests = { cpu = "200m", memory = "256Mi" }
    }
    affinity {
      pod_anti_affinity {
        required_during_scheduling_ignored_during_execution {
          topology_key = "kubernetes.io/hostname"
          label_selector {
            match_labels = { app = "keda-operator" }
          }
        }
      }
    }
    topology_spread_constraint {
      max_skew           = 1
      topology_key       = "topology.kubernetes.io/zone"
      when_unsatisfiable = "ScheduleAnyway"
    }
    pod_security_context {
      fs_group = 2000
      seccomp_profile {
        type = "RuntimeDefault"
      }
    }
    security_context {
      run_as_user = 1000
      capabilities {
        drop = ["ALL"]
      }
    }
    volume {
      name = "corp-ca"
      config_map {
        name = "corp-ca"
      }
    }
    volume_mount {
      name       = "corp-ca"
      mount_path = "/custom/ca"
      read_only  = true
    }
    pod_disruption_budget {
      min_available = "1"
    }
  }
  metrics_server {
    replicas          = 2
    log_format        = "console"
    pod_annotations   = { "prometheus.io/scrape" = "true" }
    extra_args        = { "kube-api-burst" = "60" }
    pod_disruption_budget {
      max_unavailable = "50%"
    }
  }
  webhooks {
    log_time_encoding = "epoch"
    pod_labels        = { "tier" = "admission" }
    prometheus {
      enabled = false
    }
    security_context {
      read_only_root_filesystem = true
    }
  }
`

func TestInstallationSettings_planOffline(t *testing.T) {
	testPlansOffline(t, `resource "keda_installation" "this" {`+productionSettings+`}`)
}

// Each rule fails at plan naming the attribute at fault; the valid config
// next to it plans.
func TestInstallationSettings_rejectedAtPlan(t *testing.T) {
	for _, tc := range []struct {
		name, bad, good, want string
	}{
		{
			name: "pod label app is the Deployment's selector (apps/v1 ValidateDeploymentSpec: selector must match template labels)",
			bad:  `operator { pod_labels = { app = "other" } }`, good: `operator { pod_labels = { application = "other" } }`,
			want: `operator.pod_labels\["app"\]`,
		},
		{
			name: "pod label values are label values (apimachinery IsValidLabelValue)",
			bad:  `webhooks { pod_labels = { tier = "not a label value" } }`, good: `webhooks { pod_annotations = { tier = "not a label value" } }`,
			want: `webhooks.pod_labels\["tier"\]`,
		},
		{
			name: "ServiceAccount annotation keys are qualified names (apimachinery ValidateAnnotations)",
			bad:  `operator { service_account { annotations = { "bad key!" = "x" } } }`, good: `operator { service_account { annotations = { "good/key" = "x" } } }`,
			want: `operator.service_account.annotations key "bad key!"`,
		},
		{
			name: "log level is one zap takes (controller-runtime levelFlag.Set)",
			bad:  `operator { log_level = "warn" }`, good: `operator { log_level = "3" }`,
			want: `operator.log_level`,
		},
		{
			name: "log format is one zap takes (controller-runtime encoderFlag.Set)",
			bad:  `metrics_server { log_format = "text" }`, good: `metrics_server { log_format = "JSON" }`,
			want: `metrics_server.log_format`,
		},
		{
			name: "time encoding is one zap takes: nanos, not the chart's nano (controller-runtime timeEncodingFlag.Set)",
			bad:  `webhooks { log_time_encoding = "nano" }`, good: `webhooks { log_time_encoding = "nanos" }`,
			want: `webhooks.log_time_encoding`,
		},
		{
			name: "a toleration with Exists takes no value: the ScaledJob template's rule (core/v1 ValidateTolerations)",
			bad: `toleration {
  key      = "nvidia.com/gpu"
  operator = "Exists"
  value    = "present"
}`, good: `toleration {
  key      = "nvidia.com/gpu"
  operator = "Exists"
}`,
			want: `toleration\[0\].value`,
		},
		{
			name: "toleration_seconds needs NoExecute (core/v1 ValidateTolerations)",
			bad: `toleration {
  key                = "node.kubernetes.io/unreachable"
  operator           = "Exists"
  effect             = "NoSchedule"
  toleration_seconds = 30
}`, good: `toleration {
  key                = "node.kubernetes.io/unreachable"
  operator           = "Exists"
  effect             = "NoExecute"
  toleration_seconds = 30
}`,
			want: `toleration\[0\].effect`,
		},
		{
			name: "resources are quantities: the ScaledJob template's block",
			bad:  `operator { resources { limits = { memory = "lots" } } }`, good: `operator { resources { limits = { memory = "1Gi" } } }`,
			want: `operator.resources.limits`,
		},
		{
			name: "extra args are flag names",
			bad:  `operator { extra_args = { "--kube-api-qps" = "50" } }`, good: `operator { extra_args = { "kube-api-qps" = "50" } }`,
			want: `operator.extra_args\["--kube-api-qps"\]`,
		},
		{
			name: "extra args leave the flags attributes set to them",
			bad:  `webhooks { extra_args = { "zap-log-level" = "debug" } }`, good: `webhooks { log_level = "debug" }`,
			want: `(?s)webhooks.extra_args\["zap-log-level"\].*log_level`,
		},
		{
			name: "the operator's metrics switch is prometheus's",
			bad:  `operator { extra_args = { "enable-prometheus-metrics" = "false" } }`, good: `operator { prometheus { enabled = false } }`,
			want: `(?s)operator.extra_args\["enable-prometheus-metrics"\].*prometheus`,
		},
		{
			name: "prometheus needs enabled",
			bad:  `webhooks { prometheus {} }`, good: `webhooks { prometheus { enabled = true } }`,
			want: `webhooks.prometheus.enabled`,
		},
		{
			name: "replicas fit int32",
			bad:  `operator { replicas = 2147483648 }`, good: `operator { replicas = 2147483647 }`,
			want: `operator.replicas`,
		},
		{
			name: "a PodDisruptionBudget has one policy (policy/v1 ValidatePodDisruptionBudgetSpec)",
			bad:  `operator { pod_disruption_budget { min_available = "1"` + "\n" + `max_unavailable = "1" } }`, good: `operator { pod_disruption_budget { min_available = "1" } }`,
			want: `operator.pod_disruption_budget`,
		},
		{
			name: "a PodDisruptionBudget percentage is at most 100% (policy/v1 ValidatePodDisruptionBudgetSpec)",
			bad:  `metrics_server { pod_disruption_budget { max_unavailable = "150%" } }`, good: `metrics_server { pod_disruption_budget { max_unavailable = "100%" } }`,
			want: `metrics_server.pod_disruption_budget.max_unavailable`,
		},
		{
			name: "affinity weight is 1 to 100 (core/v1 validatePreferredSchedulingTerms)",
			bad: `affinity { node_affinity { preferred_during_scheduling_ignored_during_execution {
  weight = 0
  preference { match_fields {
    key      = "metadata.name"
    operator = "In"
    values   = ["n1"]
  } }
} } }`,
			good: `affinity { node_affinity { preferred_during_scheduling_ignored_during_execution {
  weight = 1
  preference { match_fields {
    key      = "metadata.name"
    operator = "In"
    values   = ["n1"]
  } }
} } }`,
			want: `affinity.node_affinity.preferred_during_scheduling_ignored_during_execution\[0\].weight`,
		},
		{
			name: "In needs values (core/v1 ValidateNodeSelectorRequirement)",
			bad: `affinity { node_affinity { required_during_scheduling_ignored_during_execution { node_selector_term { match_expressions {
  key      = "zone"
  operator = "In"
} } } } }`,
			good: `affinity { node_affinity { required_during_scheduling_ignored_during_execution { node_selector_term { match_expressions {
  key      = "zone"
  operator = "Exists"
} } } } }`,
			want: `match_expressions\[0\].values`,
		},
		{
			name: "Exists takes no values (apimachinery ValidateLabelSelectorRequirement)",
			bad: `operator { affinity { pod_anti_affinity { required_during_scheduling_ignored_during_execution {
  topology_key = "kubernetes.io/hostname"
  label_selector { match_expressions {
    key      = "app"
    operator = "Exists"
    values   = ["x"]
  } }
} } } }`,
			good: `operator { affinity { pod_anti_affinity { required_during_scheduling_ignored_during_execution {
  topology_key = "kubernetes.io/hostname"
  label_selector { match_expressions {
    key      = "app"
    operator = "In"
    values   = ["x"]
  } }
} } } }`,
			want: `match_expressions\[0\].values`,
		},
		{
			name: "a pod affinity term needs a topology key (core/v1 validatePodAffinityTerm)",
			bad:  `operator { affinity { pod_affinity { required_during_scheduling_ignored_during_execution { namespaces = ["ml"] } } } }`,
			good: `operator { affinity { pod_affinity { required_during_scheduling_ignored_during_execution {` + "\n" + `namespaces = ["ml"]` + "\n" + `topology_key = "kubernetes.io/hostname" } } } }`,
			want: `topology_key`,
		},
		{
			name: "max_skew is at least 1 (core/v1 validateTopologySpreadConstraints)",
			bad:  "operator { topology_spread_constraint {\nmax_skew = 0\ntopology_key = \"zone\" } }",
			good: "operator { topology_spread_constraint {\nmax_skew = 1\ntopology_key = \"zone\" } }",
			want: `operator.topology_spread_constraint\[0\].max_skew`,
		},
		{
			name: "min_domains only with DoNotSchedule (core/v1 validateMinDomains)",
			bad:  "webhooks { topology_spread_constraint {\nmax_skew = 1\ntopology_key = \"zone\"\nwhen_unsatisfiable = \"ScheduleAnyway\"\nmin_domains = 2 } }",
			good: "webhooks { topology_spread_constraint {\nmax_skew = 1\ntopology_key = \"zone\"\nmin_domains = 2 } }",
			want: `webhooks.topology_spread_constraint\[0\].min_domains`,
		},
		{
			name: "user IDs are 0 to 2147483647 (core/v1 IsValidUserID)",
			bad:  `operator { security_context { run_as_user = -1 } }`, good: `operator { security_context { run_as_user = 0 } }`,
			want: `operator.security_context.run_as_user`,
		},
		{
			name: "privileged needs privilege escalation (core/v1 ValidateSecurityContext)",
			bad:  `operator { security_context { privileged = true } }`,
			good: "operator { security_context {\nprivileged = true\nallow_privilege_escalation = true } }",
			want: `operator.security_context.privileged`,
		},
		{
			name: "a Localhost seccomp profile names its file (core/v1 validateSeccompProfileField)",
			bad:  `metrics_server { pod_security_context { seccomp_profile { type = "Localhost" } } }`,
			good: "metrics_server { pod_security_context { seccomp_profile {\ntype = \"Localhost\"\nlocalhost_profile = \"profiles/keda.json\" } } }",
			want: `metrics_server.pod_security_context.seccomp_profile.localhost_profile`,
		},
		{
			name: "env names are unique (server-side apply keys env by name)",
			bad:  "env {\nname = \"A\"\nvalue = \"1\"\n}\nenv {\nname = \"A\"\nvalue = \"2\"\n}",
			good: "env {\nname = \"A\"\nvalue = \"1\"\n}\nenv {\nname = \"B\"\nvalue = \"2\"\n}",
			want: `env\[1\].name`,
		},
		{
			name: "env leaves the variables attributes set to them",
			bad:  "http { timeout = 5000 }\nenv {\nname = \"KEDA_HTTP_DEFAULT_TIMEOUT\"\nvalue = \"1\"\n}",
			good: "env {\nname = \"KEDA_HTTP_DEFAULT_TIMEOUT\"\nvalue = \"5000\"\n}",
			want: `(?s)env\[0\].name.*http.timeout`,
		},
		{
			name: "env value_from takes one source",
			bad:  "env {\nname = \"A\"\nvalue_from {}\n}", good: "env {\nname = \"A\"\nvalue_from { field_ref { field_path = \"metadata.name\" } }\n}",
			want: `env\[0\].value_from`,
		},
		{
			name: "a volume name is not one of KEDA's own (core/v1 ValidateVolumes)",
			bad:  "operator { volume {\nname = \"certificates\"\nsecret { secret_name = \"x\" } } }",
			good: "operator { volume {\nname = \"extra-certificates\"\nsecret { secret_name = \"x\" } } }",
			want: `(?s)operator.volume\[0\].name.*KEDA's own`,
		},
		{
			name: "a volume has one source",
			bad:  "operator { volume { name = \"x\" } }", good: "operator { volume {\nname = \"x\"\nempty_dir {} } }",
			want: `operator.volume\[0\]`,
		},
		{
			name: "a mount names a volume of the pod (core/v1 ValidateVolumeMounts)",
			bad:  "webhooks { volume_mount {\nname = \"ca\"\nmount_path = \"/custom/ca\" } }",
			good: "webhooks { volume_mount {\nname = \"certificates\"\nmount_path = \"/custom/ca\" } }",
			want: `webhooks.volume_mount\[0\].name`,
		},
		{
			name: "a mount path is not one of KEDA's own (core/v1 ValidateVolumeMounts)",
			bad:  "metrics_server {\nvolume {\nname = \"t\"\nempty_dir {}\n}\nvolume_mount {\nname = \"t\"\nmount_path = \"/tmp\" } }",
			good: "metrics_server {\nvolume {\nname = \"t\"\nempty_dir {}\n}\nvolume_mount {\nname = \"t\"\nmount_path = \"/scratch\" } }",
			want: `metrics_server.volume_mount\[0\].mount_path`,
		},
		{
			name: "an emptyDir size is a quantity",
			bad:  "operator { volume {\nname = \"x\"\nempty_dir { size_limit = \"lots\" } } }", good: "operator { volume {\nname = \"x\"\nempty_dir { size_limit = \"64Mi\" } } }",
			want: `operator.volume\[0\].empty_dir.size_limit`,
		},
		{
			name: "version is a bundled one",
			bad:  `version = "2.18.0"`, good: `version = "2.19.0"`,
			want: `(?s)version.*2\.19\.0.*2\.20\.2.*2\.21\.0`,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			testPlanFails(t, `resource "keda_installation" "this" {`+"\n"+multiline(tc.bad)+"\n}", tc.want)
			testPlansOffline(t, `resource "keda_installation" "this" {`+"\n"+multiline(tc.good)+"\n}")
		})
	}
}

// multiline puts each `{ … }` of a one-line test config on lines of its
// own: HCL's one-line blocks hold one argument and no blocks.
func multiline(config string) string {
	return strings.NewReplacer("{ ", "{\n", " }", "\n}").Replace(config)
}

// A downgrade whose CRDs lack fields is refused with the fields; an
// upgrade and an unchanged version pass.
func TestRefuseCRDDowngrade(t *testing.T) {
	for _, tc := range []struct {
		from, to string
		want     string
	}{
		{"2.21.0", "2.19.0", `(?s)KEDA 2\.19\.0's CRDs differ from the installed KEDA 2\.21\.0's.*triggerauthentications\.keda\.sh lacks.*spec\.azureServicePrincipal.*version = "2\.21\.0"`},
		{"2.21.0", "2.20.2", `scaledjobs\.keda\.sh lacks spec\.jobTargetRef\.template\.spec\.schedulingGroup`},
		{"2.20.2", "2.19.0", `spec\.oauth2`},
		{"2.19.0", "2.21.0", ""},
		{"2.21.0", "2.21.0", ""},
	} {
		t.Run(tc.from+" to "+tc.to, func(t *testing.T) {
			req := planmodifier.StringRequest{Path: path.Root("version"), StateValue: types.StringValue(tc.from), PlanValue: types.StringValue(tc.to)}
			resp := &planmodifier.StringResponse{PlanValue: req.PlanValue}
			refuseCRDDowngrade().PlanModifyString(context.Background(), req, resp)
			if tc.want == "" {
				if resp.Diagnostics.HasError() {
					t.Fatalf("refused: %v", resp.Diagnostics)
				}
				return
			}
			if !resp.Diagnostics.HasError() {
				t.Fatal("not refused")
			}
			d := resp.Diagnostics.Errors()[0]
			if got := d.Summary() + ": " + d.Detail(); !regexp.MustCompile(tc.want).MatchString(got) {
				t.Errorf("message %q does not match %s", got, tc.want)
			}
			if !strings.Contains(d.Summary(), "downgrade") {
				t.Errorf("summary %q", d.Summary())
			}
		})
	}
}

// Each bundled version is accepted and the newest is the default.
func TestInstallationVersions_plan(t *testing.T) {
	for _, v := range install.VersionStrings() {
		t.Run(v, func(t *testing.T) {
			testPlansOffline(t, `resource "keda_installation" "this" { version = "`+v+`" }`)
		})
	}
}
