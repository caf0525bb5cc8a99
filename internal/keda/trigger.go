package keda

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/kedacore/keda/v2/apis/keda/v1alpha1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"

	"github.com/kedaml/terraform-provider-keda/internal/validators"
)

// MetricTypes are the HPA target types a trigger can use.
var MetricTypes = []autoscalingv2.MetricTargetType{
	autoscalingv2.AverageValueMetricType,
	autoscalingv2.ValueMetricType,
	autoscalingv2.UtilizationMetricType,
}

// AuthRefKinds are the kinds an authentication_ref can name.
var AuthRefKinds = []string{"TriggerAuthentication", "ClusterTriggerAuthentication"}

// typedTriggers are the typed blocks of a trigger; exactly one of them, or
// `type`, is set.
var typedTriggers = []string{"rabbitmq", "cpu", "memory", "prometheus", "gpu"}

// TriggerModel is one `trigger` block.
type TriggerModel struct {
	Name              types.String     `tfsdk:"name"`
	UseCachedMetrics  types.Bool       `tfsdk:"use_cached_metrics"`
	AuthenticationRef *AuthRefModel    `tfsdk:"authentication_ref"`
	RabbitMQ          *RabbitMQModel   `tfsdk:"rabbitmq"`
	CPU               *ResourceModel   `tfsdk:"cpu"`
	Memory            *ResourceModel   `tfsdk:"memory"`
	Prometheus        *PrometheusModel `tfsdk:"prometheus"`
	GPU               *GPUModel        `tfsdk:"gpu"`
	Type              types.String     `tfsdk:"type"`
	Metadata          types.Map        `tfsdk:"metadata"`
	MetricType        types.String     `tfsdk:"metric_type"`
}

// AuthRefModel points a trigger at a (Cluster)TriggerAuthentication.
type AuthRefModel struct {
	Name types.String `tfsdk:"name"`
	Kind types.String `tfsdk:"kind"`
}

// TriggerContext is what a trigger needs to know about the object it
// belongs to.
type TriggerContext struct {
	Namespace  string
	TargetName string
}

// TriggerBlock is the schema of `trigger`, shared by ScaledObject and
// ScaledJob.
func TriggerBlock() schema.ListNestedBlock {
	return schema.ListNestedBlock{
		MarkdownDescription: "A scaler. Each holds exactly one of `rabbitmq`, `cpu`, `memory`, `prometheus`, `gpu`, " +
			"or `type` + `metadata` for any other KEDA scaler. Order is kept.",
		Validators: []validator.List{listvalidator.IsRequired(), listvalidator.SizeAtLeast(1)},
		NestedObject: schema.NestedBlockObject{
			// On the object rather than path-matching validators on each
			// attribute: those walk the whole configuration for every
			// trigger, a large share of the time to plan hundreds of objects.
			Validators: []validator.Object{validators.ExactlyOneChild(append(slices.Clone(typedTriggers), "type")...)},
			Attributes: map[string]schema.Attribute{
				"name": optionalString("KEDA trigger name; needed to refer to the trigger in a scaling modifier formula. Must be unique."),
				"use_cached_metrics": schema.BoolAttribute{
					Optional: true, Computed: true, Default: booldefault.StaticBool(false),
					MarkdownDescription: "Serve the HPA from KEDA's metric cache (refreshed every polling interval). " +
						"Not supported for `cpu` and `memory`. Default: `false`.",
				},
				"type": optionalString("Any other KEDA scaler, e.g. `kafka` or `cron`, written as-is with `metadata`. "+
					"Use the typed blocks for the scalers that have one.",
					stringvalidator.NoneOf(typedTriggers...),
					stringvalidator.AlsoRequires(path.MatchRelative().AtParent().AtName("metadata"))),
				"metadata": schema.MapAttribute{
					Optional:            true,
					ElementType:         types.StringType,
					MarkdownDescription: "The scaler's metadata, with `type`.",
					Validators:          []validator.Map{mapvalidator.AlsoRequires(path.MatchRelative().AtParent().AtName("type"))},
				},
				"metric_type": optionalString("HPA target type: "+EnumDescription(MetricTypes...)+". "+
					"Default: KEDA's (`AverageValue` for most scalers). Not for `cpu`, `memory` and `gpu`, which set it themselves.",
					OneOf(MetricTypes...)),
			},
			Blocks: map[string]schema.Block{
				"authentication_ref": optionalBlock(schema.SingleNestedBlock{
					MarkdownDescription: "The TriggerAuthentication (or ClusterTriggerAuthentication) that supplies the trigger's secrets.",
					Attributes: map[string]schema.Attribute{
						"name": requiredString("Its name."),
						"kind": optionalString("`TriggerAuthentication` (default) or `ClusterTriggerAuthentication`.",
							stringvalidator.OneOf(AuthRefKinds...)),
					},
				}),
				"rabbitmq":   rabbitMQBlock(),
				"cpu":        resourceBlock("cpu"),
				"memory":     resourceBlock("memory"),
				"prometheus": prometheusBlock(),
				"gpu":        gpuBlock(),
			},
		},
	}
}

