package keda

import (
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/kedacore/keda/v2/apis/keda/v1alpha1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kedaml/terraform-provider-keda/internal/validators"
)

// FallbackBehaviors are KEDA's fallback behaviors.
var FallbackBehaviors = []string{
	v1alpha1.FallbackBehaviorStatic, v1alpha1.FallbackBehaviorCurrentReplicas,
	v1alpha1.FallbackBehaviorCurrentReplicasIfHigher, v1alpha1.FallbackBehaviorCurrentReplicasIfLower,
	v1alpha1.FallbackBehaviorScalingModifiers,
}

// SelectPolicies are the HPA behavior select policies.
var SelectPolicies = []autoscalingv2.ScalingPolicySelect{autoscalingv2.MaxChangePolicySelect, autoscalingv2.MinChangePolicySelect, autoscalingv2.DisabledPolicySelect}

// PolicyTypes are the HPA scaling policy types.
var PolicyTypes = []autoscalingv2.HPAScalingPolicyType{autoscalingv2.PodsScalingPolicy, autoscalingv2.PercentScalingPolicy}

// ScaledObjectSpecModel is everything of keda_ml_scaled_object but the
// metadata, id, status and timeouts.
type ScaledObjectSpecModel struct {
	ScaleTargetRef        *ScaleTargetRefModel `tfsdk:"scale_target_ref"`
	PollingInterval       types.Int64          `tfsdk:"polling_interval"`
	CooldownPeriod        types.Int64          `tfsdk:"cooldown_period"`
	InitialCooldownPeriod types.Int64          `tfsdk:"initial_cooldown_period"`
	IdleReplicaCount      types.Int64          `tfsdk:"idle_replica_count"`
	MinReplicaCount       types.Int64          `tfsdk:"min_replica_count"`
	MaxReplicaCount       types.Int64          `tfsdk:"max_replica_count"`
	Paused                types.Bool           `tfsdk:"paused"`
	PausedReplicas        types.Int64          `tfsdk:"paused_replicas"`
	PausedScaleIn         types.Bool           `tfsdk:"paused_scale_in"`
	PausedScaleOut        types.Bool           `tfsdk:"paused_scale_out"`
	Fallback              *FallbackModel       `tfsdk:"fallback"`
	Advanced              *AdvancedModel       `tfsdk:"advanced"`
	Trigger               []TriggerModel       `tfsdk:"trigger"`
	// TriggersUnknown says that the plan's trigger list is known only at
	// apply (a dynamic block over such a value): Trigger is then empty and
	// the checks that read the triggers skip.
	TriggersUnknown bool `tfsdk:"-"`
}

// ScaleTargetRefModel is the workload to scale.
type ScaleTargetRefModel struct {
	Name                   types.String `tfsdk:"name"`
	Kind                   types.String `tfsdk:"kind"`
	APIVersion             types.String `tfsdk:"api_version"`
	EnvSourceContainerName types.String `tfsdk:"env_source_container_name"`
}

// FallbackModel is KEDA's Fallback.
type FallbackModel struct {
	FailureThreshold types.Int64  `tfsdk:"failure_threshold"`
	Replicas         types.Int64  `tfsdk:"replicas"`
	Behavior         types.String `tfsdk:"behavior"`
}

// AdvancedModel is KEDA's AdvancedConfig.
type AdvancedModel struct {
	RestoreToOriginalReplicaCount types.Bool             `tfsdk:"restore_to_original_replica_count"`
	HPAConfig                     *HPAConfigModel        `tfsdk:"horizontal_pod_autoscaler_config"`
	ScalingModifiers              *ScalingModifiersModel `tfsdk:"scaling_modifiers"`
}

// HPAConfigModel is KEDA's HorizontalPodAutoscalerConfig.
type HPAConfigModel struct {
	Name     types.String   `tfsdk:"name"`
	Behavior *BehaviorModel `tfsdk:"behavior"`
}

// BehaviorModel is the HPA's scaling behavior.
type BehaviorModel struct {
	ScaleUp   *ScalingRulesModel `tfsdk:"scale_up"`
	ScaleDown *ScalingRulesModel `tfsdk:"scale_down"`
}

// ScalingRulesModel is one direction of the HPA's behavior.
type ScalingRulesModel struct {
	StabilizationWindowSeconds types.Int64          `tfsdk:"stabilization_window_seconds"`
	SelectPolicy               types.String         `tfsdk:"select_policy"`
	Tolerance                  types.String         `tfsdk:"tolerance"`
	Policy                     []ScalingPolicyModel `tfsdk:"policy"`
}

