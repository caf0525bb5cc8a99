package provider

import (
	"context"

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
	corev1 "k8s.io/api/core/v1"
	kresource "k8s.io/apimachinery/pkg/api/resource"

	"github.com/kedaml/terraform-provider-keda/internal/install"
	"github.com/kedaml/terraform-provider-keda/internal/keda"
	"github.com/kedaml/terraform-provider-keda/internal/validators"
)

// LogLevels are the log levels of KEDA's components.
var LogLevels = []string{"debug", "info", "error"}

type installationModel struct {
	ID                    types.String           `tfsdk:"id"`
	Namespace             types.String           `tfsdk:"namespace"`
	Version               types.String           `tfsdk:"version"`
	ImageRegistry         types.String           `tfsdk:"image_registry"`
	ImagePullSecrets      types.List             `tfsdk:"image_pull_secrets"`
	Operator              *componentModel        `tfsdk:"operator"`
	MetricsServer         *componentModel        `tfsdk:"metrics_server"`
	Webhooks              *webhooksModel         `tfsdk:"webhooks"`
	WatchNamespace        types.String           `tfsdk:"watch_namespace"`
	NodeSelector          types.Map              `tfsdk:"node_selector"`
	Toleration            []keda.TolerationModel `tfsdk:"toleration"`
	PriorityClassName     types.String           `tfsdk:"priority_class_name"`
	Wait                  types.Bool             `tfsdk:"wait"`
	DeleteCRDsWithObjects types.Bool             `tfsdk:"delete_crds_with_objects"`
	ManagesNamespace      types.Bool             `tfsdk:"manages_namespace"`
	Objects               types.List             `tfsdk:"objects"`
	SyncStatus            types.String           `tfsdk:"sync_status"`
	Timeouts              timeouts.Value         `tfsdk:"timeouts"`
}

type componentModel struct {
	Image     types.String         `tfsdk:"image"`
	Replicas  types.Int64          `tfsdk:"replicas"`
	LogLevel  types.String         `tfsdk:"log_level"`
	Resources *keda.ResourcesModel `tfsdk:"resources"`
}

type webhooksModel struct {
	Enabled   types.Bool           `tfsdk:"enabled"`
	Image     types.String         `tfsdk:"image"`
	Replicas  types.Int64          `tfsdk:"replicas"`
	LogLevel  types.String         `tfsdk:"log_level"`
	Resources *keda.ResourcesModel `tfsdk:"resources"`
}

func componentAttributes(name string) map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"image": schema.StringAttribute{Optional: true, MarkdownDescription: "Full image reference of the " + name + "; overrides `image_registry`.",
			Validators: []validator.String{stringvalidator.LengthAtLeast(1)}},
		"replicas": schema.Int64Attribute{Optional: true, MarkdownDescription: "Replicas of the " + name + ". Default: upstream's (`1`).",
			Validators: []validator.Int64{int64validator.AtLeast(1)}},
		"log_level": schema.StringAttribute{Optional: true, MarkdownDescription: "Log level: `debug`, `info` or `error`. Default: upstream's.",
			Validators: []validator.String{stringvalidator.OneOf(LogLevels...)}},
	}
}

func resourcesBlock() schema.SingleNestedBlock {
	quantities := func(d string) schema.MapAttribute {
		return schema.MapAttribute{Optional: true, ElementType: types.StringType, MarkdownDescription: d,
			Validators: []validator.Map{validators.QuantityValues()}}
	}
	return schema.SingleNestedBlock{
		MarkdownDescription: "Requests and limits, replacing upstream's.",
		Attributes:          map[string]schema.Attribute{"limits": quantities("Limits."), "requests": quantities("Requests.")},
	}
}

func (r *installationResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	webhookAttrs := componentAttributes("admission webhooks")
	webhookAttrs["enabled"] = schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(true),
		MarkdownDescription: "Install KEDA's admission webhooks. Default: `true`."}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Installs KEDA " + install.BundledVersion() + " — its CRDs (exact upstream schemas), operator, metrics API " +
			"server with its APIService, admission webhooks and RBAC — from the manifests bundled in the provider: no Helm, " +
			"no chart repository, no download. Objects are written with server-side apply, CRDs first; drift (an object " +
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
				MarkdownDescription: "KEDA version. The provider bundles exactly one: `" + install.BundledVersion() + "` (the default).",
				Validators:          []validator.String{stringvalidator.OneOf(install.BundledVersion())}},
			"image_registry": schema.StringAttribute{Optional: true,
				MarkdownDescription: "Registry (and path) mirroring `ghcr.io`: `registry.internal/mirror` turns `ghcr.io/kedacore/keda:" +
					install.BundledVersion() + "` into `registry.internal/mirror/kedacore/keda:" + install.BundledVersion() + "`.",
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)}},
			"image_pull_secrets": schema.ListAttribute{Optional: true, ElementType: types.StringType,
				MarkdownDescription: "Secrets (in `namespace`) used to pull the images."},
			"watch_namespace": schema.StringAttribute{Optional: true,
				MarkdownDescription: "Only watch ScaledObjects and ScaledJobs in this namespace. Default: all namespaces.",
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)}},
			"node_selector": schema.MapAttribute{Optional: true, ElementType: types.StringType,
				MarkdownDescription: "Node labels KEDA's pods need, added to upstream's `kubernetes.io/os = linux`."},
			"priority_class_name": schema.StringAttribute{Optional: true, MarkdownDescription: "Priority class of KEDA's pods.",
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)}},
			"wait": schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(true),
				MarkdownDescription: "Return only when the operator, metrics server and webhook Deployments are Available and the " +
					"metrics APIService is Available. Default: `true`."},
			"delete_crds_with_objects": schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(false),
				MarkdownDescription: "On destroy, delete KEDA's CRDs even when ScaledObjects, ScaledJobs or TriggerAuthentications " +
					"that this configuration does not manage still exist: they are deleted with them. Default: `false` (the CRDs " +
					"are kept, with a warning naming those objects)."},
			"manages_namespace": schema.BoolAttribute{Computed: true,
				MarkdownDescription: "Whether the installation created `namespace` (and so deletes it on destroy).",
				PlanModifiers:       []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()}},
			"objects": schema.ListAttribute{Computed: true, ElementType: types.StringType,
				MarkdownDescription: "The objects installed, as `Kind namespace/name`."},
			"sync_status": schema.StringAttribute{Computed: true,
				MarkdownDescription: "`in sync`, or which installed objects were changed or deleted outside Terraform; the next apply restores them."},
		},
		Blocks: map[string]schema.Block{
			"operator":       schema.SingleNestedBlock{MarkdownDescription: "The operator.", Attributes: componentAttributes("operator"), Blocks: map[string]schema.Block{"resources": resourcesBlock()}},
			"metrics_server": schema.SingleNestedBlock{MarkdownDescription: "The metrics API server.", Attributes: componentAttributes("metrics server"), Blocks: map[string]schema.Block{"resources": resourcesBlock()}},
			"webhooks":       schema.SingleNestedBlock{MarkdownDescription: "The admission webhooks.", Attributes: webhookAttrs, Blocks: map[string]schema.Block{"resources": resourcesBlock()}},
			"toleration":     tolerationBlock(),
			"timeouts":       timeouts.Block(ctx, timeouts.Opts{Create: true, Read: true, Update: true, Delete: true}),
		},
	}
	resp.Schema = withFixedTypes(resp.Schema)
}

