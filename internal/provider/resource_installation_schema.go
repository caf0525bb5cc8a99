package provider

import (
	"context"
	"math"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/kedaml/terraform-provider-keda/internal/install"
	"github.com/kedaml/terraform-provider-keda/internal/keda"
	"github.com/kedaml/terraform-provider-keda/internal/validators"
)

// LogFormats and LogTimeEncodings are what KEDA's `--zap-encoder` and
// `--zap-time-encoding` flags take (controller-runtime pkg/log/zap/flags.go,
// encoderFlag.Set and timeEncodingFlag.Set; case does not matter). KEDA's
// chart documents `nano`, which KEDA refuses: the value is `nanos`.
var (
	LogFormats       = []string{"console", "json"}
	LogTimeEncodings = []string{"epoch", "millis", "nanos", "iso8601", "rfc3339", "rfc3339nano"}
)

type installationModel struct {
	ID                    types.String           `tfsdk:"id"`
	Namespace             types.String           `tfsdk:"namespace"`
	Version               types.String           `tfsdk:"version"`
	ImageRegistry         types.String           `tfsdk:"image_registry"`
	ImagePullSecrets      types.List             `tfsdk:"image_pull_secrets"`
	Operator              *operatorModel         `tfsdk:"operator"`
	MetricsServer         *componentModel        `tfsdk:"metrics_server"`
	Webhooks              *webhooksModel         `tfsdk:"webhooks"`
	WatchNamespace        types.String           `tfsdk:"watch_namespace"`
	NodeSelector          types.Map              `tfsdk:"node_selector"`
	Toleration            []keda.TolerationModel `tfsdk:"toleration"`
	PriorityClassName     types.String           `tfsdk:"priority_class_name"`
	Affinity              *affinityModel         `tfsdk:"affinity"`
	Env                   []keda.EnvModel        `tfsdk:"env"`
	HTTP                  *httpModel             `tfsdk:"http"`
	Wait                  types.Bool             `tfsdk:"wait"`
	DeleteCRDsWithObjects types.Bool             `tfsdk:"delete_crds_with_objects"`
	ManagesNamespace      types.Bool             `tfsdk:"manages_namespace"`
	TakeOverHelmRelease   types.String           `tfsdk:"take_over_helm_release"`
	Objects               types.List             `tfsdk:"objects"`
	SyncStatus            types.String           `tfsdk:"sync_status"`
	Timeouts              timeouts.Value         `tfsdk:"timeouts"`
}

// componentModel is what every component has: the metrics server's block.
type componentModel struct {
	Image                    types.String                    `tfsdk:"image"`
	Replicas                 types.Int64                     `tfsdk:"replicas"`
	LogLevel                 types.String                    `tfsdk:"log_level"`
	LogFormat                types.String                    `tfsdk:"log_format"`
	LogTimeEncoding          types.String                    `tfsdk:"log_time_encoding"`
	PodLabels                types.Map                       `tfsdk:"pod_labels"`
	PodAnnotations           types.Map                       `tfsdk:"pod_annotations"`
	ExtraArgs                types.Map                       `tfsdk:"extra_args"`
	Resources                *keda.ResourcesModel            `tfsdk:"resources"`
	Affinity                 *affinityModel                  `tfsdk:"affinity"`
	TopologySpreadConstraint []topologySpreadConstraintModel `tfsdk:"topology_spread_constraint"`
	PodSecurityContext       *podSecurityContextModel        `tfsdk:"pod_security_context"`
	SecurityContext          *securityContextModel           `tfsdk:"security_context"`
	Volume                   []keda.VolumeModel              `tfsdk:"volume"`
	VolumeMount              []keda.VolumeMountModel         `tfsdk:"volume_mount"`
	PodDisruptionBudget      *podDisruptionBudgetModel       `tfsdk:"pod_disruption_budget"`
}

type operatorModel struct {
	componentModel
	ServiceAccount *serviceAccountModel `tfsdk:"service_account"`
	Prometheus     *prometheusModel     `tfsdk:"prometheus"`
}

