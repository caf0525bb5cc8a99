package keda

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func quantities(kv ...string) types.Map {
	if len(kv) == 0 {
		return types.MapNull(types.StringType)
	}
	elems := map[string]attr.Value{}
	for i := 0; i < len(kv); i += 2 {
		if kv[i+1] == "?" {
			elems[kv[i]] = types.StringUnknown()
			continue
		}
		elems[kv[i]] = types.StringValue(kv[i+1])
	}
	return types.MapValueMust(types.StringType, elems)
}

// TestJobTemplateRules is the audit of the checks the API server applies to
// every Job KEDA creates from the template (k8s.io/kubernetes v1.36
// pkg/apis/core/validation and pkg/apis/core/helper): the ScaledJob itself
// is accepted, and every Job is then refused.
func TestJobTemplateRules(t *testing.T) {
	type m = ScaledJobSpecModel
	res := func(limits, requests types.Map) func(*m, *MetadataModel) {
		return func(j *m, _ *MetadataModel) {
			j.JobTargetRef.Template.Spec.Container[0].Resources = &ResourcesModel{Limits: limits, Requests: requests}
		}
	}
	const (
		quantityValue = "validation.go ValidateResourceQuantityValue (IsIntegerResourceName: extended resources)"
		requirements  = "validation.go validateResourceRequirements"
		resourceName  = "validation.go validateContainerResourceName"
		hugePages     = "validation.go validateResourceQuantityHugePageValue"
		tolerations   = "validation.go ValidateTolerations"
		containers    = "validation.go validateContainers, validateInitContainers"
		volumes       = "validation.go ValidateVolumes, validateVolumeMounts"
	)
	containerRes := "job_target_ref.template.spec.container[0].resources"
	cases := map[string]ruleCase[ScaledJobSpecModel]{
		"a whole GPU as limit only": {source: requirements, mutate: res(quantities("nvidia.com/gpu", "1"), quantities())},
		"half a GPU": {
			source: quantityValue, mutate: res(quantities("nvidia.com/gpu", "0.5"), quantities()),
			path: containerRes + `.limits["nvidia.com/gpu"]`, summary: "Extended resource not a whole number",
			unknown: func(j *m, _ *MetadataModel) {
				j.JobTargetRef.Template.Spec.Container[0].Resources.Limits = quantities("nvidia.com/gpu", "?")
			},
		},
		"500m of a GPU requested": {
			source: quantityValue, mutate: res(quantities("nvidia.com/gpu", "1"), quantities("nvidia.com/gpu", "500m")),
			path: containerRes + `.requests["nvidia.com/gpu"]`, summary: "Extended resource not a whole number",
		},
		"fractional cpu is fine": {source: quantityValue, mutate: res(quantities("cpu", "500m"), quantities("cpu", "250m"))},
		"GPU request below its limit": {
			source: requirements, mutate: res(quantities("nvidia.com/gpu", "2"), quantities("nvidia.com/gpu", "1")),
			path: containerRes + `.requests["nvidia.com/gpu"]`, summary: "Request must equal the limit",
			unknown: func(j *m, _ *MetadataModel) {
				j.JobTargetRef.Template.Spec.Container[0].Resources.Limits = quantities("nvidia.com/gpu", "?")
			},
		},
		"GPU request equal to its limit (spelled differently)": {
			source: requirements, mutate: res(quantities("nvidia.com/gpu", "1"), quantities("nvidia.com/gpu", "1000m")),
		},
		"GPU requested without a limit": {
			source: requirements, mutate: res(quantities(), quantities("nvidia.com/gpu", "1")),
			path: containerRes + `.requests["nvidia.com/gpu"]`, summary: "Limit required",
			unknown: func(j *m, _ *MetadataModel) {
				j.JobTargetRef.Template.Spec.Container[0].Resources.Limits = types.MapUnknown(types.StringType)
			},
		},
		"cpu request above its limit": {
			source: requirements, mutate: res(quantities("cpu", "1"), quantities("cpu", "2")),
			path: containerRes + `.requests["cpu"]`, summary: "Request above the limit",
		},
		"memory request below its limit": {source: requirements, mutate: res(quantities("memory", "2Gi"), quantities("memory", "1Gi"))},
		"negative memory": {
			source: "validation.go ValidateNonnegativeQuantity", mutate: res(quantities("memory", "-1Gi"), quantities()),
			path: containerRes + `.limits["memory"]`, summary: "Negative resource quantity",
		},
		"unprefixed unknown resource": {
			source: resourceName, mutate: res(quantities("gpu", "1"), quantities()),
			path: containerRes + `.limits["gpu"]`, summary: "Invalid resource name",
		},
		"unprefixed standard resources": {
			source: resourceName, mutate: res(quantities("ephemeral-storage", "10Gi", "hugepages-2Mi", "4Mi", "memory", "1Gi"), quantities()),
		},
		"extended resource whose quota name is too long": {
			source: resourceName, mutate: res(quantities(longDomain+"/gpu", "1"), quantities()),
			path: containerRes + `.limits["` + longDomain + `/gpu"]`, summary: "Invalid resource name",
		},
		"hugepages not a multiple of the page size": {
			source: hugePages, mutate: res(quantities("hugepages-2Mi", "3Mi", "memory", "1Gi"), quantities()),
			path: containerRes + `.limits["hugepages-2Mi"]`, summary: "Hugepages not a multiple of the page size",
		},
		"hugepages without cpu or memory": {
			source: requirements, mutate: res(quantities("hugepages-2Mi", "4Mi"), quantities()),
			path: containerRes, summary: "Hugepages need cpu or memory",
		},
		"toleration seconds without NoExecute": {
			source: tolerations,
			mutate: func(j *m, _ *MetadataModel) {
				j.JobTargetRef.Template.Spec.Toleration[0].TolerationSeconds = i64(60)
			},
			path: "job_target_ref.template.spec.toleration[0].effect", summary: "toleration_seconds needs NoExecute",
			unknown: func(j *m, _ *MetadataModel) { j.JobTargetRef.Template.Spec.Toleration[0].Effect = unknownS },
		},
		"toleration with Exists and a value": {
			source: tolerations,
			mutate: func(j *m, _ *MetadataModel) { j.JobTargetRef.Template.Spec.Toleration[0].Value = s("true") },
			path:   "job_target_ref.template.spec.toleration[0].value", summary: "Toleration value with Exists",
		},
		"toleration without key, Equal": {
			source: tolerations,
			mutate: func(j *m, _ *MetadataModel) {
				tol := &j.JobTargetRef.Template.Spec.Toleration[0]
				tol.Key, tol.Operator = nullS, s("Equal")
			},
			path: "job_target_ref.template.spec.toleration[0].operator", summary: "Toleration without key",
		},
		"toleration matching every taint": {
			source: tolerations,
			mutate: func(j *m, _ *MetadataModel) { j.JobTargetRef.Template.Spec.Toleration[0].Key = nullS },
		},
		"NoExecute toleration with seconds": {
			source: tolerations,
			mutate: func(j *m, _ *MetadataModel) {
				tol := &j.JobTargetRef.Template.Spec.Toleration[0]
				tol.Effect, tol.TolerationSeconds = s("NoExecute"), i64(-1)
			},
		},
		"duplicate container names": {
			source: containers,
			mutate: func(j *m, _ *MetadataModel) {
				ps := j.JobTargetRef.Template.Spec
				ps.InitContainer = []ContainerModel{ps.Container[0]}
				ps.InitContainer[0].VolumeMount = nil
			},
			path: "job_target_ref.template.spec.init_container[0].name", summary: "Duplicate container name",
			unknown: func(j *m, _ *MetadataModel) { j.JobTargetRef.Template.Spec.InitContainer[0].Name = unknownS },
		},
		"volume mount of no volume": {
			source: volumes,
			mutate: func(j *m, _ *MetadataModel) {
				j.JobTargetRef.Template.Spec.Container[0].VolumeMount[0].Name = s("weights")
			},
			path: "job_target_ref.template.spec.container[0].volume_mount[0].name", summary: "Volume not found",
			unknown: func(j *m, _ *MetadataModel) { j.JobTargetRef.Template.Spec.Volume[0].Name = unknownS },
		},
		"duplicate volume names": {
			source: volumes,
			mutate: func(j *m, _ *MetadataModel) { j.JobTargetRef.Template.Spec.Volume[1].Name = s("models") },
			path:   "job_target_ref.template.spec.volume[1].name", summary: "Duplicate volume name",
		},
		"duplicate mount paths": {
			source: volumes,
			mutate: func(j *m, _ *MetadataModel) {
				j.JobTargetRef.Template.Spec.Container[0].VolumeMount[1].MountPath = s("/models")
			},
			path: "job_target_ref.template.spec.container[0].volume_mount[1].mount_path", summary: "Duplicate mount path",
		},
	}
	runRuleTable(t, cases, validJobSpec, ValidateScaledJob)
}

