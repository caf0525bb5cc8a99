package keda

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/kedaml/terraform-provider-keda/internal/validators"
)

// GPUMetric is a named preset over NVIDIA DCGM exporter metrics.
type GPUMetric string

// GPU metric presets.
const (
	GPUUtilization           GPUMetric = "utilization"
	GPUMemoryCopyUtilization GPUMetric = "memory_copy_utilization"
	GPUFramebufferUsed       GPUMetric = "framebuffer_used"
	GPUFramebufferUtil       GPUMetric = "framebuffer_utilization"
	GPUTensorActive          GPUMetric = "tensor_active"
	GPUGraphicsEngineActive  GPUMetric = "graphics_engine_active"
)

// GPUMetrics lists the presets, in documentation order.
var GPUMetrics = []GPUMetric{
	GPUUtilization, GPUMemoryCopyUtilization, GPUFramebufferUsed,
	GPUFramebufferUtil, GPUTensorActive, GPUGraphicsEngineActive,
}

// gpuMetricExpr is the per-GPU expression of each preset; %[1]s is the
// series selector. Ratios are scaled to percent so that every preset but
// framebuffer_used takes a target in percent.
var gpuMetricExpr = map[GPUMetric]string{
	GPUUtilization:           "DCGM_FI_DEV_GPU_UTIL%[1]s",
	GPUMemoryCopyUtilization: "DCGM_FI_DEV_MEM_COPY_UTIL%[1]s",
	GPUFramebufferUsed:       "DCGM_FI_DEV_FB_USED%[1]s",
	GPUFramebufferUtil:       "100 * DCGM_FI_DEV_FB_USED%[1]s / (DCGM_FI_DEV_FB_USED%[1]s + DCGM_FI_DEV_FB_FREE%[1]s)",
	GPUTensorActive:          "100 * DCGM_FI_PROF_PIPE_TENSOR_ACTIVE%[1]s",
	GPUGraphicsEngineActive:  "100 * DCGM_FI_PROF_GR_ENGINE_ACTIVE%[1]s",
}

var gpuMetricDoc = map[GPUMetric]string{
	GPUUtilization:           "`DCGM_FI_DEV_GPU_UTIL`, percent",
	GPUMemoryCopyUtilization: "`DCGM_FI_DEV_MEM_COPY_UTIL`, percent",
	GPUFramebufferUsed:       "`DCGM_FI_DEV_FB_USED`, MiB",
	GPUFramebufferUtil:       "`DCGM_FI_DEV_FB_USED / (FB_USED + FB_FREE)`, percent",
	GPUTensorActive:          "`DCGM_FI_PROF_PIPE_TENSOR_ACTIVE`, percent",
	GPUGraphicsEngineActive:  "`DCGM_FI_PROF_GR_ENGINE_ACTIVE`, percent",
}

// gpuBlockKeys are the metadata keys the block writes, by attribute: those
// of a prometheus trigger.
var gpuBlockKeys = []blockKey{
	{"serverAddress", "server_address"}, {"query", "query"}, {"threshold", "target"},
	{"activationThreshold", "activation_target"}, {"namespace", "namespace"}, {"customHeaders", "custom_headers"},
	{"queryParameters", "query_parameters"}, {"ignoreNullValues", "ignore_null_values"}, {"unsafeSsl", "unsafe_ssl"},
	{"timeout", "timeout"}, {"authModes", "auth_modes"}, {"authMode", "auth_modes"},
}

// GPUModel is the `gpu` trigger block.
type GPUModel struct {
	ServerAddress    types.String  `tfsdk:"server_address"`
	Metric           types.String  `tfsdk:"metric"`
	Target           types.Float64 `tfsdk:"target"`
	ActivationTarget types.Float64 `tfsdk:"activation_target"`
	PodNamespace     types.String  `tfsdk:"pod_namespace"`
	PodNamePrefix    types.String  `tfsdk:"pod_name_prefix"`
	NamespaceLabel   types.String  `tfsdk:"namespace_label"`
	PodLabel         types.String  `tfsdk:"pod_label"`
	Query            types.String  `tfsdk:"query"`
	Namespace        types.String  `tfsdk:"namespace"`
	CustomHeaders    types.Map     `tfsdk:"custom_headers"`
	QueryParameters  types.Map     `tfsdk:"query_parameters"`
	IgnoreNullValues types.Bool    `tfsdk:"ignore_null_values"`
	UnsafeSSL        types.Bool    `tfsdk:"unsafe_ssl"`
	Timeout          types.String  `tfsdk:"timeout"`
	AuthModes        types.Set     `tfsdk:"auth_modes"`
}

