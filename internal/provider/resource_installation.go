package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/kedaml/terraform-provider-keda/internal/install"
	"github.com/kedaml/terraform-provider-keda/internal/kube"
)

const (
	installTimeout = 10 * time.Minute
	// inSync is sync_status when every installed object is as applied.
	inSync = "in sync"
)

type installationResource struct {
	client *kube.Client
}

var (
	_ resource.ResourceWithImportState = (*installationResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*installationResource)(nil)
)

// NewInstallationResource is keda_installation.
func NewInstallationResource() resource.Resource { return &installationResource{} }

func (r *installationResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_installation"
}

func (r *installationResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = clientFromProviderData(req.ProviderData, &resp.Diagnostics)
}

// desired renders the objects the installation consists of; without the
// Namespace when it was there before.
func (m installationModel) desired(managesNamespace bool) ([]*unstructured.Unstructured, error) {
	objs, err := install.Render(m.params())
	if err != nil {
		return nil, err
	}
	if managesNamespace {
		return objs, nil
	}
	return slices.DeleteFunc(objs, func(o *unstructured.Unstructured) bool { return o.GetKind() == "Namespace" }), nil
}

func objectList(objs []*unstructured.Unstructured) types.List {
	refs := make([]attr.Value, len(objs))
	for i, o := range objs {
		refs[i] = types.StringValue(kube.ObjectRef(o))
	}
	return types.ListValueMust(types.StringType, refs)
}

