package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	dschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
	autoscalingv2 "k8s.io/api/autoscaling/v2"

	"github.com/kedaml/terraform-provider-keda/internal/keda"
	"github.com/kedaml/terraform-provider-keda/internal/kube"
)

type scaledObjectDataModel struct {
	ID       types.String        `tfsdk:"id"`
	Metadata *keda.MetadataModel `tfsdk:"metadata"`
	keda.ScaledObjectSpecModel
	HPAName         types.String   `tfsdk:"hpa_name"`
	CurrentReplicas types.Int64    `tfsdk:"current_replicas"`
	DesiredReplicas types.Int64    `tfsdk:"desired_replicas"`
	Status          types.Object   `tfsdk:"status"`
	Timeouts        timeouts.Value `tfsdk:"timeouts"`
}

type scaledObjectDataSource struct {
	client *kube.Client
}

var _ datasource.DataSourceWithConfigure = (*scaledObjectDataSource)(nil)

// NewScaledObjectDataSource is the keda_ml_scaled_object data source.
func NewScaledObjectDataSource() datasource.DataSource { return &scaledObjectDataSource{} }

func (d *scaledObjectDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_ml_scaled_object"
}

func (d *scaledObjectDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := dataAttributes("ScaledObject", keda.ScaledObjectSpecAttributes(), keda.ScaledObjectSpecBlocks(), &resp.Diagnostics)
	if attrs == nil {
		return
	}
	attrs["hpa_name"] = dschema.StringAttribute{
		Computed: true, MarkdownDescription: "Name of the HorizontalPodAutoscaler KEDA made for the ScaledObject (`status.hpaName`), " +
			"e.g. for alerts on it.",
	}
	attrs["current_replicas"] = dschema.Int64Attribute{
		Computed: true, MarkdownDescription: "Replicas of the scale target as the HPA last saw them (its `status.currentReplicas`); " +
			"null until the HPA controller has reported.",
	}
	attrs["desired_replicas"] = dschema.Int64Attribute{
		Computed: true, MarkdownDescription: "Replicas the HPA last asked for (its `status.desiredReplicas`); " +
			"null until the HPA controller has reported.",
	}
	attrs["status"] = liveStatusAttribute("ScaledObject", true)
	resp.Schema = dschema.Schema{
		MarkdownDescription: "Reads an existing KEDA `ScaledObject`: its spec, in the typed form of the " +
			"`keda_ml_scaled_object` resource, KEDA's live status (including whether a trigger is active, which the " +
			"resource does not keep in state) and the HorizontalPodAutoscaler KEDA made for it, so that a module can " +
			"attach alerts or a PodDisruptionBudget to what KEDA scales.",
		Attributes: attrs,
		Blocks:     dataBlocks(ctx, "ScaledObject"),
	}
}

func (d *scaledObjectDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = clientFromProviderData(req.ProviderData, &resp.Diagnostics)
}

func (d *scaledObjectDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m scaledObjectDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || m.Metadata == nil {
		return
	}
	so, ok := readData(ctx, resp, "ScaledObject", d.client.ScaledObjects, m.Metadata, m.Timeouts)
	if !ok {
		return
	}
	m.ID = types.StringValue(so.Namespace + "/" + so.Name)
	m.Metadata = flattenDataMetadata(so.ObjectMeta)
	m.ScaledObjectSpecModel = keda.FlattenScaledObjectSpec(so, nil)
	hpaName := so.Status.HpaName
	if hpaName == "" {
		hpaName = m.ScaledObjectSpecModel.HPAName(so.Name)
	}
	m.HPAName = types.StringValue(hpaName)
	m.CurrentReplicas, m.DesiredReplicas = types.Int64Null(), types.Int64Null()
	api, err := d.client.HorizontalPodAutoscalers(so.Namespace)
	var hpa *autoscalingv2.HorizontalPodAutoscaler
	if err == nil {
		hpa, err = api.Get(ctx, hpaName)
	}
	switch {
	case kube.IsNotFound(err):
		// KEDA has not made the HPA yet, or has deleted it while the
		// ScaledObject is paused (controllers/keda/scaledobject_controller.go,
		// handlePause).
	case err != nil:
		resp.Diagnostics.Append(apiError("Failed to read the ScaledObject's HorizontalPodAutoscaler", err))
		return
	case hpa.Status.ObservedGeneration != nil:
		m.CurrentReplicas = types.Int64Value(int64(hpa.Status.CurrentReplicas))
		m.DesiredReplicas = types.Int64Value(int64(hpa.Status.DesiredReplicas))
	}
	m.Status = flattenLiveStatus(so.Status.Conditions, so.Status.LastActiveTime, true)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