// ExpandTrigger converts one trigger block into KEDA's trigger.
func (t TriggerModel) Expand(tc TriggerContext) v1alpha1.ScaleTriggers {
	out := v1alpha1.ScaleTriggers{
		Name:             str(t.Name),
		UseCachedMetrics: t.UseCachedMetrics.ValueBool(),
		MetricType:       autoscalingv2.MetricTargetType(str(t.MetricType)),
	}
	if r := t.AuthenticationRef; r != nil {
		out.AuthenticationRef = &v1alpha1.AuthenticationRef{Name: str(r.Name), Kind: str(r.Kind)}
	}
	switch {
	case t.RabbitMQ != nil:
		out.Type, out.Metadata = "rabbitmq", t.RabbitMQ.metadata()
	case t.CPU != nil:
		out.Type, out.Metadata, out.MetricType = "cpu", t.CPU.metadata(), t.CPU.metricType()
	case t.Memory != nil:
		out.Type, out.Metadata, out.MetricType = "memory", t.Memory.metadata(), t.Memory.metricType()
	case t.Prometheus != nil:
		out.Type, out.Metadata = "prometheus", t.Prometheus.metadata()
	case t.GPU != nil:
		out.Type, out.Metadata, out.MetricType = "prometheus", t.GPU.metadata(tc), autoscalingv2.AverageValueMetricType
	default:
		out.Type, out.Metadata = str(t.Type), stringMap(t.Metadata)
	}
	if out.Metadata == nil {
		out.Metadata = map[string]string{}
	}
	return out
}

// FlattenTrigger converts KEDA's trigger back. prior is the trigger at the
// same position in the prior state, if any: it tells a gpu trigger from a
// plain prometheus one.
func FlattenTrigger(kt v1alpha1.ScaleTriggers, prior *TriggerModel, tc TriggerContext) TriggerModel {
	t := TriggerModel{
		Name:             fromStr(kt.Name),
		UseCachedMetrics: types.BoolValue(kt.UseCachedMetrics),
		Type:             types.StringNull(),
		Metadata:         types.MapNull(types.StringType),
		MetricType:       fromStr(string(kt.MetricType)),
	}
	if r := kt.AuthenticationRef; r != nil {
		t.AuthenticationRef = &AuthRefModel{Name: fromStr(r.Name), Kind: fromStr(r.Kind)}
	}
	generic := func() TriggerModel {
		t.Type, t.Metadata = fromStr(kt.Type), mapValue(kt.Metadata)
		return t
	}
	switch kt.Type {
	case "rabbitmq":
		m, ok := flattenRabbitMQ(kt.Metadata)
		if !ok {
			return generic()
		}
		t.RabbitMQ = m
	case "cpu", "memory":
		m, ok := flattenResource(kt.Metadata, kt.MetricType)
		if !ok {
			return generic()
		}
		t.MetricType = types.StringNull()
		if kt.Type == "cpu" {
			t.CPU = m
		} else {
			t.Memory = m
		}
	case "prometheus":
		var priorGPU *GPUModel
		if prior != nil {
			priorGPU = prior.GPU
		}
		if kt.MetricType == autoscalingv2.AverageValueMetricType {
			if g, ok := flattenGPU(kt.Metadata, priorGPU, tc); ok {
				t.GPU, t.MetricType = g, types.StringNull()
				return t
			}
		}
		m, ok := flattenPrometheus(kt.Metadata)
		if !ok {
			return generic()
		}
		t.Prometheus = m
	default:
		return generic()
	}
	return t
}

