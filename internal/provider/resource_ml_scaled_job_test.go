package provider

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/kedacore/keda/v2/apis/keda/v1alpha1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
)

// scaledJobExample is the documented GPU batch-inference example, placed in
// the test's namespace, with a few values changed by replacements.
func scaledJobExample(t *testing.T, ns string, replacements ...string) string {
	t.Helper()
	body, err := os.ReadFile("../../examples/resources/keda_ml_scaled_job/resource.tf")
	if err != nil {
		t.Fatal(err)
	}
	config := strings.ReplaceAll(string(body), `namespace = "ml-inference"`, fmt.Sprintf("namespace = %q", ns))
	return strings.NewReplacer(replacements...).Replace(config)
}

func TestAccScaledJob_lifecycle(t *testing.T) {
	ns := testNamespace(t)
	addr := "keda_ml_scaled_job.batch_inference"
	api := testScaledJobs(t, ns)
	get := func() (*v1alpha1.ScaledJob, error) {
		return api.Get(context.Background(), "gpu-batch-inference")
	}
	updated := []string{"batch-infer:1.4", "batch-infer:1.5", "max_replica_count             = 8", "max_replica_count             = 12"}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: scaledJobExample(t, ns),
				Check: func(*terraform.State) error {
					sj, err := get()
					if err != nil {
						return err
					}
					c := sj.Spec.JobTargetRef.Template.Spec.Containers[0]
					gpu := c.Resources.Limits["nvidia.com/gpu"]
					switch {
					case gpu.String() != "1":
						return fmt.Errorf("GPU limit: %v", c.Resources.Limits)
					case sj.Spec.JobTargetRef.Template.Spec.RestartPolicy != "Never" || *sj.Spec.MaxReplicaCount != 8:
						return fmt.Errorf("spec: %+v", sj.Spec)
					case sj.Spec.Rollout.Strategy != "gradual" || sj.Spec.ScalingStrategy.Strategy != "accurate":
						return fmt.Errorf("strategies: %+v %+v", sj.Spec.Rollout, sj.Spec.ScalingStrategy)
					case sj.Spec.Triggers[0].Metadata["mode"] != "QueueLength":
						return fmt.Errorf("trigger: %+v", sj.Spec.Triggers[0])
					}
					return nil
				},
			},
			{
				Config: scaledJobExample(t, ns, updated...),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
				},
				Check: func(*terraform.State) error {
					sj, err := get()
					if err != nil {
						return err
					}
					if img := sj.Spec.JobTargetRef.Template.Spec.Containers[0].Image; img != "ghcr.io/acme/batch-infer:1.5" || *sj.Spec.MaxReplicaCount != 12 {
						return fmt.Errorf("update not applied: %s, max %d", img, *sj.Spec.MaxReplicaCount)
					}
					return nil
				},
			},
			{
				ResourceName:            addr,
				ImportState:             true,
				ImportStateId:           ns + "/gpu-batch-inference",
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"timeouts", "status"},
			},
			{
				// Pod-spec fields that API servers and admission webhooks
				// default, written by another manager: not a diff.
				PreConfig: func() {
					const pod = "/spec/jobTargetRef/template/spec"
					patch := []byte(`[
  {"op":"add","path":"` + pod + `/containers/0/terminationMessagePath","value":"/dev/termination-log"},
  {"op":"add","path":"` + pod + `/containers/0/terminationMessagePolicy","value":"File"},
  {"op":"add","path":"` + pod + `/dnsPolicy","value":"ClusterFirst"},
  {"op":"add","path":"` + pod + `/schedulerName","value":"default-scheduler"},
  {"op":"add","path":"` + pod + `/securityContext","value":{}}]`)
					if _, err := api.RawPatch(context.Background(), "gpu-batch-inference", types.JSONPatchType, patch); err != nil {
						t.Fatal(err)
					}
				},
				Config: scaledJobExample(t, ns, updated...),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				PreConfig: func() {
					patch := []byte(`{"spec":{"maxReplicaCount":3,"jobTargetRef":{"template":{"spec":{"containers":[{"name":"infer","image":"ghcr.io/acme/batch-infer:hotfix"}]}}}}}`)
					if _, err := api.RawPatch(context.Background(), "gpu-batch-inference", types.MergePatchType, patch); err != nil {
						t.Fatal(err)
					}
				},
				Config: scaledJobExample(t, ns, updated...),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
				},
				Check: func(*terraform.State) error {
					sj, err := get()
					if err != nil {
						return err
					}
					if img := sj.Spec.JobTargetRef.Template.Spec.Containers[0].Image; img != "ghcr.io/acme/batch-infer:1.5" || *sj.Spec.MaxReplicaCount != 12 {
						return fmt.Errorf("drift not corrected: %s, max %d", img, *sj.Spec.MaxReplicaCount)
					}
					return nil
				},
			},
			{
				PreConfig: func() {
					if err := api.Delete(context.Background(), "gpu-batch-inference"); err != nil {
						t.Fatal(err)
					}
				},
				Config: scaledJobExample(t, ns, updated...),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate)},
				},
			},
		},
		CheckDestroy: func(*terraform.State) error { return expectNotFound("ScaledJob", api.Get, "gpu-batch-inference") },
	})
}

