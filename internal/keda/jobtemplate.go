package keda

import (
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/objectvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	corev1 "k8s.io/api/core/v1"

	"github.com/kedaml/terraform-provider-keda/internal/planmodifiers"
	"github.com/kedaml/terraform-provider-keda/internal/validators"
)

// emptyDirMedia are the media the kubelet mounts (pkg/volume/emptydir); the
// API server stores any.
var emptyDirMedia = regexp.MustCompile(`^(` + string(corev1.StorageMediumMemory) + `|` + string(corev1.StorageMediumHugePages) +
	`|` + string(corev1.StorageMediumHugePagesPrefix) + `.+)$`)

// RestartPolicies are the restart policies a Job's pods may have.
var RestartPolicies = []corev1.RestartPolicy{corev1.RestartPolicyNever, corev1.RestartPolicyOnFailure}

// PullPolicies are the image pull policies.
var PullPolicies = []corev1.PullPolicy{corev1.PullAlways, corev1.PullIfNotPresent, corev1.PullNever}

// TolerationOperators and TaintEffects are the toleration enums.
var (
	TolerationOperators = []corev1.TolerationOperator{corev1.TolerationOpExists, corev1.TolerationOpEqual}
	TaintEffects        = []corev1.TaintEffect{corev1.TaintEffectNoSchedule, corev1.TaintEffectPreferNoSchedule, corev1.TaintEffectNoExecute}
)

// JobTargetRefModel is the typed batch Job a ScaledJob runs.
type JobTargetRefModel struct {
	Parallelism             types.Int64       `tfsdk:"parallelism"`
	Completions             types.Int64       `tfsdk:"completions"`
	ActiveDeadlineSeconds   types.Int64       `tfsdk:"active_deadline_seconds"`
	BackoffLimit            types.Int64       `tfsdk:"backoff_limit"`
	TTLSecondsAfterFinished types.Int64       `tfsdk:"ttl_seconds_after_finished"`
	Template                *PodTemplateModel `tfsdk:"template"`
}

// PodTemplateModel is the Job's pod template.
type PodTemplateModel struct {
	Metadata *TemplateMetadataModel `tfsdk:"metadata"`
	Spec     *PodSpecModel          `tfsdk:"spec"`
}

// TemplateMetadataModel is the pods' labels and annotations.
type TemplateMetadataModel struct {
	Labels      types.Map `tfsdk:"labels"`
	Annotations types.Map `tfsdk:"annotations"`
}

// PodSpecModel is the part of a pod spec batch inference needs.
type PodSpecModel struct {
	Container          []ContainerModel  `tfsdk:"container"`
	InitContainer      []ContainerModel  `tfsdk:"init_container"`
	Volume             []VolumeModel     `tfsdk:"volume"`
	Toleration         []TolerationModel `tfsdk:"toleration"`
	RestartPolicy      types.String      `tfsdk:"restart_policy"`
	ServiceAccountName types.String      `tfsdk:"service_account_name"`
	NodeSelector       types.Map         `tfsdk:"node_selector"`
	ImagePullSecrets   types.List        `tfsdk:"image_pull_secrets"`
	PriorityClassName  types.String      `tfsdk:"priority_class_name"`
	RuntimeClassName   types.String      `tfsdk:"runtime_class_name"`
}

// ContainerModel is a container or init container.
type ContainerModel struct {
	Name            types.String       `tfsdk:"name"`
	Image           types.String       `tfsdk:"image"`
	ImagePullPolicy types.String       `tfsdk:"image_pull_policy"`
	Command         types.List         `tfsdk:"command"`
	Args            types.List         `tfsdk:"args"`
	WorkingDir      types.String       `tfsdk:"working_dir"`
	Env             []EnvModel         `tfsdk:"env"`
	EnvFrom         []EnvFromModel     `tfsdk:"env_from"`
	Resources       *ResourcesModel    `tfsdk:"resources"`
	VolumeMount     []VolumeMountModel `tfsdk:"volume_mount"`
}

// EnvModel is one environment variable.
type EnvModel struct {
	Name      types.String  `tfsdk:"name"`
	Value     types.String  `tfsdk:"value"`
	ValueFrom *EnvValueFrom `tfsdk:"value_from"`
}

// EnvValueFrom is where a variable's value comes from.
type EnvValueFrom struct {
	SecretKeyRef    *SecretKeyRefModel `tfsdk:"secret_key_ref"`
	ConfigMapKeyRef *SecretKeyRefModel `tfsdk:"config_map_key_ref"`
	FieldRef        *FieldRefModel     `tfsdk:"field_ref"`
}

