package provider

import (
	"context"
	"fmt"
	"reflect"
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
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
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
	core, err := r.client.Core()
	if err != nil {
		resp.Diagnostics.Append(apiError("Failed to install KEDA", err))
		return
	}
	_, err = core.CoreV1().Namespaces().Get(ctx, m.Namespace.ValueString(), metav1.GetOptions{})
	switch {
	case kube.IsNotFound(err):
		m.ManagesNamespace = types.BoolValue(true)
	case err == nil:
		m.ManagesNamespace = types.BoolValue(false)
	default:
		resp.Diagnostics.Append(apiError("Failed to install KEDA", err))
		return
	}
	r.install(ctx, &m, &resp.State, &resp.Diagnostics)
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
	r.install(ctx, &m, &resp.State, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	// Objects a parameter removed (webhooks disabled) are deleted.
	before, err := prior.desired(prior.ManagesNamespace.ValueBool())
	if err != nil {
		return
	}
	after := map[string]bool{}
	for _, v := range m.Objects.Elements() {
		after[v.(types.String).ValueString()] = true
	}
	for i := len(before) - 1; i >= 0; i-- {
		if !after[kube.ObjectRef(before[i])] {
			if err := r.client.DeleteObject(ctx, before[i]); err != nil {
				resp.Diagnostics.Append(apiError("Failed to remove a KEDA component", err))
			}
		}
	}
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
func (r *installationResource) install(ctx context.Context, m *installationModel, state *tfsdk.State, diags *diag.Diagnostics) {
	objs, err := m.desired(m.ManagesNamespace.ValueBool())
	if err != nil {
		diags.AddError("Failed to render KEDA's manifests", "This is a bug in the provider: "+err.Error())
		return
	}
	first := func(o *unstructured.Unstructured) bool {
		return o.GetKind() == "Namespace" || o.GetKind() == "CustomResourceDefinition"
	}
	var crds []*unstructured.Unstructured
	for _, phase := range []func(*unstructured.Unstructured) bool{first, func(o *unstructured.Unstructured) bool { return !first(o) }} {
		for _, o := range objs {
			if !phase(o) {
				continue
			}
			_, conflicts, err := r.client.ApplyObject(ctx, o, false)
			appendTakenBack(diags, kube.ObjectRef(o), conflicts, err)
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
	importing := m.ManagesNamespace.IsNull()
	if importing {
		r.importDefaults(ctx, &m)
	}
	objs, err := m.desired(m.ManagesNamespace.ValueBool())
	if err != nil {
		resp.Diagnostics.AddError("Failed to render KEDA's manifests", err.Error())
		return
	}
	var drift []string
	present := 0
	for _, o := range objs {
		problem, err := r.compare(ctx, o)
		if err != nil {
			resp.Diagnostics.Append(apiError("Failed to read the KEDA installation", err))
			return
		}
		if problem == "" || !strings.HasSuffix(problem, "deleted") {
			present++
		}
		if problem != "" {
			drift = append(drift, problem)
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

// importDefaults fills what an import by namespace does not say.
func (r *installationResource) importDefaults(ctx context.Context, m *installationModel) {
	m.Version = types.StringValue(install.BundledVersion())
	if v := r.installedVersion(ctx, m.Namespace.ValueString()); v != "" {
		m.Version = types.StringValue(v)
	}
	m.Wait = types.BoolValue(true)
	m.DeleteCRDsWithObjects = types.BoolValue(false)
	m.ImagePullSecrets = types.ListNull(types.StringType)
	m.NodeSelector = types.MapNull(types.StringType)
	m.ManagesNamespace = types.BoolValue(false)
	if core, err := r.client.Core(); err == nil {
		if ns, err := core.CoreV1().Namespaces().Get(ctx, m.Namespace.ValueString(), metav1.GetOptions{}); err == nil {
			for _, f := range ns.ManagedFields {
				if f.Manager == kube.FieldManager {
					m.ManagesNamespace = types.BoolValue(true)
				}
			}
		}
	}
}

// compare says how the live object differs from what the installation
// applies: "" when it does not, "… deleted" when it is gone, "… changed" when
// applying it again would change a declared field.
func (r *installationResource) compare(ctx context.Context, o *unstructured.Unstructured) (string, error) {
	live, err := r.client.GetObject(ctx, o)
	if kube.IsNotFound(err) {
		return kube.ObjectRef(o) + " deleted", nil
	}
	if err != nil {
		return "", err
	}
	wouldBe, _, err := r.client.ApplyObject(ctx, o, true)
	if err != nil {
		return "", err
	}
	if !reflect.DeepEqual(withoutBookkeeping(live), withoutBookkeeping(wouldBe)) {
		return kube.ObjectRef(o) + " changed", nil
	}
	return "", nil
}

// withoutBookkeeping strips what changes without anyone changing the object's
// content: bookkeeping metadata and status.
func withoutBookkeeping(o *unstructured.Unstructured) map[string]any {
	c := o.DeepCopy().Object
	delete(c, "status")
	if meta, ok := c["metadata"].(map[string]any); ok {
		for _, k := range []string{"managedFields", "resourceVersion", "generation"} {
			delete(meta, k)
		}
	}
	return c
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
		shown := remaining
		if len(shown) > 10 {
			shown = append(shown[:10:10], fmt.Sprintf("and %d more", len(remaining)-10))
		}
		resp.Diagnostics.AddWarning("KEDA's CRDs were kept",
			fmt.Sprintf("These objects exist and are not managed by this configuration: %s. Deleting KEDA's CRDs would delete them "+
				"too, so the CRDs (and the namespace %s) were left in place. Delete those objects and remove the CRDs, or set "+
				"delete_crds_with_objects = true to delete everything.", strings.Join(shown, ", "), m.Namespace.ValueString()))
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
		if err := r.client.DeleteObject(ctx, o); err != nil {
			resp.Diagnostics.Append(apiError("Failed to uninstall KEDA", err))
			return
		}
	}
}

func (r *installationResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resource.ImportStatePassthroughID(ctx, path.Root("id"), req, resp)
}
