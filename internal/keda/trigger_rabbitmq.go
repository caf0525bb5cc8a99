package keda

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/kedaml/terraform-provider-keda/internal/validators"
)

// RabbitMQProtocol is how KEDA talks to RabbitMQ.
type RabbitMQProtocol string

// RabbitMQ protocols.
const (
	RabbitMQProtocolAuto RabbitMQProtocol = "auto"
	RabbitMQProtocolAMQP RabbitMQProtocol = "amqp"
	RabbitMQProtocolHTTP RabbitMQProtocol = "http"
)

// RabbitMQProtocols lists the protocols.
var RabbitMQProtocols = []RabbitMQProtocol{RabbitMQProtocolAuto, RabbitMQProtocolAMQP, RabbitMQProtocolHTTP}

// RabbitMQMode is what a RabbitMQ trigger measures.
type RabbitMQMode string

// RabbitMQ modes.
const (
	RabbitMQModeQueueLength                  RabbitMQMode = "QueueLength"
	RabbitMQModeMessageRate                  RabbitMQMode = "MessageRate"
	RabbitMQModeDeliverGetRate               RabbitMQMode = "DeliverGetRate"
	RabbitMQModePublishedToDeliveredRatio    RabbitMQMode = "PublishedToDeliveredRatio"
	RabbitMQModeExpectedQueueConsumptionTime RabbitMQMode = "ExpectedQueueConsumptionTime"
)

// RabbitMQModes lists the modes; all but QueueLength need the HTTP API.
var RabbitMQModes = []RabbitMQMode{
	RabbitMQModeQueueLength, RabbitMQModeMessageRate, RabbitMQModeDeliverGetRate,
	RabbitMQModePublishedToDeliveredRatio, RabbitMQModeExpectedQueueConsumptionTime,
}

// RabbitMQOperation combines the queues a regex matches.
type RabbitMQOperation string

// RabbitMQ operations.
var RabbitMQOperations = []RabbitMQOperation{"sum", "avg", "max"}

// RabbitMQModel is the `rabbitmq` trigger block.
type RabbitMQModel struct {
	Host                  types.String  `tfsdk:"host"`
	HostFromEnv           types.String  `tfsdk:"host_from_env"`
	Protocol              types.String  `tfsdk:"protocol"`
	QueueName             types.String  `tfsdk:"queue_name"`
	Mode                  types.String  `tfsdk:"mode"`
	Value                 types.Float64 `tfsdk:"value"`
	ActivationValue       types.Float64 `tfsdk:"activation_value"`
	VhostName             types.String  `tfsdk:"vhost_name"`
	UseRegex              types.Bool    `tfsdk:"use_regex"`
	PageSize              types.Int64   `tfsdk:"page_size"`
	Operation             types.String  `tfsdk:"operation"`
	ExcludeUnacknowledged types.Bool    `tfsdk:"exclude_unacknowledged"`
	UnsafeSSL             types.Bool    `tfsdk:"unsafe_ssl"`
	Timeout               types.String  `tfsdk:"timeout"`
	UsernameFromEnv       types.String  `tfsdk:"username_from_env"`
	PasswordFromEnv       types.String  `tfsdk:"password_from_env"`
}

var rabbitMQKeys = []string{"host", "hostFromEnv", "protocol", "queueName", "mode", "value", "activationValue",
	"vhostName", "useRegex", "pageSize", "operation", "excludeUnacknowledged", "unsafeSsl", "timeout",
	"usernameFromEnv", "passwordFromEnv"}

func falseDefault(description string) schema.BoolAttribute {
	return schema.BoolAttribute{
		Optional: true, Computed: true, Default: booldefault.StaticBool(false),
		MarkdownDescription: description + " Default: `false`.",
	}
}

