package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/kedaml/terraform-provider-keda/internal/kube"
)

// Who installed the KEDA the data source found.
const (
	installedByProvider = "keda_installation"
	installedByHelm     = "helm"
	installedByOther    = "other"
)

type installationDataModel struct {
	CRDsInstalled       types.Bool            `tfsdk:"crds_installed"`
	CRDs                types.List            `tfsdk:"crds"`
	CRDVersion          types.String          `tfsdk:"crd_version"`
	Installed           types.Bool            `tfsdk:"installed"`
	Version             types.String          `tfsdk:"version"`
	Namespace           types.String          `tfsdk:"namespace"`
	InstalledBy         types.String          `tfsdk:"installed_by"`
	HelmRelease         types.String          `tfsdk:"helm_release"`
	Operator            *componentStatusModel `tfsdk:"operator"`
	MetricsServer       *componentStatusModel `tfsdk:"metrics_server"`
	Webhooks            *componentStatusModel `tfsdk:"webhooks"`
	MetricsAPIAvailable types.Bool            `tfsdk:"metrics_api_available"`
	Available           types.Bool            `tfsdk:"available"`
}

type componentStatusModel struct {
	Name              types.String `tfsdk:"name"`
	Version           types.String `tfsdk:"version"`
	Available         types.Bool   `tfsdk:"available"`
	Replicas          types.Int64  `tfsdk:"replicas"`
	AvailableReplicas types.Int64  `tfsdk:"available_replicas"`
}

type installationDataSource struct {
	client *kube.Client
}

// NewInstallationDataSource is data.keda_installation.
func NewInstallationDataSource() datasource.DataSource { return &installationDataSource{} }

func (d *installationDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_installation"
}

func componentStatusAttribute(name string) schema.SingleNestedAttribute {
	return schema.SingleNestedAttribute{
		Computed:            true,
		MarkdownDescription: "KEDA's " + name + " Deployment, in `namespace`; null when there is none.",
		Attributes: map[string]schema.Attribute{
			"name":               schema.StringAttribute{Computed: true, MarkdownDescription: "Name of the Deployment."},
			"version":            schema.StringAttribute{Computed: true, MarkdownDescription: "KEDA version it runs (its version label, else its image tag)."},
			"available":          schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the Deployment reports `Available`."},
			"replicas":           schema.Int64Attribute{Computed: true, MarkdownDescription: "Replicas it asks for."},
			"available_replicas": schema.Int64Attribute{Computed: true, MarkdownDescription: "Replicas available."},
		},
	}
}

func (d *installationDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Whether KEDA is installed in the cluster, which version runs, where, and whether it is available — " +
			"whoever installed it (`keda_installation`, KEDA's Helm chart, its release manifests). For modules that need an " +
			"existing KEDA, e.g. in a `precondition`. Reads only: KEDA's CRDs, the Deployments of KEDA's components in any " +
			"namespace (found by KEDA's labels and the Helm chart's names) and the external metrics APIService. Finds nothing " +
			"rather than failing when KEDA is absent.",
		Attributes: map[string]schema.Attribute{
			"crds_installed": schema.BoolAttribute{Computed: true,
				MarkdownDescription: "Whether the cluster knows KEDA's ScaledObject kind (the CRD `scaledobjects.keda.sh`)."},
			"crds": schema.ListAttribute{Computed: true, ElementType: types.StringType,
				MarkdownDescription: "KEDA's CRDs present, by name, sorted."},
			"crd_version": schema.StringAttribute{Computed: true,
				MarkdownDescription: "KEDA version the ScaledObject CRD is labeled with (`app.kubernetes.io/version`); null when unlabeled or absent."},
			"installed": schema.BoolAttribute{Computed: true,
				MarkdownDescription: "Whether a KEDA operator Deployment exists."},
			"version": schema.StringAttribute{Computed: true,
				MarkdownDescription: "KEDA version the operator runs; null without an operator."},
			"namespace": schema.StringAttribute{Computed: true,
				MarkdownDescription: "Namespace of the operator; null without one. With several operators (which KEDA does not " +
					"support), the first by namespace, with a warning."},
			"installed_by": schema.StringAttribute{Computed: true,
				MarkdownDescription: "Who installed the operator: `" + installedByProvider + "`, `" + installedByHelm + "` or `" +
					installedByOther + "`; null without an operator."},
			"helm_release": schema.StringAttribute{Computed: true,
				MarkdownDescription: "The Helm release that installed the operator, as `namespace/name`; null when Helm did not."},
			"operator":       componentStatusAttribute("operator"),
			"metrics_server": componentStatusAttribute("metrics API server"),
			"webhooks":       componentStatusAttribute("admission webhooks"),
			"metrics_api_available": schema.BoolAttribute{Computed: true,
				MarkdownDescription: "Whether the APIService `" + kube.ExternalMetricsAPIService + "` exists, is served from `namespace` " +
					"and is `Available`: the HPAs KEDA creates can read their metrics."},
			"available": schema.BoolAttribute{Computed: true,
				MarkdownDescription: "Whether KEDA works: the operator, the metrics server (and the webhooks, when installed) are " +
					"Available and so is the metrics APIService."},
		},
	}
}

