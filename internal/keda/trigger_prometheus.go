package keda

import (
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/kedaml/terraform-provider-keda/internal/validators"
)

// PrometheusAuthMode is how KEDA authenticates to Prometheus; the secrets
// come from the trigger's TriggerAuthentication.
type PrometheusAuthMode string

// Prometheus auth modes (pkg/scalers/authentication/authentication_types.go
// Config.Modes).
const (
	PrometheusAuthBasic  PrometheusAuthMode = "basic"
	PrometheusAuthBearer PrometheusAuthMode = "bearer"
	PrometheusAuthOAuth  PrometheusAuthMode = "oauth"
	PrometheusAuthTLS    PrometheusAuthMode = "tls"
	PrometheusAuthCustom PrometheusAuthMode = "custom"
	PrometheusAuthAPIKey PrometheusAuthMode = "apiKey"
)

// PrometheusAuthModes lists the auth modes KEDA accepts.
var PrometheusAuthModes = []PrometheusAuthMode{PrometheusAuthBasic, PrometheusAuthBearer, PrometheusAuthOAuth,
	PrometheusAuthTLS, PrometheusAuthCustom, PrometheusAuthAPIKey}

// PrometheusExclusiveAuthModes can be used one at a time (Config.Modes
// exclusiveSet).
var PrometheusExclusiveAuthModes = []PrometheusAuthMode{PrometheusAuthBasic, PrometheusAuthBearer, PrometheusAuthOAuth}

// PrometheusModel is the `prometheus` trigger block.
type PrometheusModel struct {
	ServerAddress       types.String  `tfsdk:"server_address"`
	Query               types.String  `tfsdk:"query"`
	Threshold           types.Float64 `tfsdk:"threshold"`
	ActivationThreshold types.Float64 `tfsdk:"activation_threshold"`
	Namespace           types.String  `tfsdk:"namespace"`
	CustomHeaders       types.Map     `tfsdk:"custom_headers"`
	QueryParameters     types.Map     `tfsdk:"query_parameters"`
	IgnoreNullValues    types.Bool    `tfsdk:"ignore_null_values"`
	UnsafeSSL           types.Bool    `tfsdk:"unsafe_ssl"`
	Timeout             types.String  `tfsdk:"timeout"`
	AuthModes           types.Set     `tfsdk:"auth_modes"`
}

func exclusiveAuthModes() validator.Set {
	modes := make([]string, len(PrometheusExclusiveAuthModes))
	for i, m := range PrometheusExclusiveAuthModes {
		modes[i] = string(m)
	}
	return validators.AtMostOneOf(modes...)
}

// prometheusBlockKeys are the metadata keys the block writes
// (pkg/scalers/prometheus_scaler.go prometheusMetadata), by attribute.
var prometheusBlockKeys = []blockKey{
	{"serverAddress", "server_address"}, {"query", "query"}, {"threshold", "threshold"},
	{"activationThreshold", "activation_threshold"}, {"namespace", "namespace"}, {"customHeaders", "custom_headers"},
	{"queryParameters", "query_parameters"}, {"ignoreNullValues", "ignore_null_values"}, {"unsafeSsl", "unsafe_ssl"},
	{"timeout", "timeout"}, {"authModes", "auth_modes"}, {"authMode", "auth_modes"},
}

// prometheusConnectionAttributes are shared by `prometheus` and `gpu`.
func prometheusConnectionAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"server_address": requiredString("Prometheus' address (`serverAddress`), e.g. `http://prometheus.monitoring:9090`.",
			validators.URL("http", "https")),
		"namespace": optionalString("Tenant namespace (`namespace`), for multi-tenant Prometheus such as Thanos or Cortex."),
		"custom_headers": schema.MapAttribute{
			Optional: true, ElementType: types.StringType,
			MarkdownDescription: "Extra HTTP headers sent with each query (`customHeaders`, written `name=value,...`).",
			Validators:          []validator.Map{validators.KeyValueList(false)},
		},
		"query_parameters": schema.MapAttribute{
			Optional: true, ElementType: types.StringType,
			MarkdownDescription: "Extra URL query parameters sent with each query (`queryParameters`, written `name=value,...`).",
			Validators:          []validator.Map{validators.KeyValueList(true)},
		},
		"ignore_null_values": schema.BoolAttribute{
			Optional: true,
			MarkdownDescription: "With `false`, an empty query result is an error instead of 0 (`ignoreNullValues`). " +
				"Default: KEDA's (`true`).",
		},
		"unsafe_ssl": falseDefault("Skip TLS verification (`unsafeSsl`)."),
		"timeout": optionalString("HTTP timeout (`timeout`): a Go duration such as `5s`, or milliseconds such as `1000`, "+
			"as KEDA reads it. Default: KEDA's global HTTP timeout.", kedaParam(kedaPrometheusScaler, "timeout")),
		"auth_modes": schema.SetAttribute{
			Optional: true, ElementType: types.StringType,
			MarkdownDescription: "How KEDA authenticates (`authModes`): any of " + EnumDescription(PrometheusAuthModes...) +
				", with at most one of " + EnumDescription(PrometheusExclusiveAuthModes...) + ". The credentials " +
				"(`username`/`password`, `bearerToken`, `oauth2` of the TriggerAuthentication, `ca`/`cert`/`key`, custom " +
				"header) come from the trigger's `authentication_ref`, which is then required. KEDA's Prometheus scaler " +
				"sends no API key, so `apiKey` has no effect.",
			Validators: []validator.Set{setvalidator.ValueStringsAre(OneOf(PrometheusAuthModes...)), exclusiveAuthModes()},
		},
	}
}