func rabbitMQBlock() schema.SingleNestedBlock {
	return optionalBlock(schema.SingleNestedBlock{
		MarkdownDescription: "Scale on a RabbitMQ queue. Written in KEDA's modern form (`mode` + `value`); the deprecated " +
			"`queueLength` cannot be produced. Credentials belong in a TriggerAuthentication (`host`, `username`, `password`).",
		Attributes: map[string]schema.Attribute{
			"host": optionalString("Connection URL: `amqp://`, `amqps://`, `http://` or `https://`. Prefer a TriggerAuthentication "+
				"for URLs with credentials.", validators.URL("amqp", "amqps", "http", "https")),
			"host_from_env": optionalString("Take the URL from this environment variable of the scale target's container."),
			"protocol": optionalString("`auto` (from the host's scheme, KEDA's default), `amqp` or `http` (management API).",
				OneOf(RabbitMQProtocols...)),
			"queue_name": requiredString("The queue (a regex with `use_regex`)."),
			"mode": requiredString("What to measure: "+EnumDescription(RabbitMQModes...)+". All but `QueueLength` need the HTTP protocol.",
				OneOf(RabbitMQModes...)),
			"value": schema.Float64Attribute{
				Optional:            true,
				MarkdownDescription: "Required in this block. Target per replica: messages for `QueueLength`, messages/second for the rates.",
				Validators:          []validator.Float64{validators.Positive()},
			},
			"activation_value": schema.Float64Attribute{
				Optional:            true,
				MarkdownDescription: "Scale from zero only above this value. Default: KEDA's (`0`).",
			},
			"vhost_name":             optionalString("Override the vhost of the host URL."),
			"use_regex":              falseDefault("Treat `queue_name` as a regex (HTTP protocol only)."),
			"page_size":              schema.Int64Attribute{Optional: true, MarkdownDescription: "Queues per page when `use_regex` lists queues. Default: KEDA's (`100`).", Validators: []validator.Int64{int64validator.AtLeast(1)}},
			"operation":              optionalString("How the queues matched by a regex combine: `sum` (KEDA's default), `avg` or `max`.", OneOf(RabbitMQOperations...)),
			"exclude_unacknowledged": falseDefault("Count only ready messages (HTTP protocol only)."),
			"unsafe_ssl":             falseDefault("Skip TLS verification."),
			"timeout":                optionalString("HTTP request timeout, a Go duration such as `5s` (HTTP protocol only).", validators.Duration()),
			"username_from_env":      optionalString("Take the username from this environment variable of the scale target's container."),
			"password_from_env":      optionalString("Take the password from this environment variable of the scale target's container."),
		},
	}, "value")
}

func (r *RabbitMQModel) metadata() map[string]string {
	m := map[string]string{}
	setString(m, "host", r.Host)
	setString(m, "hostFromEnv", r.HostFromEnv)
	setString(m, "protocol", r.Protocol)
	setString(m, "queueName", r.QueueName)
	setString(m, "mode", r.Mode)
	setFloat(m, "value", r.Value)
	setFloat(m, "activationValue", r.ActivationValue)
	setString(m, "vhostName", r.VhostName)
	setBool(m, "useRegex", r.UseRegex)
	if !r.PageSize.IsNull() && !r.PageSize.IsUnknown() {
		m["pageSize"] = strconv.FormatInt(r.PageSize.ValueInt64(), 10)
	}
	setString(m, "operation", r.Operation)
	setBool(m, "excludeUnacknowledged", r.ExcludeUnacknowledged)
	setBool(m, "unsafeSsl", r.UnsafeSSL)
	setString(m, "timeout", r.Timeout)
	setString(m, "usernameFromEnv", r.UsernameFromEnv)
	setString(m, "passwordFromEnv", r.PasswordFromEnv)
	return m
}

