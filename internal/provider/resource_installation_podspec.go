package provider

// The pod-level blocks of keda_installation's components. `toleration` and
// `resources` are the ScaledJob template's own schema and conversion
// (internal/keda/podspec_shared.go); `env`, `volume` and `volume_mount` are
// its models and conversion under a schema of their own (what KEDA's chart
// offers, in the installation's namespace); the pieces the template lacks
// follow hashicorp/kubernetes' pod spec.

import (
	"math"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/objectvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/kedaml/terraform-provider-keda/internal/keda"
	"github.com/kedaml/terraform-provider-keda/internal/validators"
)

// Enums of the pod-level blocks, from k8s.io/api/core/v1; each list feeds
// its validator and its description.
var (
	NodeSelectorOperators = []corev1.NodeSelectorOperator{corev1.NodeSelectorOpIn, corev1.NodeSelectorOpNotIn,
		corev1.NodeSelectorOpExists, corev1.NodeSelectorOpDoesNotExist, corev1.NodeSelectorOpGt, corev1.NodeSelectorOpLt}
	LabelSelectorOperators = []metav1.LabelSelectorOperator{metav1.LabelSelectorOpIn, metav1.LabelSelectorOpNotIn,
		metav1.LabelSelectorOpExists, metav1.LabelSelectorOpDoesNotExist}
	UnsatisfiableActions = []corev1.UnsatisfiableConstraintAction{corev1.DoNotSchedule, corev1.ScheduleAnyway}
	InclusionPolicies    = []corev1.NodeInclusionPolicy{corev1.NodeInclusionPolicyHonor, corev1.NodeInclusionPolicyIgnore}
	SeccompProfileTypes  = []corev1.SeccompProfileType{corev1.SeccompProfileTypeRuntimeDefault,
		corev1.SeccompProfileTypeLocalhost, corev1.SeccompProfileTypeUnconfined}
)

// Models.

type affinityModel struct {
	NodeAffinity    *nodeAffinityModel `tfsdk:"node_affinity"`
	PodAffinity     *podAffinityModel  `tfsdk:"pod_affinity"`
	PodAntiAffinity *podAffinityModel  `tfsdk:"pod_anti_affinity"`
}

type nodeAffinityModel struct {
	Required  *nodeSelectorModel             `tfsdk:"required_during_scheduling_ignored_during_execution"`
	Preferred []preferredSchedulingTermModel `tfsdk:"preferred_during_scheduling_ignored_during_execution"`
}

type nodeSelectorModel struct {
	NodeSelectorTerm []nodeSelectorTermModel `tfsdk:"node_selector_term"`
}

type nodeSelectorTermModel struct {
	MatchExpressions []requirementModel `tfsdk:"match_expressions"`
	MatchFields      []requirementModel `tfsdk:"match_fields"`
}

type requirementModel struct {
	Key      types.String `tfsdk:"key"`
	Operator types.String `tfsdk:"operator"`
	Values   types.List   `tfsdk:"values"`
}

type preferredSchedulingTermModel struct {
	Weight     types.Int64            `tfsdk:"weight"`
	Preference *nodeSelectorTermModel `tfsdk:"preference"`
}

type podAffinityModel struct {
	Required  []podAffinityTermModel         `tfsdk:"required_during_scheduling_ignored_during_execution"`
	Preferred []weightedPodAffinityTermModel `tfsdk:"preferred_during_scheduling_ignored_during_execution"`
}

type podAffinityTermModel struct {
	LabelSelector     *labelSelectorModel `tfsdk:"label_selector"`
	NamespaceSelector *labelSelectorModel `tfsdk:"namespace_selector"`
	Namespaces        types.List          `tfsdk:"namespaces"`
	TopologyKey       types.String        `tfsdk:"topology_key"`
}

type weightedPodAffinityTermModel struct {
	Weight          types.Int64           `tfsdk:"weight"`
	PodAffinityTerm *podAffinityTermModel `tfsdk:"pod_affinity_term"`
}

type labelSelectorModel struct {
	MatchLabels      types.Map          `tfsdk:"match_labels"`
	MatchExpressions []requirementModel `tfsdk:"match_expressions"`
}

type topologySpreadConstraintModel struct {
	MaxSkew            types.Int64         `tfsdk:"max_skew"`
	TopologyKey        types.String        `tfsdk:"topology_key"`
	WhenUnsatisfiable  types.String        `tfsdk:"when_unsatisfiable"`
	LabelSelector      *labelSelectorModel `tfsdk:"label_selector"`
	MinDomains         types.Int64         `tfsdk:"min_domains"`
	MatchLabelKeys     types.List          `tfsdk:"match_label_keys"`
	NodeAffinityPolicy types.String        `tfsdk:"node_affinity_policy"`
	NodeTaintsPolicy   types.String        `tfsdk:"node_taints_policy"`
}

