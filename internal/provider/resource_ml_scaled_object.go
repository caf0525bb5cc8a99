package provider

import (
	"context"
	"fmt"
	"maps"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/kedaml/terraform-provider-keda/internal/keda"
	"github.com/kedaml/terraform-provider-keda/internal/kube"
)

type scaledObjectModel struct {
	ID       types.String        `tfsdk:"id"`
	Metadata *keda.MetadataModel `tfsdk:"metadata"`
	keda.ScaledObjectSpecModel
	HPAName      types.String   `tfsdk:"hpa_name"`
	WaitForReady types.Bool     `tfsdk:"wait_for_ready"`
	Status       types.Object   `tfsdk:"status"`
	Timeouts     timeouts.Value `tfsdk:"timeouts"`
}

type scaledObjectResource struct {
	client *kube.Client
}

var (
	_ resource.ResourceWithImportState = (*scaledObjectResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*scaledObjectResource)(nil)
)

// NewScaledObjectResource is keda_ml_scaled_object.
func NewScaledObjectResource() resource.Resource { return &scaledObjectResource{} }

func (r *scaledObjectResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_ml_scaled_object"
}

func (r *scaledObjectResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	attrs := keda.ScaledObjectSpecAttributes()
	attrs["id"] = schema.StringAttribute{
		Computed: true, MarkdownDescription: "`namespace/name` of the ScaledObject.",
		PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
	}
	attrs["hpa_name"] = schema.StringAttribute{
		Computed: true, MarkdownDescription: "Name of the HorizontalPodAutoscaler KEDA creates and manages for this ScaledObject.",
	}
	attrs["wait_for_ready"] = schema.BoolAttribute{
		Optional: true, Computed: true, Default: booldefault.StaticBool(false),
		MarkdownDescription: "After create and update, wait (up to the `create`/`update` timeout) until KEDA's operator " +
			"reports the ScaledObject Ready, and fail with KEDA's own message when it reports it not Ready. Needs KEDA running. Default: `false`.",
	}
	attrs["status"] = statusAttribute("ScaledObject", true)
	blocks := keda.ScaledObjectSpecBlocks()
	blocks["metadata"] = keda.MetadataBlock("ScaledObject", true)
	blocks["timeouts"] = timeoutsBlock(ctx, "Create and update include the wait of `wait_for_ready`; delete waits until the ScaledObject is gone, finalizers included.", defaultTimeout)
	resp.Schema = schema.Schema{
		Version: statusSchemaVersion,
		MarkdownDescription: "A KEDA `ScaledObject` for an ML inference workload: scales a Deployment, StatefulSet or any " +
			"resource with a `/scale` subresource on typed triggers — RabbitMQ queues, CPU, memory, Prometheus queries and " +
			"GPU load from NVIDIA DCGM — or any other KEDA scaler. KEDA's own rules are checked at plan.",
		Attributes: attrs,
		Blocks:     blocks,
	}
	resp.Schema = withFixedTypes(resp.Schema)
}

