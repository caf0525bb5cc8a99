package keda

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
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
			"or `type` + `metadata` for any KEDA scaler (those with a typed block too, for what the block cannot hold). Order is kept.",
		Validators: []validator.List{listvalidator.IsRequired(), listvalidator.SizeAtLeast(1)},
		NestedObject: schema.NestedBlockObject{
			// On the object rather than path-matching validators on each
			// attribute: those walk the whole configuration for every
			// trigger, a large share of the time to plan hundreds of objects.
			Validators: []validator.Object{validators.ExactlyOneChild(append(slices.Clone(typedTriggers), "type")...)},
			Attributes: map[string]schema.Attribute{
				"name": optionalString("KEDA trigger name (`triggers[].name`); needed to refer to the trigger in a scaling modifier formula. Must be unique."),
				"use_cached_metrics": schema.BoolAttribute{
					Optional: true, Computed: true, Default: booldefault.StaticBool(false),
					MarkdownDescription: "Serve the HPA from KEDA's metric cache (refreshed every polling interval). " +
						"Not supported for `cpu`, `memory` and `cron`. Default: `false`.",
				},
				"type": optionalString("Any KEDA scaler, e.g. `kafka` or `cron`, written as-is with `metadata`. "+
					"Typed scalers can be written this way too, for what their block cannot hold (e.g. `prometheus` with "+
					"`awsRegion`); the plan warns when the typed block would do.",
					stringvalidator.AlsoRequires(path.MatchRelative().AtParent().AtName("metadata"))),
				"metadata": schema.MapAttribute{
					Optional:    true,
					ElementType: types.StringType,
					MarkdownDescription: "The scaler's metadata, with `type`, exactly as KEDA reads it. For `rabbitmq`, " +
						"`prometheus`, `cpu` and `memory` the plan checks it the way KEDA parses it.",
					Validators: []validator.Map{mapvalidator.AlsoRequires(path.MatchRelative().AtParent().AtName("type"))},
				},
				"metric_type": optionalString("HPA target type (KEDA's `metricType`): " + EnumDescription(MetricTypes...) + ". " +
					"Default: KEDA's (`AverageValue`). `Utilization` is for `cpu` and `memory` only, which set it themselves, " +
					"as does `gpu`; ScaledJobs use `AverageValue` targets only."),
			},
			Blocks: map[string]schema.Block{
				"authentication_ref": optionalBlock(schema.SingleNestedBlock{
					MarkdownDescription: "The TriggerAuthentication (or ClusterTriggerAuthentication) that supplies the trigger's secrets.",
					Attributes: map[string]schema.Attribute{
						"name": requiredString("Its name (`triggers[].authenticationRef.name`)."),
						"kind": optionalString("`TriggerAuthentication` (default) or `ClusterTriggerAuthentication` (`triggers[].authenticationRef.kind`).",
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

// Expand converts one trigger block into KEDA's trigger.
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

// block is the name of the trigger's typed block, "" for `type` + `metadata`.
func (t TriggerModel) block() string {
	switch {
	case t.RabbitMQ != nil:
		return "rabbitmq"
	case t.CPU != nil:
		return "cpu"
	case t.Memory != nil:
		return "memory"
	case t.Prometheus != nil:
		return "prometheus"
	case t.GPU != nil:
		return "gpu"
	}
	return ""
}

// FlattenTrigger converts KEDA's trigger back. prior is the trigger at the
// same position in the prior state, nil on import.
//
// A prior that KEDA reads exactly as the cluster's trigger stands as it is,
// so that a value spelled differently on the cluster ("100.50" for 100.5,
// "1000" for "1s", "a=1, b=2") is no change, while any change KEDA would see
// is. Otherwise the trigger keeps the prior's form (typed block or `type` +
// `metadata`); on import it is typed whenever a typed block represents what
// KEDA reads and passes the block's validation, and untyped otherwise.
func FlattenTrigger(kt v1alpha1.ScaleTriggers, prior *TriggerModel, tc TriggerContext) TriggerModel {
	if prior != nil {
		// Most refreshes find exactly what the provider wrote.
		if p := prior.Expand(tc); sameTriggerExactly(p, kt) || sameKEDATrigger(p, kt) {
			return *prior
		}
	}
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
	generic := t
	// KEDA's metadata is never omitted, so an empty map stays an empty map:
	// `type` without `metadata` does not plan.
	generic.Type, generic.Metadata = fromStr(kt.Type), mapValueOrEmpty(kt.Metadata)
	if prior != nil && prior.block() == "" {
		return generic
	}
	typed, ok := flattenTyped(kt, t, prior, tc)
	if !ok || !sameKEDATrigger(typed.Expand(tc), kt) || (prior == nil && !typed.validConfig()) {
		return generic
	}
	return typed
}

// flattenTyped reads a trigger into the typed block of its type (the gpu
// block when the prior had one, or for a query the gpu block generates).
func flattenTyped(kt v1alpha1.ScaleTriggers, t TriggerModel, prior *TriggerModel, tc TriggerContext) (TriggerModel, bool) {
	switch kt.Type {
	case "rabbitmq":
		m, ok := flattenRabbitMQ(kt.Metadata)
		t.RabbitMQ = m
		return t, ok
	case "cpu", "memory":
		m, ok := flattenResource(kt.Metadata, kt.MetricType)
		t.MetricType = types.StringNull()
		if kt.Type == "cpu" {
			t.CPU = m
		} else {
			t.Memory = m
		}
		return t, ok
	case "prometheus":
		var priorGPU *GPUModel
		if prior != nil {
			priorGPU = prior.GPU
		}
		if kt.MetricType == autoscalingv2.AverageValueMetricType && (prior == nil || priorGPU != nil) {
			if g, ok := flattenGPU(kt.Metadata, priorGPU, tc); ok {
				t.GPU, t.MetricType = g, types.StringNull()
				return t, true
			}
		}
		m, ok := flattenPrometheus(kt.Metadata)
		t.Prometheus = m
		return t, ok
	}
	return t, false
}

// sameTriggerExactly reports whether two triggers are spelled alike.
func sameTriggerExactly(a, b v1alpha1.ScaleTriggers) bool {
	return a.Type == b.Type && a.Name == b.Name && a.MetricType == b.MetricType && a.UseCachedMetrics == b.UseCachedMetrics &&
		sameAuthRef(a.AuthenticationRef, b.AuthenticationRef) && maps.Equal(a.Metadata, b.Metadata)
}

// sameKEDATrigger reports whether KEDA reads two triggers identically.
func sameKEDATrigger(a, b v1alpha1.ScaleTriggers) bool {
	if a.Type != b.Type || a.Name != b.Name || a.MetricType != b.MetricType || a.UseCachedMetrics != b.UseCachedMetrics ||
		!sameAuthRef(a.AuthenticationRef, b.AuthenticationRef) {
		return false
	}
	s, typed := kedaScalers[a.Type]
	if !typed {
		return maps.Equal(a.Metadata, b.Metadata)
	}
	if a.Type == "cpu" || a.Type == "memory" {
		return sameResourceMetadata(a.Metadata, b.Metadata, a.MetricType)
	}
	return s.sameKEDAValue(a.Metadata, b.Metadata)
}

func sameAuthRef(a, b *v1alpha1.AuthenticationRef) bool {
	if a == nil || b == nil {
		return a == b
	}
	kind := func(k string) string {
		if k == "" {
			return "TriggerAuthentication"
		}
		return k
	}
	return a.Name == b.Name && kind(a.Kind) == kind(b.Kind)
}

// Validate checks one trigger offline; at is its path. Warnings name what
// KEDA ignores or what a typed block would write better.
func (t TriggerModel) Validate(at path.Path, tc TriggerContext, forJob bool) diag.Diagnostics {
	var diags diag.Diagnostics
	block := t.block()
	switch block {
	case "cpu", "memory":
		if !t.MetricType.IsNull() {
			diags.AddAttributeError(at.AtName("metric_type"), "metric_type set by the trigger",
				fmt.Sprintf("Attribute %s: %s triggers choose their metric type from `utilization` or `average_value`; remove metric_type.", at.AtName("metric_type"), block))
		}
	case "gpu":
		if !t.MetricType.IsNull() {
			diags.AddAttributeError(at.AtName("metric_type"), "metric_type set by the trigger",
				fmt.Sprintf("Attribute %s: gpu triggers always use AverageValue so that replicas follow total GPU load / target; remove metric_type.", at.AtName("metric_type")))
		}
	}
	unknown := t.unknownKeys()
	if unknown[allKeys] {
		return diags
	}
	kt := t.Expand(tc)
	in := ruleInput{kt: kt, hasAuthRef: t.AuthenticationRef != nil, forJob: forJob, name: t.keyName, unknown: unknown}
	for _, f := range triggerRules(in) {
		p := t.findingPath(at, f.key)
		detail := fmt.Sprintf("Attribute %s: %s", p, f.detail)
		if f.warning {
			diags.AddAttributeWarning(p, f.summary, detail)
		} else {
			diags.AddAttributeError(p, f.summary, detail)
		}
	}
	if block == "" && len(unknown) == 0 {
		if typed := FlattenTrigger(kt, nil, tc); typed.block() != "" {
			diags.AddAttributeWarning(at.AtName("type"), "A typed block would hold this trigger",
				fmt.Sprintf("Attribute %s: the `%s` block writes the same KEDA trigger, with its values checked and documented; "+
					"consider `%s { ... }` instead of type + metadata.", at.AtName("type"), typed.block(), typed.block()))
		}
	}
	return diags
}

// keyName spells a metadata key the way the trigger's configuration does.
func (t TriggerModel) keyName(key string) string {
	if key == metricTypeKey {
		return "metric_type"
	}
	if attr, ok := t.blockAttr(key); ok {
		return attr
	}
	if t.block() == "" {
		return fmt.Sprintf("metadata[%q]", key)
	}
	return key
}

// blockAttr is the attribute of the typed block that writes metadata key.
func (t TriggerModel) blockAttr(key string) (string, bool) {
	var keys []blockKey
	switch t.block() {
	case "rabbitmq":
		keys = rabbitMQBlockKeys
	case "prometheus":
		keys = prometheusBlockKeys
	case "gpu":
		keys = gpuBlockKeys
	case "cpu", "memory":
		r := t.CPU
		if r == nil {
			r = t.Memory
		}
		keys = resourceBlockKeys(r)
	}
	for _, k := range keys {
		if k.key == key {
			return k.attr, true
		}
	}
	return "", false
}

// findingPath is the attribute a finding about metadata key belongs to.
func (t TriggerModel) findingPath(at path.Path, key string) path.Path {
	switch {
	case key == metricTypeKey:
		if block := t.block(); block == "cpu" || block == "memory" || block == "gpu" {
			return at.AtName(block)
		}
		return at.AtName("metric_type")
	case t.block() == "":
		if key == "" {
			return at.AtName("type")
		}
		if _, ok := stringMap(t.Metadata)[key]; ok {
			return at.AtName("metadata").AtMapKey(key)
		}
		return at.AtName("metadata")
	}
	if attr, ok := t.blockAttr(key); ok {
		return at.AtName(t.block()).AtName(attr)
	}
	return at.AtName(t.block())
}

// unknownKeys are the metadata keys whose values are not known yet, with
// allKeys when none can be read (untyped metadata or type unknown) and
// metricTypeKey for an unknown metric type.
func (t TriggerModel) unknownKeys() map[string]bool {
	unknown := map[string]bool{}
	isUnknown := func(v attr.Value) bool { return v.IsUnknown() || !v.IsNull() && containsUnknown(v) }
	if isUnknown(t.MetricType) {
		unknown[metricTypeKey] = true
	}
	var block reflect.Value
	var keys []blockKey
	switch t.block() {
	case "":
		if isUnknown(t.Type) || t.Metadata.IsUnknown() {
			unknown[allKeys] = true
		}
		for k, v := range t.Metadata.Elements() {
			if v.IsUnknown() {
				unknown[k] = true
			}
		}
		return unknown
	case "rabbitmq":
		block, keys = reflect.ValueOf(t.RabbitMQ).Elem(), rabbitMQBlockKeys
	case "prometheus":
		block, keys = reflect.ValueOf(t.Prometheus).Elem(), prometheusBlockKeys
	case "gpu":
		block, keys = reflect.ValueOf(t.GPU).Elem(), gpuBlockKeys
		g := t.GPU
		for _, v := range []attr.Value{g.Metric, g.PodNamespace, g.PodNamePrefix, g.NamespaceLabel, g.PodLabel, g.Query} {
			if isUnknown(v) {
				unknown["query"] = true
			}
		}
	case "cpu", "memory":
		r := t.CPU
		if r == nil {
			r = t.Memory
		}
		if isUnknown(r.Utilization) || isUnknown(r.AverageValue) {
			unknown["value"], unknown[metricTypeKey] = true, true
		}
		if isUnknown(r.ContainerName) {
			unknown["containerName"] = true
		}
		return unknown
	}
	for _, k := range keys {
		if v, ok := tfsdkField(block, k.attr); ok && isUnknown(v) {
			unknown[k.key] = true
		}
	}
	return unknown
}

// allKeys stands for every metadata key in unknownKeys.
const allKeys = "\x00all"

// tfsdkFields maps each model struct type's tfsdk tags to field indexes.
var tfsdkFields sync.Map

// tfsdkField is the field of a model struct with tfsdk tag name.
func tfsdkField(v reflect.Value, name string) (attr.Value, bool) {
	index, ok := tfsdkFields.Load(v.Type())
	if !ok {
		m := map[string]int{}
		for i := range v.NumField() {
			m[v.Type().Field(i).Tag.Get("tfsdk")] = i
		}
		index, _ = tfsdkFields.LoadOrStore(v.Type(), m)
	}
	i, ok := index.(map[string]int)[name]
	if !ok {
		return nil, false
	}
	a, ok := v.Field(i).Interface().(attr.Value)
	return a, ok
}

func containsUnknown(v attr.Value) bool {
	var elems []attr.Value
	switch c := v.(type) {
	case types.Map:
		for _, e := range c.Elements() {
			elems = append(elems, e)
		}
	case types.Set:
		elems = c.Elements()
	case types.List:
		elems = c.Elements()
	}
	for _, e := range elems {
		if e.IsUnknown() {
			return true
		}
	}
	return false
}

var attrValueType = reflect.TypeFor[attr.Value]()

// mapValueOrEmpty is mapValue, but an empty map stays empty rather than
// null.
func mapValueOrEmpty(m map[string]string) types.Map {
	if len(m) == 0 {
		return types.MapValueMust(types.StringType, map[string]attr.Value{})
	}
	return mapValue(m)
}

// blockKey maps a metadata key a typed block writes to its attribute.
type blockKey struct{ key, attr string }

func blockKeyNames(keys []blockKey) []string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = k.key
	}
	return out
}

func formatFloat(v types.Float64) string {
	return strconv.FormatFloat(v.ValueFloat64(), 'f', -1, 64)
}

// metadataReader reads trigger metadata into typed values the way KEDA
// parses them (trimmed, an empty value absent, numbers as JSON, booleans
// with strconv.ParseBool). ok turns false at a value KEDA cannot read;
// FlattenTrigger then also checks that the typed block writes what KEDA
// reads, and shows the trigger untyped otherwise.
type metadataReader struct {
	s  *kedaScaler
	m  map[string]string
	ok bool
}

func newMetadataReader(s *kedaScaler, m map[string]string) *metadataReader {
	return &metadataReader{s: s, m: m, ok: true}
}

// value is what KEDA reads for key, nil when the key is absent.
func (r *metadataReader) value(key string) any {
	f, known := r.s.field(key)
	if !known {
		r.ok = false
		return nil
	}
	if _, _, present := f.present(r.m); !present {
		return nil
	}
	v, err := f.read(r.m)
	if err != nil {
		r.ok = false
		return nil
	}
	return v
}

func (r *metadataReader) str(key string) types.String {
	if v, ok := r.value(key).(string); ok {
		return types.StringValue(v)
	}
	return types.StringNull()
}

// env reads the name of an environment variable (`<name>FromEnv`), which
// KEDA uses as written.
func (r *metadataReader) env(key string) types.String {
	return fromStr(r.m[key])
}

func (r *metadataReader) float(key string) types.Float64 {
	if v, ok := r.value(key).(float64); ok {
		return types.Float64Value(v)
	}
	return types.Float64Null()
}

func (r *metadataReader) int(key string) types.Int64 {
	if v, ok := r.value(key).(int64); ok {
		return types.Int64Value(v)
	}
	return types.Int64Null()
}

// flag reads a bool whose default is false, which the provider writes only
// when true.
func (r *metadataReader) flag(key string) types.Bool {
	v, _ := r.value(key).(bool)
	return types.BoolValue(v)
}

// optionalBool reads a bool the provider writes whenever it is set.
func (r *metadataReader) optionalBool(key string) types.Bool {
	if v, ok := r.value(key).(bool); ok {
		return types.BoolValue(v)
	}
	return types.BoolNull()
}

// duration reads a timeout, kept as written ("1000" milliseconds or "1s").
func (r *metadataReader) duration(key string) types.String {
	if r.value(key) == nil {
		return types.StringNull()
	}
	return types.StringValue(strings.TrimSpace(r.m[key]))
}

// keyValues reads KEDA's "k1=v1,k2=v2".
func (r *metadataReader) keyValues(key string) types.Map {
	if v, ok := r.value(key).(map[string]string); ok {
		return mapValue(v)
	}
	return types.MapNull(types.StringType)
}

// set reads a comma-separated list whose order and repeats KEDA ignores.
func (r *metadataReader) set(key string) types.Set {
	v, ok := r.value(key).([]string)
	if !ok {
		return types.SetNull(types.StringType)
	}
	var elems []attr.Value
	for _, e := range slices.Compact(slices.Sorted(slices.Values(v))) {
		elems = append(elems, types.StringValue(e))
	}
	return types.SetValueMust(types.StringType, elems)
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