// ScalingPolicyModel is one HPA scaling policy.
type ScalingPolicyModel struct {
	Type          types.String `tfsdk:"type"`
	Value         types.Int64  `tfsdk:"value"`
	PeriodSeconds types.Int64  `tfsdk:"period_seconds"`
}

// ScalingModifiersModel is KEDA's ScalingModifiers.
type ScalingModifiersModel struct {
	Formula          types.String `tfsdk:"formula"`
	Target           types.String `tfsdk:"target"`
	ActivationTarget types.String `tfsdk:"activation_target"`
	MetricType       types.String `tfsdk:"metric_type"`
}

// optionalInt32 is an optional number that KEDA or Kubernetes stores in the
// 32-bit field `field`, from least up.
func optionalInt32(description, field string, least int32) schema.Int64Attribute {
	return schema.Int64Attribute{
		Optional:            true,
		MarkdownDescription: description,
		Validators:          []validator.Int64{validators.Int32AtLeast(field, least)},
	}
}

func optionalBool(description string) schema.BoolAttribute {
	return schema.BoolAttribute{Optional: true, MarkdownDescription: description}
}

// ScaledObjectSpecAttributes is the top-level attributes of the spec.
func ScaledObjectSpecAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"polling_interval": optionalInt32("Seconds between checks of each trigger (`spec.pollingInterval`, 1 or more). "+
			"Default: KEDA's (`30`).", "spec.pollingInterval", 1),
		"cooldown_period": optionalInt32("Seconds after the last active trigger before scaling to zero (`spec.cooldownPeriod`). "+
			"Default: KEDA's (`300`).", "spec.cooldownPeriod", 0),
		"initial_cooldown_period": optionalInt32("Seconds after creation before scaling to zero is allowed (`spec.initialCooldownPeriod`). "+
			"Default: KEDA's (`0`).", "spec.initialCooldownPeriod", 0),
		"idle_replica_count": optionalInt32("Replicas when no trigger is active (`spec.idleReplicaCount`); must be less than "+
			"`min_replica_count`, which must then be set. KEDA documents only `0`.", "spec.idleReplicaCount", 0),
		"min_replica_count": optionalInt32("Minimum replicas (`spec.minReplicaCount`). Default: KEDA's (`0`).", "spec.minReplicaCount", 0),
		"max_replica_count": optionalInt32("Maximum replicas (`spec.maxReplicaCount`, 1 to 2147483647). Default: KEDA's (`100`).",
			"spec.maxReplicaCount", 1),
		"paused": optionalBool("Pause autoscaling at the current replica count (annotation `autoscaling.keda.sh/paused`)."),
		"paused_replicas": optionalInt32("Pause autoscaling and hold this replica count (annotation "+
			"`autoscaling.keda.sh/paused-replicas`, which KEDA reads as a 32-bit number).", "autoscaling.keda.sh/paused-replicas", 0),
		"paused_scale_in":  optionalBool("Pause only scaling in (annotation `autoscaling.keda.sh/paused-scale-in`)."),
		"paused_scale_out": optionalBool("Pause only scaling out (annotation `autoscaling.keda.sh/paused-scale-out`)."),
	}
}

func scalingRulesBlock(direction, field string) schema.SingleNestedBlock {
	return schema.SingleNestedBlock{
		MarkdownDescription: "How the HPA scales " + direction + " (`" + field + "`).",
		Attributes: map[string]schema.Attribute{
			"stabilization_window_seconds": schema.Int64Attribute{
				Optional: true, MarkdownDescription: "Seconds of past recommendations considered (`stabilizationWindowSeconds`, 0–3600). " +
					"Default: Kubernetes' (`0` up, `300` down).",
				Validators: []validator.Int64{validators.Int32Field(field+".stabilizationWindowSeconds", 0, maxStabilizationWindowSeconds)},
			},
			"select_policy": optionalString("Which policy wins (`selectPolicy`): "+EnumDescription(SelectPolicies...)+". "+
				"Default: Kubernetes' (`Max`).", OneOf(SelectPolicies...)),
			"tolerance": optionalString("Tolerance on the ratio of current to desired metric value under which the HPA does not "+
				"scale (`tolerance`), a non-negative quantity such as `0.05` or `50m` (5%). Default: the cluster's (10%). "+
				"Needs the HPAConfigurableTolerance feature gate (beta, on by default since Kubernetes 1.35); "+
				"without it the API server leaves it out of the HPA.", validators.NonNegativeQuantity()),
		},
		Blocks: map[string]schema.Block{
			"policy": schema.ListNestedBlock{
				MarkdownDescription: "A limit on how fast replicas change (`policies`). Default: Kubernetes' policies.",
				NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{
					"type": requiredString("`Pods` or `Percent` (`policies[].type`).", OneOf(PolicyTypes...)),
					"value": schema.Int64Attribute{Required: true, MarkdownDescription: "Pods or percent per period (`value`, 1 or more).",
						Validators: []validator.Int64{validators.Int32AtLeast(field+".policies[].value", 1)}},
					"period_seconds": schema.Int64Attribute{Required: true, MarkdownDescription: "The period (`periodSeconds`), 1–1800 seconds.",
						Validators: []validator.Int64{validators.Int32Field(field+".policies[].periodSeconds", 1, maxPeriodSeconds)}},
				}},
			},
		},
	}
}