// FieldRefModel selects a field of the pod.
type FieldRefModel struct {
	FieldPath types.String `tfsdk:"field_path"`
}

// EnvFromModel imports every key of a Secret or ConfigMap.
type EnvFromModel struct {
	Prefix       types.String  `tfsdk:"prefix"`
	SecretRef    *NameRefModel `tfsdk:"secret_ref"`
	ConfigMapRef *NameRefModel `tfsdk:"config_map_ref"`
}

// NameRefModel names an object.
type NameRefModel struct {
	Name types.String `tfsdk:"name"`
}

// ResourcesModel is a container's requests and limits.
type ResourcesModel struct {
	Limits   types.Map `tfsdk:"limits"`
	Requests types.Map `tfsdk:"requests"`
}

// VolumeMountModel mounts a volume into a container.
type VolumeMountModel struct {
	Name      types.String `tfsdk:"name"`
	MountPath types.String `tfsdk:"mount_path"`
	SubPath   types.String `tfsdk:"sub_path"`
	ReadOnly  types.Bool   `tfsdk:"read_only"`
}

// VolumeModel is a pod volume.
type VolumeModel struct {
	Name                  types.String    `tfsdk:"name"`
	Secret                *SecretVolume   `tfsdk:"secret"`
	ConfigMap             *NameRefModel   `tfsdk:"config_map"`
	EmptyDir              *EmptyDirVolume `tfsdk:"empty_dir"`
	PersistentVolumeClaim *PVCVolume      `tfsdk:"persistent_volume_claim"`
}

// SecretVolume mounts a Secret.
type SecretVolume struct {
	SecretName types.String `tfsdk:"secret_name"`
}

// EmptyDirVolume is scratch space, e.g. `medium = "Memory"` for /dev/shm.
type EmptyDirVolume struct {
	Medium    types.String `tfsdk:"medium"`
	SizeLimit types.String `tfsdk:"size_limit"`
}

// PVCVolume mounts a PersistentVolumeClaim, e.g. model weights.
type PVCVolume struct {
	ClaimName types.String `tfsdk:"claim_name"`
	ReadOnly  types.Bool   `tfsdk:"read_only"`
}

// TolerationModel is a pod toleration, e.g. for GPU nodes' taints.
type TolerationModel struct {
	Key               types.String `tfsdk:"key"`
	Operator          types.String `tfsdk:"operator"`
	Value             types.String `tfsdk:"value"`
	Effect            types.String `tfsdk:"effect"`
	TolerationSeconds types.Int64  `tfsdk:"toleration_seconds"`
}

func quantityMap(description string) schema.MapAttribute {
	return schema.MapAttribute{
		Optional: true, ElementType: types.StringType, MarkdownDescription: description,
		Validators: []validator.Map{validators.QuantityValues()},
	}
}