func flattenRabbitMQ(m map[string]string) (*RabbitMQModel, bool) {
	if !onlyKeys(m, rabbitMQKeys...) {
		return nil, false
	}
	r := newMetadataReader(m)
	return &RabbitMQModel{
		Host: r.str("host"), HostFromEnv: r.str("hostFromEnv"), Protocol: r.str("protocol"),
		QueueName: r.str("queueName"), Mode: r.str("mode"), Value: r.float("value"), ActivationValue: r.float("activationValue"),
		VhostName: r.str("vhostName"), UseRegex: r.flag("useRegex"), PageSize: r.int("pageSize"), Operation: r.str("operation"),
		ExcludeUnacknowledged: r.flag("excludeUnacknowledged"), UnsafeSSL: r.flag("unsafeSsl"), Timeout: r.str("timeout"),
		UsernameFromEnv: r.str("usernameFromEnv"), PasswordFromEnv: r.str("passwordFromEnv"),
	}, r.ok
}

// effectiveProtocol is the protocol KEDA will use, "" when it cannot be
// known offline (host from a TriggerAuthentication or environment).
func (r *RabbitMQModel) effectiveProtocol() RabbitMQProtocol {
	p := RabbitMQProtocol(str(r.Protocol))
	if p != "" && p != RabbitMQProtocolAuto {
		return p
	}
	if r.Host.IsNull() || r.Host.IsUnknown() {
		return ""
	}
	u, err := url.Parse(r.Host.ValueString())
	if err != nil {
		return ""
	}
	switch u.Scheme {
	case "amqp", "amqps":
		return RabbitMQProtocolAMQP
	case "http", "https":
		return RabbitMQProtocolHTTP
	}
	return ""
}

func (r *RabbitMQModel) validate(at path.Path, hasAuthRef bool) diag.Diagnostics {
	var diags diag.Diagnostics
	if r.Host.IsNull() && r.HostFromEnv.IsNull() && !hasAuthRef {
		diags.AddAttributeError(at.AtName("host"), "RabbitMQ host missing",
			fmt.Sprintf("Attribute %s: set host, host_from_env, or an authentication_ref whose TriggerAuthentication supplies `host`.", at.AtName("host")))
	}
	if !r.Host.IsNull() && !r.HostFromEnv.IsNull() {
		diags.AddAttributeError(at.AtName("host_from_env"), "Conflicting RabbitMQ hosts",
			fmt.Sprintf("Attribute %s: set either host or host_from_env, not both.", at.AtName("host_from_env")))
	}
	if u, err := url.Parse(r.Host.ValueString()); err == nil && u.User != nil {
		if _, hasPassword := u.User.Password(); hasPassword {
			diags.AddAttributeWarning(at.AtName("host"), "Password in the RabbitMQ host",
				fmt.Sprintf("Attribute %s embeds a password, which is stored in clear in the ScaledObject. Put the URL in a Secret "+
					"and reference it from a keda_trigger_authentication (secret_target_ref with parameter = \"host\").", at.AtName("host")))
		}
	}
	// Only a protocol known to be AMQP makes the HTTP-only options wrong; a
	// host from a TriggerAuthentication or the environment cannot be seen
	// offline.
	if r.effectiveProtocol() != RabbitMQProtocolAMQP {
		return diags
	}
	needHTTP := func(attr, what string) {
		diags.AddAttributeError(at.AtName(attr), "Needs the RabbitMQ HTTP protocol",
			fmt.Sprintf("Attribute %s: %s needs protocol = \"http\" (or an http(s):// host with protocol auto); KEDA rejects it over AMQP.",
				at.AtName(attr), what))
	}
	if mode := RabbitMQMode(str(r.Mode)); mode != "" && mode != RabbitMQModeQueueLength && slices.Contains(RabbitMQModes, mode) {
		needHTTP("mode", "mode "+string(mode))
	}
	if r.UseRegex.ValueBool() {
		needHTTP("use_regex", "use_regex")
	}
	if r.ExcludeUnacknowledged.ValueBool() {
		needHTTP("exclude_unacknowledged", "exclude_unacknowledged")
	}
	if !r.Timeout.IsNull() {
		needHTTP("timeout", "a timeout")
	}
	return diags
}