type podSecurityContextModel struct {
	RunAsUser          types.Int64          `tfsdk:"run_as_user"`
	RunAsGroup         types.Int64          `tfsdk:"run_as_group"`
	RunAsNonRoot       types.Bool           `tfsdk:"run_as_non_root"`
	FSGroup            types.Int64          `tfsdk:"fs_group"`
	SupplementalGroups types.List           `tfsdk:"supplemental_groups"`
	SeccompProfile     *seccompProfileModel `tfsdk:"seccomp_profile"`
}

type securityContextModel struct {
	AllowPrivilegeEscalation types.Bool           `tfsdk:"allow_privilege_escalation"`
	Privileged               types.Bool           `tfsdk:"privileged"`
	ReadOnlyRootFilesystem   types.Bool           `tfsdk:"read_only_root_filesystem"`
	RunAsUser                types.Int64          `tfsdk:"run_as_user"`
	RunAsGroup               types.Int64          `tfsdk:"run_as_group"`
	RunAsNonRoot             types.Bool           `tfsdk:"run_as_non_root"`
	Capabilities             *capabilitiesModel   `tfsdk:"capabilities"`
	SeccompProfile           *seccompProfileModel `tfsdk:"seccomp_profile"`
}

type capabilitiesModel struct {
	Add  types.List `tfsdk:"add"`
	Drop types.List `tfsdk:"drop"`
}

type seccompProfileModel struct {
	Type             types.String `tfsdk:"type"`
	LocalhostProfile types.String `tfsdk:"localhost_profile"`
}

type podDisruptionBudgetModel struct {
	MinAvailable   types.String `tfsdk:"min_available"`
	MaxUnavailable types.String `tfsdk:"max_unavailable"`
}

// Schema helpers.

func optString(description string, extra ...validator.String) schema.StringAttribute {
	return schema.StringAttribute{Optional: true, MarkdownDescription: description,
		Validators: append([]validator.String{stringvalidator.LengthAtLeast(1)}, extra...)}
}

// inBlock marks attributes required once their optional block is present;
// the framework would otherwise require them even with the block absent.
func inBlock(b schema.SingleNestedBlock, names ...string) schema.SingleNestedBlock {
	for _, n := range names {
		switch a := b.Attributes[n].(type) {
		case schema.StringAttribute:
			a.MarkdownDescription = "Required in this block. " + a.MarkdownDescription
			b.Attributes[n] = a
		case schema.Int64Attribute:
			a.MarkdownDescription = "Required in this block. " + a.MarkdownDescription
			b.Attributes[n] = a
		case schema.BoolAttribute:
			a.MarkdownDescription = "Required in this block. " + a.MarkdownDescription
			b.Attributes[n] = a
		}
	}
	b.Validators = append(b.Validators, validators.RequiredChildren(names...))
	return b
}

func stringList(description string) schema.ListAttribute {
	return schema.ListAttribute{Optional: true, ElementType: types.StringType, MarkdownDescription: description,
		Validators: []validator.List{listvalidator.ValueStringsAre(stringvalidator.LengthAtLeast(1))}}
}

func labelMap(description string) schema.MapAttribute {
	return schema.MapAttribute{Optional: true, ElementType: types.StringType, MarkdownDescription: description,
		Validators: []validator.Map{validators.LabelMap(true)}}
}

func annotationMap(description string) schema.MapAttribute {
	return schema.MapAttribute{Optional: true, ElementType: types.StringType, MarkdownDescription: description,
		Validators: []validator.Map{validators.LabelMap(false)}}
}

// int32Attr is an optional integer that lands in an int32 field: the range
// keeps it from wrapping around on its way to the API server.
func int32Attr(description string, least int64) schema.Int64Attribute {
	return schema.Int64Attribute{Optional: true, MarkdownDescription: description,
		Validators: []validator.Int64{int64validator.Between(least, math.MaxInt32)}}
}

// idAttr is a user or group ID: the API server takes 0 to 2147483647
// (k8s.io/kubernetes pkg/apis/core/validation, ValidateNonnegativeField
// and IsValidUserID/IsValidGroupID).
func idAttr(description string) schema.Int64Attribute { return int32Attr(description, 0) }