// ValidateTrigger checks one trigger offline; at is its path.
func (t TriggerModel) Validate(at path.Path, tc TriggerContext, forJob bool) diag.Diagnostics {
	var diags diag.Diagnostics
	switch {
	case t.CPU != nil || t.Memory != nil:
		name := "cpu"
		if t.Memory != nil {
			name = "memory"
		}
		if forJob {
			diags.AddAttributeError(at.AtName(name), "Trigger not supported for ScaledJobs",
				fmt.Sprintf("Attribute %s: KEDA cannot scale jobs on %s; use a queue or metrics trigger.", at.AtName(name), name))
		}
		if !t.MetricType.IsNull() {
			diags.AddAttributeError(at.AtName("metric_type"), "metric_type set by the trigger",
				fmt.Sprintf("Attribute %s: %s triggers choose their metric type from `utilization` or `average_value`; remove metric_type.", at.AtName("metric_type"), name))
		}
	case t.GPU != nil:
		if !t.MetricType.IsNull() {
			diags.AddAttributeError(at.AtName("metric_type"), "metric_type set by the trigger",
				fmt.Sprintf("Attribute %s: gpu triggers always use AverageValue so that replicas follow total GPU load / target; remove metric_type.", at.AtName("metric_type")))
		}
		diags.Append(t.GPU.validate(at.AtName("gpu"), tc)...)
		diags.Append(requireAuthRefForModes(at.AtName("gpu"), t.GPU.AuthModes, t.AuthenticationRef != nil)...)
	case t.RabbitMQ != nil:
		diags.Append(t.RabbitMQ.validate(at.AtName("rabbitmq"), t.AuthenticationRef != nil)...)
	case t.Prometheus != nil:
		diags.Append(t.Prometheus.validate(at.AtName("prometheus"))...)
		diags.Append(requireAuthRefForModes(at.AtName("prometheus"), t.Prometheus.AuthModes, t.AuthenticationRef != nil)...)
	}
	return diags
}

func formatFloat(v types.Float64) string {
	return strconv.FormatFloat(v.ValueFloat64(), 'f', -1, 64)
}

// metadataReader reads trigger metadata back into typed values. ok turns
// false at the first value the typed block cannot represent exactly, so that
// the trigger is shown untyped rather than misread.
type metadataReader struct {
	m  map[string]string
	ok bool
}

func newMetadataReader(m map[string]string) *metadataReader {
	return &metadataReader{m: m, ok: true}
}

// str reads a string; an empty one, which the provider never writes (the
// schema rejects ""), cannot be shown typed.
func (r *metadataReader) str(key string) types.String {
	v, present := r.m[key]
	if present && v == "" {
		r.ok = false
	}
	return fromStr(v)
}

func (r *metadataReader) float(key string) types.Float64 {
	v, present := r.m[key]
	if !present {
		return types.Float64Null()
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || formatFloat(types.Float64Value(f)) != v {
		r.ok = false
		return types.Float64Null()
	}
	return types.Float64Value(f)
}

func (r *metadataReader) int(key string) types.Int64 {
	v, present := r.m[key]
	if !present {
		return types.Int64Null()
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || strconv.FormatInt(n, 10) != v {
		r.ok = false
		return types.Int64Null()
	}
	return types.Int64Value(n)
}

// flag reads a flag the provider writes only as "true".
func (r *metadataReader) flag(key string) types.Bool {
	v, present := r.m[key]
	if present && v != "true" {
		r.ok = false
	}
	return types.BoolValue(present && v == "true")
}

// optionalBool reads a bool the provider writes as "true" or "false".
func (r *metadataReader) optionalBool(key string) types.Bool {
	v, present := r.m[key]
	switch {
	case !present:
		return types.BoolNull()
	case v == "true" || v == "false":
		return types.BoolValue(v == "true")
	default:
		r.ok = false
		return types.BoolNull()
	}
}

// keyValues reads KEDA's "k1=v1,k2=v2".
func (r *metadataReader) keyValues(key string) types.Map {
	s, present := r.m[key]
	if !present {
		return types.MapNull(types.StringType)
	}
	out := map[string]string{}
	for _, kv := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			r.ok = false
			return types.MapNull(types.StringType)
		}
		out[k] = v
	}
	m := mapValue(out)
	if joinMap(m) != s {
		// Spaces, duplicate keys or another order: not what the provider
		// would write.
		r.ok = false
		return types.MapNull(types.StringType)
	}
	return m
}

func setBool(m map[string]string, key string, v types.Bool) {
	if v.ValueBool() {
		m[key] = "true"
	}
}

func setString(m map[string]string, key string, v types.String) {
	if !v.IsNull() && !v.IsUnknown() {
		m[key] = v.ValueString()
	}
}

func setFloat(m map[string]string, key string, v types.Float64) {
	if !v.IsNull() && !v.IsUnknown() {
		m[key] = formatFloat(v)
	}
}

// onlyKeys reports whether m has no key outside allowed: a key the typed
// block cannot express means the trigger must be shown untyped.
func onlyKeys(m map[string]string, allowed ...string) bool {
	for k := range m {
		if !slices.Contains(allowed, k) {
			return false
		}
	}
	return true
}

// joinMap writes a map as KEDA's "k1=v1,k2=v2", keys sorted.
func joinMap(m types.Map) string {
	sm := stringMap(m)
	keys := make([]string, 0, len(sm))
	for k := range sm {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + sm[k]
	}
	return strings.Join(parts, ",")
}