// longDomain is a valid 251-character domain; "requests." + it is not.
var longDomain = strings.Repeat(strings.Repeat("a", 61)+".", 4) + "com"

// Numbers beyond their 32-bit fields never reach the object.
func TestExpandRefusesOutOfRangeNumbers(t *testing.T) {
	so := validSpec()
	so.MaxReplicaCount = i64(100000000000)
	if _, err := so.Expand(metaModel(metaOK).ObjectMeta()); err == nil {
		t.Fatal("max_replica_count = 100000000000 must not be converted")
	}
	so.MaxReplicaCount = i64(2147483647)
	if got, err := so.Expand(metaModel(metaOK).ObjectMeta()); err != nil || *got.Spec.MaxReplicaCount != 2147483647 {
		t.Fatalf("the int32 max converts exactly: %v, %v", got.Spec.MaxReplicaCount, err)
	}
	job := validJobSpec()
	job.JobTargetRef.Parallelism = i64(5000000000)
	if _, err := job.Expand(metaModel(metaOK).ObjectMeta()); err == nil {
		t.Fatal("parallelism = 5000000000 must not be converted")
	}
	job = validJobSpec()
	job.JobTargetRef.Template.Spec.Container[0].Resources.Limits = quantities("memory", "lots")
	if _, err := job.Expand(metaModel(metaOK).ObjectMeta()); err == nil {
		t.Fatal("an unparsable quantity must not be left out silently")
	}
}

var metaOK = metav1.ObjectMeta{Name: "ok", Namespace: "ml"}