func requirementBlock(description string, operators []string) schema.ListNestedBlock {
	return schema.ListNestedBlock{
		MarkdownDescription: description,
		NestedObject: schema.NestedBlockObject{
			Validators: []validator.Object{validators.RequirementValues()},
			Attributes: map[string]schema.Attribute{
				"key":      schema.StringAttribute{Required: true, MarkdownDescription: "The label (or field) key (`key`).", Validators: []validator.String{stringvalidator.LengthAtLeast(1)}},
				"operator": schema.StringAttribute{Required: true, MarkdownDescription: "One of " + enumText(operators) + " (`operator`).", Validators: []validator.String{stringvalidator.OneOf(operators...)}},
				"values": schema.ListAttribute{Optional: true, ElementType: types.StringType,
					MarkdownDescription: "Values: at least one with `In` and `NotIn`, none with `Exists` and `DoesNotExist`, exactly one (an integer) with `Gt` and `Lt` (`values`)."},
			},
		},
	}
}

func enumText(values []string) string { return keda.EnumDescription(values...) }

func strs[T ~string](values []T) []string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = string(v)
	}
	return out
}

func labelSelectorBlock(description string) schema.SingleNestedBlock {
	return schema.SingleNestedBlock{
		MarkdownDescription: description,
		Attributes: map[string]schema.Attribute{
			"match_labels": labelMap("Labels the pods (or namespaces) must have (`matchLabels`)."),
		},
		Blocks: map[string]schema.Block{
			"match_expressions": requirementBlock("A requirement on a label (`matchExpressions`).", strs(LabelSelectorOperators)),
		},
	}
}

func nodeSelectorTermBlocks() map[string]schema.Block {
	return map[string]schema.Block{
		"match_expressions": requirementBlock("A requirement on a node label (`matchExpressions`).", strs(NodeSelectorOperators)),
		"match_fields":      requirementBlock("A requirement on a node field, `metadata.name` (`matchFields`).", strs(NodeSelectorOperators)),
	}
}

func weightAttr() schema.Int64Attribute {
	return schema.Int64Attribute{Optional: true, MarkdownDescription: "Required in this block. Weight, 1 to 100 (`weight`).",
		Validators: []validator.Int64{int64validator.Between(1, 100)}}
}

func podAffinityTermAttributes() (map[string]schema.Attribute, map[string]schema.Block) {
	return map[string]schema.Attribute{
			"namespaces":   stringList("Namespaces whose pods count (`namespaces`). Default: the pod's own namespace (with no `namespace_selector`)."),
			"topology_key": schema.StringAttribute{Optional: true, MarkdownDescription: "Required in this block. Node label whose value defines the domain, e.g. `kubernetes.io/hostname`, `topology.kubernetes.io/zone` (`topologyKey`).", Validators: []validator.String{stringvalidator.LengthAtLeast(1)}},
		}, map[string]schema.Block{
			"label_selector":     labelSelectorBlock("The pods this term is about (`labelSelector`)."),
			"namespace_selector": labelSelectorBlock("Namespaces whose pods count, by label (`namespaceSelector`)."),
		}
}

func podAffinityBlock(description string) schema.SingleNestedBlock {
	termAttrs, termBlocks := podAffinityTermAttributes()
	weightedAttrs, weightedBlocks := podAffinityTermAttributes()
	return schema.SingleNestedBlock{
		MarkdownDescription: description,
		Blocks: map[string]schema.Block{
			"required_during_scheduling_ignored_during_execution": schema.ListNestedBlock{
				MarkdownDescription: "A term the pods must satisfy to be scheduled (`requiredDuringSchedulingIgnoredDuringExecution`).",
				NestedObject: schema.NestedBlockObject{
					Attributes: termAttrs, Blocks: termBlocks,
					Validators: []validator.Object{validators.RequiredChildren("topology_key")},
				},
			},
			"preferred_during_scheduling_ignored_during_execution": schema.ListNestedBlock{
				MarkdownDescription: "A term the scheduler prefers, by weight (`preferredDuringSchedulingIgnoredDuringExecution`).",
				NestedObject: schema.NestedBlockObject{
					Attributes: map[string]schema.Attribute{"weight": weightAttr()},
					Blocks: map[string]schema.Block{
						"pod_affinity_term": schema.SingleNestedBlock{
							MarkdownDescription: "Required in this block. The term (`podAffinityTerm`).",
							Attributes:          weightedAttrs, Blocks: weightedBlocks,
							Validators: []validator.Object{validators.RequiredChildren("topology_key")},
						},
					},
					Validators: []validator.Object{validators.RequiredChildren("weight", "pod_affinity_term")},
				},
			},
		},
	}
}

