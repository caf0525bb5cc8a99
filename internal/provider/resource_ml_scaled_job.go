package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/kedaml/terraform-provider-keda/internal/keda"
	"github.com/kedaml/terraform-provider-keda/internal/kube"
)

type scaledJobModel struct {
	ID       types.String        `tfsdk:"id"`
	Metadata *keda.MetadataModel `tfsdk:"metadata"`
	keda.ScaledJobSpecModel
	WaitForReady types.Bool     `tfsdk:"wait_for_ready"`
	Status       types.Object   `tfsdk:"status"`
	Timeouts     timeouts.Value `tfsdk:"timeouts"`
}

type scaledJobResource struct {
	client *kube.Client
}

var (
	_ resource.ResourceWithImportState = (*scaledJobResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*scaledJobResource)(nil)
)

// NewScaledJobResource is keda_ml_scaled_job.
func NewScaledJobResource() resource.Resource { return &scaledJobResource{} }

func (r *scaledJobResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_ml_scaled_job"
}

func (r *scaledJobResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	attrs := keda.ScaledJobSpecAttributes()
	attrs["id"] = schema.StringAttribute{
		Computed: true, MarkdownDescription: "`namespace/name` of the ScaledJob.",
		PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
	}
	attrs["wait_for_ready"] = schema.BoolAttribute{
		Optional: true, Computed: true, Default: booldefault.StaticBool(false),
		MarkdownDescription: "After create and update, wait (up to the `create`/`update` timeout) until KEDA's operator " +
			"reports the ScaledJob Ready, and fail with KEDA's own message when it reports it not Ready. Needs KEDA running. Default: `false`.",
	}
	attrs["status"] = statusAttribute("ScaledJob", false)
	blocks := keda.ScaledJobSpecBlocks()
	blocks["metadata"] = keda.MetadataBlock("ScaledJob", true)
	blocks["timeouts"] = timeoutsBlock(ctx, "Create and update include the wait of `wait_for_ready`; delete waits until the ScaledJob is gone, finalizers included.", defaultTimeout)
	resp.Schema = schema.Schema{
		Version: statusSchemaVersion,
		MarkdownDescription: "A KEDA `ScaledJob` for batch inference: KEDA starts one Kubernetes Job per unit of queued work " +
			"(up to `max_replica_count`), from a typed Job template with GPU limits, volumes, tolerations and the like. " +
			"Takes the same typed triggers as `keda_ml_scaled_object`, except `cpu` and `memory`, which KEDA cannot scale jobs on. " +
			"A `gpu` trigger here matches the pods of the ScaledJob's Jobs (named after the ScaledJob) and warns at plan: " +
			"GPU load is not pending work, so it cannot start the first Job.",
		Attributes: attrs,
		Blocks:     blocks,
	}
	resp.Schema = withFixedTypes(resp.Schema)
}

func (r *scaledJobResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = clientFromProviderData(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan fills the generated gpu queries and runs KEDA's checks on the
// object the plan would write.
func (r *scaledJobResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	// Nothing to derive or check when the plan is the state: an object
	// refreshed and unchanged (most of a large plan).
	if req.Plan.Raw.IsNull() || req.Plan.Raw.Equal(req.State.Raw) {
		return
	}
	var plan scaledJobModel
	plan.TriggersUnknown = getPlanned(ctx, req.Plan, &plan, &resp.Diagnostics)
	if resp.Diagnostics.HasError() || plan.Metadata == nil {
		return
	}
	ns, name := plan.Metadata.Namespace, plan.Metadata.Name
	planGPUQueries(ctx, req, resp, plan.Trigger, !ns.IsUnknown() && !name.IsUnknown(),
		keda.TriggerContext{Namespace: ns.ValueString(), TargetName: name.ValueString()})
	// Each check runs when the values it reads are known, whatever else is
	// known only after apply.
	resp.Diagnostics.Append(keda.ValidateScaledJob(plan.ScaledJobSpecModel, *plan.Metadata)...)
	resp.Diagnostics.Append(keda.WarnScaledJob(plan.ScaledJobSpecModel)...)
}

func (r *scaledJobResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	r.write(ctx, req.Plan, nil, &resp.State, &resp.Diagnostics, timeouts.Value.Create)
}

func (r *scaledJobResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	r.write(ctx, req.Plan, &req.State, &resp.State, &resp.Diagnostics, timeouts.Value.Update)
}

// write applies the plan and, when asked, waits for KEDA; see
// scaledObjectResource.write.
func (r *scaledJobResource) write(ctx context.Context, plan tfsdk.Plan, priorState, state *tfsdk.State, diags *diag.Diagnostics, op timeoutFunc) {
	var m scaledJobModel
	diags.Append(getPlan(ctx, plan, &m)...)
	if diags.HasError() {
		return
	}
	ctx, cancel := withTimeout(ctx, m.Timeouts, op, diags)
	defer cancel()
	meta := m.Metadata.ObjectMeta()
	sj, err := m.Expand(meta)
	if err != nil {
		diags.Append(valueOutOfRange("ScaledJob", err))
		return
	}
	prior, ok := stateObject(ctx, priorState, diags, func(pm scaledJobModel) (any, error) {
		if pm.Metadata == nil {
			return nil, nil
		}
		return pm.Expand(pm.Metadata.ObjectMeta())
	})
	if !ok {
		return
	}
	out, ok := applyScaled(ctx, diags, "ScaledJob", r.client.ScaledJobs, r.client.WaitScaledJobReady, meta, prior, sj,
		m.WaitForReady.ValueBool())
	if !ok {
		return
	}
	recordApplied(ctx, plan, state, diags, meta.Namespace+"/"+meta.Name, string(out.UID),
		flattenStatus(out.Status.Conditions, false))
}

func (r *scaledJobResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state scaledJobModel
	resp.Diagnostics.Append(getState(ctx, req.State, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	before := state
	sj, ok := readNamespaced(ctx, resp, "ScaledJob", r.client.ScaledJobs, state.ID.ValueString(), state.Timeouts)
	if !ok {
		return
	}
	// A nil prior metadata means the object is being imported.
	var prior *keda.ScaledJobSpecModel
	if state.Metadata != nil {
		prior = &state.ScaledJobSpecModel
	}
	meta := keda.FlattenMetadata(sj.ObjectMeta, state.Metadata, kube.FieldManager)
	state.Metadata = &meta
	state.ScaledJobSpecModel = keda.FlattenScaledJobSpec(sj, prior)
	if state.WaitForReady.IsNull() {
		state.WaitForReady = types.BoolValue(false)
	}
	state.Status = flattenStatus(sj.Status.Conditions, false)
	setRefreshed(ctx, &resp.State, &resp.Diagnostics, &before, &state)
}

func (r *scaledJobResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	deleteByStateID(ctx, req, resp, r.deleteByID)
}

// deleteByID is Delete given what it reads of the state, which the fast
// path decodes alone.
func (r *scaledJobResource) deleteByID(ctx context.Context, id string, t timeouts.Value) diag.Diagnostics {
	return deleteNamespaced(ctx, id, t, "ScaledJob", r.client.ScaledJobs)
}

func (r *scaledJobResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importNamespaced(ctx, req, resp)
}