// The HPA's limits (k8s.io/kubernetes pkg/apis/autoscaling/validation
// MaxStabilizationWindowSeconds, MaxPeriodSeconds): KEDA copies the
// behavior into the HPA it creates, which the API server then refuses.
const (
	maxStabilizationWindowSeconds = 3600
	maxPeriodSeconds              = 1800
)

// ScaledObjectSpecBlocks is the spec's blocks.
func ScaledObjectSpecBlocks() map[string]schema.Block {
	return map[string]schema.Block{
		"scale_target_ref": schema.SingleNestedBlock{
			MarkdownDescription: "The workload to scale: a Deployment by default, or a StatefulSet or any resource with a `/scale` subresource.",
			Validators:          []validator.Object{objectRequired()},
			Attributes: map[string]schema.Attribute{
				"name":                      requiredString("Its name (`spec.scaleTargetRef.name`), in the ScaledObject's namespace.", validators.KubeName(validators.DNSSubdomain)),
				"kind":                      optionalString("Its kind. Default: KEDA's (`Deployment`)."),
				"api_version":               optionalString("Its API version, `group/version` or `version`. Default: KEDA's (`apps/v1`).", validators.GroupVersion()),
				"env_source_container_name": optionalString("Container whose environment `*_from_env` trigger parameters read. Default: the first."),
			},
		},
		"fallback": optionalBlock(schema.SingleNestedBlock{
			MarkdownDescription: "Replicas to run when a trigger keeps failing. Needs a trigger other than cpu/memory, or `advanced.scaling_modifiers`.",
			Attributes: map[string]schema.Attribute{
				"failure_threshold": schema.Int64Attribute{Optional: true, MarkdownDescription: "Required in this block. Consecutive failures before falling back (`spec.fallback.failureThreshold`).",
					Validators: []validator.Int64{validators.Int32AtLeast("spec.fallback.failureThreshold", 0)}},
				"replicas": schema.Int64Attribute{Optional: true, MarkdownDescription: "Required in this block. Replicas during fallback (`spec.fallback.replicas`).",
					Validators: []validator.Int64{validators.Int32AtLeast("spec.fallback.replicas", 0)}},
				"behavior": schema.StringAttribute{
					Optional: true, Computed: true, Default: stringdefault.StaticString(v1alpha1.FallbackBehaviorStatic),
					MarkdownDescription: "How `replicas` applies: " + EnumDescription(FallbackBehaviors...) + ". Default: `static` (the CRD's default).",
					Validators:          []validator.String{stringvalidator.OneOf(FallbackBehaviors...)},
				},
			},
		}, "failure_threshold", "replicas"),
		"advanced": schema.SingleNestedBlock{
			MarkdownDescription: "Advanced settings: the HPA KEDA creates, and scaling modifiers.",
			Attributes: map[string]schema.Attribute{
				"restore_to_original_replica_count": schema.BoolAttribute{
					Optional: true, Computed: true, Default: booldefault.StaticBool(false),
					MarkdownDescription: "On deletion, scale the target back to the replicas it had before KEDA. Default: `false`.",
				},
			},
			Blocks: map[string]schema.Block{
				"horizontal_pod_autoscaler_config": schema.SingleNestedBlock{
					MarkdownDescription: "The HPA KEDA manages.",
					Attributes: map[string]schema.Attribute{
						"name": optionalString("Its name. Default: `keda-hpa-<name>`.", validators.KubeName(validators.DNSSubdomain)),
					},
					Blocks: map[string]schema.Block{
						"behavior": schema.SingleNestedBlock{
							MarkdownDescription: "Scaling behavior, as `spec.behavior` of an HPA.",
							Blocks: map[string]schema.Block{
								"scale_up":   scalingRulesBlock("up", "behavior.scaleUp"),
								"scale_down": scalingRulesBlock("down", "behavior.scaleDown"),
							},
						},
					},
				},
				"scaling_modifiers": optionalBlock(schema.SingleNestedBlock{
					MarkdownDescription: "Combine named triggers with a formula into one composite metric.",
					Attributes: map[string]schema.Attribute{
						"formula":           requiredString("An expr-lang formula over trigger names (`spec.advanced.scalingModifiers.formula`), e.g. `(queue + latency) / 2`."),
						"target":            requiredString("Target of the composite metric (`spec.advanced.scalingModifiers.target`), a positive number."),
						"activation_target": optionalString("Activation target of the composite metric (`spec.advanced.scalingModifiers.activationTarget`), a number. Default: KEDA's (`0`).", validators.ParsesAsFloat()),
						"metric_type":       optionalString("`AverageValue` (default) or `Value` (`spec.advanced.scalingModifiers.metricType`).", OneOf(autoscalingv2.AverageValueMetricType, autoscalingv2.ValueMetricType)),
					},
				}),
			},
		},
		"trigger": TriggerBlock(),
	}
}