func containerBlock(description string, required bool) schema.ListNestedBlock {
	b := schema.ListNestedBlock{
		MarkdownDescription: description,
		NestedObject: schema.NestedBlockObject{
			Attributes: map[string]schema.Attribute{
				"name":              requiredString("Container name (the container's `name`).", validators.KubeName(validators.DNSLabel)),
				"image":             requiredString("Image (`image`), e.g. `ghcr.io/acme/batch-infer:1.4`."),
				"image_pull_policy": optionalString("`Always`, `IfNotPresent` or `Never`. Default: Kubernetes' (by tag).", OneOf(PullPolicies...)),
				"command":           schema.ListAttribute{Optional: true, ElementType: types.StringType, MarkdownDescription: "Entrypoint (`command`). Default: the image's."},
				"args":              schema.ListAttribute{Optional: true, ElementType: types.StringType, MarkdownDescription: "Arguments (`args`). Default: the image's."},
				"working_dir":       optionalString("Working directory (`workingDir`). Default: the image's."),
			},
			Blocks: map[string]schema.Block{
				"env": schema.ListNestedBlock{
					MarkdownDescription: "An environment variable: `value`, or `value_from`.",
					NestedObject: schema.NestedBlockObject{
						Attributes: map[string]schema.Attribute{
							"name":  requiredString("Variable name (`env[].name`)."),
							"value": schema.StringAttribute{Optional: true, MarkdownDescription: "Literal value (`env[].value`)."},
						},
						Blocks: map[string]schema.Block{
							"value_from": schema.SingleNestedBlock{
								MarkdownDescription: "Take the value from a Secret, a ConfigMap or a pod field.",
								Validators: []validator.Object{
									validators.ExactlyOneChild("secret_key_ref", "config_map_key_ref", "field_ref"),
									objectvalidator.ConflictsWith(path.MatchRelative().AtParent().AtName("value")),
								},
								Blocks: map[string]schema.Block{
									"secret_key_ref":     secretKeyRefBlock("The value.", "env[]"),
									"config_map_key_ref": optionalBlock(schema.SingleNestedBlock{MarkdownDescription: "A key of a ConfigMap.", Attributes: map[string]schema.Attribute{"name": requiredString("The ConfigMap (`configMapKeyRef.name`)."), "key": requiredString("The key (`configMapKeyRef.key`).")}}),
									"field_ref":          optionalBlock(schema.SingleNestedBlock{MarkdownDescription: "A pod field.", Attributes: map[string]schema.Attribute{"field_path": requiredString("e.g. `metadata.name`.")}}),
								},
							},
						},
					},
				},
				"env_from": schema.ListNestedBlock{
					MarkdownDescription: "Import every key of a Secret or ConfigMap as variables.",
					NestedObject: schema.NestedBlockObject{
						Validators: []validator.Object{validators.ExactlyOneChild("secret_ref", "config_map_ref")},
						Attributes: map[string]schema.Attribute{"prefix": optionalString("Prefix added to each name (`envFrom[].prefix`). Default: none.")},
						Blocks: map[string]schema.Block{
							"secret_ref":     nameRefBlock("The Secret."),
							"config_map_ref": nameRefBlock("The ConfigMap."),
						},
					},
				},
				"resources": ResourcesBlock("Requests and limits, as quantities: `{ cpu = \"4\", memory = \"16Gi\", \"nvidia.com/gpu\" = \"1\" }`."),
				"volume_mount": schema.ListNestedBlock{
					MarkdownDescription: "Mount a volume.",
					NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{
						"name":       requiredString("The volume (`volumeMounts[].name`)."),
						"mount_path": requiredString("Where (`volumeMounts[].mountPath`)."),
						"sub_path":   optionalString("Mount only this path of the volume (`volumeMounts[].subPath`). Default: all of it."),
						"read_only":  schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(false), MarkdownDescription: "Read-only. Default: `false`."},
					}},
				},
			},
		},
	}
	if required {
		b.Validators = []validator.List{listvalidator.IsRequired(), listvalidator.SizeAtLeast(1)}
	}
	return b
}

func nameRefBlock(description string) schema.SingleNestedBlock {
	return optionalBlock(schema.SingleNestedBlock{
		MarkdownDescription: description,
		Attributes:          map[string]schema.Attribute{"name": requiredString("Its name (`name`).")},
	})
}