func (d *installationDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = clientFromProviderData(req.ProviderData, &resp.Diagnostics)
}

func (d *installationDataSource) Read(ctx context.Context, _ datasource.ReadRequest, resp *datasource.ReadResponse) {
	crds, err := d.client.FindKEDACRDs(ctx)
	if err != nil {
		resp.Diagnostics.Append(apiError("Failed to read KEDA's CRDs", err))
		return
	}
	found, err := d.client.FindKEDA(ctx)
	if err != nil {
		resp.Diagnostics.Append(apiError("Failed to look for KEDA", err))
		return
	}
	svc, err := d.client.ExternalMetricsService(ctx)
	if err != nil {
		resp.Diagnostics.Append(apiError("Failed to read the external metrics APIService", err))
		return
	}
	m := installationDataModel{
		CRDsInstalled: types.BoolValue(false), CRDVersion: types.StringNull(),
		Installed: types.BoolValue(false), Version: types.StringNull(), Namespace: types.StringNull(),
		InstalledBy: types.StringNull(), HelmRelease: types.StringNull(),
		MetricsAPIAvailable: types.BoolValue(false), Available: types.BoolValue(false),
	}
	names := make([]attr.Value, 0, len(crds))
	for _, c := range crds {
		names = append(names, types.StringValue(c.Name))
		if c.Name == "scaledobjects.keda.sh" {
			m.CRDsInstalled = types.BoolValue(true)
			if c.Version != "" {
				m.CRDVersion = types.StringValue(c.Version)
			}
		}
	}
	m.CRDs = types.ListValueMust(types.StringType, names)

	var operators []kube.FoundDeployment
	for _, f := range found {
		if f.Component == kube.ComponentOperator {
			operators = append(operators, f)
		}
	}
	if len(operators) == 0 {
		resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
		return
	}
	if len(operators) > 1 {
		refs := make([]string, len(operators))
		for i, o := range operators {
			refs[i] = o.Describe()
		}
		resp.Diagnostics.AddWarning("Several KEDA operators run in the cluster",
			fmt.Sprintf("Found %s. KEDA supports one per cluster: they reconcile the same ScaledObjects. This data source "+
				"reports the first.", strings.Join(refs, ", ")))
	}
	op := operators[0]
	m.Installed = types.BoolValue(true)
	m.Namespace = types.StringValue(op.Namespace)
	m.Version = stringOrNull(op.Version)
	switch {
	case op.Ours:
		m.InstalledBy = types.StringValue(installedByProvider)
	case op.HelmRelease != "":
		m.InstalledBy = types.StringValue(installedByHelm)
		m.HelmRelease = types.StringValue(op.HelmReleaseNamespace + "/" + op.HelmRelease)
	default:
		m.InstalledBy = types.StringValue(installedByOther)
	}
	available := true
	for _, f := range found {
		if f.Namespace != op.Namespace {
			continue
		}
		status := &componentStatusModel{
			Name: types.StringValue(f.Name), Version: stringOrNull(f.Version), Available: types.BoolValue(f.Available),
			Replicas: types.Int64Value(int64(f.Replicas)), AvailableReplicas: types.Int64Value(int64(f.AvailableReplicas)),
		}
		switch f.Component {
		case kube.ComponentOperator:
			if f.Name != op.Name {
				continue
			}
			m.Operator = status
		case kube.ComponentMetricsServer:
			m.MetricsServer = status
		case kube.ComponentWebhooks:
			m.Webhooks = status
		}
		available = available && f.Available
	}
	m.MetricsAPIAvailable = types.BoolValue(svc != nil && svc.ServiceNamespace == op.Namespace && svc.Available)
	m.Available = types.BoolValue(available && m.MetricsServer != nil && m.MetricsAPIAvailable.ValueBool())
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func stringOrNull(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}