// affinityBlock is a pod's affinity, named as hashicorp/kubernetes names it.
func affinityBlock(description string) schema.SingleNestedBlock {
	return schema.SingleNestedBlock{
		MarkdownDescription: description,
		Blocks: map[string]schema.Block{
			"node_affinity": schema.SingleNestedBlock{
				MarkdownDescription: "Nodes the pods are scheduled on (`nodeAffinity`).",
				Blocks: map[string]schema.Block{
					"required_during_scheduling_ignored_during_execution": schema.SingleNestedBlock{
						MarkdownDescription: "Nodes the pods must run on: any of the terms (`requiredDuringSchedulingIgnoredDuringExecution`).",
						Blocks: map[string]schema.Block{
							"node_selector_term": schema.ListNestedBlock{
								MarkdownDescription: "A term: all its requirements (`nodeSelectorTerms`).",
								NestedObject:        schema.NestedBlockObject{Blocks: nodeSelectorTermBlocks()},
							},
						},
						Validators: []validator.Object{validators.RequiredChildren("node_selector_term")},
					},
					"preferred_during_scheduling_ignored_during_execution": schema.ListNestedBlock{
						MarkdownDescription: "Nodes the scheduler prefers, by weight (`preferredDuringSchedulingIgnoredDuringExecution`).",
						NestedObject: schema.NestedBlockObject{
							Attributes: map[string]schema.Attribute{"weight": weightAttr()},
							Blocks: map[string]schema.Block{
								"preference": schema.SingleNestedBlock{MarkdownDescription: "Required in this block. The nodes preferred (`preference`).", Blocks: nodeSelectorTermBlocks()},
							},
							Validators: []validator.Object{validators.RequiredChildren("weight", "preference")},
						},
					},
				},
			},
			"pod_affinity":      podAffinityBlock("Run near the pods these terms select (`podAffinity`)."),
			"pod_anti_affinity": podAffinityBlock("Run away from the pods these terms select, e.g. spread replicas over nodes (`podAntiAffinity`)."),
		},
	}
}

func topologySpreadBlock(deployment, selector string) schema.ListNestedBlock {
	return schema.ListNestedBlock{
		MarkdownDescription: "A topology spread constraint of the pods of Deployment `" + deployment + "` " +
			"(its `spec.template.spec.topologySpreadConstraints`).",
		NestedObject: schema.NestedBlockObject{
			Validators: []validator.Object{validators.MinDomains()},
			Attributes: map[string]schema.Attribute{
				"max_skew": schema.Int64Attribute{Required: true, MarkdownDescription: "Largest allowed difference of pod counts between domains; at least 1 (`maxSkew`).",
					Validators: []validator.Int64{int64validator.Between(1, math.MaxInt32)}},
				"topology_key": schema.StringAttribute{Required: true, MarkdownDescription: "Node label whose value defines the domain, e.g. `topology.kubernetes.io/zone` (`topologyKey`).",
					Validators: []validator.String{stringvalidator.LengthAtLeast(1)}},
				"when_unsatisfiable": schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString(string(corev1.DoNotSchedule)),
					MarkdownDescription: "What to do with a pod that cannot satisfy the constraint: " + enumText(strs(UnsatisfiableActions)) + " (`whenUnsatisfiable`). Default: `DoNotSchedule`.",
					Validators:          []validator.String{keda.OneOf(UnsatisfiableActions...)}},
				"min_domains":          int32Attr("Minimum number of domains (`minDomains`); only with `when_unsatisfiable = \"DoNotSchedule\"`.", 1),
				"match_label_keys":     stringList("Pod label keys whose values select, with `label_selector`, the pods counted (`matchLabelKeys`)."),
				"node_affinity_policy": optString(enumText(strs(InclusionPolicies))+": whether node affinity limits the domains (`nodeAffinityPolicy`). Default: Kubernetes' (`Honor`).", keda.OneOf(InclusionPolicies...)),
				"node_taints_policy":   optString(enumText(strs(InclusionPolicies))+": whether node taints limit the domains (`nodeTaintsPolicy`). Default: Kubernetes' (`Ignore`).", keda.OneOf(InclusionPolicies...)),
			},
			Blocks: map[string]schema.Block{
				"label_selector": labelSelectorBlock("The pods counted (`labelSelector`). Default: the component's own pods (`" + selector + "`)."),
			},
		},
	}
}

func seccompBlock() schema.SingleNestedBlock {
	return inBlock(schema.SingleNestedBlock{
		MarkdownDescription: "The seccomp profile (`seccompProfile`); replaces upstream's.",
		Validators:          []validator.Object{validators.SeccompProfile()},
		Attributes: map[string]schema.Attribute{
			"type":              optString("Kind of profile (`type`): "+enumText(strs(SeccompProfileTypes))+".", keda.OneOf(SeccompProfileTypes...)),
			"localhost_profile": optString("With `type = \"Localhost\"` (and only then): the profile's path on the node, relative to the kubelet's seccomp directory (`localhostProfile`)."),
		},
	}, "type")
}

