package keda

import (
	"context"
	"fmt"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/go-logr/logr"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/kedacore/keda/v2/pkg/scalers/scalersconfig"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"
)

// The typed scalers' metadata as KEDA v2.21 reads it. Each mirror copies the
// `keda` struct tags of KEDA's own metadata struct (TestKEDAMirrorsMatchSource
// compares them with KEDA's source in the module cache), and every value is
// parsed by KEDA's own scalersconfig.TypedConfig: whitespace trimmed, an empty
// value read as absent, numbers as JSON, booleans with strconv.ParseBool,
// durations as Go durations or milliseconds, enums and exclusive sets checked.

// kedaRabbitMQ mirrors pkg/scalers/rabbitmq_scaler.go rabbitMQMetadata.
type kedaRabbitMQ struct {
	TriggerIndex             int
	QueueName                string          `keda:"name=queueName,                       order=triggerMetadata"`
	Mode                     string          `keda:"name=mode,                                 order=triggerMetadata, optional, default=Unknown"`
	QueueLength              float64         `keda:"name=queueLength,                  order=triggerMetadata, optional"`
	Value                    float64         `keda:"name=value,                              order=triggerMetadata, optional"`
	ActivationValue          float64         `keda:"name=activationValue,          order=triggerMetadata, optional"`
	Host                     string          `keda:"name=host,                                 order=triggerMetadata;authParams;resolvedEnv"`
	Protocol                 string          `keda:"name=protocol,                         order=triggerMetadata;authParams, default=auto"`
	VhostName                string          `keda:"name=vhostName,                       order=triggerMetadata;authParams, optional"`
	UseRegex                 bool            `keda:"name=useRegex,                           order=triggerMetadata, optional"`
	ExcludeUnacknowledged    bool            `keda:"name=excludeUnacknowledged, order=triggerMetadata, optional"`
	PageSize                 int64           `keda:"name=pageSize,                          order=triggerMetadata, default=100"`
	Operation                string          `keda:"name=operation,                       order=triggerMetadata, default=sum"`
	Timeout                  time.Duration   `keda:"name=timeout,                  order=triggerMetadata, optional"`
	Username                 string          `keda:"name=username, order=authParams;resolvedEnv, optional"`
	Password                 string          `keda:"name=password, order=authParams;resolvedEnv, optional"`
	Ca                       string          `keda:"name=ca,          order=authParams, optional"`
	Cert                     string          `keda:"name=cert,        order=authParams, optional"`
	Key                      string          `keda:"name=key,         order=authParams, optional"`
	KeyPassword              string          `keda:"name=keyPassword, order=authParams, optional"`
	EnableTLS                string          `keda:"name=tls,         order=authParams, default=disable"`
	UnsafeSsl                bool            `keda:"name=unsafeSsl,   order=triggerMetadata, optional"`
	WorkloadIdentityResource string          `keda:"name=workloadIdentityResource, order=authParams, optional"`
	Auth                     *kedaAuthConfig `keda:"optional"`
}

// kedaPrometheus mirrors pkg/scalers/prometheus_scaler.go prometheusMetadata.
type kedaPrometheus struct {
	TriggerIndex        int
	PrometheusAuth      *kedaAuthConfig   `keda:"optional"`
	ServerAddress       string            `keda:"name=serverAddress,       order=triggerMetadata"`
	Query               string            `keda:"name=query,               order=triggerMetadata"`
	QueryParameters     map[string]string `keda:"name=queryParameters,     order=triggerMetadata,            optional"`
	Threshold           float64           `keda:"name=threshold,           order=triggerMetadata"`
	ActivationThreshold float64           `keda:"name=activationThreshold, order=triggerMetadata,            optional"`
	Namespace           string            `keda:"name=namespace,           order=triggerMetadata,            optional"`
	CustomHeaders       map[string]string `keda:"name=customHeaders,       order=triggerMetadata,            optional"`
	IgnoreNullValues    bool              `keda:"name=ignoreNullValues,    order=triggerMetadata,            default=true"`
	UnsafeSSL           bool              `keda:"name=unsafeSsl,           order=triggerMetadata,            optional"`
	AwsRegion           string            `keda:"name=awsRegion,           order=triggerMetadata;authParams, optional"`
	Timeout             time.Duration     `keda:"name=timeout,             order=triggerMetadata,            optional"`
	IdentityOwner       string            `keda:"name=identityOwner,       order=triggerMetadata,            optional"`
}

