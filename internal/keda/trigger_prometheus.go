package keda

import (
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/kedaml/terraform-provider-keda/internal/validators"
)

// PrometheusAuthMode is how KEDA authenticates to Prometheus; the secrets
// come from the trigger's TriggerAuthentication.
type PrometheusAuthMode string

// Prometheus auth modes.
const (
	PrometheusAuthBasic  PrometheusAuthMode = "basic"
	PrometheusAuthBearer PrometheusAuthMode = "bearer"
	PrometheusAuthTLS    PrometheusAuthMode = "tls"
	PrometheusAuthCustom PrometheusAuthMode = "custom"
)

// PrometheusAuthModes lists the auth modes.
var PrometheusAuthModes = []PrometheusAuthMode{PrometheusAuthBasic, PrometheusAuthBearer, PrometheusAuthTLS, PrometheusAuthCustom}

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

var prometheusKeys = []string{"serverAddress", "query", "threshold", "activationThreshold", "namespace",
	"customHeaders", "queryParameters", "ignoreNullValues", "unsafeSsl", "timeout", "authModes"}

// prometheusConnectionAttributes are shared by `prometheus` and `gpu`.
func prometheusConnectionAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"server_address": requiredString("Prometheus' address, e.g. `http://prometheus.monitoring:9090`.",
			validators.URL("http", "https")),
		"namespace": optionalString("Tenant namespace, for multi-tenant Prometheus such as Thanos or Cortex."),
		"custom_headers": schema.MapAttribute{
			Optional: true, ElementType: types.StringType,
			MarkdownDescription: "Extra HTTP headers sent with each query.",
			Validators:          []validator.Map{validators.KeyValueList()},
		},
		"query_parameters": schema.MapAttribute{
			Optional: true, ElementType: types.StringType,
			MarkdownDescription: "Extra URL query parameters sent with each query.",
			Validators:          []validator.Map{validators.KeyValueList()},
		},
		"ignore_null_values": schema.BoolAttribute{
			Optional: true,
			MarkdownDescription: "With `false`, an empty query result is an error instead of 0. " +
				"Default: KEDA's (`true`).",
		},
		"unsafe_ssl": falseDefault("Skip TLS verification."),
		"timeout":    optionalString("HTTP timeout, a Go duration such as `5s`.", validators.Duration()),
		"auth_modes": schema.SetAttribute{
			Optional: true, ElementType: types.StringType,
			MarkdownDescription: "How KEDA authenticates: any of " + EnumDescription(PrometheusAuthModes...) +
				". The credentials (`username`/`password`, `bearerToken`, `ca`/`cert`/`key`, custom header) come from " +
				"the trigger's `authentication_ref`, which is then required.",
			Validators: []validator.Set{setvalidator.ValueStringsAre(OneOf(PrometheusAuthModes...)), setvalidator.SizeAtLeast(1)},
		},
	}
}

func prometheusBlock() schema.SingleNestedBlock {
	attrs := prometheusConnectionAttributes()
	attrs["query"] = requiredString("PromQL query; it must return a single element (wrap it in `sum(...)` and the like).")
	attrs["threshold"] = schema.Float64Attribute{
		Optional:            true,
		MarkdownDescription: "Required in this block. Target value per replica (with the default `AverageValue` metric type).",
		Validators:          []validator.Float64{validators.Positive()},
	}
	attrs["activation_threshold"] = schema.Float64Attribute{
		Optional:            true,
		MarkdownDescription: "Activate (scale from zero) only above this value. Default: KEDA's (`0`).",
	}
	return optionalBlock(schema.SingleNestedBlock{
		MarkdownDescription: "Scale on a Prometheus query, e.g. inference latency or request rate. Never writes the removed `metricName`.",
		Attributes:          attrs,
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
	c := prometheusConnection{
		Namespace: r.str("namespace"), CustomHeaders: r.keyValues("customHeaders"), QueryParameters: r.keyValues("queryParameters"),
		IgnoreNullValues: r.optionalBool("ignoreNullValues"), UnsafeSSL: r.flag("unsafeSsl"), Timeout: r.str("timeout"),
		AuthModes: types.SetNull(types.StringType),
	}
	if v, present := r.m["authModes"]; present {
		var elems []attr.Value
		for _, mode := range strings.Split(v, ",") {
			elems = append(elems, types.StringValue(mode))
		}
		c.AuthModes = types.SetValueMust(types.StringType, elems)
		if strings.Join(setStrings(c.AuthModes), ",") != v {
			r.ok = false
		}
	}
	return c
}

func flattenPrometheus(m map[string]string) (*PrometheusModel, bool) {
	if !onlyKeys(m, prometheusKeys...) {
		return nil, false
	}
	r := newMetadataReader(m)
	c := readConnection(r)
	return &PrometheusModel{
		ServerAddress: r.str("serverAddress"), Query: r.str("query"),
		Threshold: r.float("threshold"), ActivationThreshold: r.float("activationThreshold"),
		Namespace: c.Namespace, CustomHeaders: c.CustomHeaders, QueryParameters: c.QueryParameters,
		IgnoreNullValues: c.IgnoreNullValues, UnsafeSSL: c.UnsafeSSL, Timeout: c.Timeout, AuthModes: c.AuthModes,
	}, r.ok
}

func (p *PrometheusModel) validate(at path.Path) diag.Diagnostics {
	return p.connection().validate(at, true)
}

func (c prometheusConnection) validate(at path.Path, _ bool) diag.Diagnostics {
	var diags diag.Diagnostics
	for k := range stringMap(c.CustomHeaders) {
		if strings.ContainsAny(k, ",=") {
			diags.AddAttributeError(at.AtName("custom_headers").AtMapKey(k), "Invalid header name",
				fmt.Sprintf("Attribute %s: KEDA separates headers with ',' and '=', so names cannot contain them.", at.AtName("custom_headers").AtMapKey(k)))
		}
	}
	for k, v := range stringMap(c.QueryParameters) {
		if strings.ContainsAny(k+v, ",=") {
			diags.AddAttributeError(at.AtName("query_parameters").AtMapKey(k), "Invalid query parameter",
				fmt.Sprintf("Attribute %s: KEDA separates parameters with ',' and '=', so they cannot contain them.", at.AtName("query_parameters").AtMapKey(k)))
		}
	}
	return diags
}

// requireAuthRefForModes: auth modes read their secrets from the
// TriggerAuthentication; without one KEDA fails at runtime.
func requireAuthRefForModes(at path.Path, modes types.Set, hasAuthRef bool) diag.Diagnostics {
	var diags diag.Diagnostics
	if len(setStrings(modes)) > 0 && !hasAuthRef {
		diags.AddAttributeError(at.AtName("auth_modes"), "auth_modes without credentials",
			fmt.Sprintf("Attribute %s: the credentials for these modes come from a TriggerAuthentication; add an authentication_ref to the trigger.", at.AtName("auth_modes")))
	}
	return diags
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
