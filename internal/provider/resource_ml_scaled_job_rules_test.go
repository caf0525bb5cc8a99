package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	tfresource "github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

const (
	sjCRD     = "config/crd/bases/keda.sh_scaledjobs.yaml"
	jobRules  = "k8s.io/kubernetes pkg/apis/batch/validation validateJobSpec"
	podRules  = "k8s.io/kubernetes pkg/apis/core/validation"
	int32Wrap = outOfRange
)

// TestScaledJobAttributeRules audits the attribute validators of
// keda_ml_scaled_job against KEDA v2.21's CRD and the API server's
// validation of the Jobs KEDA creates from the template.
func TestScaledJobAttributeRules(t *testing.T) {
	job := path.Root("job_target_ref")
	spec := job.AtName("template").AtName("spec")
	container := spec.AtName("container").AtListIndex(0)
	strategy := path.Root("scaling_strategy")
	emptyDir := spec.AtName("volume").AtListIndex(0).AtName("empty_dir")
	rows := []attributeRule{
		{sjCRD + " maxReplicaCount (minimum 1, int32)", path.Root("max_replica_count"), i64(100000000000), int32Wrap},
		{sjCRD + " maxReplicaCount", path.Root("max_replica_count"), i64(2147483647), ""},
		{sjCRD + " maxReplicaCount", path.Root("max_replica_count"), i64(0), notAccepted},
		{sjCRD + " minReplicaCount (minimum 0, int32)", path.Root("min_replica_count"), i64(-1), notAccepted},
		{sjCRD + " minReplicaCount", path.Root("min_replica_count"), i64(2147483648), int32Wrap},
		{sjCRD + " pollingInterval (minimum 1, int32)", path.Root("polling_interval"), i64(0), notAccepted},
		{sjCRD + " pollingInterval", path.Root("polling_interval"), i64(1 << 31), int32Wrap},
		{sjCRD + " successfulJobsHistoryLimit (minimum 0, int32)", path.Root("successful_jobs_history_limit"), i64(0), ""},
		{sjCRD + " successfulJobsHistoryLimit", path.Root("successful_jobs_history_limit"), i64(1 << 32), int32Wrap},
		{sjCRD + " failedJobsHistoryLimit (minimum 0, int32)", path.Root("failed_jobs_history_limit"), i64(-1), notAccepted},
		{sjCRD + " rollout.strategy (enum gradual, immediate)", path.Root("rollout").AtName("strategy"), str("default"), "must be one of"},
		{sjCRD + " rollout.strategy", path.Root("rollout").AtName("strategy"), str("immediate"), ""},
		{sjCRD + " rollout.propagationPolicy (enum)", path.Root("rollout").AtName("propagation_policy"), str("orphan"), "must be one of"},
		{sjCRD + " scalingStrategy.strategy (enum)", strategy.AtName("strategy"), str("eager"), ""},
		{sjCRD + " scalingStrategy.strategy (enum)", strategy.AtName("strategy"), str("greedy"), "must be one of"},
		{sjCRD + " scalingStrategy.multipleScalersCalculation (enum)", strategy.AtName("multiple_scalers_calculation"), str("median"), "must be one of"},
		{sjCRD + " scalingStrategy.customScalingQueueLengthDeduction (int32, no minimum)",
			strategy.AtName("custom_scaling_queue_length_deduction"), i64(-2147483648), ""},
		{sjCRD + " scalingStrategy.customScalingQueueLengthDeduction", strategy.AtName("custom_scaling_queue_length_deduction"),
			i64(-2147483649), int32Wrap},
		{jobRules + " (parallelism >= 0; int32)", job.AtName("parallelism"), i64(5000000000), int32Wrap},
		{jobRules + " (parallelism)", job.AtName("parallelism"), i64(2147483647), ""},
		{jobRules + " (parallelism)", job.AtName("parallelism"), i64(-1), notAccepted},
		{jobRules + " (completions >= 0; int32)", job.AtName("completions"), i64(3000000000), int32Wrap},
		{jobRules + " (backoffLimit >= 0; int32)", job.AtName("backoff_limit"), i64(2147483648), int32Wrap},
		{jobRules + " (backoffLimit)", job.AtName("backoff_limit"), i64(0), ""},
		{jobRules + " (ttlSecondsAfterFinished >= 0; int32)", job.AtName("ttl_seconds_after_finished"), i64(-1), notAccepted},
		{jobRules + " (ttlSecondsAfterFinished)", job.AtName("ttl_seconds_after_finished"), i64(1 << 31), int32Wrap},
		{jobRules + " (activeDeadlineSeconds >= 0; int64)", job.AtName("active_deadline_seconds"), i64(0), ""},
		{jobRules + " (activeDeadlineSeconds, int64)", job.AtName("active_deadline_seconds"), i64(100000000000), ""},
		{jobRules + " (activeDeadlineSeconds)", job.AtName("active_deadline_seconds"), i64(-1), "at least 0"},
		{jobRules + " (restartPolicy OnFailure or Never)", spec.AtName("restart_policy"), str("Always"), "must be one of"},
		{podRules + " validateContainers (name: DNS label)", container.AtName("name"), str("Infer_1"), "not a valid Kubernetes name"},
		{"kubelet pkg/volume/emptydir (media it mounts; the API server stores any)", emptyDir.AtName("medium"), str("HugePages-2Mi"), ""},
		{"kubelet pkg/volume/emptydir", emptyDir.AtName("medium"), str("HugePages"), ""},
		{"kubelet pkg/volume/emptydir", emptyDir.AtName("medium"), str("Disk"), "must be Memory, HugePages"},
		{podRules + " validateVolumeSource (emptyDir.sizeLimit >= 0)", emptyDir.AtName("size_limit"), str("-1Gi"), "must not be negative"},
		{podRules + " ValidatePodSpec (ValidatePriorityClassName)", spec.AtName("priority_class_name"), str("Batch_High"), "not a valid Kubernetes name"},
		{podRules + " ValidatePodSpec (ValidateRuntimeClassName)", spec.AtName("runtime_class_name"), str("nvidia"), ""},
		{podRules + " ValidatePodSpec (nodeSelector: ValidateLabels)", spec.AtName("node_selector"),
			types.MapValueMust(types.StringType, map[string]attr.Value{"gpu": str("a100 80gb")}), "label value"},
		{"config/crd/bases/keda.sh_scaledjobs.yaml resources (quantity pattern)", container.AtName("resources").AtName("limits"),
			types.MapValueMust(types.StringType, map[string]attr.Value{"nvidia.com/gpu": str("one")}), "not a Kubernetes quantity"},
	}
	runAttributeRules(t, NewScaledJobResource(), rows)
}