func gpuBlock() schema.SingleNestedBlock {
	var presets []string
	for _, m := range GPUMetrics {
		presets = append(presets, fmt.Sprintf("`%s` (%s)", m, gpuMetricDoc[m]))
	}
	attrs := prometheusConnectionAttributes()
	attrs["metric"] = requiredString("The DCGM preset: "+strings.Join(presets, ", ")+".", OneOf(GPUMetrics...))
	attrs["target"] = schema.Float64Attribute{
		Optional: true,
		MarkdownDescription: "Required in this block. Target GPU load per replica, in the preset's unit (KEDA's `threshold`). " +
			"Desired replicas ≈ ceil(total load of the target's GPUs / target); a ScaledObject's HPA needs it positive.",
	}
	attrs["activation_target"] = schema.Float64Attribute{
		Optional:            true,
		MarkdownDescription: "Activate (scale from zero) only when the total load exceeds this (`activationThreshold`). Default: KEDA's (`0`).",
	}
	attrs["pod_namespace"] = optionalString("Namespace of the pods whose GPUs count. Default: the ScaledObject's.",
		validators.KubeName(validators.DNSLabel))
	attrs["pod_name_prefix"] = optionalString("Pods named as Kubernetes names the pods of a workload called `<prefix>` count: "+
		"`<prefix>-<hash>-<suffix>` (Deployment), `<prefix>-<suffix>` or `<prefix>-<ordinal>` (StatefulSet), with the hash and "+
		"suffix Kubernetes generates (letters without vowels and digits), so `<prefix>-canary-…` does not. "+
		"Default: the scale target's name.", validators.KubeName(validators.DNSSubdomain))
	attrs["namespace_label"] = schema.StringAttribute{
		Optional: true, Computed: true, Default: stringdefault.StaticString("namespace"),
		MarkdownDescription: "Label of the DCGM series that holds the pod's namespace. `exported_namespace` when Prometheus " +
			"scrapes the exporter with `honor_labels: false`. Default: `namespace`.",
		Validators: []validator.String{stringvalidator.RegexMatches(promLabelName, "must be a Prometheus label name")},
	}
	attrs["pod_label"] = schema.StringAttribute{
		Optional: true, Computed: true, Default: stringdefault.StaticString("pod"),
		MarkdownDescription: "Label of the DCGM series that holds the pod's name (`exported_pod` with `honor_labels: false`). Default: `pod`.",
		Validators:          []validator.String{stringvalidator.RegexMatches(promLabelName, "must be a Prometheus label name")},
	}
	attrs["query"] = schema.StringAttribute{
		Optional: true, Computed: true,
		MarkdownDescription: "The PromQL sent to KEDA (`triggers[].metadata.query`). Generated from the attributes above (always a single series: " +
			"`sum(...) or vector(0)`); set it to override.",
		Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
	}
	return optionalBlock(schema.SingleNestedBlock{
		MarkdownDescription: "Scale a GPU inference service on NVIDIA DCGM exporter metrics, through Prometheus. Written as a " +
			"KEDA `prometheus` trigger with `metricType = AverageValue` and a generated query that sums the chosen metric " +
			"over the GPUs of the scale target's pods, so that desired replicas ≈ ceil(total GPU load / target).",
		Attributes: attrs,
	}, "target")
}

func (g *GPUModel) connection() prometheusConnection {
	return prometheusConnection{g.Namespace, g.CustomHeaders, g.QueryParameters, g.IgnoreNullValues, g.UnsafeSSL, g.Timeout, g.AuthModes}
}

// selector inputs after defaults.
func (g *GPUModel) scope(tc TriggerContext) (nsLabel, ns, podLabel, prefix string) {
	nsLabel, podLabel = g.NamespaceLabel.ValueString(), g.PodLabel.ValueString()
	if nsLabel == "" {
		nsLabel = "namespace"
	}
	if podLabel == "" {
		podLabel = "pod"
	}
	ns, prefix = tc.Namespace, tc.TargetName
	if !g.PodNamespace.IsNull() {
		ns = g.PodNamespace.ValueString()
	}
	if !g.PodNamePrefix.IsNull() {
		prefix = g.PodNamePrefix.ValueString()
	}
	return nsLabel, ns, podLabel, prefix
}

// GenerateGPUQuery builds the PromQL of a preset: the metric summed over
// every GPU of the matched pods, and 0 when there are none, so the result is
// always exactly one series.
func GenerateGPUQuery(metric GPUMetric, nsLabel, ns, podLabel, prefix string) string {
	sel := fmt.Sprintf(`{%s="%s",%s=~"%s-%s"}`, nsLabel, ns, podLabel, promRegexLiteral(prefix), gpuPodSuffix)
	return "sum(" + fmt.Sprintf(gpuMetricExpr[metric], sel) + ") or vector(0)"
}