type webhooksModel struct {
	componentModel
	Enabled    types.Bool       `tfsdk:"enabled"`
	Prometheus *prometheusModel `tfsdk:"prometheus"`
}

type serviceAccountModel struct {
	Annotations types.Map `tfsdk:"annotations"`
	Labels      types.Map `tfsdk:"labels"`
}

type prometheusModel struct {
	Enabled types.Bool `tfsdk:"enabled"`
}

type httpModel struct {
	Timeout   types.Int64 `tfsdk:"timeout"`
	KeepAlive types.Bool  `tfsdk:"keep_alive"`
}

// componentDoc says where a component's settings land.
type componentDoc struct {
	title      string // "operator"
	deployment string // its Deployment
	image      string // its image, without tag
	selector   string // its Deployment's selector
	logLevel   string // upstream's --zap-log-level
	logFormat  string // upstream's --zap-encoder, or controller-runtime's default
	chart      string // its key in KEDA's chart values
	// replicasNote is what KEDA's chart says about more replicas.
	replicasNote string
}

var componentDocs = map[install.Component]componentDoc{
	install.Operator: {title: "operator", deployment: install.DeploymentName(install.Operator), image: "kedacore/keda",
		selector: "app = keda-operator", logLevel: "info", logFormat: "`console`, time encoding `rfc3339`", chart: "operator",
		replicasNote: " Only the elected leader works: more replicas shorten a failover, they do not share the load."},
	install.MetricsServer: {title: "metrics API server", deployment: install.DeploymentName(install.MetricsServer), image: "kedacore/keda-metrics-apiserver",
		selector: "app = keda-metrics-apiserver", logLevel: "error",
		logFormat: "none is passed, so controller-runtime's: `json`, time encoding `rfc3339`", chart: "metricServer",
		replicasNote: " KEDA's chart notes that more replicas reduce downtime during a failover, not load."},
	install.Webhooks: {title: "admission webhooks", deployment: install.DeploymentName(install.Webhooks), image: "kedacore/keda-admission-webhooks",
		selector: "app = keda-admission-webhooks", logLevel: "info", logFormat: "`console`, time encoding `rfc3339`", chart: "webhooks"},
}

func componentAttributes(c install.Component) map[string]schema.Attribute {
	d := componentDocs[c]
	container := "the container of Deployment `" + d.deployment + "`"
	return map[string]schema.Attribute{
		"image": schema.StringAttribute{Optional: true, Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			MarkdownDescription: "Full image reference of " + container + "; overrides `image_registry`. Default: `ghcr.io/" + d.image + ":<version>`."},
		"replicas": schema.Int64Attribute{Optional: true, Validators: []validator.Int64{int64validator.Between(1, math.MaxInt32)},
			MarkdownDescription: "Replicas of Deployment `" + d.deployment + "` (`spec.replicas`), at least 1. Default: upstream's (`1`). " +
				"Pair it with `pod_disruption_budget`." + d.replicasNote},
		"log_level": schema.StringAttribute{Optional: true, Validators: []validator.String{validators.ZapLevel()},
			MarkdownDescription: "Log level, the `--zap-log-level` argument of " + container + ": `debug`, `info`, `error`, `panic`, " +
				"or an integer above 0 for more verbose debug levels. Default: upstream's (`" + d.logLevel + "`)."},
		"log_format": schema.StringAttribute{Optional: true, Validators: []validator.String{stringvalidator.OneOfCaseInsensitive(LogFormats...)},
			MarkdownDescription: "Log format, the `--zap-encoder` argument of " + container + ": " + enumText(LogFormats) +
				". Default: upstream's (" + d.logFormat + ")."},
		"log_time_encoding": schema.StringAttribute{Optional: true, Validators: []validator.String{stringvalidator.OneOfCaseInsensitive(LogTimeEncodings...)},
			MarkdownDescription: "Time encoding of log lines, the `--zap-time-encoding` argument of " + container + ": " +
				enumText(LogTimeEncodings) + ". Default: upstream's (`rfc3339`)."},
		"pod_labels": labelMap("Labels added to the pods of Deployment `" + d.deployment + "` (`spec.template.metadata.labels`), " +
			"e.g. `azure.workload.identity/use = \"true\"`; not `app`, the Deployment's selector (`" + d.selector + "`)."),
		"pod_annotations": annotationMap("Annotations added to the pods of Deployment `" + d.deployment + "` (`spec.template.metadata.annotations`)."),
		"extra_args": schema.MapAttribute{Optional: true, ElementType: types.StringType, Validators: []validator.Map{extraArgsKeys(c)},
			MarkdownDescription: "Further command-line flags of " + container + ", as KEDA's chart's `extraArgs`: `{ \"kube-api-qps\" = \"50\" }` " +
				"passes `--kube-api-qps=50`. A flag KEDA's manifest already passes gets the new value; others are appended, in name order. " +
				"Not the flags `log_level`, `log_format`, `log_time_encoding` and `prometheus` set."},
	}
}