// kedaCPUMemory mirrors pkg/scalers/cpu_memory_scaler.go cpuMemoryMetadata.
type kedaCPUMemory struct {
	TriggerIndex  int
	Type          string `keda:"name=type,          order=triggerMetadata, enum=Utilization;AverageValue, optional, deprecated=The 'type' setting is DEPRECATED and is removed in v2.18 - Use 'metricType' instead."`
	Value         string `keda:"name=value,         order=triggerMetadata"`
	ContainerName string `keda:"name=containerName, order=triggerMetadata, optional"`
}

// kedaAuthConfig mirrors pkg/scalers/authentication/authentication_types.go
// Config, with its embedded structs as named fields.
type kedaAuthConfig struct {
	Modes       []string       `keda:"name=authModes;authMode, order=triggerMetadata;authParams, enum=apiKey;basic;tls;bearer;custom;oauth, exclusiveSet=bearer;basic;oauth, optional"`
	BearerToken string         `keda:"name=bearerToken;token, order=authParams, optional"`
	BasicAuth   kedaBasicAuth  `keda:"optional"`
	CertAuth    kedaCertAuth   `keda:"optional"`
	OAuth       kedaOAuth      `keda:"optional"`
	CustomAuth  kedaCustomAuth `keda:"optional"`
	APIKeyAuth  kedaAPIKeyAuth `keda:"optional"`
}

type kedaBasicAuth struct {
	Username string `keda:"name=username, order=authParams"`
	Password string `keda:"name=password, order=authParams"`
}

type kedaCertAuth struct {
	Cert string `keda:"name=cert, order=authParams"`
	Key  string `keda:"name=key, order=authParams"`
	CA   string `keda:"name=ca, order=authParams"`
}

type kedaOAuth struct {
	OauthTokenURI  string     `keda:"name=oauthTokenURI,  order=authParams"`
	Scopes         []string   `keda:"name=scopes;scope,   order=authParams"`
	ClientID       string     `keda:"name=clientID,       order=authParams"`
	ClientSecret   string     `keda:"name=clientSecret,   order=authParams"`
	EndpointParams url.Values `keda:"name=endpointParams, order=authParams"`
}

type kedaCustomAuth struct {
	CustomAuthHeader string `keda:"name=customAuthHeader, order=authParams"`
	CustomAuthValue  string `keda:"name=customAuthValue,  order=authParams"`
}

type kedaAPIKeyAuth struct {
	APIKey       string `keda:"name=apiKey, order=triggerMetadata;authParams"`
	Method       string `keda:"name=method, order=triggerMetadata;authParams, default=header, enum=header;query"`
	KeyParamName string `keda:"name=keyParamName, order=triggerMetadata;authParams, optional"`
}

// kedaField is one parameter of a mirror: where KEDA looks for it and how it
// parses it.
type kedaField struct {
	// path is the Go field path in the mirror, e.g. "Auth.Modes".
	path  string
	names []string
	typ   reflect.Type
	tag   string
	// fromMetadata, fromAuth and fromEnv: its order includes
	// triggerMetadata, authParams or resolvedEnv (read from the variable
	// that metadata `<name>FromEnv` names).
	fromMetadata, fromAuth, fromEnv bool
	optional                        bool
	def                             string
	// holder is the struct TypedConfig parses the parameter into alone.
	holder reflect.Type
}

// key is the parameter's metadata key (its first name).
func (f kedaField) key() string { return f.names[0] }

// kedaScaler is the mirror of one scaler type.
type kedaScaler struct {
	fields []kedaField
}

var (
	kedaRabbitMQScaler   = newKEDAScaler(kedaRabbitMQ{})
	kedaPrometheusScaler = newKEDAScaler(kedaPrometheus{})
	kedaCPUMemoryScaler  = newKEDAScaler(kedaCPUMemory{})
)

