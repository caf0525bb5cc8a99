package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/kedacore/keda/v2/apis/keda/v1alpha1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kedaml/terraform-provider-keda/internal/keda"
	"github.com/kedaml/terraform-provider-keda/internal/kube"
)

// authKind is what differs between the namespaced TriggerAuthentication and
// the cluster-scoped ClusterTriggerAuthentication; M is the metadata model.
type authKind[M any] struct {
	typeName    string
	kind        string
	description string
	namespaced  bool
	objectMeta  func(M) metav1.ObjectMeta
	flattenMeta func(metav1.ObjectMeta, *M) M
	// importID parses an import ID into namespace and name.
	importID func(string) (namespace, name string, err error)
	id       func(namespace, name string) string
	// apply writes the object over prior (what the state holds; nil on
	// create).
	apply  func(ctx context.Context, c *kube.Client, meta metav1.ObjectMeta, spec v1alpha1.TriggerAuthenticationSpec, prior *authObject) (metav1.ObjectMeta, []kube.FieldConflict, error)
	get    func(ctx context.Context, c *kube.Client, namespace, name string) (metav1.ObjectMeta, v1alpha1.TriggerAuthenticationSpec, error)
	delete func(ctx context.Context, c *kube.Client, namespace, name string) error
}

type triggerAuthModel[M any] struct {
	ID       types.String `tfsdk:"id"`
	Metadata *M           `tfsdk:"metadata"`
	keda.TriggerAuthSpecModel
	Timeouts timeouts.Value `tfsdk:"timeouts"`
}

type triggerAuthResource[M any] struct {
	kind   authKind[M]
	client *kube.Client
}

var (
	_ resource.ResourceWithImportState = (*triggerAuthResource[keda.MetadataModel])(nil)
	_ resource.ResourceWithModifyPlan  = (*triggerAuthResource[keda.MetadataModel])(nil)
)

// authObject is a TriggerAuthentication as the state holds it.
type authObject struct {
	meta metav1.ObjectMeta
	spec v1alpha1.TriggerAuthenticationSpec
}

// NewTriggerAuthenticationResource is keda_trigger_authentication.
func NewTriggerAuthenticationResource() resource.Resource {
	return &triggerAuthResource[keda.MetadataModel]{kind: authKind[keda.MetadataModel]{
		typeName: "trigger_authentication",
		kind:     "TriggerAuthentication",
		description: "A KEDA `TriggerAuthentication`: where the triggers of ScaledObjects and ScaledJobs in its " +
			"namespace get their credentials (Secrets, ConfigMaps, environment variables, cloud identities, " +
			"secret stores). Triggers refer to it with `authentication_ref { name = ... }`.",
		namespaced: true,
		objectMeta: keda.MetadataModel.ObjectMeta,
		flattenMeta: func(om metav1.ObjectMeta, prior *keda.MetadataModel) keda.MetadataModel {
			return keda.FlattenMetadata(om, prior, kube.FieldManager)
		},
		importID: parseNamespacedID,
		id:       func(ns, name string) string { return ns + "/" + name },
		apply: func(ctx context.Context, c *kube.Client, meta metav1.ObjectMeta, spec v1alpha1.TriggerAuthenticationSpec, prior *authObject) (metav1.ObjectMeta, []kube.FieldConflict, error) {
			api, err := c.TriggerAuthentications(meta.Namespace)
			if err != nil {
				return metav1.ObjectMeta{}, nil, err
			}
			object := func(meta metav1.ObjectMeta, spec v1alpha1.TriggerAuthenticationSpec) *v1alpha1.TriggerAuthentication {
				return &v1alpha1.TriggerAuthentication{
					TypeMeta:   metav1.TypeMeta{APIVersion: v1alpha1.GroupVersion.String(), Kind: "TriggerAuthentication"},
					ObjectMeta: meta,
					Spec:       spec,
				}
			}
			var before any
			if prior != nil {
				before = object(prior.meta, prior.spec)
			}
			out, conflicts, moved, err := api.ApplyOver(ctx, meta.Name, before, object(meta, spec))
			logMoved(ctx, api.Ref(meta.Name), moved)
			if err != nil {
				return metav1.ObjectMeta{}, conflicts, err
			}
			return out.ObjectMeta, conflicts, nil
		},
		get: func(ctx context.Context, c *kube.Client, ns, name string) (metav1.ObjectMeta, v1alpha1.TriggerAuthenticationSpec, error) {
			api, err := c.TriggerAuthentications(ns)
			if err != nil {
				return metav1.ObjectMeta{}, v1alpha1.TriggerAuthenticationSpec{}, err
			}
			out, err := api.Get(ctx, name)
			if err != nil {
				return metav1.ObjectMeta{}, v1alpha1.TriggerAuthenticationSpec{}, err
			}
			return out.ObjectMeta, out.Spec, nil
		},
		delete: func(ctx context.Context, c *kube.Client, ns, name string) error {
			api, err := c.TriggerAuthentications(ns)
			if err != nil {
				return err
			}
			return api.Delete(ctx, name)
		},
	}}
}

