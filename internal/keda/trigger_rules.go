package keda

import (
	"fmt"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kedacore/keda/v2/apis/keda/v1alpha1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	"k8s.io/apimachinery/pkg/api/resource"
)

// The rules KEDA v2.21 applies to a trigger, stated on the trigger as KEDA
// receives it (type, metricType, metadata), so that they hold whether the
// trigger is written with a typed block or as `type` + `metadata`. Each rule
// names the KEDA function it comes from; TestTriggerRulesAudit holds a row
// per rule.

// metricTypeKey stands for the trigger's metricType in a finding.
const metricTypeKey = "\x00metricType"

// finding is one rule a trigger breaks (or, as a warning, a value KEDA
// ignores). key is the metadata key at fault, metricTypeKey, or "" for the
// trigger as a whole.
type finding struct {
	key     string
	warning bool
	summary string
	detail  string
}

// ruleInput is a trigger as KEDA receives it and what is known about it
// offline. name renders a metadata key the way the configuration spells it.
type ruleInput struct {
	kt         v1alpha1.ScaleTriggers
	hasAuthRef bool
	forJob     bool
	name       func(key string) string
	// unknown are the metadata keys whose values are not known yet (and
	// metricTypeKey): each is checked once known, and the rules that
	// combine several keys wait until all are.
	unknown map[string]bool
}

func (in ruleInput) has(key string) bool {
	v, ok := in.kt.Metadata[key]
	return ok && strings.TrimSpace(v) != ""
}

// partial reports whether some value is not known yet.
func (in ruleInput) partial() bool { return len(in.unknown) > 0 }

// KEDAScalerTypes are the trigger types KEDA v2.21 builds a scaler for
// (pkg/scaling/scalers_builder.go buildScaler); TestKEDAScalerTypesMatchSource
// keeps the list in step with KEDA's source.
var KEDAScalerTypes = []string{
	"activemq", "apache-kafka", "arangodb", "artemis-queue", "aws-cloudwatch", "aws-dynamodb", "aws-dynamodb-streams",
	"aws-kinesis-stream", "aws-sqs-queue", "azure-app-insights", "azure-blob", "azure-cosmosdb", "azure-data-explorer",
	"azure-eventhub", "azure-log-analytics", "azure-monitor", "azure-pipelines", "azure-queue", "azure-servicebus",
	"beanstalkd", "cassandra", "clickhouse", "couchdb", "cpu", "cron", "datadog", "dynatrace", "elastic-forecast",
	"elasticsearch", "etcd", "external", "external-mock", "external-push", "forgejo-runner", "gcp-cloudtasks",
	"gcp-pubsub", "gcp-spanner", "gcp-stackdriver", "gcp-storage", "github-runner", "graphite", "huawei-cloudeye",
	"ibmmq", "influxdb", "kafka", "kubernetes-resource", "kubernetes-workload", "liiklus", "loki", "memory",
	"metrics-api", "mongodb", "mssql", "mysql", "nats-jetstream", "new-relic", "nsq", "opensearch", "openstack-metric",
	"openstack-swift", "postgresql", "predictkube", "prometheus", "pulsar", "rabbitmq", "redis", "redis-cluster",
	"redis-cluster-streams", "redis-sentinel", "redis-sentinel-streams", "redis-streams", "selenium-grid",
	"solace-direct-messaging", "solace-event-queue", "solarwinds", "solr", "splunk", "splunk-observability",
	"sumologic", "temporal",
}

// metricTypeIgnored are the scalers that never call GetMetricTargetType and
// set their own target type: pkg/scalers/pulsar_scaler.go
// GetMetricSpecForScaling (AverageValue), splunk_observability_scaler.go
// (Value), external_mock_scaler.go.
var metricTypeIgnored = []string{"pulsar", "splunk-observability", "external-mock"}

// triggerRules are the rules of every trigger, then those of its scaler.
func triggerRules(in ruleInput) []finding {
	var out []finding
	kt := in.kt
	if !slices.Contains(KEDAScalerTypes, kt.Type) {
		out = append(out, finding{key: "", summary: "Unknown scaler type",
			detail: fmt.Sprintf("KEDA v2.21 has no scaler named %q (pkg/scaling/scalers_builder.go buildScaler): "+
				"the ScaledObject would never become Ready.", kt.Type)})
		return out
	}
	out = append(out, metricTypeRules(in)...)
	switch kt.Type {
	case "rabbitmq":
		out = append(out, rabbitMQRules(in)...)
	case "prometheus":
		out = append(out, prometheusRules(in)...)
	case "cpu", "memory":
		out = append(out, resourceRules(in)...)
	}
	return out
}

