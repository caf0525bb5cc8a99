package keda

import (
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
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

// rabbitMQBlockKeys are the metadata keys the block writes
// (pkg/scalers/rabbitmq_scaler.go rabbitMQMetadata), by attribute.
var rabbitMQBlockKeys = []blockKey{
	{"host", "host"}, {"hostFromEnv", "host_from_env"}, {"protocol", "protocol"}, {"queueName", "queue_name"},
	{"mode", "mode"}, {"value", "value"}, {"activationValue", "activation_value"}, {"vhostName", "vhost_name"},
	{"useRegex", "use_regex"}, {"pageSize", "page_size"}, {"operation", "operation"},
	{"excludeUnacknowledged", "exclude_unacknowledged"}, {"unsafeSsl", "unsafe_ssl"}, {"timeout", "timeout"},
	{"usernameFromEnv", "username_from_env"}, {"passwordFromEnv", "password_from_env"},
}

func falseDefault(description string) schema.BoolAttribute {
	return schema.BoolAttribute{
		Optional: true, Computed: true, Default: booldefault.StaticBool(false),
		MarkdownDescription: description + " Default: `false`.",
	}
}

func rabbitMQBlock() schema.SingleNestedBlock {
	return optionalBlock(schema.SingleNestedBlock{
		MarkdownDescription: "Scale on a RabbitMQ queue. Written in KEDA's modern form (`mode` + `value`); for the deprecated " +
			"`queueLength` use `type = \"rabbitmq\"` with `metadata`. Credentials belong in a TriggerAuthentication (`host`, `username`, `password`).",
		Attributes: map[string]schema.Attribute{
			"host": optionalString("Connection URL (`host`): `amqp://`, `amqps://`, `http://` or `https://`. Prefer a TriggerAuthentication "+
				"for URLs with credentials. One of `host`, `host_from_env` or an `authentication_ref` supplying `host` is needed; "+
				"KEDA takes `host` first.", validators.URL("amqp", "amqps", "http", "https")),
			"host_from_env": optionalString("Take the URL from this environment variable of the scale target's container (`hostFromEnv`)."),
			"protocol": optionalString("`protocol`: `auto` (from the host's scheme; KEDA's default), `amqp` or `http` (management API).",
				OneOf(RabbitMQProtocols...)),
			"queue_name": requiredString("The queue (`queueName`; a regex with `use_regex`)."),
			"mode": optionalString("What to measure (`mode`): "+EnumDescription(RabbitMQModes...)+". All but `QueueLength` need the HTTP "+
				"protocol. Set together with `value`; with neither, KEDA scales on `QueueLength` 20.",
				OneOf(RabbitMQModes...)),
			"value": schema.Float64Attribute{
				Optional: true,
				MarkdownDescription: "Target per replica (`value`): messages for `QueueLength`, messages/second for the rates. " +
					"Set together with `mode`. Default: KEDA's (`20`, with mode `QueueLength`).",
			},
			"activation_value": schema.Float64Attribute{
				Optional:            true,
				MarkdownDescription: "Scale from zero only above this value (`activationValue`). Default: KEDA's (`0`).",
			},
			"vhost_name":             optionalString("Override the vhost of the host URL (`vhostName`)."),
			"use_regex":              falseDefault("Treat `queue_name` as a regex (`useRegex`; HTTP protocol only)."),
			"page_size":              schema.Int64Attribute{Optional: true, MarkdownDescription: "Queues per page when `use_regex` lists queues (`pageSize`). Default: KEDA's (`100`).", Validators: []validator.Int64{int64validator.AtLeast(1)}},
			"operation":              optionalString("How the queues matched by a regex combine (`operation`): " + EnumDescription(RabbitMQOperations...) + ". Default: KEDA's (`sum`). Used only with `use_regex`."),
			"exclude_unacknowledged": falseDefault("Count only ready messages (`excludeUnacknowledged`; HTTP protocol only)."),
			"unsafe_ssl":             falseDefault("Skip TLS verification (`unsafeSsl`)."),
			"timeout": optionalString("HTTP request timeout (`timeout`): a Go duration such as `5s`, or milliseconds such as `1000`, "+
				"as KEDA reads it (HTTP protocol only). Default: KEDA's global HTTP timeout.", kedaParam(kedaRabbitMQScaler, "timeout")),
			"username_from_env": optionalString("Take the username from this environment variable of the scale target's container (`usernameFromEnv`)."),
			"password_from_env": optionalString("Take the password from this environment variable of the scale target's container (`passwordFromEnv`)."),
		},
	}, "queue_name")
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
	if !onlyKeys(m, blockKeyNames(rabbitMQBlockKeys)...) {
		return nil, false
	}
	r := newMetadataReader(kedaRabbitMQScaler, m)
	return &RabbitMQModel{
		Host: r.str("host"), HostFromEnv: r.env("hostFromEnv"), Protocol: r.str("protocol"),
		QueueName: r.str("queueName"), Mode: r.str("mode"), Value: r.float("value"), ActivationValue: r.float("activationValue"),
		VhostName: r.str("vhostName"), UseRegex: r.flag("useRegex"), PageSize: r.int("pageSize"), Operation: r.str("operation"),
		ExcludeUnacknowledged: r.flag("excludeUnacknowledged"), UnsafeSSL: r.flag("unsafeSsl"), Timeout: r.duration("timeout"),
		UsernameFromEnv: r.env("usernameFromEnv"), PasswordFromEnv: r.env("passwordFromEnv"),
	}, r.ok
}