func scaledJobConfig(jobAttrs, containerExtra, rest string) string {
	return fmt.Sprintf(`
resource "keda_ml_scaled_job" "job" {
  metadata {
    name = "job"
  }
  job_target_ref {
    %s
    template {
      spec {
        container {
          name  = "infer"
          image = "infer:1"
          %s
        }
      }
    }
  }
  %s
  trigger {
    type     = "kafka"
    metadata = { topic = "batches" }
  }
}`, jobAttrs, containerExtra, rest)
}

func TestScaledJob_planRules(t *testing.T) {
	cases := map[string]struct{ config, want string }{
		"parallelism beyond int32": {
			config: scaledJobConfig("parallelism = 5000000000", "", ""),
			want:   `(?s)Attribute job_target_ref.parallelism value 5000000000 does not fit\s+spec.jobTargetRef.parallelism, a 32-bit integer`,
		},
		"rollout strategy default (not in the CRD's enum)": {
			config: scaledJobConfig("", "", "rollout {\n    strategy = \"default\"\n  }"),
			want:   `(?s)Attribute rollout.strategy value must be one of: \["gradual" "immediate"\]`,
		},
		"half a GPU": {
			config: scaledJobConfig("", `resources {
            limits = { "nvidia.com/gpu" = "0.5" }
          }`, ""),
			want: `(?s)Attribute\s+job_target_ref.template.spec.container\[0\].resources.limits\["nvidia.com/gpu"\]:\s+nvidia.com/gpu is an extended resource`,
		},
		"GPU request different from its limit": {
			config: scaledJobConfig("", `resources {
            limits   = { "nvidia.com/gpu" = "2" }
            requests = { "nvidia.com/gpu" = "1" }
          }`, ""),
			want: `(?s)Attribute\s+job_target_ref.template.spec.container\[0\].resources.requests\["nvidia.com/gpu"\]:\s+nvidia.com/gpu cannot be overcommitted`,
		},
		"whole-object rules with the namespace, name and a trigger value unknown": {
			config: `
resource "terraform_data" "later" {
  input = "ml"
}

resource "keda_ml_scaled_job" "partly_known" {
  metadata {
    name      = "job-${terraform_data.later.output}"
    namespace = terraform_data.later.output
  }
  job_target_ref {
    template {
      spec {
        container {
          name  = "infer"
          image = "infer:${terraform_data.later.output}"
          resources {
            limits = { "nvidia.com/gpu" = "0.5" }
          }
        }
      }
    }
  }
  trigger {
    type        = "kafka"
    metric_type = "Value"
    metadata    = { topic = terraform_data.later.output }
  }
}`,
			want: `(?s)nvidia.com/gpu is an extended resource.*Attribute trigger\[0\].metric_type: KEDA's ScaledJob controller refuses`,
		},
		"the job template with triggers known only after apply": {
			config: `
resource "terraform_data" "topics" {
  input = ["a"]
}
` + strings.Replace(scaledJobConfig("", `resources {
            limits = { "nvidia.com/gpu" = "0.5" }
          }`, ""), `trigger {
    type     = "kafka"
    metadata = { topic = "batches" }
  }`, `dynamic "trigger" {
    for_each = terraform_data.topics.output
    content {
      type     = "kafka"
      metadata = { topic = trigger.value }
    }
  }`, 1),
			want: `(?s)nvidia.com/gpu is an extended resource`,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) { testPlanFails(t, tc.config, tc.want) })
	}
}