// TriggerContext of this ScaledObject.
func (m ScaledObjectSpecModel) TriggerContext(namespace string) TriggerContext {
	tc := TriggerContext{Namespace: namespace}
	if m.ScaleTargetRef != nil {
		tc.TargetName = m.ScaleTargetRef.Name.ValueString()
	}
	return tc
}

// Expand builds the ScaledObject the plan describes. It fails, writing
// nothing, on a number that its field cannot hold.
func (m ScaledObjectSpecModel) Expand(meta metav1.ObjectMeta) (*v1alpha1.ScaledObject, error) {
	var c conversion
	so := m.expand(meta, &c)
	return so, c.err
}

// expand is Expand with the conversion error left in c: plan-time checks
// read the object too, and a value out of range has its attribute error.
func (m ScaledObjectSpecModel) expand(meta metav1.ObjectMeta, c *conversion) *v1alpha1.ScaledObject {
	so := &v1alpha1.ScaledObject{
		TypeMeta:   metav1.TypeMeta{APIVersion: v1alpha1.GroupVersion.String(), Kind: "ScaledObject"},
		ObjectMeta: meta,
		Spec: v1alpha1.ScaledObjectSpec{
			PollingInterval:       c.int32Ptr(m.PollingInterval, "polling_interval"),
			CooldownPeriod:        c.int32Ptr(m.CooldownPeriod, "cooldown_period"),
			InitialCooldownPeriod: c.int32Ptr(m.InitialCooldownPeriod, "initial_cooldown_period"),
			IdleReplicaCount:      c.int32Ptr(m.IdleReplicaCount, "idle_replica_count"),
			MinReplicaCount:       c.int32Ptr(m.MinReplicaCount, "min_replica_count"),
			MaxReplicaCount:       c.int32Ptr(m.MaxReplicaCount, "max_replica_count"),
		},
	}
	if r := m.ScaleTargetRef; r != nil {
		so.Spec.ScaleTargetRef = &v1alpha1.ScaleTarget{
			Name: str(r.Name), Kind: str(r.Kind), APIVersion: str(r.APIVersion), EnvSourceContainerName: str(r.EnvSourceContainerName),
		}
	}
	setPauseAnnotations(&so.ObjectMeta, m, c)
	if f := m.Fallback; f != nil {
		so.Spec.Fallback = &v1alpha1.Fallback{
			FailureThreshold: c.int32(f.FailureThreshold, "fallback.failure_threshold"), Replicas: c.int32(f.Replicas, "fallback.replicas"),
			Behavior: str(f.Behavior),
		}
	}
	if a := m.Advanced; a != nil {
		adv := &v1alpha1.AdvancedConfig{RestoreToOriginalReplicaCount: a.RestoreToOriginalReplicaCount.ValueBool()}
		if h := a.HPAConfig; h != nil {
			adv.HorizontalPodAutoscalerConfig = &v1alpha1.HorizontalPodAutoscalerConfig{Name: str(h.Name)}
			if b := h.Behavior; b != nil {
				adv.HorizontalPodAutoscalerConfig.Behavior = &autoscalingv2.HorizontalPodAutoscalerBehavior{
					ScaleUp: b.ScaleUp.expand(c, "scale_up"), ScaleDown: b.ScaleDown.expand(c, "scale_down"),
				}
			}
		}
		if sm := a.ScalingModifiers; sm != nil {
			adv.ScalingModifiers = v1alpha1.ScalingModifiers{
				Formula: str(sm.Formula), Target: str(sm.Target), ActivationTarget: str(sm.ActivationTarget),
				MetricType: autoscalingv2.MetricTargetType(str(sm.MetricType)),
			}
		}
		so.Spec.Advanced = adv
	}
	tc := m.TriggerContext(meta.Namespace)
	for _, t := range m.Trigger {
		so.Spec.Triggers = append(so.Spec.Triggers, t.Expand(tc))
	}
	return so
}

