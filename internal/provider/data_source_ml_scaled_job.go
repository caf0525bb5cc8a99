package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	dschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/kedaml/terraform-provider-keda/internal/keda"
	"github.com/kedaml/terraform-provider-keda/internal/kube"
)

type scaledJobDataModel struct {
	ID       types.String        `tfsdk:"id"`
	Metadata *keda.MetadataModel `tfsdk:"metadata"`
	keda.ScaledJobSpecModel
	Status   types.Object   `tfsdk:"status"`
	Timeouts timeouts.Value `tfsdk:"timeouts"`
}

type scaledJobDataSource struct {
	client *kube.Client
}

var _ datasource.DataSourceWithConfigure = (*scaledJobDataSource)(nil)

// NewScaledJobDataSource is the keda_ml_scaled_job data source.
func NewScaledJobDataSource() datasource.DataSource { return &scaledJobDataSource{} }

func (d *scaledJobDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_ml_scaled_job"
}

func (d *scaledJobDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := dataAttributes("ScaledJob", keda.ScaledJobSpecAttributes(), keda.ScaledJobSpecBlocks(), &resp.Diagnostics)
	if attrs == nil {
		return
	}
	attrs["status"] = liveStatusAttribute("ScaledJob", false)
	resp.Schema = dschema.Schema{
		MarkdownDescription: "Reads an existing KEDA `ScaledJob`: its spec, in the typed form of the `keda_ml_scaled_job` " +
			"resource (the Job template included), and KEDA's live status, including whether a trigger is active, " +
			"which the resource does not keep in state.",
		Attributes: attrs,
		Blocks:     dataBlocks(ctx, "ScaledJob"),
	}
}

func (d *scaledJobDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = clientFromProviderData(req.ProviderData, &resp.Diagnostics)
}

func (d *scaledJobDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m scaledJobDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || m.Metadata == nil {
		return
	}
	sj, ok := readData(ctx, resp, "ScaledJob", d.client.ScaledJobs, m.Metadata, m.Timeouts)
	if !ok {
		return
	}
	m.ID = types.StringValue(sj.Namespace + "/" + sj.Name)
	m.Metadata = flattenDataMetadata(sj.ObjectMeta)
	m.ScaledJobSpecModel = keda.FlattenScaledJobSpec(sj, nil)
	m.Status = flattenLiveStatus(sj.Status.Conditions, sj.Status.LastActiveTime, false)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