// ModifyPlan marks an installation that drifted for repair and lists the
// objects it will consist of.
func (r *installationResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	var plan installationModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	plan.SyncStatus = types.StringValue(inSync)
	if req.Config.Raw.IsFullyKnown() && !plan.ManagesNamespace.IsUnknown() {
		if objs, err := plan.desired(plan.ManagesNamespace.ValueBool()); err == nil {
			plan.Objects = objectList(objs)
		}
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

func (r *installationResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var m installationModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := withInstallTimeout(ctx, m.Timeouts, timeouts.Value.Create, &resp.Diagnostics)
	defer cancel()
	manages, err := r.namespaceIsNew(ctx, m.Namespace.ValueString())
	if err != nil {
		resp.Diagnostics.Append(apiError("Failed to install KEDA", err))
		return
	}
	m.ManagesNamespace = types.BoolValue(manages)
	objs, err := m.desired(manages)
	if err != nil {
		resp.Diagnostics.AddError("Failed to render KEDA's manifests", "This is a bug in the provider: "+err.Error())
		return
	}
	// Reads only until here: a second KEDA is refused before anything is
	// written.
	rel := r.helmReleaseToTakeOver(ctx, m, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	r.refuseOtherKEDA(ctx, m.Namespace.ValueString(), objs, rel, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	if rel != nil {
		r.takeOver(ctx, rel, &resp.Diagnostics)
		if resp.Diagnostics.HasError() {
			return
		}
	}
	r.install(ctx, &m, objs, &resp.State, &resp.Diagnostics)
}

// namespaceIsNew reports whether the installation's namespace does not
// exist yet, so that the installation creates it and deletes it on destroy.
func (r *installationResource) namespaceIsNew(ctx context.Context, ns string) (bool, error) {
	api, err := r.client.Namespaces()
	if err != nil {
		return false, err
	}
	_, err = api.Get(ctx, ns)
	if kube.IsNotFound(err) {
		return true, nil
	}
	return false, err
}

func (r *installationResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var m, prior installationModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &prior)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := withInstallTimeout(ctx, m.Timeouts, timeouts.Value.Update, &resp.Diagnostics)
	defer cancel()
	m.ManagesNamespace = prior.ManagesNamespace
	objs, err := m.desired(m.ManagesNamespace.ValueBool())
	if err != nil {
		resp.Diagnostics.AddError("Failed to render KEDA's manifests", "This is a bug in the provider: "+err.Error())
		return
	}
	r.install(ctx, &m, objs, &resp.State, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	// Objects a parameter removed (webhooks disabled) are deleted.
	before, err := prior.desired(prior.ManagesNamespace.ValueBool())
	if err != nil {
		return
	}
	after := map[string]bool{}
	for _, o := range objs {
		after[kube.ObjectRef(o)] = true
	}
	for i := len(before) - 1; i >= 0; i-- {
		if !after[kube.ObjectRef(before[i])] {
			if err := r.deleteObject(ctx, before[i]); err != nil {
				resp.Diagnostics.Append(apiError("Failed to remove a KEDA component", err))
			}
		}
	}
}

func (r *installationResource) deleteObject(ctx context.Context, o *unstructured.Unstructured) error {
	api, err := r.client.ObjectsFor(o)
	if err != nil {
		return err
	}
	return api.Delete(ctx, o.GetName())
}

func withInstallTimeout(ctx context.Context, t timeouts.Value, op timeoutFunc, diags *diag.Diagnostics) (context.Context, context.CancelFunc) {
	timeout, d := op(t, ctx, installTimeout)
	diags.Append(d...)
	return context.WithTimeout(ctx, timeout)
}

// install applies every object in dependency order: namespace and CRDs
// first, then, once the CRDs are Established, the rest; and waits for
// availability when asked. The state is written as soon as objects exist,
// so that a failed wait still records what was installed.
func (r *installationResource) install(ctx context.Context, m *installationModel, objs []*unstructured.Unstructured, state *tfsdk.State, diags *diag.Diagnostics) {
	first := func(o *unstructured.Unstructured) bool {
		return o.GetKind() == "Namespace" || o.GetKind() == "CustomResourceDefinition"
	}
	var crds []*unstructured.Unstructured
	for _, phase := range []func(*unstructured.Unstructured) bool{first, func(o *unstructured.Unstructured) bool { return !first(o) }} {
		for _, o := range objs {
			if !phase(o) {
				continue
			}
			api, err := r.client.ObjectsFor(o)
			if err == nil {
				var conflicts []kube.FieldConflict
				_, conflicts, err = api.Apply(ctx, o.GetName(), o)
				appendTakenBack(diags, kube.ObjectRef(o), conflicts, err)
			}
			if err != nil {
				diags.Append(apiError("Failed to install KEDA", err))
				return
			}
			if o.GetKind() == "CustomResourceDefinition" {
				crds = append(crds, o)
			}
		}
		if len(crds) > 0 {
			if err := r.client.WaitEstablished(ctx, crds); err != nil {
				diags.Append(apiError("KEDA's CRDs are not established", err))
				return
			}
			crds = nil
		}
	}
	m.ID = m.Namespace
	m.Objects = objectList(objs)
	m.SyncStatus = types.StringValue(inSync)
	diags.Append(state.Set(ctx, m)...)
	if !m.Wait.ValueBool() {
		return
	}
	for _, o := range objs {
		if o.GetKind() != "Deployment" {
			continue
		}
		if err := r.client.WaitDeploymentAvailable(ctx, o); err != nil {
			diags.AddError("KEDA did not become available", err.Error()+". Set wait = false to not wait, or a longer create/update timeout.")
			return
		}
	}
	for _, o := range objs {
		if o.GetKind() != "APIService" {
			continue
		}
		if err := r.client.WaitAPIServiceAvailable(ctx, o); err != nil {
			diags.AddError("KEDA did not become available", "KEDA's Deployments are Available, but "+err.Error()+
				". The aggregator in kube-apiserver cannot reach KEDA's metrics server: check its pods and network policies. "+
				"Set wait = false to not wait, or a longer create/update timeout.")
			return
		}
	}
}

// Read refreshes with get requests only, so that a plan needs no write
// rights: each object is read and compared with what the installation
// applies, for the fields its field manager owns (see kube.Drift).
func (r *installationResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var m installationModel
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := withInstallTimeout(ctx, m.Timeouts, timeouts.Value.Read, &resp.Diagnostics)
	defer cancel()
	if m.Namespace.IsNull() {
		m.Namespace = m.ID
	}
	if m.ManagesNamespace.IsNull() {
		if err := r.importDefaults(ctx, &m); err != nil {
			resp.Diagnostics.Append(apiError("Failed to import the KEDA installation", err))
			return
		}
	}
	objs, err := m.desired(m.ManagesNamespace.ValueBool())
	if err != nil {
		resp.Diagnostics.AddError("Failed to render KEDA's manifests", err.Error())
		return
	}
	var drift []string
	present := 0
	for _, o := range objs {
		api, err := r.client.ObjectsFor(o)
		var live *unstructured.Unstructured
		if err == nil {
			live, err = api.Get(ctx, o.GetName())
		}
		if kube.IsNotFound(err) {
			drift = append(drift, kube.ObjectRef(o)+" deleted")
			continue
		}
		if err != nil {
			resp.Diagnostics.Append(apiError("Failed to read the KEDA installation", err))
			return
		}
		present++
		fields, err := kube.Drift(o, live, kube.FieldManager)
		if err != nil {
			resp.Diagnostics.Append(apiError("Failed to read the KEDA installation", err))
			return
		}
		if len(fields) > 0 {
			drift = append(drift, kube.ObjectRef(o)+" changed ("+listSome(fields, 5)+")")
		}
	}
	if present == 0 {
		resp.State.RemoveResource(ctx)
		return
	}
	m.Objects = objectList(objs)
	m.SyncStatus = types.StringValue(inSync)
	if len(drift) > 0 {
		m.SyncStatus = types.StringValue("out of sync: " + strings.Join(drift, "; "))
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// listSome joins the first n items and says how many more there are.
func listSome(items []string, n int) string {
	if len(items) <= n {
		return strings.Join(items, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(items[:n], ", "), len(items)-n)
}

// importDefaults fills what an import by namespace does not say. The
// installation manages its namespace when its field manager applied it.
func (r *installationResource) importDefaults(ctx context.Context, m *installationModel) error {
	m.Version = types.StringValue(install.BundledVersion())
	v, err := r.installedVersion(ctx, m.Namespace.ValueString())
	if err != nil {
		return err
	}
	if v != "" {
		m.Version = types.StringValue(v)
	}
	m.Wait = types.BoolValue(true)
	m.DeleteCRDsWithObjects = types.BoolValue(false)
	m.ImagePullSecrets = types.ListNull(types.StringType)
	m.NodeSelector = types.MapNull(types.StringType)
	m.TakeOverHelmRelease = types.StringNull()
	m.ManagesNamespace = types.BoolValue(false)
	api, err := r.client.Namespaces()
	if err != nil {
		return err
	}
	ns, err := api.Get(ctx, m.Namespace.ValueString())
	if kube.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	owned, err := kube.OwnedFields(ns.GetManagedFields(), kube.FieldManager)
	if err != nil {
		return err
	}
	m.ManagesNamespace = types.BoolValue(!owned.Empty())
	return nil
}

func (r *installationResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var m installationModel
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := withInstallTimeout(ctx, m.Timeouts, timeouts.Value.Delete, &resp.Diagnostics)
	defer cancel()
	objs, err := m.desired(m.ManagesNamespace.ValueBool())
	if err != nil {
		resp.Diagnostics.AddError("Failed to render KEDA's manifests", err.Error())
		return
	}
	remaining, err := r.client.ListKEDAObjects(ctx)
	if err != nil && !kube.IsMissingKind(err) {
		resp.Diagnostics.Append(apiError("Failed to list KEDA objects before uninstalling", err))
		return
	}
	keepCRDs := len(remaining) > 0 && !m.DeleteCRDsWithObjects.ValueBool()
	if keepCRDs {
		resp.Diagnostics.AddWarning("KEDA's CRDs were kept",
			fmt.Sprintf("These objects exist and are not managed by this configuration: %s. Deleting KEDA's CRDs would delete them "+
				"too, so the CRDs (and the namespace %s) were left in place. Delete those objects and remove the CRDs, or set "+
				"delete_crds_with_objects = true to delete everything.", listSome(remaining, 10), m.Namespace.ValueString()))
	}
	if len(remaining) > 0 && !keepCRDs {
		// While the operator still runs it clears the objects' finalizers.
		if err := r.client.DeleteKEDAObjects(ctx); err != nil {
			resp.Diagnostics.Append(apiError("Failed to delete KEDA objects", err))
			return
		}
	}
	for i := len(objs) - 1; i >= 0; i-- {
		o := objs[i]
		if keepCRDs && (o.GetKind() == "CustomResourceDefinition" || o.GetKind() == "Namespace") {
			continue
		}
		if err := r.deleteObject(ctx, o); err != nil {
			resp.Diagnostics.Append(apiError("Failed to uninstall KEDA", err))
			return
		}
	}
}

func (r *installationResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resource.ImportStatePassthroughID(ctx, path.Root("id"), req, resp)
}
