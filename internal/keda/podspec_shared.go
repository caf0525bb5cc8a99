package keda

import (
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	corev1 "k8s.io/api/core/v1"
	kresource "k8s.io/apimachinery/pkg/api/resource"
)

// The pod-spec pieces the ScaledJob's template and keda_installation's
// Deployments both have: one schema, one conversion, one set of checks for
// tolerations and resources; one model and conversion for env, volumes and
// their mounts (the installation's schema for them is its own: it offers
// what KEDA's chart does, and names upstream's volumes it must not reuse).

// TolerationBlock is a pod's list of tolerations.
func TolerationBlock(description string) schema.ListNestedBlock {
	return schema.ListNestedBlock{
		MarkdownDescription: description,
		NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{
			"key":                optionalString("Taint key (`tolerations[].key`). Default: none, which with `Exists` matches every taint."),
			"operator":           optionalString("`Exists` or `Equal` (default) (`tolerations[].operator`).", OneOf(TolerationOperators...)),
			"value":              optionalString("Taint value, with `Equal` (`tolerations[].value`)."),
			"effect":             optionalString("`NoSchedule`, `PreferNoSchedule` or `NoExecute` (`tolerations[].effect`); default: all.", OneOf(TaintEffects...)),
			"toleration_seconds": schema.Int64Attribute{Optional: true, MarkdownDescription: "With `NoExecute`: seconds the pod stays after the taint appears (`tolerations[].tolerationSeconds`). Default: forever."},
		}},
	}
}

// ResourcesBlock is a container's requests and limits.
func ResourcesBlock(description string) schema.SingleNestedBlock {
	return schema.SingleNestedBlock{
		MarkdownDescription: description,
		Attributes: map[string]schema.Attribute{
			"limits":   quantityMap("Limits (`resources.limits`). Default: none."),
			"requests": quantityMap("Requests (`resources.requests`). Default: the limits, where set."),
		},
	}
}

// Expand is the toleration as the pod spec holds it.
func (t TolerationModel) Expand() corev1.Toleration {
	return corev1.Toleration{
		Key: str(t.Key), Operator: corev1.TolerationOperator(str(t.Operator)), Value: str(t.Value),
		Effect: corev1.TaintEffect(str(t.Effect)), TolerationSeconds: int64Ptr(t.TolerationSeconds),
	}
}

// FlattenToleration is the model of a pod spec's toleration.
func FlattenToleration(t corev1.Toleration) TolerationModel {
	return TolerationModel{
		Key: fromStr(t.Key), Operator: fromStr(string(t.Operator)), Value: fromStr(t.Value),
		Effect: fromStr(string(t.Effect)), TolerationSeconds: fromInt64Ptr(t.TolerationSeconds),
	}
}

// Expand is the requirements as the container holds them; nil for no
// block. Values that are not quantities are left out: the quantity
// validator has refused them at plan.
func (r *ResourcesModel) Expand() *corev1.ResourceRequirements {
	if r == nil {
		return nil
	}
	quantities := func(m map[string]string) corev1.ResourceList {
		if len(m) == 0 {
			return nil
		}
		out := corev1.ResourceList{}
		for k, v := range m {
			if q, err := kresource.ParseQuantity(v); err == nil {
				out[corev1.ResourceName(k)] = q
			}
		}
		return out
	}
	return &corev1.ResourceRequirements{Limits: quantities(stringMap(r.Limits)), Requests: quantities(stringMap(r.Requests))}
}

// Expand is the volume as a pod spec holds it. A size_limit that is not a
// quantity, which the schema refuses at plan, is left out.
func (v VolumeModel) Expand() corev1.Volume { return v.expand(&conversion{}, "") }

// Expand is the variable as a container holds it.
func (e EnvModel) Expand() corev1.EnvVar {
	env := corev1.EnvVar{Name: str(e.Name), Value: str(e.Value)}
	if vf := e.ValueFrom; vf != nil {
		env.ValueFrom = &corev1.EnvVarSource{}
		if r := vf.SecretKeyRef; r != nil {
			env.ValueFrom.SecretKeyRef = &corev1.SecretKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: str(r.Name)}, Key: str(r.Key)}
		}
		if r := vf.ConfigMapKeyRef; r != nil {
			env.ValueFrom.ConfigMapKeyRef = &corev1.ConfigMapKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: str(r.Name)}, Key: str(r.Key)}
		}
		if r := vf.FieldRef; r != nil {
			env.ValueFrom.FieldRef = &corev1.ObjectFieldSelector{FieldPath: str(r.FieldPath)}
		}
	}
	return env
}

// Expand is the mount as a container holds it.
func (m VolumeMountModel) Expand() corev1.VolumeMount {
	return corev1.VolumeMount{Name: str(m.Name), MountPath: str(m.MountPath), SubPath: str(m.SubPath), ReadOnly: m.ReadOnly.ValueBool()}
}

// ValidateTolerations checks each toleration as the API server checks a
// pod's (ValidateTolerations); suffix ends each message with what the
// refusal breaks.
func ValidateTolerations(ts []TolerationModel, at path.Path, suffix string) diag.Diagnostics {
	var diags diag.Diagnostics
	for i, t := range ts {
		diags.Append(validateToleration(t, at.AtListIndex(i), suffix)...)
	}
	return diags
}