func componentBlocks(c install.Component) map[string]schema.Block {
	d := componentDocs[c]
	return map[string]schema.Block{
		"resources": keda.ResourcesBlock("Requests and limits of the container of Deployment `" + d.deployment + "`, replacing upstream's " +
			"(requests `cpu = 100m, memory = 100Mi`, limits `cpu = 1, memory = 1000Mi`)."),
		"affinity": affinityBlock("Affinity of the pods of Deployment `" + d.deployment + "` (`spec.template.spec.affinity`); replaces the " +
			"installation's `affinity` for this component, as KEDA's chart's `" + chartAffinity(c) + "` does. Default: the installation's `affinity`."),
		"topology_spread_constraint": topologySpreadBlock(d.deployment, d.selector),
		"pod_security_context":       podSecurityContextBlock(d.deployment),
		"security_context":           securityContextBlock(d.deployment),
		"volume":                     volumeBlock(d.deployment),
		"volume_mount":               volumeMountBlock(d.deployment),
		"pod_disruption_budget":      podDisruptionBudgetBlock(d.deployment),
	}
}

func chartAffinity(c install.Component) string {
	if c == install.MetricsServer {
		return "metricsServer.affinity"
	}
	return componentDocs[c].chart + ".affinity"
}

func prometheusBlock(description string) schema.SingleNestedBlock {
	return inBlock(schema.SingleNestedBlock{
		MarkdownDescription: description,
		Attributes: map[string]schema.Attribute{
			"enabled": schema.BoolAttribute{Optional: true, MarkdownDescription: "`true` serves the Prometheus endpoint, `false` turns it off. Default: KEDA's (on)."},
		},
	}, "enabled")
}