func (r *scaledObjectResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = clientFromProviderData(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan fills what the provider derives (gpu queries, the HPA name) and
// runs KEDA's checks on the object the plan would write.
func (r *scaledObjectResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	// Nothing to derive or check when the plan is the state: an object
	// refreshed and unchanged (most of a large plan).
	if req.Plan.Raw.IsNull() || req.Plan.Raw.Equal(req.State.Raw) {
		return
	}
	// The plan is changed attribute by attribute: setting the whole model
	// back would make the framework rebuild every value of the plan.
	var plan scaledObjectModel
	plan.TriggersUnknown = getPlanned(ctx, req.Plan, &plan, &resp.Diagnostics)
	if resp.Diagnostics.HasError() || plan.Metadata == nil {
		return
	}
	ns, name := plan.Metadata.Namespace, plan.Metadata.Name
	if !ns.IsUnknown() && !name.IsUnknown() {
		hpa := types.StringValue(plan.ScaledObjectSpecModel.HPAName(name.ValueString()))
		if !hpa.Equal(plan.HPAName) {
			plan.HPAName = hpa
			// Set on the raw value: the framework's SetAttribute rebuilds
			// every value of the plan.
			resp.Plan.Raw = withAttribute(resp.Plan.Raw, "hpa_name", tftypes.NewValue(tftypes.String, hpa.ValueString()))
		}
	}
	known := !ns.IsUnknown() && plan.ScaleTargetRef != nil && !plan.ScaleTargetRef.Name.IsUnknown()
	planGPUQueries(ctx, req, resp, plan.Trigger, known, plan.TriggerContext(ns.ValueString()))

	// Each check runs when the values it reads are known, whatever else is
	// known only after apply.
	resp.Diagnostics.Append(keda.ValidateScaledObject(plan.ScaledObjectSpecModel, *plan.Metadata)...)
	resp.Diagnostics.Append(keda.WarnScaledObject(plan.ScaledObjectSpecModel, ns)...)
}

func (r *scaledObjectResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	r.write(ctx, req.Plan, nil, &resp.State, &resp.Diagnostics, timeouts.Value.Create)
}

func (r *scaledObjectResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	r.write(ctx, req.Plan, &req.State, &resp.State, &resp.Diagnostics, timeouts.Value.Update)
}

// write applies the plan with server-side apply and, when asked, waits for
// KEDA. The state is the plan plus what the server assigned. When the object
// was written but KEDA rejects it, the state still records it (with the
// error), so that the next plan shows the fix as an update.
func (r *scaledObjectResource) write(ctx context.Context, plan tfsdk.Plan, priorState, state *tfsdk.State, diags *diag.Diagnostics, op timeoutFunc) {
	var m scaledObjectModel
	diags.Append(getPlan(ctx, plan, &m)...)
	if diags.HasError() {
		return
	}
	ctx, cancel := withTimeout(ctx, m.Timeouts, op, diags)
	defer cancel()
	meta := m.Metadata.ObjectMeta()
	so, err := m.Expand(meta)
	if err != nil {
		diags.Append(valueOutOfRange("ScaledObject", err))
		return
	}
	prior, ok := stateObject(ctx, priorState, diags, func(pm scaledObjectModel) (any, error) {
		if pm.Metadata == nil {
			return nil, nil
		}
		return pm.Expand(pm.Metadata.ObjectMeta())
	})
	if !ok {
		return
	}
	out, ok := applyScaled(ctx, diags, "ScaledObject", r.client.ScaledObjects, r.client.WaitScaledObjectReady, meta, prior, so,
		m.WaitForReady.ValueBool())
	if !ok {
		return
	}
	recordApplied(ctx, plan, state, diags, meta.Namespace+"/"+meta.Name, string(out.UID),
		flattenStatus(out.Status.Conditions, true))
}

func (r *scaledObjectResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state scaledObjectModel
	resp.Diagnostics.Append(getState(ctx, req.State, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	before := state
	so, ok := readNamespaced(ctx, resp, "ScaledObject", r.client.ScaledObjects, state.ID.ValueString(), state.Timeouts)
	if !ok {
		return
	}
	// A nil prior metadata means the object is being imported.
	var prior *keda.ScaledObjectSpecModel
	if state.Metadata != nil {
		prior = &state.ScaledObjectSpecModel
	}
	meta := keda.FlattenMetadata(so.ObjectMeta, state.Metadata, kube.FieldManager)
	state.Metadata = &meta
	state.ScaledObjectSpecModel = keda.FlattenScaledObjectSpec(so, prior)
	state.HPAName = types.StringValue(state.ScaledObjectSpecModel.HPAName(so.Name))
	if so.Status.HpaName != "" {
		state.HPAName = types.StringValue(so.Status.HpaName)
	}
	if state.WaitForReady.IsNull() {
		state.WaitForReady = types.BoolValue(false)
	}
	state.Status = flattenStatus(so.Status.Conditions, true)
	setRefreshed(ctx, &resp.State, &resp.Diagnostics, &before, &state)
}

func (r *scaledObjectResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	deleteByStateID(ctx, req, resp, r.deleteByID)
}

// deleteByID is Delete given what it reads of the state, which the fast
// path decodes alone.
func (r *scaledObjectResource) deleteByID(ctx context.Context, id string, t timeouts.Value) diag.Diagnostics {
	return deleteNamespaced(ctx, id, t, "ScaledObject", r.client.ScaledObjects)
}

func (r *scaledObjectResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importNamespaced(ctx, req, resp)
}

// planGPUQueries fills the computed query of each gpu trigger the
// configuration does not override, in the plan and in the planned model; it
// stays unknown until its inputs are known.
func planGPUQueries(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse,
	plan []keda.TriggerModel, contextKnown bool, tc keda.TriggerContext) {
	for i := range plan {
		g := plan[i].GPU
		if g == nil {
			continue
		}
		queryPath := path.Root("trigger").AtListIndex(i).AtName("gpu").AtName("query")
		var configured types.String
		if diags := req.Config.GetAttribute(ctx, queryPath, &configured); diags.HasError() || !configured.IsNull() {
			continue
		}
		if contextKnown && !g.Metric.IsUnknown() && !g.PodNamespace.IsUnknown() && !g.PodNamePrefix.IsUnknown() &&
			!g.NamespaceLabel.IsUnknown() && !g.PodLabel.IsUnknown() {
			g.Query = types.StringValue(g.GeneratedQuery(tc))
		} else {
			g.Query = types.StringUnknown()
		}
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, queryPath, g.Query)...)
	}
}

// valueOutOfRange reports a value that its field cannot hold, found when the
// object is built: nothing is written. Plans refuse such values, so this
// only shows when that check was bypassed.
func valueOutOfRange(kind string, err error) diag.Diagnostic {
	return diag.NewErrorDiagnostic("Value out of range",
		fmt.Sprintf("The %s was not written: %v. Change the value in the configuration.", kind, err))
}

// getPlanned reads a plan into target. A trigger list known only at apply (a
// dynamic block over a value known after apply) does not fit the model's
// slice: it is read as empty, and reported so that the checks reading the
// triggers skip.
func getPlanned(ctx context.Context, plan tfsdk.Plan, target any, diags *diag.Diagnostics) (triggersUnknown bool) {
	// Looked up on the raw value: reading the attribute through the
	// framework would build the whole trigger list's value first.
	var attrs map[string]tftypes.Value
	if !plan.Raw.IsNull() && plan.Raw.IsKnown() && plan.Raw.As(&attrs) == nil {
		if triggers, ok := attrs["trigger"]; ok && !triggers.IsKnown() {
			// As hands out the value's own map: the plan is not changed.
			attrs = maps.Clone(attrs)
			attrs["trigger"] = tftypes.NewValue(triggers.Type(), nil)
			plan.Raw, triggersUnknown = tftypes.NewValue(plan.Raw.Type(), attrs), true
		}
	}
	diags.Append(getPlan(ctx, plan, target)...)
	return triggersUnknown
}