// JobTargetRefBlock is the schema of `job_target_ref`.
func JobTargetRefBlock() schema.SingleNestedBlock {
	return schema.SingleNestedBlock{
		MarkdownDescription: "The Kubernetes Job KEDA creates for each unit of work.",
		Validators:          []validator.Object{objectRequired()},
		Attributes: map[string]schema.Attribute{
			"parallelism": optionalInt32("Pods running at once per Job (`spec.parallelism`). Default: Kubernetes' (`1`).",
				"spec.jobTargetRef.parallelism", 0),
			"completions": optionalInt32("Successful pods that complete a Job (`spec.completions`). Default: Kubernetes' (`1`).",
				"spec.jobTargetRef.completions", 0),
			"active_deadline_seconds": schema.Int64Attribute{
				Optional: true, MarkdownDescription: "Seconds a Job may run before it is failed (`spec.activeDeadlineSeconds`, 0 or more). Default: no limit.",
				Validators: []validator.Int64{int64validator.AtLeast(0)},
			},
			"backoff_limit": optionalInt32("Retries before a Job is failed (`spec.backoffLimit`). Default: Kubernetes' (`6`).",
				"spec.jobTargetRef.backoffLimit", 0),
			"ttl_seconds_after_finished": optionalInt32("Seconds after which a finished Job is deleted (`spec.ttlSecondsAfterFinished`). "+
				"Default: never.", "spec.jobTargetRef.ttlSecondsAfterFinished", 0),
		},
		Blocks: map[string]schema.Block{
			"template": schema.SingleNestedBlock{
				MarkdownDescription: "The pod template.",
				Validators:          []validator.Object{objectRequired()},
				Blocks: map[string]schema.Block{
					"metadata": schema.SingleNestedBlock{
						MarkdownDescription: "Labels and annotations of the pods.",
						Attributes: map[string]schema.Attribute{
							"labels":      schema.MapAttribute{Optional: true, ElementType: types.StringType, MarkdownDescription: "Labels of the pods (`spec.jobTargetRef.template.metadata.labels`).", Validators: []validator.Map{validators.LabelMap(true)}},
							"annotations": schema.MapAttribute{Optional: true, ElementType: types.StringType, MarkdownDescription: "Annotations of the pods (`spec.jobTargetRef.template.metadata.annotations`).", Validators: []validator.Map{validators.LabelMap(false)}},
						},
					},
					"spec": schema.SingleNestedBlock{
						MarkdownDescription: "The pod spec.",
						Validators:          []validator.Object{objectRequired()},
						Attributes: map[string]schema.Attribute{
							"restart_policy": schema.StringAttribute{
								Optional: true, Computed: true,
								MarkdownDescription: "`Never` or `OnFailure`; a Job's pods cannot use `Always` (`spec.jobTargetRef.template.spec.restartPolicy`). " +
									"Default: `Never` for ScaledJobs this provider creates; an imported ScaledJob without one keeps none, and KEDA then " +
									"gives its Jobs `OnFailure`.",
								Validators:    []validator.String{OneOf(RestartPolicies...)},
								PlanModifiers: []planmodifier.String{planmodifiers.StringDefaultOnCreate(string(corev1.RestartPolicyNever))},
							},
							"service_account_name": optionalString("Service account of the pods (`serviceAccountName`). Default: the namespace's `default`.", validators.KubeName(validators.DNSSubdomain)),
							"node_selector": schema.MapAttribute{Optional: true, ElementType: types.StringType,
								MarkdownDescription: "Node labels the pods need (`nodeSelector`), e.g. `{ \"nvidia.com/gpu.product\" = \"NVIDIA-A100-SXM4-80GB\" }`.",
								Validators:          []validator.Map{validators.LabelMap(true)}},
							"image_pull_secrets":  schema.ListAttribute{Optional: true, ElementType: types.StringType, MarkdownDescription: "Names of Secrets used to pull the images (`imagePullSecrets[].name`)."},
							"priority_class_name": optionalString("Priority class of the pods (`priorityClassName`). Default: the cluster's global default, if any.", validators.KubeName(validators.DNSSubdomain)),
							"runtime_class_name":  optionalString("Runtime class (`runtimeClassName`), e.g. `nvidia`.", validators.KubeName(validators.DNSSubdomain)),
						},
						Blocks: map[string]schema.Block{
							"container":      containerBlock("A container of the pod; at least one.", true),
							"init_container": containerBlock("An init container, e.g. to download model weights.", false),
							"volume": schema.ListNestedBlock{
								MarkdownDescription: "A volume: exactly one of `secret`, `config_map`, `empty_dir`, `persistent_volume_claim`.",
								NestedObject: schema.NestedBlockObject{
									Validators: []validator.Object{validators.ExactlyOneChild("secret", "config_map", "empty_dir", "persistent_volume_claim")},
									Attributes: map[string]schema.Attribute{"name": requiredString("Volume name (`volumes[].name`).", validators.KubeName(validators.DNSLabel))},
									Blocks: map[string]schema.Block{
										"secret":     optionalBlock(schema.SingleNestedBlock{MarkdownDescription: "A Secret.", Attributes: map[string]schema.Attribute{"secret_name": requiredString("The Secret (`secret.secretName`).")}}),
										"config_map": nameRefBlock("A ConfigMap."),
										"empty_dir": schema.SingleNestedBlock{
											MarkdownDescription: "Scratch space; `medium = \"Memory\"` for a RAM-backed /dev/shm.",
											Attributes: map[string]schema.Attribute{
												"medium": optionalString("`Memory` for tmpfs, `HugePages` or `HugePages-<size>` (e.g. `HugePages-2Mi`); "+
													"default: node disk.", stringvalidator.RegexMatches(emptyDirMedia,
													"must be Memory, HugePages or HugePages-<size>")),
												"size_limit": optionalString("Size limit (`emptyDir.sizeLimit`), a non-negative quantity such as `8Gi`. Default: none.", validators.NonNegativeQuantity()),
											},
										},
										"persistent_volume_claim": optionalBlock(schema.SingleNestedBlock{
											MarkdownDescription: "A PersistentVolumeClaim, e.g. holding model weights.",
											Attributes: map[string]schema.Attribute{
												"claim_name": requiredString("The claim (`persistentVolumeClaim.claimName`)."),
												"read_only":  schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(false), MarkdownDescription: "Mount read-only. Default: `false`."},
											},
										}),
									},
								},
							},
							"toleration": TolerationBlock("A toleration, e.g. of the `nvidia.com/gpu` taint of GPU nodes."),
						},
					},
				},
			},
		},
	}
}