// What KEDA accepts plans, where it clamps or ignores with a warning only.
func TestScaledJob_plansWhatKEDAAccepts(t *testing.T) {
	testPlansOfflineWarns(t, scaledJobConfig(`parallelism             = 2147483647
    active_deadline_seconds = 0`, `resources {
            limits   = { "nvidia.com/gpu" = "2", cpu = "4" }
            requests = { "nvidia.com/gpu" = "2000m", cpu = "500m" }
          }`, `max_replica_count = 2147483647
  min_replica_count = 5
  rollout {
    strategy = "immediate"
  }
  scaling_strategy {
    strategy                              = "custom"
    custom_scaling_queue_length_deduction = -2147483648
  }`), "The custom strategy falls back to default at scaling_strategy.strategy")
	// KEDA clamps min to max and ignores the deduction without a running-job percentage.
	testPlansOfflineWarns(t, scaledJobConfig("", "", `max_replica_count = 3
  min_replica_count = 5
  scaling_strategy {
    strategy                              = "accurate"
    custom_scaling_queue_length_deduction = 1
  }`), "min_replica_count above max_replica_count at min_replica_count",
		"Ignored without the custom strategy at scaling_strategy.custom_scaling_queue_length_deduction")
}

// A number beyond its field is refused at plan against a real cluster, and
// nothing is created.
func TestAccScaledJob_wrappedNumberRefused(t *testing.T) {
	ns := testNamespace(t)
	api := testScaledJobs(t, ns)
	config := strings.Replace(scaledJobConfig("parallelism = 5000000000", "", ""), `name = "job"`,
		fmt.Sprintf("name      = \"wrapped\"\n    namespace = %q", ns), 1)
	tfresource.ParallelTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []tfresource.TestStep{{
			Config:      config,
			ExpectError: regexp.MustCompile(`(?s)Attribute job_target_ref.parallelism value 5000000000 does not fit`),
		}},
	})
	if err := expectNotFound("ScaledJob", api.Get, "wrapped"); err != nil {
		t.Fatal(err)
	}
}
