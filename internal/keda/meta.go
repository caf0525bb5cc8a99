// Package keda converts between the provider's Terraform models and KEDA's
// v1alpha1 objects and checks, offline, everything about them that can be
// checked before anything is sent to a cluster. Nothing here talks to the
// Kubernetes API.
package keda

import (
	"encoding/json"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/objectvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/objectplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kedaml/terraform-provider-keda/internal/validators"
)

// MetadataModel is the `metadata` block of namespaced objects.
type MetadataModel struct {
	Name        types.String `tfsdk:"name"`
	Namespace   types.String `tfsdk:"namespace"`
	Labels      types.Map    `tfsdk:"labels"`
	Annotations types.Map    `tfsdk:"annotations"`
	UID         types.String `tfsdk:"uid"`
}

// ClusterMetadataModel is the `metadata` block of cluster-scoped objects.
type ClusterMetadataModel struct {
	Name        types.String `tfsdk:"name"`
	Labels      types.Map    `tfsdk:"labels"`
	Annotations types.Map    `tfsdk:"annotations"`
	UID         types.String `tfsdk:"uid"`
}

// MetadataBlock is the schema of the `metadata` block; namespaced adds
// `namespace`.
func MetadataBlock(kind string, namespaced bool) schema.SingleNestedBlock {
	attrs := map[string]schema.Attribute{
		"name": schema.StringAttribute{
			Required:            true,
			MarkdownDescription: "Name of the " + kind + " (`metadata.name`). Changing it replaces the object.",
			Validators:          []validator.String{validators.KubeName(validators.DNSSubdomain)},
			PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
		},
		"labels": schema.MapAttribute{
			Optional:    true,
			ElementType: types.StringType,
			MarkdownDescription: "Labels of the object (`metadata.labels`). Only the labels listed here are managed: labels that " +
				"controllers (such as KEDA's operator) add are left alone and never show as a diff. `{}` is the same as none.",
			Validators: []validator.Map{validators.LabelMap(true)},
		},
		"annotations": schema.MapAttribute{
			Optional:    true,
			ElementType: types.StringType,
			MarkdownDescription: "Annotations of the object (`metadata.annotations`). Only the annotations listed here are managed; " +
				"others are left alone. `{}` is the same as none.",
			Validators: []validator.Map{validators.LabelMap(false)},
		},
		"uid": schema.StringAttribute{
			Computed:            true,
			MarkdownDescription: "The UID Kubernetes gave the object.",
			PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
		},
	}
	if namespaced {
		attrs["namespace"] = schema.StringAttribute{
			Optional:            true,
			Computed:            true,
			Default:             stringdefault.StaticString("default"),
			MarkdownDescription: "Namespace of the " + kind + ". Default: `default`. Changing it replaces the object.",
			Validators:          []validator.String{validators.KubeName(validators.DNSLabel)},
			PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
		}
	}
	return schema.SingleNestedBlock{
		MarkdownDescription: "Standard Kubernetes object metadata.",
		Attributes:          attrs,
		Validators:          []validator.Object{objectvalidator.IsRequired()},
		PlanModifiers:       []planmodifier.Object{objectplanmodifier.UseStateForUnknown()},
	}
}

// ObjectMeta converts the block into Kubernetes metadata.
func (m MetadataModel) ObjectMeta() metav1.ObjectMeta {
	return metav1.ObjectMeta{
		Name:        m.Name.ValueString(),
		Namespace:   m.Namespace.ValueString(),
		Labels:      stringMap(m.Labels),
		Annotations: stringMap(m.Annotations),
	}
}

// ObjectMeta converts the block into Kubernetes metadata.
func (m ClusterMetadataModel) ObjectMeta() metav1.ObjectMeta {
	return MetadataModel{Name: m.Name, Labels: m.Labels, Annotations: m.Annotations}.ObjectMeta()
}

