package keda

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/terraform-plugin-framework/types"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func i64(v int64) types.Int64 { return types.Int64Value(v) }

func gpuBatchJob() *JobTargetRefModel {
	return &JobTargetRefModel{
		Parallelism: i64(1), Completions: i64(1), ActiveDeadlineSeconds: i64(3600), BackoffLimit: i64(2), TTLSecondsAfterFinished: i64(300),
		Template: &PodTemplateModel{
			Metadata: &TemplateMetadataModel{Labels: mapValue(map[string]string{"app": "batch-infer"}), Annotations: types.MapNull(types.StringType)},
			Spec: &PodSpecModel{
				RestartPolicy: s("OnFailure"), ServiceAccountName: s("batch-infer"), PriorityClassName: s("batch"), RuntimeClassName: s("nvidia"),
				NodeSelector:     mapValue(map[string]string{"nvidia.com/gpu.product": "NVIDIA-A100-SXM4-80GB"}),
				ImagePullSecrets: listValue([]string{"registry-creds"}),
				Container: []ContainerModel{{
					Name: s("infer"), Image: s("ghcr.io/acme/batch-infer:1.4"), ImagePullPolicy: s("IfNotPresent"),
					Command: listValue([]string{"python", "-m", "infer"}), Args: listValue([]string{"--batch-size=64"}), WorkingDir: nullS,
					Env: []EnvModel{
						{Name: s("MODEL"), Value: s("llama-3-8b"), ValueFrom: nil},
						{Name: s("HF_TOKEN"), Value: nullS, ValueFrom: &EnvValueFrom{SecretKeyRef: &SecretKeyRefModel{Name: s("hf"), Key: s("token")}}},
						{Name: s("POD"), Value: nullS, ValueFrom: &EnvValueFrom{FieldRef: &FieldRefModel{FieldPath: s("metadata.name")}}},
					},
					EnvFrom: []EnvFromModel{{Prefix: s("RMQ_"), SecretRef: &NameRefModel{Name: s("rabbitmq-creds")}}},
					Resources: &ResourcesModel{
						Limits:   mapValue(map[string]string{"nvidia.com/gpu": "1", "memory": "32Gi"}),
						Requests: mapValue(map[string]string{"cpu": "4", "memory": "1024Mi"}),
					},
					VolumeMount: []VolumeMountModel{
						{Name: s("models"), MountPath: s("/models"), SubPath: nullS, ReadOnly: types.BoolValue(true)},
						{Name: s("shm"), MountPath: s("/dev/shm"), SubPath: nullS, ReadOnly: no},
					},
				}},
				Volume: []VolumeModel{
					{Name: s("models"), PersistentVolumeClaim: &PVCVolume{ClaimName: s("model-weights"), ReadOnly: types.BoolValue(true)}},
					{Name: s("shm"), EmptyDir: &EmptyDirVolume{Medium: s("Memory"), SizeLimit: s("8Gi")}},
				},
				Toleration: []TolerationModel{{Key: s("nvidia.com/gpu"), Operator: s("Exists"), Value: nullS, Effect: s("NoSchedule"), TolerationSeconds: types.Int64Null()}},
			},
		},
	}
}

func TestJobTemplateConversion(t *testing.T) {
	ptr32 := func(v int32) *int32 { return &v }
	ptr64 := func(v int64) *int64 { return &v }
	nvidia := "nvidia"
	shm := resource.MustParse("8Gi")
	want := &batchv1.JobSpec{
		Parallelism: ptr32(1), Completions: ptr32(1), ActiveDeadlineSeconds: ptr64(3600), BackoffLimit: ptr32(2), TTLSecondsAfterFinished: ptr32(300),
		Template: corev1.PodTemplateSpec{
			ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "batch-infer"}},
			Spec: corev1.PodSpec{
				RestartPolicy: corev1.RestartPolicyOnFailure, ServiceAccountName: "batch-infer", PriorityClassName: "batch", RuntimeClassName: &nvidia,
				NodeSelector:     map[string]string{"nvidia.com/gpu.product": "NVIDIA-A100-SXM4-80GB"},
				ImagePullSecrets: []corev1.LocalObjectReference{{Name: "registry-creds"}},
				Containers: []corev1.Container{{
					Name: "infer", Image: "ghcr.io/acme/batch-infer:1.4", ImagePullPolicy: corev1.PullIfNotPresent,
					Command: []string{"python", "-m", "infer"}, Args: []string{"--batch-size=64"},
					Env: []corev1.EnvVar{
						{Name: "MODEL", Value: "llama-3-8b"},
						{Name: "HF_TOKEN", ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: "hf"}, Key: "token"}}},
						{Name: "POD", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.name"}}},
					},
					EnvFrom: []corev1.EnvFromSource{{Prefix: "RMQ_", SecretRef: &corev1.SecretEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "rabbitmq-creds"}}}},
					Resources: corev1.ResourceRequirements{
						Limits:   corev1.ResourceList{"nvidia.com/gpu": resource.MustParse("1"), corev1.ResourceMemory: resource.MustParse("32Gi")},
						Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("4"), corev1.ResourceMemory: resource.MustParse("1024Mi")},
					},
					VolumeMounts: []corev1.VolumeMount{{Name: "models", MountPath: "/models", ReadOnly: true}, {Name: "shm", MountPath: "/dev/shm"}},
				}},
				Volumes: []corev1.Volume{
					{Name: "models", VolumeSource: corev1.VolumeSource{PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: "model-weights", ReadOnly: true}}},
					{Name: "shm", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{Medium: corev1.StorageMediumMemory, SizeLimit: &shm}}},
				},
				Tolerations: []corev1.Toleration{{Key: "nvidia.com/gpu", Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoSchedule}},
			},
		},
	}
	in := gpuBatchJob()
	got, err := in.Expand()
	if err != nil {
		t.Fatal(err)
	}
	quantityEqual := cmp.Comparer(func(a, b resource.Quantity) bool { return a.Cmp(b) == 0 })
	if diff := cmp.Diff(want, got, quantityEqual); diff != "" {
		t.Fatalf("Expand (-want +got):\n%s", diff)
	}
	// Kubernetes returns quantities in canonical form: 1024Mi comes back 1Gi.
	var roundTripped batchv1.JobSpec
	got.DeepCopyInto(&roundTripped)
	roundTripped.Template.Spec.Containers[0].Resources.Requests[corev1.ResourceMemory] = resource.MustParse("1Gi")

	if diff := cmp.Diff(in, FlattenJobTargetRef(&roundTripped, in)); diff != "" {
		t.Fatalf("refresh keeps the configured spelling (-want +got):\n%s", diff)
	}
	imported := FlattenJobTargetRef(&roundTripped, nil)
	if v := stringMap(imported.Template.Spec.Container[0].Resources.Requests)["memory"]; v != "1Gi" {
		t.Fatalf("import reads the canonical quantity, got %q", v)
	}
}