// generatedNameChars are the characters of the names Kubernetes generates:
// generateName's random suffix and a Deployment's pod-template-hash
// (k8s.io/apimachinery/pkg/util/rand: String and SafeEncodeString). No
// vowels, so no word such as "canary" is made of them.
const generatedNameChars = "[bcdfghjklmnpqrstvwxz2456789]"

// gpuPodSuffix is what follows `<prefix>-` in the name of a pod of the
// workload `<prefix>`: `<hash>-<suffix>` (a Deployment's ReplicaSet; a
// ScaledJob's Job, itself named `<prefix>-<suffix>`), `<suffix>` (a
// ReplicaSet, DaemonSet or Job of that name) or `<ordinal>` (a StatefulSet).
// The hash is a uint32 in those characters, at most 10 of them; the random
// suffix is 5 (k8s.io/apiserver/pkg/storage/names).
const gpuPodSuffix = "((" + generatedNameChars + "{1,10}-)?" + generatedNameChars + "{5}|[0-9]+)"

// promRegexLiteral quotes a name for a regex inside a PromQL string, whose
// backslashes are escapes themselves.
func promRegexLiteral(s string) string {
	return strings.ReplaceAll(regexp.QuoteMeta(s), `\`, `\\`)
}

// GeneratedQuery is the query the block stands for: the override, or the
// generated one.
func (g *GPUModel) GeneratedQuery(tc TriggerContext) string {
	nsLabel, ns, podLabel, prefix := g.scope(tc)
	return GenerateGPUQuery(GPUMetric(g.Metric.ValueString()), nsLabel, ns, podLabel, prefix)
}

func (g *GPUModel) metadata(tc TriggerContext) map[string]string {
	m := map[string]string{}
	setString(m, "serverAddress", g.ServerAddress)
	if g.Query.IsNull() || g.Query.IsUnknown() {
		m["query"] = g.GeneratedQuery(tc)
	} else {
		m["query"] = g.Query.ValueString()
	}
	setFloat(m, "threshold", g.Target)
	setFloat(m, "activationThreshold", g.ActivationTarget)
	g.connection().write(m)
	return m
}

var gpuSelector = regexp.MustCompile(`\{([a-zA-Z_][a-zA-Z0-9_]*)="([a-z0-9-]*)",([a-zA-Z_][a-zA-Z0-9_]*)=~"([a-z0-9.\\-]+)-` +
	regexp.QuoteMeta(gpuPodSuffix) + `"\}`)

// flattenGPU recognises a prometheus trigger as a gpu one: when the prior
// state had a gpu block here, or (on import) when its query is exactly one
// the provider generates.
func flattenGPU(m map[string]string, prior *GPUModel, tc TriggerContext) (*GPUModel, bool) {
	if !onlyKeys(m, blockKeyNames(gpuBlockKeys)...) {
		return nil, false
	}
	r := newMetadataReader(kedaPrometheusScaler, m)
	c := readConnection(r)
	g := &GPUModel{
		ServerAddress: r.str("serverAddress"), Target: r.float("threshold"), ActivationTarget: r.float("activationThreshold"),
		Query: r.str("query"), Namespace: c.Namespace, CustomHeaders: c.CustomHeaders,
		QueryParameters: c.QueryParameters, IgnoreNullValues: c.IgnoreNullValues, UnsafeSSL: c.UnsafeSSL,
		Timeout: c.Timeout, AuthModes: c.AuthModes,
	}
	if !r.ok {
		return nil, false
	}
	if prior != nil {
		g.Metric, g.PodNamespace, g.PodNamePrefix = prior.Metric, prior.PodNamespace, prior.PodNamePrefix
		g.NamespaceLabel, g.PodLabel = prior.NamespaceLabel, prior.PodLabel
		return g, true
	}
	query := g.Query.ValueString()
	sub := gpuSelector.FindStringSubmatch(query)
	if sub == nil {
		return nil, false
	}
	nsLabel, ns, podLabel, prefix := sub[1], sub[2], sub[3], strings.ReplaceAll(sub[4], `\\`, ``)
	for _, metric := range GPUMetrics {
		if GenerateGPUQuery(metric, nsLabel, ns, podLabel, prefix) != query {
			continue
		}
		g.Metric = types.StringValue(string(metric))
		g.NamespaceLabel, g.PodLabel = types.StringValue(nsLabel), types.StringValue(podLabel)
		g.PodNamespace, g.PodNamePrefix = types.StringNull(), types.StringNull()
		if ns != tc.Namespace {
			g.PodNamespace = types.StringValue(ns)
		}
		if prefix != tc.TargetName {
			g.PodNamePrefix = types.StringValue(prefix)
		}
		return g, true
	}
	return nil, false
}

var promLabelName = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)