// FlattenMetadata reads metadata back. Labels and annotations are those the
// prior state listed or fieldManager owns; on import (no
// prior state) all of them but those well-known controllers set.
func FlattenMetadata(om metav1.ObjectMeta, prior *MetadataModel, fieldManager string) MetadataModel {
	var priorLabels, priorAnnotations types.Map
	if prior != nil {
		priorLabels, priorAnnotations = prior.Labels, prior.Annotations
	}
	owned := ownedMetadataKeys(om.ManagedFields, fieldManager)
	return MetadataModel{
		Name:        types.StringValue(om.Name),
		Namespace:   types.StringValue(om.Namespace),
		Labels:      keepManaged(om.Labels, priorLabels, owned["f:labels"], prior == nil),
		Annotations: keepManaged(om.Annotations, priorAnnotations, owned["f:annotations"], prior == nil),
		UID:         types.StringValue(string(om.UID)),
	}
}

// FlattenClusterMetadata is FlattenMetadata for cluster-scoped objects.
func FlattenClusterMetadata(om metav1.ObjectMeta, prior *ClusterMetadataModel, fieldManager string) ClusterMetadataModel {
	var p *MetadataModel
	if prior != nil {
		p = &MetadataModel{Labels: prior.Labels, Annotations: prior.Annotations}
	}
	m := FlattenMetadata(om, p, fieldManager)
	return ClusterMetadataModel{Name: m.Name, Labels: m.Labels, Annotations: m.Annotations, UID: m.UID}
}

// systemKeyPrefixes are label and annotation keys that controllers and
// clients write on their own; importing them would plan their removal.
var systemKeyPrefixes = []string{
	"scaledobject.keda.sh/",
	"scaledjob.keda.sh/",
	"kubectl.kubernetes.io/",
	"app.kubernetes.io/managed-by",
}

// pauseAnnotationPrefix starts the annotations that the paused* attributes
// stand for, so they never show in metadata.annotations too.
const pauseAnnotationPrefix = "autoscaling.keda.sh/paused"

func isSystemKey(k string) bool {
	for _, p := range systemKeyPrefixes {
		if strings.HasPrefix(k, p) {
			return true
		}
	}
	return false
}

func keepManaged(actual map[string]string, prior types.Map, owned map[string]bool, importing bool) types.Map {
	keep := map[string]attr.Value{}
	priorKeys := map[string]bool{}
	if !prior.IsNull() && !prior.IsUnknown() {
		for k := range prior.Elements() {
			priorKeys[k] = true
		}
	}
	for k, v := range actual {
		if strings.HasPrefix(k, pauseAnnotationPrefix) {
			continue
		}
		if priorKeys[k] || owned[k] || (importing && !isSystemKey(k)) {
			keep[k] = types.StringValue(v)
		}
	}
	// An empty map in the configuration (modules pass `{}` when the caller
	// gives none) writes nothing; reading it back as null would show as a
	// change on every plan.
	if len(keep) == 0 && (prior.IsNull() || prior.IsUnknown()) {
		return types.MapNull(types.StringType)
	}
	return types.MapValueMust(types.StringType, keep)
}

// ownedMetadataKeys returns, for "f:labels" and "f:annotations", the keys
// this provider's field manager owns.
func ownedMetadataKeys(entries []metav1.ManagedFieldsEntry, fieldManager string) map[string]map[string]bool {
	owned := map[string]map[string]bool{}
	for _, e := range entries {
		if e.Manager != fieldManager || e.Operation != metav1.ManagedFieldsOperationApply || e.FieldsV1 == nil {
			continue
		}
		var fields struct {
			Metadata map[string]map[string]json.RawMessage `json:"f:metadata"`
		}
		if err := json.Unmarshal(e.FieldsV1.GetRawBytes(), &fields); err != nil {
			continue
		}
		for section, keys := range fields.Metadata {
			if owned[section] == nil {
				owned[section] = map[string]bool{}
			}
			for k := range keys {
				if name, ok := strings.CutPrefix(k, "f:"); ok {
					owned[section][name] = true
				}
			}
		}
	}
	return owned
}

func stringMap(m types.Map) map[string]string {
	if m.IsNull() || m.IsUnknown() {
		return nil
	}
	out := make(map[string]string, len(m.Elements()))
	for k, v := range m.Elements() {
		if s, ok := v.(types.String); ok {
			out[k] = s.ValueString()
		}
	}
	return out
}

func mapValue(m map[string]string) types.Map {
	if len(m) == 0 {
		return types.MapNull(types.StringType)
	}
	elems := make(map[string]attr.Value, len(m))
	for k, v := range m {
		elems[k] = types.StringValue(v)
	}
	return types.MapValueMust(types.StringType, elems)
}