// metricTypeRules: pkg/scalers/scaler.go GetMetricTargetType refuses
// Utilization for every scaler but cpu and memory; the HPA a ScaledObject
// gets accepts only Utilization, Value and AverageValue
// (k8s.io/kubernetes pkg/apis/autoscaling/validation validateMetricTarget);
// a ScaledJob reads only AverageValue targets
// (pkg/scaling/scaledjob/metrics.go getTargetAverageValue).
func metricTypeRules(in ruleInput) []finding {
	mt := in.kt.MetricType
	if mt == "" || in.unknown[metricTypeKey] || in.kt.Type == "cpu" || in.kt.Type == "memory" {
		return nil
	}
	if slices.Contains(metricTypeIgnored, in.kt.Type) {
		return []finding{{key: metricTypeKey, warning: true, summary: "metric_type ignored",
			detail: fmt.Sprintf("KEDA's %s scaler sets its own metric type and ignores this one.", in.kt.Type)}}
	}
	switch {
	case mt == autoscalingv2.UtilizationMetricType:
		return []finding{{key: metricTypeKey, summary: "Utilization only for cpu and memory",
			detail: "KEDA refuses it for external metrics: 'Utilization' metric type is unsupported for external metrics, " +
				"allowed values are 'Value' or 'AverageValue' (pkg/scalers/scaler.go GetMetricTargetType)."}}
	case mt != autoscalingv2.ValueMetricType && mt != autoscalingv2.AverageValueMetricType && !in.forJob:
		return []finding{{key: metricTypeKey, summary: "Invalid metric type",
			detail: fmt.Sprintf("%q is not a metric type: the HPA KEDA creates must use Value or AverageValue.", mt)}}
	case mt != autoscalingv2.AverageValueMetricType && in.forJob:
		return []finding{{key: metricTypeKey, warning: true, summary: "Metric type without effect on jobs",
			detail: fmt.Sprintf("ScaledJobs read only AverageValue targets (pkg/scaling/scaledjob/metrics.go getTargetAverageValue): "+
				"with %q this trigger never starts a Job.", mt)}}
	}
	return nil
}

// parseRules checks every metadata parameter KEDA reads the way TypedConfig
// parses it (types, enums, exclusive sets, deprecations), that parameters
// KEDA requires are there or can come from elsewhere, and warns of keys
// KEDA does not read.
func parseRules(in ruleInput, s *kedaScaler, alsoRead []string) []finding {
	var out []finding
	m := in.kt.Metadata
	for _, f := range s.fields {
		if slices.ContainsFunc(f.names, func(n string) bool { return in.unknown[n] }) {
			continue
		}
		name, _, present := f.present(m)
		if present {
			if _, err := f.readAs(m, in.kt.Type); err != nil {
				out = append(out, finding{key: name, summary: "Invalid " + in.kt.Type + " parameter",
					detail: "KEDA cannot read it: " + err.Error() + "."})
			}
			continue
		}
		if f.optional || f.def != "" || !f.fromMetadata || in.partial() {
			continue
		}
		fromAuth := f.fromAuth && in.hasAuthRef
		fromEnv := f.fromEnv && m[f.key()+"FromEnv"] != ""
		if fromAuth || fromEnv {
			continue
		}
		var alternatives string
		if f.fromEnv {
			alternatives += ", " + in.name(f.key()+"FromEnv")
		}
		if f.fromAuth {
			alternatives += ", or an authentication_ref whose TriggerAuthentication supplies " + f.key()
		}
		out = append(out, finding{key: f.key(), summary: "Missing " + in.kt.Type + " parameter",
			detail: fmt.Sprintf("KEDA requires %s (%s); set it%s.", f.key(), in.kt.Type+" scaler metadata", alternatives)})
	}
	for k := range m {
		if s.reads(k) || slices.Contains(alsoRead, k) {
			continue
		}
		out = append(out, finding{key: k, warning: true, summary: "Metadata KEDA does not read",
			detail: fmt.Sprintf("KEDA's %s scaler ignores the key %q.", in.kt.Type, k)})
	}
	return out
}

// kedaRead is the value KEDA reads for a mirror field from metadata alone,
// and whether it could read it.
func kedaRead[T any](s *kedaScaler, path string, m map[string]string) (T, bool) {
	var zero T
	v, err := s.byPath(path).read(m)
	if err != nil {
		return zero, false
	}
	t, ok := v.(T)
	return t, ok
}