func (r *ScalingRulesModel) expand(c *conversion, direction string) *autoscalingv2.HPAScalingRules {
	if r == nil {
		return nil
	}
	at := "advanced.horizontal_pod_autoscaler_config.behavior." + direction
	out := &autoscalingv2.HPAScalingRules{StabilizationWindowSeconds: c.int32Ptr(r.StabilizationWindowSeconds, at+".stabilization_window_seconds")}
	if !r.SelectPolicy.IsNull() && !r.SelectPolicy.IsUnknown() {
		sp := autoscalingv2.ScalingPolicySelect(r.SelectPolicy.ValueString())
		out.SelectPolicy = &sp
	}
	out.Tolerance = c.quantity(r.Tolerance, at+".tolerance")
	for _, p := range r.Policy {
		out.Policies = append(out.Policies, autoscalingv2.HPAScalingPolicy{
			Type: autoscalingv2.HPAScalingPolicyType(str(p.Type)), Value: c.int32(p.Value, at+".policy.value"),
			PeriodSeconds: c.int32(p.PeriodSeconds, at+".policy.period_seconds"),
		})
	}
	return out
}

// flattenScalingRules reads one direction back; prior keeps the configured
// spelling of an equal tolerance ("0.05" is read back as "50m").
func flattenScalingRules(r *autoscalingv2.HPAScalingRules, prior *ScalingRulesModel) *ScalingRulesModel {
	if r == nil {
		return nil
	}
	priorTolerance := types.StringNull()
	if prior != nil {
		priorTolerance = prior.Tolerance
	}
	out := &ScalingRulesModel{
		StabilizationWindowSeconds: fromInt32Ptr(r.StabilizationWindowSeconds), SelectPolicy: types.StringNull(),
		Tolerance: flattenQuantity(r.Tolerance, priorTolerance),
	}
	if r.SelectPolicy != nil {
		out.SelectPolicy = types.StringValue(string(*r.SelectPolicy))
	}
	for _, p := range r.Policies {
		out.Policy = append(out.Policy, ScalingPolicyModel{
			Type: types.StringValue(string(p.Type)), Value: types.Int64Value(int64(p.Value)), PeriodSeconds: types.Int64Value(int64(p.PeriodSeconds)),
		})
	}
	return out
}

func setPauseAnnotations(om *metav1.ObjectMeta, m ScaledObjectSpecModel, c *conversion) {
	set := func(k, v string) {
		if om.Annotations == nil {
			om.Annotations = map[string]string{}
		}
		om.Annotations[k] = v
	}
	if !m.Paused.IsNull() && !m.Paused.IsUnknown() {
		set(v1alpha1.PausedAnnotation, strconv.FormatBool(m.Paused.ValueBool()))
	}
	if n := c.int32Ptr(m.PausedReplicas, "paused_replicas"); n != nil {
		set(v1alpha1.PausedReplicasAnnotation, strconv.FormatInt(int64(*n), 10))
	}
	if !m.PausedScaleIn.IsNull() && !m.PausedScaleIn.IsUnknown() {
		set(v1alpha1.PausedScaleInAnnotation, strconv.FormatBool(m.PausedScaleIn.ValueBool()))
	}
	if !m.PausedScaleOut.IsNull() && !m.PausedScaleOut.IsUnknown() {
		set(v1alpha1.PausedScaleOutAnnotation, strconv.FormatBool(m.PausedScaleOut.ValueBool()))
	}
}