// NewClusterTriggerAuthenticationResource is keda_cluster_trigger_authentication.
func NewClusterTriggerAuthenticationResource() resource.Resource {
	return &triggerAuthResource[keda.ClusterMetadataModel]{kind: authKind[keda.ClusterMetadataModel]{
		typeName: "cluster_trigger_authentication",
		kind:     "ClusterTriggerAuthentication",
		description: "A KEDA `ClusterTriggerAuthentication`: a cluster-wide TriggerAuthentication that triggers in " +
			"any namespace use with `authentication_ref { kind = \"ClusterTriggerAuthentication\" }`. Secrets and " +
			"ConfigMaps it names are read from KEDA's own namespace.",
		objectMeta: keda.ClusterMetadataModel.ObjectMeta,
		flattenMeta: func(om metav1.ObjectMeta, prior *keda.ClusterMetadataModel) keda.ClusterMetadataModel {
			return keda.FlattenClusterMetadata(om, prior, kube.FieldManager)
		},
		importID: func(id string) (string, string, error) {
			if id == "" || strings.Contains(id, "/") {
				return "", "", fmt.Errorf("expected the object's name, got %q", id)
			}
			return "", id, nil
		},
		id: func(_, name string) string { return name },
		apply: func(ctx context.Context, c *kube.Client, meta metav1.ObjectMeta, spec v1alpha1.TriggerAuthenticationSpec, prior *authObject) (metav1.ObjectMeta, []kube.FieldConflict, error) {
			api, err := c.ClusterTriggerAuthentications()
			if err != nil {
				return metav1.ObjectMeta{}, nil, err
			}
			object := func(meta metav1.ObjectMeta, spec v1alpha1.TriggerAuthenticationSpec) *v1alpha1.ClusterTriggerAuthentication {
				return &v1alpha1.ClusterTriggerAuthentication{
					TypeMeta:   metav1.TypeMeta{APIVersion: v1alpha1.GroupVersion.String(), Kind: "ClusterTriggerAuthentication"},
					ObjectMeta: meta,
					Spec:       spec,
				}
			}
			var before any
			if prior != nil {
				before = object(prior.meta, prior.spec)
			}
			out, conflicts, moved, err := api.ApplyOver(ctx, meta.Name, before, object(meta, spec))
			logMoved(ctx, api.Ref(meta.Name), moved)
			if err != nil {
				return metav1.ObjectMeta{}, conflicts, err
			}
			return out.ObjectMeta, conflicts, nil
		},
		get: func(ctx context.Context, c *kube.Client, _, name string) (metav1.ObjectMeta, v1alpha1.TriggerAuthenticationSpec, error) {
			api, err := c.ClusterTriggerAuthentications()
			if err != nil {
				return metav1.ObjectMeta{}, v1alpha1.TriggerAuthenticationSpec{}, err
			}
			out, err := api.Get(ctx, name)
			if err != nil {
				return metav1.ObjectMeta{}, v1alpha1.TriggerAuthenticationSpec{}, err
			}
			return out.ObjectMeta, out.Spec, nil
		},
		delete: func(ctx context.Context, c *kube.Client, _, name string) error {
			api, err := c.ClusterTriggerAuthentications()
			if err != nil {
				return err
			}
			return api.Delete(ctx, name)
		},
	}}
}

func parseNamespacedID(id string) (string, string, error) {
	ns, name, ok := strings.Cut(id, "/")
	if !ok || ns == "" || name == "" || strings.Contains(name, "/") {
		return "", "", fmt.Errorf("expected namespace/name, got %q", id)
	}
	return ns, name, nil
}

func (r *triggerAuthResource[M]) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + r.kind.typeName
}