func (r *installationResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	operatorAttrs, operatorBlocks := componentAttributes(install.Operator), componentBlocks(install.Operator)
	operatorBlocks["service_account"] = schema.SingleNestedBlock{
		MarkdownDescription: "Metadata of the ServiceAccount `" + install.ServiceAccountName + "` in `namespace`, as KEDA's chart's " +
			"`serviceAccount.operator`. KEDA's manifest runs all three components as this ServiceAccount. Workload identity goes here: " +
			"`eks.amazonaws.com/role-arn` (EKS IRSA), `azure.workload.identity/client-id` (AKS), `iam.gke.io/gcp-service-account` (GKE); " +
			"see the workload identity guide.",
		Attributes: map[string]schema.Attribute{
			"annotations": annotationMap("Annotations added to the ServiceAccount's (`metadata.annotations`)."),
			"labels":      labelMap("Labels added to the ServiceAccount's (`metadata.labels`)."),
		},
	}
	operatorBlocks["prometheus"] = prometheusBlock("The operator's Prometheus metrics endpoint (port 8080, `/metrics`), the " +
		"`--enable-prometheus-metrics` argument of the container of Deployment `keda-operator`, as KEDA's chart's `prometheus.operator.enabled`. " +
		"Default: on (KEDA's default).")
	webhookAttrs, webhookBlocks := componentAttributes(install.Webhooks), componentBlocks(install.Webhooks)
	webhookAttrs["enabled"] = schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(true),
		MarkdownDescription: "Install KEDA's admission webhooks (Deployment `keda-admission`, Service `keda-admission-webhooks`, " +
			"ValidatingWebhookConfiguration `keda-admission`). Default: `true`."}
	webhookBlocks["prometheus"] = prometheusBlock("The admission webhooks' Prometheus metrics endpoint (port 8080, `/metrics`): " +
		"`false` passes `--metrics-bind-address=0` to the container of Deployment `keda-admission`, `true` `--metrics-bind-address=:8080`, " +
		"as KEDA's chart's `prometheus.webhooks.enabled`. Default: on (KEDA's default). The metrics server always serves its " +
		"metrics on port 8080: KEDA has no switch for it.")
	versions := install.VersionStrings()
	resp.Schema = schema.Schema{
		MarkdownDescription: "Installs KEDA — its CRDs (exact upstream schemas), operator, metrics API server with its APIService, " +
			"admission webhooks and RBAC — from the manifests bundled in the provider (KEDA " + enumText(versions) + "): no Helm, " +
			"no chart repository, no download. What platform teams set in KEDA's Helm chart has an attribute here, landing on the " +
			"object and field where the chart puts it. Objects are written with server-side apply, CRDs first; drift (an object " +
			"changed or deleted by hand) shows in `sync_status` and is repaired by the next apply. Destroy removes what it " +
			"installed, but keeps the CRDs while ScaledObjects, ScaledJobs or TriggerAuthentications exist, unless " +
			"`delete_crds_with_objects` is set.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, MarkdownDescription: "The namespace KEDA is installed in.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"namespace": schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString("keda"),
				MarkdownDescription: "Namespace of KEDA's components; created unless it exists. Default: `keda`. Changing it reinstalls.",
				Validators:          []validator.String{validators.KubeName(validators.DNSLabel)},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()}},
			"version": schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString(install.BundledVersion()),
				MarkdownDescription: "KEDA version: one of the bundled " + enumText(versions) + ". Default: the newest, `" +
					install.BundledVersion() + "`. Changing it upgrades in place, the new CRDs first. A downgrade whose CRDs lack " +
					"fields of the installed ones is refused at plan: the API server would prune those fields from KEDA's objects. " +
					"Whatever the version, the provider checks ScaledObjects, ScaledJobs and TriggerAuthentications at plan with " +
					"KEDA " + install.BundledVersion() + "'s rules.",
				Validators:    []validator.String{stringvalidator.OneOf(versions...)},
				PlanModifiers: []planmodifier.String{refuseCRDDowngrade()}},
			"image_registry": schema.StringAttribute{Optional: true,
				MarkdownDescription: "Registry (and path) mirroring `ghcr.io`: `registry.internal/mirror` turns `ghcr.io/kedacore/keda:" +
					install.BundledVersion() + "` into `registry.internal/mirror/kedacore/keda:" + install.BundledVersion() + "`.",
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)}},
			"image_pull_secrets": schema.ListAttribute{Optional: true, ElementType: types.StringType,
				MarkdownDescription: "Secrets (in `namespace`) used to pull the images: `spec.template.spec.imagePullSecrets` of the three Deployments."},
			"watch_namespace": schema.StringAttribute{Optional: true,
				MarkdownDescription: "Only watch ScaledObjects and ScaledJobs in this namespace: the `WATCH_NAMESPACE` variable of the three " +
					"containers. Default: all namespaces.",
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)}},
			"node_selector": schema.MapAttribute{Optional: true, ElementType: types.StringType,
				MarkdownDescription: "Node labels KEDA's pods need, added to upstream's `kubernetes.io/os = linux` in " +
					"`spec.template.spec.nodeSelector` of the three Deployments, as KEDA's chart's `nodeSelector`. On GKE with workload " +
					"identity: `{ \"iam.gke.io/gke-metadata-server-enabled\" = \"true\" }`."},
			"priority_class_name": schema.StringAttribute{Optional: true,
				MarkdownDescription: "Priority class of KEDA's pods (`spec.template.spec.priorityClassName` of the three Deployments), as KEDA's chart's `priorityClassName`.",
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)}},
			"wait": schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(true),
				MarkdownDescription: "Return only when the operator, metrics server and webhook Deployments are Available and the " +
					"metrics APIService is Available. Default: `true`."},
			"delete_crds_with_objects": schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(false),
				MarkdownDescription: "On destroy, delete KEDA's CRDs even when ScaledObjects, ScaledJobs or TriggerAuthentications " +
					"that this configuration does not manage still exist: they are deleted with them. Default: `false` (the CRDs " +
					"are kept, with a warning naming those objects)."},
			"take_over_helm_release": takeOverHelmReleaseAttribute(),
			"manages_namespace": schema.BoolAttribute{Computed: true,
				MarkdownDescription: "Whether the installation created `namespace` (and so deletes it on destroy).",
				PlanModifiers:       []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()}},
			"objects": schema.ListAttribute{Computed: true, ElementType: types.StringType,
				MarkdownDescription: "The objects installed, as `Kind namespace/name`."},
			"sync_status": schema.StringAttribute{Computed: true,
				MarkdownDescription: "`in sync`, or which installed objects were changed or deleted outside Terraform; the next apply restores them."},
		},
		Blocks: map[string]schema.Block{
			"operator": schema.SingleNestedBlock{MarkdownDescription: "The operator: Deployment `keda-operator`, as KEDA's chart's `operator` and the " +
				"`operator`/`keda` keys of its other values.", Attributes: operatorAttrs, Blocks: operatorBlocks},
			"metrics_server": schema.SingleNestedBlock{MarkdownDescription: "The metrics API server: Deployment `keda-metrics-apiserver`, as KEDA's chart's " +
				"`metricsServer` and the `metricServer`/`metricsAdapter` keys of its other values.",
				Attributes: componentAttributes(install.MetricsServer), Blocks: componentBlocks(install.MetricsServer)},
			"webhooks": schema.SingleNestedBlock{MarkdownDescription: "The admission webhooks: Deployment `keda-admission`, as KEDA's chart's `webhooks` " +
				"and the `webhooks` keys of its other values.", Attributes: webhookAttrs, Blocks: webhookBlocks},
			"toleration": keda.TolerationBlock("A toleration of KEDA's pods (`spec.template.spec.tolerations` of the three Deployments), as KEDA's chart's `tolerations`."),
			"affinity": affinityBlock("Affinity of KEDA's pods (`spec.template.spec.affinity` of the three Deployments), as KEDA's chart's " +
				"`affinity`; a component's own `affinity` replaces it. Default: none."),
			"env": envBlock("An environment variable of the three containers, as KEDA's chart's `env`, e.g. `HTTP_PROXY`, `NO_PROXY`, or " +
				"`KEDA_HTTP_MIN_TLS_VERSION`. A variable KEDA's manifest sets (such as `KEDA_HTTP_DEFAULT_TIMEOUT`) gets this value; " +
				"others are appended. Not one that `watch_namespace` or `http` sets when they are set."),
			"http": schema.SingleNestedBlock{
				MarkdownDescription: "KEDA's HTTP client of the scalers, as KEDA's chart's `http`.",
				Attributes: map[string]schema.Attribute{
					"timeout": schema.Int64Attribute{Optional: true,
						MarkdownDescription: "Timeout of the scalers' HTTP requests, in milliseconds: the `KEDA_HTTP_DEFAULT_TIMEOUT` variable " +
							"of the three containers. Default: KEDA's (`3000`)."},
					"keep_alive": schema.BoolAttribute{Optional: true,
						MarkdownDescription: "Keep the scalers' HTTP connections alive. `false` sets `KEDA_HTTP_DISABLE_KEEP_ALIVE = \"true\"` in " +
							"the operator's and metrics server's containers, as KEDA's chart's `http.keepAlive.enabled`. Default: KEDA's (`true`)."},
				},
			},
			"timeouts": timeoutsBlock(ctx, "With `wait`, create and update include waiting until KEDA's Deployments are Available and its metrics APIService too.", installTimeout),
		},
	}
	resp.Schema = withFixedTypes(resp.Schema)
}