func podSecurityContextBlock(deployment string) schema.SingleNestedBlock {
	return schema.SingleNestedBlock{
		MarkdownDescription: "The pod security context of Deployment `" + deployment + "` (`spec.template.spec.securityContext`). " +
			"Each field set here replaces upstream's; upstream's others stay (upstream sets `run_as_non_root = true`).",
		Attributes: map[string]schema.Attribute{
			"run_as_user":     idAttr("User ID of the containers' processes (`runAsUser`)."),
			"run_as_group":    idAttr("Group ID of the containers' processes (`runAsGroup`)."),
			"run_as_non_root": schema.BoolAttribute{Optional: true, MarkdownDescription: "Refuse to start containers running as root (`runAsNonRoot`)."},
			"fs_group":        idAttr("Group owning the pod's volumes (`fsGroup`)."),
			"supplemental_groups": schema.ListAttribute{Optional: true, ElementType: types.Int64Type, MarkdownDescription: "Further group IDs of the processes (`supplementalGroups`).",
				Validators: []validator.List{listvalidator.ValueInt64sAre(int64validator.Between(0, math.MaxInt32))}},
		},
		Blocks: map[string]schema.Block{"seccomp_profile": seccompBlock()},
	}
}

func securityContextBlock(deployment string) schema.SingleNestedBlock {
	return schema.SingleNestedBlock{
		MarkdownDescription: "The security context of Deployment `" + deployment + "`'s container (`spec.template.spec.containers[0].securityContext`). " +
			"Each field set here replaces upstream's; upstream's others stay (upstream: no privilege escalation, all capabilities " +
			"dropped, read-only root filesystem, non-root, `RuntimeDefault` seccomp profile).",
		Validators: []validator.Object{validators.PrivilegedNeedsEscalation()},
		Attributes: map[string]schema.Attribute{
			"allow_privilege_escalation": schema.BoolAttribute{Optional: true, MarkdownDescription: "Allow gaining more privileges than the parent process (`allowPrivilegeEscalation`)."},
			"privileged":                 schema.BoolAttribute{Optional: true, MarkdownDescription: "Run privileged (`privileged`); needs `allow_privilege_escalation = true`."},
			"read_only_root_filesystem":  schema.BoolAttribute{Optional: true, MarkdownDescription: "Mount the root filesystem read-only (`readOnlyRootFilesystem`)."},
			"run_as_user":                idAttr("User ID of the process (`runAsUser`)."),
			"run_as_group":               idAttr("Group ID of the process (`runAsGroup`)."),
			"run_as_non_root":            schema.BoolAttribute{Optional: true, MarkdownDescription: "Refuse to start the container as root (`runAsNonRoot`)."},
		},
		Blocks: map[string]schema.Block{
			"capabilities": schema.SingleNestedBlock{
				MarkdownDescription: "Linux capabilities (`capabilities`); replaces upstream's (`drop = [\"ALL\"]`).",
				Attributes: map[string]schema.Attribute{
					"add":  stringList("Capabilities added, e.g. `NET_BIND_SERVICE` (`add`)."),
					"drop": stringList("Capabilities dropped, e.g. `ALL` (`drop`)."),
				},
			},
			"seccomp_profile": seccompBlock(),
		},
	}
}

// envBlock has the shape of a ScaledJob container's `env`.
func envBlock(description string) schema.ListNestedBlock {
	keyRef := func(d, obj string) schema.SingleNestedBlock {
		return inBlock(schema.SingleNestedBlock{MarkdownDescription: d, Attributes: map[string]schema.Attribute{
			"name": optString("The " + obj + " (`name`)."), "key": optString("The key (`key`)."),
		}}, "key", "name")
	}
	return schema.ListNestedBlock{
		MarkdownDescription: description,
		NestedObject: schema.NestedBlockObject{
			Attributes: map[string]schema.Attribute{
				"name":  schema.StringAttribute{Required: true, MarkdownDescription: "Variable name (`name`).", Validators: []validator.String{stringvalidator.LengthAtLeast(1)}},
				"value": schema.StringAttribute{Optional: true, MarkdownDescription: "Literal value (`value`)."},
			},
			Blocks: map[string]schema.Block{
				"value_from": schema.SingleNestedBlock{
					MarkdownDescription: "Take the value from a Secret, a ConfigMap or a pod field (`valueFrom`).",
					Validators: []validator.Object{
						validators.ExactlyOneChild("secret_key_ref", "config_map_key_ref", "field_ref"),
						objectvalidator.ConflictsWith(path.MatchRelative().AtParent().AtName("value")),
					},
					Blocks: map[string]schema.Block{
						"secret_key_ref":     keyRef("A key of a Secret in the installation's namespace (`secretKeyRef`).", "Secret"),
						"config_map_key_ref": keyRef("A key of a ConfigMap in the installation's namespace (`configMapKeyRef`).", "ConfigMap"),
						"field_ref": inBlock(schema.SingleNestedBlock{MarkdownDescription: "A pod field (`fieldRef`).", Attributes: map[string]schema.Attribute{
							"field_path": optString("Path of the pod field, e.g. `metadata.name` (`fieldPath`)."),
						}}, "field_path"),
					},
				},
			},
		},
	}
}