// hpaTargetPositive: KEDA writes a float target as a milli-quantity
// (pkg/scalers/scaler.go GetMetricTargetMili, quantityFromFloat64: "%.3f",
// negative as 0), which the HPA of a ScaledObject must find positive
// (validateMetricTarget). ScaledJobs have no HPA.
func hpaTargetPositive(v float64) bool {
	q, err := resource.ParseQuantity(strconv.FormatFloat(v, 'f', 3, 64))
	return err == nil && v > 0 && q.Sign() == 1
}

func targetFinding(in ruleInput, key string, v float64) []finding {
	if in.forJob || hpaTargetPositive(v) {
		return nil
	}
	return []finding{{key: key, summary: "Target must be positive",
		detail: fmt.Sprintf("%s = %v becomes the HPA target %s, and the HPA KEDA creates requires a positive target "+
			"(KEDA rounds to thousandths: pkg/scalers/scaler.go GetMetricTargetMili).", in.name(key), v,
			strconv.FormatFloat(math.Max(v, 0), 'f', 3, 64))}}
}

// RabbitMQ modes that need the management API (validateTrigger's httpOnly).
var rabbitMQHTTPOnlyModes = []RabbitMQMode{RabbitMQModeMessageRate, RabbitMQModeDeliverGetRate,
	RabbitMQModePublishedToDeliveredRatio, RabbitMQModeExpectedQueueConsumptionTime}

// rabbitMQProtocol is the protocol KEDA will use after resolving `auto` from
// the host's scheme (rabbitMQMetadata.Validate), "" when it cannot be known
// offline (protocol or host from a TriggerAuthentication or the
// environment), with the findings about host and protocol.
func rabbitMQProtocol(in ruleInput) (RabbitMQProtocol, []finding) {
	var out []finding
	m := in.kt.Metadata
	protocol := RabbitMQProtocol("")
	switch {
	case in.has("protocol"):
		protocol = RabbitMQProtocol(strings.TrimSpace(m["protocol"]))
		if !slices.Contains(RabbitMQProtocols, protocol) {
			return "", []finding{{key: "protocol", summary: "Invalid RabbitMQ protocol",
				detail: fmt.Sprintf("the protocol has to be either `amqp`, `http`, or `auto` but is `%s` (rabbitMQMetadata.Validate).", protocol)}}
		}
	case !in.hasAuthRef:
		protocol = RabbitMQProtocolAuto
	}
	if !in.has("host") {
		if protocol == RabbitMQProtocolAuto {
			return "", out
		}
		return protocol, out
	}
	if in.has("hostFromEnv") {
		out = append(out, finding{key: "hostFromEnv", warning: true, summary: "host_from_env ignored",
			detail: fmt.Sprintf("KEDA reads host from the metadata before the environment (rabbitMQMetadata: order=triggerMetadata;authParams;resolvedEnv), "+
				"so %s is never used.", in.name("hostFromEnv"))})
	}
	host := strings.TrimSpace(m["host"])
	u, err := url.Parse(host)
	if err == nil && u.User != nil {
		if _, hasPassword := u.User.Password(); hasPassword {
			out = append(out, finding{key: "host", warning: true, summary: "Password in the RabbitMQ host",
				detail: "the URL embeds a password, which is stored in clear in the ScaledObject. Put the URL in a Secret " +
					"and reference it from a keda_trigger_authentication (secret_target_ref with parameter = \"host\")."})
		}
	}
	if err != nil {
		return "", append(out, finding{key: "host", summary: "Invalid RabbitMQ host",
			detail: "KEDA can't parse host to find protocol (rabbitMQMetadata.Validate)."})
	}
	scheme := ""
	switch u.Scheme {
	case "amqp", "amqps":
		scheme = string(RabbitMQProtocolAMQP)
	case "http", "https":
		scheme = string(RabbitMQProtocolHTTP)
	}
	switch {
	case scheme == "" && protocol == RabbitMQProtocolAuto:
		return "", append(out, finding{key: "host", summary: "Invalid RabbitMQ host",
			detail: fmt.Sprintf("unknown host URL scheme: `%s` (rabbitMQMetadata.Validate); use amqp://, amqps://, http:// or https://.", u.Scheme)})
	case scheme == "":
		return "", append(out, finding{key: "host", summary: "Invalid RabbitMQ host",
			detail: fmt.Sprintf("KEDA connects to an amqp://, amqps://, http:// or https:// URL; %q is none of them.", u.Scheme+"://")})
	case protocol != "" && protocol != RabbitMQProtocolAuto && string(protocol) != scheme:
		return protocol, append(out, finding{key: "host", summary: "RabbitMQ host does not match the protocol",
			detail: fmt.Sprintf("KEDA would speak %s to a %s:// URL, which fails on every poll.", protocol, u.Scheme)})
	case u.Host == "":
		return "", append(out, finding{key: "host", summary: "Invalid RabbitMQ host",
			detail: "the URL has no host name; KEDA would dial its own pod."})
	}
	// A protocol from the TriggerAuthentication that differs from the
	// host's scheme fails on every poll, so the scheme is the one that
	// works.
	return RabbitMQProtocol(scheme), out
}