// kedaScalers are the scalers whose metadata the provider reads the way
// KEDA does, by trigger type.
var kedaScalers = map[string]*kedaScaler{
	"rabbitmq":   kedaRabbitMQScaler,
	"prometheus": kedaPrometheusScaler,
	"cpu":        kedaCPUMemoryScaler,
	"memory":     kedaCPUMemoryScaler,
}

func newKEDAScaler(mirror any) *kedaScaler {
	s := &kedaScaler{}
	s.walk(reflect.TypeOf(mirror), "", false)
	return s
}

func (s *kedaScaler) walk(t reflect.Type, prefix string, parentOptional bool) {
	for i := range t.NumField() {
		sf := t.Field(i)
		tag, ok := sf.Tag.Lookup("keda")
		if !ok {
			continue
		}
		f := parseKEDATag(tag)
		f.path, f.typ, f.tag = prefix+sf.Name, sf.Type, tag
		f.holder = reflect.StructOf([]reflect.StructField{
			{Name: "TriggerIndex", Type: reflect.TypeFor[int]()},
			{Name: "V", Type: f.typ, Tag: reflect.StructTag(`keda:"` + f.tag + `"`)},
		})
		f.optional = f.optional || parentOptional
		if len(f.names) == 0 {
			nested := sf.Type
			for nested.Kind() == reflect.Pointer {
				nested = nested.Elem()
			}
			s.walk(nested, f.path+".", f.optional)
			continue
		}
		s.fields = append(s.fields, f)
	}
}

// parseKEDATag reads the parts of a `keda` tag that say where a parameter
// comes from, as scalersconfig's paramsFromTag does.
func parseKEDATag(tag string) kedaField {
	var f kedaField
	for part := range strings.SplitSeq(tag, ",") {
		k, v, _ := strings.Cut(part, "=")
		switch strings.TrimSpace(k) {
		case "name":
			f.names = strings.Split(strings.TrimSpace(v), ";")
		case "order":
			for _, o := range strings.Split(v, ";") {
				switch scalersconfig.ParsingOrder(strings.TrimSpace(o)) {
				case scalersconfig.TriggerMetadata:
					f.fromMetadata = true
				case scalersconfig.AuthParams:
					f.fromAuth = true
				case scalersconfig.ResolvedEnv:
					f.fromEnv = true
				}
			}
		case "optional":
			f.optional = true
		case "default":
			f.def = strings.TrimSpace(v)
		}
	}
	return f
}

// byPath returns the parameter of a mirror field, e.g. "Auth.Modes".
func (s *kedaScaler) byPath(path string) kedaField {
	for _, f := range s.fields {
		if f.path == path {
			return f
		}
	}
	panic("no KEDA parameter " + path)
}

// field returns the parameter read from metadata key key, if any.
func (s *kedaScaler) field(key string) (kedaField, bool) {
	for _, f := range s.fields {
		if f.fromMetadata && slices.Contains(f.names, key) {
			return f, true
		}
	}
	return kedaField{}, false
}

// reads reports whether KEDA reads metadata key key at all: as a parameter,
// or as the `<name>FromEnv` of one read from the environment.
func (s *kedaScaler) reads(key string) bool {
	if _, ok := s.field(key); ok {
		return true
	}
	for _, f := range s.fields {
		if f.fromEnv && slices.ContainsFunc(f.names, func(n string) bool { return n+"FromEnv" == key }) {
			return true
		}
	}
	return false
}

// present is the metadata value KEDA reads for f, if any: KEDA trims it and
// takes an empty one as absent.
func (f kedaField) present(m map[string]string) (string, string, bool) {
	if !f.fromMetadata {
		return "", "", false
	}
	for _, n := range f.names {
		if v, ok := m[n]; ok && strings.TrimSpace(v) != "" {
			return n, v, true
		}
	}
	return "", "", false
}

var quietControllerRuntimeLog sync.Once

// read parses f from metadata alone with KEDA's TypedConfig: the value KEDA
// would use when neither the TriggerAuthentication nor the environment
// supplies it (its default, or an error for a required one).
func (f kedaField) read(m map[string]string) (any, error) {
	return f.readAs(m, "")
}