func prometheusBlock() schema.SingleNestedBlock {
	attrs := prometheusConnectionAttributes()
	attrs["query"] = requiredString("PromQL query (`query`); it must return a single element (wrap it in `sum(...)` and the like).")
	attrs["threshold"] = schema.Float64Attribute{
		Optional: true,
		MarkdownDescription: "Required in this block. Target value per replica with the default `AverageValue` metric type " +
			"(`threshold`); a ScaledObject's HPA needs it positive (KEDA rounds it to thousandths).",
	}
	attrs["activation_threshold"] = schema.Float64Attribute{
		Optional:            true,
		MarkdownDescription: "Activate (scale from zero) only above this value (`activationThreshold`). Default: KEDA's (`0`).",
	}
	return optionalBlock(schema.SingleNestedBlock{
		MarkdownDescription: "Scale on a Prometheus query, e.g. inference latency or request rate. Never writes the removed " +
			"`metricName`. For what the block cannot hold (e.g. Amazon Managed Prometheus with `awsRegion`), use " +
			"`type = \"prometheus\"` with `metadata`.",
		Attributes: attrs,
	}, "threshold")
}

func (p *PrometheusModel) metadata() map[string]string {
	m := map[string]string{}
	setString(m, "serverAddress", p.ServerAddress)
	setString(m, "query", p.Query)
	setFloat(m, "threshold", p.Threshold)
	setFloat(m, "activationThreshold", p.ActivationThreshold)
	p.connection().write(m)
	return m
}

// prometheusConnection is what `prometheus` and `gpu` share.
type prometheusConnection struct {
	Namespace        types.String
	CustomHeaders    types.Map
	QueryParameters  types.Map
	IgnoreNullValues types.Bool
	UnsafeSSL        types.Bool
	Timeout          types.String
	AuthModes        types.Set
}

func (p *PrometheusModel) connection() prometheusConnection {
	return prometheusConnection{p.Namespace, p.CustomHeaders, p.QueryParameters, p.IgnoreNullValues, p.UnsafeSSL, p.Timeout, p.AuthModes}
}

func (c prometheusConnection) write(m map[string]string) {
	setString(m, "namespace", c.Namespace)
	if len(stringMap(c.CustomHeaders)) > 0 {
		m["customHeaders"] = joinMap(c.CustomHeaders)
	}
	if len(stringMap(c.QueryParameters)) > 0 {
		m["queryParameters"] = joinMap(c.QueryParameters)
	}
	if !c.IgnoreNullValues.IsNull() && !c.IgnoreNullValues.IsUnknown() {
		m["ignoreNullValues"] = fmt.Sprint(c.IgnoreNullValues.ValueBool())
	}
	setBool(m, "unsafeSsl", c.UnsafeSSL)
	setString(m, "timeout", c.Timeout)
	if modes := setStrings(c.AuthModes); len(modes) > 0 {
		m["authModes"] = strings.Join(modes, ",")
	}
}

func readConnection(r *metadataReader) prometheusConnection {
	authModes := r.set("authModes")
	if _, present := r.m["authMode"]; present {
		authModes = r.set("authMode")
	}
	return prometheusConnection{
		Namespace: r.str("namespace"), CustomHeaders: r.keyValues("customHeaders"), QueryParameters: r.keyValues("queryParameters"),
		IgnoreNullValues: r.optionalBool("ignoreNullValues"), UnsafeSSL: r.flag("unsafeSsl"), Timeout: r.duration("timeout"),
		AuthModes: authModes,
	}
}

func flattenPrometheus(m map[string]string) (*PrometheusModel, bool) {
	if !onlyKeys(m, blockKeyNames(prometheusBlockKeys)...) {
		return nil, false
	}
	r := newMetadataReader(kedaPrometheusScaler, m)
	c := readConnection(r)
	return &PrometheusModel{
		ServerAddress: r.str("serverAddress"), Query: r.str("query"),
		Threshold: r.float("threshold"), ActivationThreshold: r.float("activationThreshold"),
		Namespace: c.Namespace, CustomHeaders: c.CustomHeaders, QueryParameters: c.QueryParameters,
		IgnoreNullValues: c.IgnoreNullValues, UnsafeSSL: c.UnsafeSSL, Timeout: c.Timeout, AuthModes: c.AuthModes,
	}, r.ok
}

func setStrings(s types.Set) []string {
	if s.IsNull() || s.IsUnknown() {
		return nil
	}
	out := make([]string, 0, len(s.Elements()))
	for _, v := range s.Elements() {
		if sv, ok := v.(types.String); ok {
			out = append(out, sv.ValueString())
		}
	}
	slices.Sort(out)
	return out
}