func tolerationBlock() schema.ListNestedBlock {
	return schema.ListNestedBlock{
		MarkdownDescription: "A toleration of KEDA's pods.",
		NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{
			"key":                schema.StringAttribute{Optional: true, MarkdownDescription: "Taint key."},
			"operator":           schema.StringAttribute{Optional: true, MarkdownDescription: "`Exists` or `Equal` (default).", Validators: []validator.String{stringvalidator.OneOf("Exists", "Equal")}},
			"value":              schema.StringAttribute{Optional: true, MarkdownDescription: "Taint value, with `Equal`."},
			"effect":             schema.StringAttribute{Optional: true, MarkdownDescription: "`NoSchedule`, `PreferNoSchedule` or `NoExecute`; default: all.", Validators: []validator.String{stringvalidator.OneOf("NoSchedule", "PreferNoSchedule", "NoExecute")}},
			"toleration_seconds": schema.Int64Attribute{Optional: true, MarkdownDescription: "With `NoExecute`: seconds pods stay after the taint appears."},
		}},
	}
}

func quantities(m types.Map) corev1.ResourceList {
	out := corev1.ResourceList{}
	for k, v := range stringMapOf(m) {
		if q, err := kresource.ParseQuantity(v); err == nil {
			out[corev1.ResourceName(k)] = q
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
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

func componentParams(image types.String, replicas types.Int64, logLevel types.String, res *keda.ResourcesModel) install.ComponentParams {
	p := install.ComponentParams{Image: image.ValueString(), LogLevel: logLevel.ValueString()}
	if !replicas.IsNull() && !replicas.IsUnknown() {
		n := int32(replicas.ValueInt64())
		p.Replicas = &n
	}
	if res != nil {
		p.Resources = &corev1.ResourceRequirements{Limits: quantities(res.Limits), Requests: quantities(res.Requests)}
	}
	return p
}

// params converts the model into the installer's parameters.
func (m installationModel) params() install.Params {
	p := install.Params{
		Namespace:         m.Namespace.ValueString(),
		ImageRegistry:     m.ImageRegistry.ValueString(),
		WatchNamespace:    m.WatchNamespace.ValueString(),
		NodeSelector:      stringMapOf(m.NodeSelector),
		PriorityClassName: m.PriorityClassName.ValueString(),
		Components:        map[install.Component]install.ComponentParams{},
	}
	for _, v := range m.ImagePullSecrets.Elements() {
		if s, ok := v.(types.String); ok {
			p.ImagePullSecrets = append(p.ImagePullSecrets, s.ValueString())
		}
	}
	if c := m.Operator; c != nil {
		p.Components[install.Operator] = componentParams(c.Image, c.Replicas, c.LogLevel, c.Resources)
	}
	if c := m.MetricsServer; c != nil {
		p.Components[install.MetricsServer] = componentParams(c.Image, c.Replicas, c.LogLevel, c.Resources)
	}
	if c := m.Webhooks; c != nil {
		p.Components[install.Webhooks] = componentParams(c.Image, c.Replicas, c.LogLevel, c.Resources)
		p.WebhooksDisabled = !c.Enabled.IsNull() && !c.Enabled.ValueBool()
	}
	for _, t := range m.Toleration {
		tol := corev1.Toleration{
			Key: t.Key.ValueString(), Operator: corev1.TolerationOperator(t.Operator.ValueString()), Value: t.Value.ValueString(),
			Effect: corev1.TaintEffect(t.Effect.ValueString()),
		}
		if !t.TolerationSeconds.IsNull() {
			s := t.TolerationSeconds.ValueInt64()
			tol.TolerationSeconds = &s
		}
		p.Tolerations = append(p.Tolerations, tol)
	}
	return p
}