func stringMapOf(m types.Map) map[string]string {
	out := map[string]string{}
	for k, v := range m.Elements() {
		if s, ok := v.(types.String); ok && !s.IsNull() && !s.IsUnknown() {
			out[k] = s.ValueString()
		}
	}
	return out
}

func (c *componentModel) params() install.ComponentParams {
	p := install.ComponentParams{
		Image: c.Image.ValueString(), Replicas: optInt32(c.Replicas),
		LogLevel: c.LogLevel.ValueString(), LogFormat: c.LogFormat.ValueString(), LogTimeEncoding: c.LogTimeEncoding.ValueString(),
		PodLabels: stringMapOf(c.PodLabels), PodAnnotations: stringMapOf(c.PodAnnotations), ExtraArgs: stringMapOf(c.ExtraArgs),
		Affinity:                  c.Affinity.expand(),
		TopologySpreadConstraints: expandTopologySpread(c.TopologySpreadConstraint),
		PodSecurityContext:        c.PodSecurityContext.expand(),
		SecurityContext:           c.SecurityContext.expand(),
	}
	p.Resources = c.Resources.Expand()
	for _, v := range c.Volume {
		p.Volumes = append(p.Volumes, v.Expand())
	}
	for _, m := range c.VolumeMount {
		p.VolumeMounts = append(p.VolumeMounts, m.Expand())
	}
	if b := c.PodDisruptionBudget; b != nil {
		p.PodDisruptionBudget = &install.PodDisruptionBudget{}
		p.PodDisruptionBudget.MinAvailable, p.PodDisruptionBudget.MaxUnavailable = b.intOrStrings()
	}
	return p
}