// parsed caches what read returns: a plan reads the same few values for
// every object, and KEDA's parse is a pure function of them.
var parsed sync.Map

type parseKey struct {
	typ                           reflect.Type
	tag, name, value, triggerType string
}

type parseResult struct {
	v   any
	err error
}

// readAs is read, with the trigger type KEDA's messages name.
func (f kedaField) readAs(m map[string]string, triggerType string) (any, error) {
	name, value, _ := f.present(m)
	key := parseKey{typ: f.typ, tag: f.tag, name: name, value: value, triggerType: triggerType}
	if r, ok := parsed.Load(key); ok {
		return r.(parseResult).v, r.(parseResult).err
	}
	v, err := f.parse(name, value, triggerType)
	parsed.Store(key, parseResult{v, err})
	return v, err
}

func (f kedaField) parse(name, value, triggerType string) (any, error) {
	// TypedConfig logs through controller-runtime's global logger, which
	// buffers every logger derived from it until one is set, and complains
	// on stderr 30 seconds in; the provider has no use for KEDA's logs.
	quietControllerRuntimeLog.Do(func() { ctrllog.SetLogger(logr.Discard()) })
	meta := map[string]string{}
	if name != "" {
		meta[name] = value
	}
	holder := reflect.New(f.holder)
	sc := scalersconfig.ScalerConfig{TriggerMetadata: meta, TriggerType: triggerType}
	err := sc.TypedConfig(holder.Interface())
	return holder.Elem().Field(1).Interface(), err
}

// sameRaw reports whether a and b spell f identically, which needs no
// parsing to compare.
func (f kedaField) sameRaw(a, b map[string]string) bool {
	for _, n := range f.names {
		va, okA := a[n]
		vb, okB := b[n]
		if okA != okB || va != vb {
			return false
		}
	}
	return true
}

// asSet sorts and deduplicates a list: the only lists KEDA reads from
// metadata here are auth modes, which it only ever asks "contains?".
func asSet(v any) any {
	if l, ok := v.([]string); ok {
		return slices.Compact(slices.Sorted(slices.Values(l)))
	}
	return v
}

// sameKEDAValue reports whether KEDA reads metadata a and b of a scaler
// identically: every parameter parses to the same value (or fails alike),
// every `<name>FromEnv` names the same variable, and keys KEDA does not read
// are equal.
func (s *kedaScaler) sameKEDAValue(a, b map[string]string) bool {
	for _, f := range s.fields {
		if !f.fromMetadata || f.sameRaw(a, b) {
			continue
		}
		va, ea := f.read(a)
		vb, eb := f.read(b)
		if (ea == nil) != (eb == nil) || (ea == nil && !reflect.DeepEqual(asSet(va), asSet(vb))) {
			return false
		}
	}
	for _, m := range []map[string]string{a, b} {
		for k := range m {
			if _, isParam := s.field(k); !isParam && a[k] != b[k] {
				return false
			}
		}
	}
	return true
}

type kedaParamValidator struct {
	scaler *kedaScaler
	key    string
}

// kedaParam checks a typed attribute the way KEDA parses the metadata key
// it writes.
func kedaParam(s *kedaScaler, key string) validator.String {
	if _, ok := s.field(key); !ok {
		panic("no KEDA parameter " + key)
	}
	return kedaParamValidator{scaler: s, key: key}
}

func (v kedaParamValidator) Description(_ context.Context) string {
	f, _ := v.scaler.field(v.key)
	if f.typ == reflect.TypeFor[time.Duration]() {
		return "must be a duration such as `500ms` or `5s`, or a number of milliseconds, not negative"
	}
	return "must be a value KEDA reads as " + f.typ.String()
}

func (v kedaParamValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v kedaParamValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	f, _ := v.scaler.field(v.key)
	if _, err := f.read(map[string]string{v.key: req.ConfigValue.ValueString()}); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid value",
			fmt.Sprintf("Attribute %s value %q %s; KEDA would refuse it: %v.", req.Path, req.ConfigValue.ValueString(), v.Description(context.Background()), err))
	}
}