func (r *triggerAuthResource[M]) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	idDescription := "`namespace/name` of the object."
	if !r.kind.namespaced {
		idDescription = "The object's name."
	}
	attrs := keda.TriggerAuthSpecAttributes(!r.kind.namespaced)
	attrs["id"] = schema.StringAttribute{
		Computed:            true,
		MarkdownDescription: idDescription,
		PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
	}
	blocks := keda.TriggerAuthSpecBlocks()
	blocks["metadata"] = keda.MetadataBlock(r.kind.kind, r.kind.namespaced)
	blocks["timeouts"] = timeoutsBlock(ctx, "Every operation retries transient API errors within it.", defaultTimeout)
	resp.Schema = schema.Schema{
		MarkdownDescription: r.kind.description,
		Attributes:          attrs,
		Blocks:              blocks,
	}
	resp.Schema = withFixedTypes(resp.Schema)
}

func (r *triggerAuthResource[M]) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = clientFromProviderData(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan runs KEDA's own admission checks on the object the plan would
// write. It runs after the attribute validators have passed, so a mistake
// they catch is not reported twice.
func (r *triggerAuthResource[M]) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || !req.Config.Raw.IsFullyKnown() {
		return
	}
	var m triggerAuthModel[M]
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(keda.ValidateTriggerAuthSpec(m.Expand(), !r.kind.namespaced)...)
}

func (r *triggerAuthResource[M]) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	r.write(ctx, req.Plan, nil, &resp.State, &resp.Diagnostics, timeouts.Value.Create)
}

func (r *triggerAuthResource[M]) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	r.write(ctx, req.Plan, &req.State, &resp.State, &resp.Diagnostics, timeouts.Value.Update)
}

// write applies the planned object. The state is the plan plus what the
// server assigned (the uid), so nothing the server adds shows as a change.
func (r *triggerAuthResource[M]) write(ctx context.Context, plan tfsdk.Plan, priorState, state *tfsdk.State, diags *diag.Diagnostics, op timeoutFunc) {
	var m triggerAuthModel[M]
	diags.Append(plan.Get(ctx, &m)...)
	if diags.HasError() {
		return
	}
	ctx, cancel := withTimeout(ctx, m.Timeouts, op, diags)
	defer cancel()
	var prior *authObject
	if priorState != nil {
		var pm triggerAuthModel[M]
		diags.Append(priorState.Get(ctx, &pm)...)
		if diags.HasError() {
			return
		}
		if pm.Metadata != nil {
			prior = &authObject{meta: r.kind.objectMeta(*pm.Metadata), spec: pm.Expand()}
		}
	}
	out, conflicts, err := r.kind.apply(ctx, r.client, r.kind.objectMeta(*m.Metadata), m.Expand(), prior)
	appendTakenBack(diags, r.kind.kind, conflicts, err)
	if err != nil {
		diags.Append(apiError("Failed to apply "+r.kind.kind, err))
		return
	}
	meta := r.kind.flattenMeta(out, m.Metadata)
	m.Metadata = &meta
	m.ID = types.StringValue(r.kind.id(out.Namespace, out.Name))
	diags.Append(state.Set(ctx, &m)...)
}

func (r *triggerAuthResource[M]) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state triggerAuthModel[M]
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	before := state
	ctx, cancel := withTimeout(ctx, state.Timeouts, timeouts.Value.Read, &resp.Diagnostics)
	defer cancel()

	ns, name, err := r.kind.importID(state.ID.ValueString())
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("id"), "Invalid ID", err.Error())
		return
	}
	meta, spec, err := r.kind.get(ctx, r.client, ns, name)
	if kube.IsNotFound(err) {
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.Append(apiError("Failed to read "+r.kind.kind, err))
		return
	}
	// A nil prior metadata means the object is being imported.
	var prior *keda.TriggerAuthSpecModel
	if state.Metadata != nil {
		prior = &state.TriggerAuthSpecModel
	}
	flat := r.kind.flattenMeta(meta, state.Metadata)
	state.Metadata = &flat
	state.TriggerAuthSpecModel = keda.FlattenTriggerAuthSpec(spec, prior)
	setRefreshed(ctx, &resp.State, &resp.Diagnostics, &before, &state)
}

func (r *triggerAuthResource[M]) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state triggerAuthModel[M]
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := withTimeout(ctx, state.Timeouts, timeouts.Value.Delete, &resp.Diagnostics)
	defer cancel()
	ns, name, err := r.kind.importID(state.ID.ValueString())
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("id"), "Invalid ID", err.Error())
		return
	}
	if err := r.kind.delete(ctx, r.client, ns, name); err != nil {
		resp.Diagnostics.Append(apiError("Failed to delete "+r.kind.kind, err))
	}
}

func (r *triggerAuthResource[M]) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if _, _, err := r.kind.importID(req.ID); err != nil {
		resp.Diagnostics.AddError("Invalid import ID", err.Error())
		return
	}
	resource.ImportStatePassthroughID(ctx, path.Root("id"), req, resp)
}