func (p *prometheusModel) enabled() *bool {
	if p == nil {
		return nil
	}
	return optBool(p.Enabled)
}

// params converts the model into the installer's parameters.
func (m installationModel) params() install.Params {
	p := install.Params{
		Version:           install.Version(m.Version.ValueString()),
		Namespace:         m.Namespace.ValueString(),
		ImageRegistry:     m.ImageRegistry.ValueString(),
		WatchNamespace:    m.WatchNamespace.ValueString(),
		NodeSelector:      stringMapOf(m.NodeSelector),
		PriorityClassName: m.PriorityClassName.ValueString(),
		Affinity:          m.Affinity.expand(),
		Components:        map[install.Component]install.ComponentParams{},
	}
	for _, v := range m.ImagePullSecrets.Elements() {
		if s, ok := v.(types.String); ok {
			p.ImagePullSecrets = append(p.ImagePullSecrets, s.ValueString())
		}
	}
	if c := m.Operator; c != nil {
		cp := c.params()
		cp.PrometheusMetrics = c.Prometheus.enabled()
		p.Components[install.Operator] = cp
		if sa := c.ServiceAccount; sa != nil {
			p.ServiceAccount = install.ServiceAccountParams{Annotations: stringMapOf(sa.Annotations), Labels: stringMapOf(sa.Labels)}
		}
	}
	if c := m.MetricsServer; c != nil {
		p.Components[install.MetricsServer] = c.params()
	}
	if c := m.Webhooks; c != nil {
		cp := c.params()
		cp.PrometheusMetrics = c.Prometheus.enabled()
		p.Components[install.Webhooks] = cp
		p.WebhooksDisabled = !c.Enabled.IsNull() && !c.Enabled.ValueBool()
	}
	for _, t := range m.Toleration {
		p.Tolerations = append(p.Tolerations, t.Expand())
	}
	for _, e := range m.Env {
		p.Env = append(p.Env, e.Expand())
	}
	if h := m.HTTP; h != nil {
		p.HTTPTimeout = optInt64(h.Timeout)
		p.HTTPKeepAlive = optBool(h.KeepAlive)
	}
	return p
}

// extraArgsKeys keeps extra_args off the flags that attributes set.
func extraArgsKeys(c install.Component) validator.Map {
	reserved := map[string]string{
		install.FlagLogLevel:        "log_level",
		install.FlagLogFormat:       "log_format",
		install.FlagLogTimeEncoding: "log_time_encoding",
	}
	switch c {
	case install.Operator:
		reserved[install.FlagPrometheus] = "prometheus"
	case install.Webhooks:
		reserved[install.FlagMetricsAddress] = "prometheus"
	}
	return validators.FlagMap(reserved)
}