// rabbitMQRules: pkg/scalers/rabbitmq_scaler.go parseRabbitMQMetadata,
// rabbitMQMetadata.Validate, validateOAuth2 and validateTrigger.
func rabbitMQRules(in ruleInput) []finding {
	s, m := kedaRabbitMQScaler, in.kt.Metadata
	out := parseRules(in, s, nil)
	if in.partial() {
		return out
	}
	protocol, hostFindings := rabbitMQProtocol(in)
	out = append(out, hostFindings...)
	if pageSize, ok := kedaRead[int64](s, "PageSize", m); ok && pageSize < 1 {
		out = append(out, finding{key: "pageSize", summary: "Invalid RabbitMQ page size",
			detail: "pageSize should be 1 or greater (rabbitMQMetadata.Validate)."})
	}
	known := protocol != ""
	needHTTP := func(key, kedaMessage string) {
		out = append(out, finding{key: key, summary: "Needs the RabbitMQ HTTP protocol",
			detail: fmt.Sprintf("%s needs the HTTP protocol (protocol = \"http\", or an http(s):// host with protocol auto); "+
				"over %s KEDA refuses it: %s (rabbitMQMetadata.Validate).", in.name(key), protocol, kedaMessage)})
	}
	useRegex, _ := kedaRead[bool](s, "UseRegex", m)
	if useRegex && known && protocol != RabbitMQProtocolHTTP {
		needHTTP("useRegex", "configure useRegex=true only with HTTP protocol")
	}
	if exclude, _ := kedaRead[bool](s, "ExcludeUnacknowledged", m); exclude && known && protocol != RabbitMQProtocolHTTP {
		needHTTP("excludeUnacknowledged", "configure excludeUnacknowledged=true only with HTTP protocol")
	}
	if op, ok := kedaRead[string](s, "Operation", m); ok && !slices.Contains(RabbitMQOperations, RabbitMQOperation(op)) {
		f := finding{key: "operation", summary: "Invalid RabbitMQ operation",
			detail: fmt.Sprintf("operation mode %s must be one of sum, avg, max (getComposedQueue).", op)}
		if !useRegex {
			f.warning, f.summary = true, "RabbitMQ operation ignored"
			f.detail = fmt.Sprintf("KEDA combines queues only with use_regex, so it ignores operation %q; with a regex it would reject it.", op)
		}
		out = append(out, f)
	}
	out = append(out, rabbitMQAuthRules(in)...)
	return append(out, rabbitMQTriggerRules(in, protocol)...)
}

// rabbitMQAuthRules: authModes in the metadata are checked by
// authentication.Config (enum, exclusive set) and ValidateAllowed(oauth,
// basic, tls) in validateOAuth2; every mode needs parameters that only a
// TriggerAuthentication supplies (Config.Validate).
func rabbitMQAuthRules(in ruleInput) []finding {
	modes, ok := kedaRead[[]string](kedaRabbitMQScaler, "Auth.Modes", in.kt.Metadata)
	if !ok || len(modes) == 0 {
		return nil
	}
	name, _, _ := kedaRabbitMQScaler.byPath("Auth.Modes").present(in.kt.Metadata)
	for _, mode := range modes {
		if mode != "oauth" && mode != "basic" && mode != "tls" {
			return []finding{{key: name, summary: "Auth mode not supported by RabbitMQ",
				detail: fmt.Sprintf("auth mode %q is not supported by this scaler; supported modes: [oauth basic tls] (validateOAuth2).", mode)}}
		}
	}
	if !in.hasAuthRef {
		return []finding{{key: name, summary: "auth modes without credentials",
			detail: "the credentials of these modes come from a TriggerAuthentication (authentication.Config.Validate); add an authentication_ref."}}
	}
	return nil
}