// volumeBlock has the shape of a ScaledJob pod's `volume`.
func volumeBlock(deployment string) schema.ListNestedBlock {
	return schema.ListNestedBlock{
		MarkdownDescription: "A volume added to Deployment `" + deployment + "`'s pods (`spec.template.spec.volumes`), e.g. a private CA bundle: " +
			"exactly one of `secret`, `config_map`, `empty_dir`, `persistent_volume_claim`.",
		NestedObject: schema.NestedBlockObject{
			Validators: []validator.Object{validators.ExactlyOneChild("secret", "config_map", "empty_dir", "persistent_volume_claim")},
			Attributes: map[string]schema.Attribute{
				"name": schema.StringAttribute{Required: true, MarkdownDescription: "Volume name (`name`); not one of upstream's (`certificates`, and `temp-vol` on the metrics server).",
					Validators: []validator.String{validators.KubeName(validators.DNSLabel)}},
			},
			Blocks: map[string]schema.Block{
				"secret":     inBlock(schema.SingleNestedBlock{MarkdownDescription: "A Secret in the installation's namespace (`secret`).", Attributes: map[string]schema.Attribute{"secret_name": optString("The Secret (`secretName`).")}}, "secret_name"),
				"config_map": inBlock(schema.SingleNestedBlock{MarkdownDescription: "A ConfigMap in the installation's namespace (`configMap`).", Attributes: map[string]schema.Attribute{"name": optString("The ConfigMap (`name`).")}}, "name"),
				"empty_dir": schema.SingleNestedBlock{
					MarkdownDescription: "Scratch space (`emptyDir`).",
					Attributes: map[string]schema.Attribute{
						"medium":     optString("`Memory` for tmpfs (`medium`); default: node disk.", keda.OneOf(corev1.StorageMediumMemory)),
						"size_limit": optString("Size limit, a quantity such as `64Mi` (`sizeLimit`).", validators.Quantity()),
					},
				},
				"persistent_volume_claim": inBlock(schema.SingleNestedBlock{
					MarkdownDescription: "A PersistentVolumeClaim in the installation's namespace (`persistentVolumeClaim`).",
					Attributes: map[string]schema.Attribute{
						"claim_name": optString("The claim (`claimName`)."),
						"read_only":  schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(false), MarkdownDescription: "Mount read-only (`readOnly`). Default: `false`."},
					},
				}, "claim_name"),
			},
		},
	}
}

// volumeMountBlock has the shape of a ScaledJob container's `volume_mount`.
func volumeMountBlock(deployment string) schema.ListNestedBlock {
	return schema.ListNestedBlock{
		MarkdownDescription: "A volume mounted into Deployment `" + deployment + "`'s container (`spec.template.spec.containers[0].volumeMounts`).",
		NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{
			"name":       schema.StringAttribute{Required: true, MarkdownDescription: "The volume (`name`): one of this component's `volume` blocks, or upstream's.", Validators: []validator.String{stringvalidator.LengthAtLeast(1)}},
			"mount_path": schema.StringAttribute{Required: true, MarkdownDescription: "Path in the container (`mountPath`); not one of upstream's (`/certs`, and `/tmp` on the metrics server).", Validators: []validator.String{stringvalidator.LengthAtLeast(1)}},
			"sub_path":   optString("Mount only this path of the volume (`subPath`)."),
			"read_only":  schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(false), MarkdownDescription: "Read-only (`readOnly`). Default: `false`."},
		}},
	}
}

func podDisruptionBudgetBlock(deployment string) schema.SingleNestedBlock {
	return schema.SingleNestedBlock{
		MarkdownDescription: "Adds a PodDisruptionBudget (`policy/v1`) `" + deployment + "` in `namespace` selecting Deployment `" + deployment +
			"`'s pods, as KEDA's chart does with `podDisruptionBudget`: exactly one of `min_available` and `max_unavailable`. " +
			"Useful with `replicas` above 1. Default: none.",
		Validators: []validator.Object{validators.ExactlyOneChild("min_available", "max_unavailable")},
		Attributes: map[string]schema.Attribute{
			"min_available":   optString("Pods that must stay available during a voluntary disruption (`spec.minAvailable`): a number (`1`) or a percentage (`50%`).", validators.IntOrPercent()),
			"max_unavailable": optString("Pods that may be unavailable during a voluntary disruption (`spec.maxUnavailable`): a number (`1`) or a percentage (`50%`).", validators.IntOrPercent()),
		},
	}
}