func annotationBool(a map[string]string, k string) types.Bool {
	v, ok := a[k]
	if !ok {
		return types.BoolNull()
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return types.BoolNull()
	}
	return types.BoolValue(b)
}

// FlattenScaledObjectSpec reads a ScaledObject back; prior is the prior
// state (nil on import).
func FlattenScaledObjectSpec(so *v1alpha1.ScaledObject, prior *ScaledObjectSpecModel) ScaledObjectSpecModel {
	s := so.Spec
	m := ScaledObjectSpecModel{
		PollingInterval:       fromInt32Ptr(s.PollingInterval),
		CooldownPeriod:        fromInt32Ptr(s.CooldownPeriod),
		InitialCooldownPeriod: fromInt32Ptr(s.InitialCooldownPeriod),
		IdleReplicaCount:      fromInt32Ptr(s.IdleReplicaCount),
		MinReplicaCount:       fromInt32Ptr(s.MinReplicaCount),
		MaxReplicaCount:       fromInt32Ptr(s.MaxReplicaCount),
		Paused:                annotationBool(so.Annotations, v1alpha1.PausedAnnotation),
		PausedReplicas:        types.Int64Null(),
		PausedScaleIn:         annotationBool(so.Annotations, v1alpha1.PausedScaleInAnnotation),
		PausedScaleOut:        annotationBool(so.Annotations, v1alpha1.PausedScaleOutAnnotation),
	}
	if v, ok := so.Annotations[v1alpha1.PausedReplicasAnnotation]; ok {
		if n, err := strconv.ParseInt(v, 10, 32); err == nil {
			m.PausedReplicas = types.Int64Value(n)
		}
	}
	if r := s.ScaleTargetRef; r != nil {
		m.ScaleTargetRef = &ScaleTargetRefModel{
			Name: fromStr(r.Name), Kind: fromStr(r.Kind), APIVersion: fromStr(r.APIVersion), EnvSourceContainerName: fromStr(r.EnvSourceContainerName),
		}
	}
	if f := s.Fallback; f != nil {
		m.Fallback = &FallbackModel{
			FailureThreshold: types.Int64Value(int64(f.FailureThreshold)), Replicas: types.Int64Value(int64(f.Replicas)), Behavior: fromStr(f.Behavior),
		}
	}
	if a := s.Advanced; a != nil {
		adv := &AdvancedModel{RestoreToOriginalReplicaCount: types.BoolValue(a.RestoreToOriginalReplicaCount)}
		if h := a.HorizontalPodAutoscalerConfig; h != nil {
			adv.HPAConfig = &HPAConfigModel{Name: fromStr(h.Name)}
			if b := h.Behavior; b != nil {
				var priorUp, priorDown *ScalingRulesModel
				if pb := priorBehavior(prior); pb != nil {
					priorUp, priorDown = pb.ScaleUp, pb.ScaleDown
				}
				adv.HPAConfig.Behavior = &BehaviorModel{ScaleUp: flattenScalingRules(b.ScaleUp, priorUp), ScaleDown: flattenScalingRules(b.ScaleDown, priorDown)}
			}
		}
		if sm := a.ScalingModifiers; sm != (v1alpha1.ScalingModifiers{}) {
			adv.ScalingModifiers = &ScalingModifiersModel{
				Formula: fromStr(sm.Formula), Target: fromStr(sm.Target), ActivationTarget: fromStr(sm.ActivationTarget), MetricType: fromStr(string(sm.MetricType)),
			}
		}
		m.Advanced = adv
	}
	tc := m.TriggerContext(so.Namespace)
	for i, kt := range s.Triggers {
		var p *TriggerModel
		if prior != nil && i < len(prior.Trigger) {
			p = &prior.Trigger[i]
		}
		m.Trigger = append(m.Trigger, FlattenTrigger(kt, p, tc))
	}
	return m
}

func priorBehavior(prior *ScaledObjectSpecModel) *BehaviorModel {
	if prior == nil || prior.Advanced == nil || prior.Advanced.HPAConfig == nil {
		return nil
	}
	return prior.Advanced.HPAConfig.Behavior
}

// HPAName is the name of the HPA KEDA creates for the ScaledObject.
func (m ScaledObjectSpecModel) HPAName(name string) string {
	if a := m.Advanced; a != nil && a.HPAConfig != nil && !a.HPAConfig.Name.IsNull() {
		return a.HPAConfig.Name.ValueString()
	}
	return "keda-hpa-" + name
}