// rabbitMQTriggerRules: validateTrigger, in KEDA's order.
func rabbitMQTriggerRules(in ruleInput, protocol RabbitMQProtocol) []finding {
	s, m := kedaRabbitMQScaler, in.kt.Metadata
	queueLength, okQL := kedaRead[float64](s, "QueueLength", m)
	mode, okMode := kedaRead[string](s, "Mode", m)
	value, okValue := kedaRead[float64](s, "Value", m)
	if !okQL || !okMode || !okValue {
		return nil // reported by parseRules
	}
	const unknown = "Unknown"
	switch {
	case queueLength == 0 && mode == unknown && value == 0:
		// KEDA's default: QueueLength 20.
		return nil
	case queueLength != 0 && (mode != unknown || value != 0):
		return []finding{{key: "queueLength", summary: "Deprecated queueLength with mode or value",
			detail: "queueLength is deprecated; use mode and value (validateTrigger). Remove queueLength."}}
	case queueLength != 0:
		out := []finding{{key: "queueLength", warning: true, summary: "Deprecated queueLength",
			detail: fmt.Sprintf("KEDA reads it as mode QueueLength with value %v; write those instead.", queueLength)}}
		return append(out, targetFinding(in, "queueLength", queueLength)...)
	case mode == unknown:
		return []finding{{key: "mode", summary: "RabbitMQ mode missing",
			detail: fmt.Sprintf("mode must be specified with value (validateTrigger); set %s, or neither for KEDA's default (QueueLength 20).", in.name("mode"))}}
	case value == 0:
		return []finding{{key: "value", summary: "RabbitMQ value missing",
			detail: fmt.Sprintf("value must be specified, and not 0, with mode (validateTrigger); set %s, or neither for KEDA's default (QueueLength 20).", in.name("value"))}}
	case !slices.Contains(RabbitMQModes, RabbitMQMode(mode)):
		return []finding{{key: "mode", summary: "Invalid RabbitMQ mode",
			detail: fmt.Sprintf("trigger mode %s must be one of %s (validateTrigger).", mode, EnumDescription(RabbitMQModes...))}}
	case slices.Contains(rabbitMQHTTPOnlyModes, RabbitMQMode(mode)) && protocol != "" && protocol != RabbitMQProtocolHTTP:
		return []finding{{key: "mode", summary: "Needs the RabbitMQ HTTP protocol",
			detail: fmt.Sprintf("mode %s needs the HTTP protocol (protocol = \"http\", or an http(s):// host with protocol auto); "+
				"over %s KEDA refuses it: protocol %s not supported; must be HTTP to use trigger mode %s (validateTrigger).", mode, protocol, protocol, mode)}}
	}
	if timeout, ok := kedaRead[time.Duration](s, "Timeout", m); ok && timeout != 0 && protocol == RabbitMQProtocolAMQP {
		return []finding{{key: "timeout", summary: "Needs the RabbitMQ HTTP protocol",
			detail: "AMQP protocol doesn't support custom timeouts (validateTrigger); use the HTTP protocol or remove the timeout."}}
	}
	return targetFinding(in, "value", value)
}

// prometheusAlsoRead are metadata keys KEDA's Prometheus scaler reads
// outside its typed config: Azure Managed Prometheus (pkg/scalers/azure
// ParseEnvironmentProperty), GCP (pkg/scalers/gcp/gcp_common.go) and AWS
// (pkg/scalers/aws/aws_common.go GetAwsAuthorization).
var prometheusAlsoRead = []string{"cloud", "azureManagedPrometheusResourceURL", "credentialsFromEnv",
	"credentialsFromEnvFile", "awsAccessKeyID", "awsAccessKeyIDFromEnv", "awsSecretAccessKeyFromEnv"}