// Conversions to the API types.

func optInt64(v types.Int64) *int64 {
	if v.IsNull() || v.IsUnknown() {
		return nil
	}
	n := v.ValueInt64()
	return &n
}

func optInt32(v types.Int64) *int32 {
	if v.IsNull() || v.IsUnknown() {
		return nil
	}
	n := int32(v.ValueInt64())
	return &n
}

func optBool(v types.Bool) *bool {
	if v.IsNull() || v.IsUnknown() {
		return nil
	}
	b := v.ValueBool()
	return &b
}

func listStrings(l types.List) []string {
	var out []string
	for _, v := range l.Elements() {
		if s, ok := v.(types.String); ok && !s.IsNull() && !s.IsUnknown() {
			out = append(out, s.ValueString())
		}
	}
	return out
}

func (r requirementModel) nodeRequirement() corev1.NodeSelectorRequirement {
	return corev1.NodeSelectorRequirement{Key: r.Key.ValueString(), Operator: corev1.NodeSelectorOperator(r.Operator.ValueString()), Values: listStrings(r.Values)}
}

func (r requirementModel) labelRequirement() metav1.LabelSelectorRequirement {
	return metav1.LabelSelectorRequirement{Key: r.Key.ValueString(), Operator: metav1.LabelSelectorOperator(r.Operator.ValueString()), Values: listStrings(r.Values)}
}

func (t *nodeSelectorTermModel) expand() corev1.NodeSelectorTerm {
	var out corev1.NodeSelectorTerm
	if t == nil {
		return out
	}
	for _, r := range t.MatchExpressions {
		out.MatchExpressions = append(out.MatchExpressions, r.nodeRequirement())
	}
	for _, r := range t.MatchFields {
		out.MatchFields = append(out.MatchFields, r.nodeRequirement())
	}
	return out
}

func (s *labelSelectorModel) expand() *metav1.LabelSelector {
	if s == nil {
		return nil
	}
	out := &metav1.LabelSelector{}
	if m := stringMapOf(s.MatchLabels); len(m) > 0 {
		out.MatchLabels = m
	}
	for _, r := range s.MatchExpressions {
		out.MatchExpressions = append(out.MatchExpressions, r.labelRequirement())
	}
	return out
}

func (t *podAffinityTermModel) expand() corev1.PodAffinityTerm {
	if t == nil {
		return corev1.PodAffinityTerm{}
	}
	return corev1.PodAffinityTerm{
		LabelSelector:     t.LabelSelector.expand(),
		NamespaceSelector: t.NamespaceSelector.expand(),
		Namespaces:        listStrings(t.Namespaces),
		TopologyKey:       t.TopologyKey.ValueString(),
	}
}

func (p *podAffinityModel) expand() (required []corev1.PodAffinityTerm, preferred []corev1.WeightedPodAffinityTerm) {
	for _, t := range p.Required {
		required = append(required, t.expand())
	}
	for _, w := range p.Preferred {
		preferred = append(preferred, corev1.WeightedPodAffinityTerm{Weight: int32(w.Weight.ValueInt64()), PodAffinityTerm: w.PodAffinityTerm.expand()})
	}
	return required, preferred
}

func (a *affinityModel) expand() *corev1.Affinity {
	if a == nil {
		return nil
	}
	out := &corev1.Affinity{}
	if n := a.NodeAffinity; n != nil {
		out.NodeAffinity = &corev1.NodeAffinity{}
		if n.Required != nil {
			sel := &corev1.NodeSelector{}
			for i := range n.Required.NodeSelectorTerm {
				sel.NodeSelectorTerms = append(sel.NodeSelectorTerms, n.Required.NodeSelectorTerm[i].expand())
			}
			out.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution = sel
		}
		for _, p := range n.Preferred {
			out.NodeAffinity.PreferredDuringSchedulingIgnoredDuringExecution = append(out.NodeAffinity.PreferredDuringSchedulingIgnoredDuringExecution,
				corev1.PreferredSchedulingTerm{Weight: int32(p.Weight.ValueInt64()), Preference: p.Preference.expand()})
		}
	}
	if p := a.PodAffinity; p != nil {
		out.PodAffinity = &corev1.PodAffinity{}
		out.PodAffinity.RequiredDuringSchedulingIgnoredDuringExecution, out.PodAffinity.PreferredDuringSchedulingIgnoredDuringExecution = p.expand()
	}
	if p := a.PodAntiAffinity; p != nil {
		out.PodAntiAffinity = &corev1.PodAntiAffinity{}
		out.PodAntiAffinity.RequiredDuringSchedulingIgnoredDuringExecution, out.PodAntiAffinity.PreferredDuringSchedulingIgnoredDuringExecution = p.expand()
	}
	return out
}