func TestScaledJob_validation(t *testing.T) {
	job := func(spec, rest string) string {
		return fmt.Sprintf(`
resource "keda_ml_scaled_job" "bad" {
  metadata {
    name = "bad"
  }
  job_target_ref {
    template {
      spec {
        %s
      }
    }
  }
  %s
}`, spec, rest)
	}
	container := `container {
          name  = "infer"
          image = "infer:1"
        }`
	queue := `trigger {
    rabbitmq {
      host       = "amqp://rabbitmq:5672"
      queue_name = "q"
      mode       = "QueueLength"
      value      = 1
    }
  }`
	cases := map[string]struct{ config, want string }{
		"restart policy Always": {
			config: job(`restart_policy = "Always"
        `+container, queue),
			want: `(?s)Attribute job_target_ref.template.spec.restart_policy value must be one\s+of`,
		},
		"unparsable quantity": {
			config: job(`container {
          name  = "infer"
          image = "infer:1"
          resources {
            limits = { "nvidia.com/gpu" = "one" }
          }
        }`, queue),
			want: `(?s)Attribute\s+job_target_ref.template.spec.container\[0\].resources.limits\["nvidia.com/gpu"\]\s+value "one" is not a Kubernetes quantity`,
		},
		"no container": {
			config: job(`restart_policy = "Never"`, queue),
			want:   `(?s)container.*(must have a configuration value|At least 1)`,
		},
		"invalid container name": {
			config: job(`container {
          name  = "Infer_1"
          image = "infer:1"
        }`, queue),
			want: `(?s)Attribute job_target_ref.template.spec.container\[0\].name value "Infer_1"`,
		},
		"unknown scaling strategy": {
			config: job(container, "scaling_strategy {\n    strategy = \"greedy\"\n  }\n  "+queue),
			want:   `(?s)Attribute scaling_strategy.strategy value must be one of`,
		},
		"unknown rollout strategy": {
			config: job(container, "rollout {\n    strategy = \"rolling\"\n  }\n  "+queue),
			want:   `(?s)Attribute rollout.strategy value must be one of`,
		},
		"volume with two sources": {
			config: job(container+`
        volume {
          name = "data"
          empty_dir {}
          secret {
            secret_name = "s"
          }
        }`, queue),
			want: `(?s)Attribute job_target_ref.template.spec.volume\[0\]: set\s+exactly\s+one\s+of\s+secret,\s+config_map,\s+empty_dir,\s+persistent_volume_claim`,
		},
		"env with value and value_from": {
			config: job(`container {
          name  = "infer"
          image = "infer:1"
          env {
            name  = "TOKEN"
            value = "x"
            value_from {
              secret_key_ref {
                name = "s"
                key  = "k"
              }
            }
          }
        }`, queue),
			want: `(?s)Invalid Attribute Combination.*value_from`,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) { testPlanFails(t, tc.config, tc.want) })
	}
}

// KEDA gives a Job without a restart policy OnFailure
// (pkg/scaling/executor/scale_jobs.go); the provider writes Never for the
// ScaledJobs it creates. An imported ScaledJob that never set one keeps
// none: a plan must not turn KEDA's default into the provider's.
func TestAccScaledJob_restartPolicyDefaultsOnlyOnCreate(t *testing.T) {
	ns := testNamespace(t)
	kc, err := testClient(t).KEDA()
	if err != nil {
		t.Fatal(err)
	}
	imported := &v1alpha1.ScaledJob{
		ObjectMeta: metav1.ObjectMeta{Name: "imported", Namespace: ns},
		Spec: v1alpha1.ScaledJobSpec{
			JobTargetRef: &batchv1.JobSpec{Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{
				Containers: []corev1.Container{{Name: "infer", Image: "batch-infer:1"}},
			}}},
			Triggers: []v1alpha1.ScaleTriggers{{Type: "cron", Metadata: map[string]string{
				"timezone": "UTC", "start": "0 8 * * *", "end": "0 9 * * *", "desiredReplicas": "1"}}},
		},
	}
	if _, err := kc.KedaV1alpha1().ScaledJobs(ns).Create(context.Background(), imported, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	job := func(name string) string {
		return fmt.Sprintf(`
resource "keda_ml_scaled_job" %[1]q {
  metadata {
    name      = %[1]q
    namespace = %[2]q
  }
  job_target_ref {
    template {
      spec {
        container {
          name  = "infer"
          image = "batch-infer:1"
        }
      }
    }
  }
  trigger {
    type     = "cron"
    metadata = { timezone = "UTC", start = "0 8 * * *", end = "0 9 * * *", desiredReplicas = "1" }
  }
}
`, name, ns)
	}
	restartPolicy := func(name string, want corev1.RestartPolicy) resource.TestCheckFunc {
		return func(*terraform.State) error {
			sj, err := testScaledJobs(t, ns).Get(context.Background(), name)
			if err != nil {
				return err
			}
			if got := sj.Spec.JobTargetRef.Template.Spec.RestartPolicy; got != want {
				return fmt.Errorf("%s: restartPolicy %q, want %q", name, got, want)
			}
			return nil
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: job("created"),
				Check:  restartPolicy("created", corev1.RestartPolicyNever),
			},
			{
				Config:             job("created") + job("imported"),
				ResourceName:       "keda_ml_scaled_job.imported",
				ImportState:        true,
				ImportStateId:      ns + "/imported",
				ImportStatePersist: true,
			},
			{
				Config: job("created") + job("imported"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeTestCheckFunc(
					restartPolicy("imported", ""),
					restartPolicy("created", corev1.RestartPolicyNever),
				),
			},
		},
	})
}