// prometheusRules: pkg/scalers/prometheus_scaler.go parsePrometheusMetadata
// (TypedConfig, authentication.Config.Validate) and ExecutePromQuery.
func prometheusRules(in ruleInput) []finding {
	s, m := kedaPrometheusScaler, in.kt.Metadata
	out := parseRules(in, s, prometheusAlsoRead)
	if in.partial() {
		return out
	}
	if in.has("serverAddress") {
		addr := strings.TrimSpace(m["serverAddress"])
		if u, err := url.Parse(addr); err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
			out = append(out, finding{key: "serverAddress", summary: "Invalid Prometheus address",
				detail: fmt.Sprintf("KEDA queries %q + /api/v1/query over HTTP (ExecutePromQuery); it must be an http:// or https:// URL with a host.", addr)})
		}
	}
	if headers, ok := kedaRead[map[string]string](s, "CustomHeaders", m); ok {
		for k, v := range headers {
			if !validHeaderName(k) || !validHeaderValue(v) {
				out = append(out, finding{key: "customHeaders", summary: "Invalid header",
					detail: fmt.Sprintf("Go's HTTP client refuses the header %q: %q, so every query KEDA sends would fail (ExecutePromQuery).", k, v)})
			}
		}
	}
	if threshold, ok := kedaRead[float64](s, "Threshold", m); ok && in.has("threshold") {
		out = append(out, targetFinding(in, "threshold", threshold)...)
	}
	modes, ok := kedaRead[[]string](s, "PrometheusAuth.Modes", m)
	if !ok || len(modes) == 0 {
		return out
	}
	key, _, _ := s.byPath("PrometheusAuth.Modes").present(m)
	if slices.Contains(modes, string(PrometheusAuthAPIKey)) {
		out = append(out, finding{key: key, warning: true, summary: "apiKey not sent to Prometheus",
			detail: "KEDA accepts the apiKey auth mode but its Prometheus scaler sends no API key (ExecutePromQuery)."})
	}
	onlyAPIKey := len(modes) == 1 && modes[0] == string(PrometheusAuthAPIKey) && in.has("apiKey")
	if !in.hasAuthRef && !onlyAPIKey {
		out = append(out, finding{key: key, summary: "auth_modes without credentials",
			detail: "the credentials of these modes come from a TriggerAuthentication (authentication.Config.Validate); add an authentication_ref."})
	}
	return out
}

// validHeaderName is net/http's rule for header names (RFC 7230 token).
func validHeaderName(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range []byte(s) {
		token := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
		if !token {
			return false
		}
	}
	return true
}

// validHeaderValue is net/http's rule for header values: no control
// characters but horizontal tab.
func validHeaderValue(s string) bool {
	for _, c := range []byte(s) {
		if c < ' ' && c != '\t' || c == 0x7f {
			return false
		}
	}
	return true
}

// resourceRules: pkg/scalers/cpu_memory_scaler.go parseResourceMetadata and
// parseUtilization, and for ScaledObjects the HPA's validateMetricTarget;
// KEDA skips cpu and memory triggers of ScaledJobs
// (pkg/scaling/scale_handler.go getScaledJobMetrics).
func resourceRules(in ruleInput) []finding {
	out := parseRules(in, kedaCPUMemoryScaler, nil)
	if in.partial() {
		return out
	}
	if in.forJob {
		out = append(out, finding{key: "", warning: true, summary: "Trigger ignored by ScaledJobs",
			detail: fmt.Sprintf("KEDA skips %s triggers when it scales jobs: this one never starts a Job; use a queue or metrics trigger.", in.kt.Type)})
	}
	value := strings.TrimSpace(in.kt.Metadata["value"])
	switch in.kt.MetricType {
	case autoscalingv2.UtilizationMetricType:
		if value == "" {
			return out
		}
		n, err := strconv.ParseInt(value, 10, 32)
		switch {
		case err != nil:
			out = append(out, finding{key: "value", summary: "Invalid utilization",
				detail: fmt.Sprintf("KEDA reads it as a 32-bit integer (parseUtilization): %v.", err)})
		case n < 1 && !in.forJob:
			out = append(out, finding{key: "value", summary: "Invalid utilization",
				detail: fmt.Sprintf("%d: the HPA KEDA creates requires a utilization of 1 or more.", n)})
		}
	case autoscalingv2.AverageValueMetricType:
		if value == "" {
			return out
		}
		q, err := resource.ParseQuantity(value)
		switch {
		case err != nil:
			out = append(out, finding{key: "value", summary: "Invalid quantity",
				detail: fmt.Sprintf("%q is not a Kubernetes quantity such as 500m or 512Mi (parseResourceMetadata).", value)})
		case q.Sign() != 1 && !in.forJob:
			out = append(out, finding{key: "value", summary: "Invalid quantity",
				detail: fmt.Sprintf("%s: the HPA KEDA creates requires a positive average value.", value)})
		}
	default:
		out = append(out, finding{key: metricTypeKey, summary: "Invalid metric type",
			detail: fmt.Sprintf("unknown metric type: %s, allowed values are 'Utilization' or 'AverageValue' (parseResourceMetadata).", in.kt.MetricType)})
	}
	return out
}