func expandTopologySpread(in []topologySpreadConstraintModel) []corev1.TopologySpreadConstraint {
	var out []corev1.TopologySpreadConstraint
	for _, t := range in {
		c := corev1.TopologySpreadConstraint{
			MaxSkew:           int32(t.MaxSkew.ValueInt64()),
			TopologyKey:       t.TopologyKey.ValueString(),
			WhenUnsatisfiable: corev1.UnsatisfiableConstraintAction(t.WhenUnsatisfiable.ValueString()),
			LabelSelector:     t.LabelSelector.expand(),
			MinDomains:        optInt32(t.MinDomains),
			MatchLabelKeys:    listStrings(t.MatchLabelKeys),
		}
		if c.WhenUnsatisfiable == "" {
			c.WhenUnsatisfiable = corev1.DoNotSchedule
		}
		if s := t.NodeAffinityPolicy.ValueString(); s != "" {
			p := corev1.NodeInclusionPolicy(s)
			c.NodeAffinityPolicy = &p
		}
		if s := t.NodeTaintsPolicy.ValueString(); s != "" {
			p := corev1.NodeInclusionPolicy(s)
			c.NodeTaintsPolicy = &p
		}
		out = append(out, c)
	}
	return out
}

func (s *seccompProfileModel) expand() *corev1.SeccompProfile {
	if s == nil {
		return nil
	}
	out := &corev1.SeccompProfile{Type: corev1.SeccompProfileType(s.Type.ValueString())}
	if !s.LocalhostProfile.IsNull() && !s.LocalhostProfile.IsUnknown() {
		p := s.LocalhostProfile.ValueString()
		out.LocalhostProfile = &p
	}
	return out
}

func (s *podSecurityContextModel) expand() *corev1.PodSecurityContext {
	if s == nil {
		return nil
	}
	out := &corev1.PodSecurityContext{
		RunAsUser: optInt64(s.RunAsUser), RunAsGroup: optInt64(s.RunAsGroup), RunAsNonRoot: optBool(s.RunAsNonRoot),
		FSGroup: optInt64(s.FSGroup), SeccompProfile: s.SeccompProfile.expand(),
	}
	for _, v := range s.SupplementalGroups.Elements() {
		if n, ok := v.(types.Int64); ok && !n.IsNull() && !n.IsUnknown() {
			out.SupplementalGroups = append(out.SupplementalGroups, n.ValueInt64())
		}
	}
	return out
}

func (s *securityContextModel) expand() *corev1.SecurityContext {
	if s == nil {
		return nil
	}
	out := &corev1.SecurityContext{
		AllowPrivilegeEscalation: optBool(s.AllowPrivilegeEscalation), Privileged: optBool(s.Privileged),
		ReadOnlyRootFilesystem: optBool(s.ReadOnlyRootFilesystem), RunAsUser: optInt64(s.RunAsUser),
		RunAsGroup: optInt64(s.RunAsGroup), RunAsNonRoot: optBool(s.RunAsNonRoot), SeccompProfile: s.SeccompProfile.expand(),
	}
	if c := s.Capabilities; c != nil {
		out.Capabilities = &corev1.Capabilities{}
		for _, v := range listStrings(c.Add) {
			out.Capabilities.Add = append(out.Capabilities.Add, corev1.Capability(v))
		}
		for _, v := range listStrings(c.Drop) {
			out.Capabilities.Drop = append(out.Capabilities.Drop, corev1.Capability(v))
		}
	}
	return out
}

// parseIntOrPercent reads `3` or `50%`; ok is false for anything else, and
// for numbers outside int32 (the API's IntOrString).
func parseIntOrPercent(s string) (intstr.IntOrString, bool) {
	if p, isPercent := strings.CutSuffix(s, "%"); isPercent {
		n, err := strconv.ParseInt(p, 10, 32)
		if err != nil || n < 0 || n > 100 {
			return intstr.IntOrString{}, false
		}
		return intstr.FromString(s), true
	}
	n, err := strconv.ParseInt(s, 10, 32)
	if err != nil || n < 0 {
		return intstr.IntOrString{}, false
	}
	return intstr.FromInt32(int32(n)), true
}

func (b *podDisruptionBudgetModel) intOrStrings() (minAvailable, maxUnavailable *intstr.IntOrString) {
	for _, f := range []struct {
		v   types.String
		out **intstr.IntOrString
	}{{b.MinAvailable, &minAvailable}, {b.MaxUnavailable, &maxUnavailable}} {
		if f.v.IsNull() || f.v.IsUnknown() {
			continue
		}
		if v, ok := parseIntOrPercent(f.v.ValueString()); ok {
			*f.out = &v
		}
	}
	return minAvailable, maxUnavailable
}
