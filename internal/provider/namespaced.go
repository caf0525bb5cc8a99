package provider

import (
	"context"
	"errors"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-log/tflog"
	"github.com/kedacore/keda/v2/apis/keda/v1alpha1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kedaml/terraform-provider-keda/internal/kube"
)

// deleteByStateID is the Delete of resources that need only the id and the
// timeouts of their state to delete what they manage.
func deleteByStateID(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse,
	deleteByID func(ctx context.Context, id string, t timeouts.Value) diag.Diagnostics) {
	var id string
	var t timeouts.Value
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("id"), &id)...)
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("timeouts"), &t)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(deleteByID(ctx, id, t)...)
}

// deleteNamespaced deletes the object a namespace/name id names and waits
// for its finalizers, within the delete timeout.
func deleteNamespaced[T any](ctx context.Context, id string, t timeouts.Value,
	kind string, objects func(namespace string) (kube.Objects[T], error)) diag.Diagnostics {
	var diags diag.Diagnostics
	ctx, cancel := withTimeout(ctx, t, timeouts.Value.Delete, &diags)
	defer cancel()
	ns, name, err := parseNamespacedID(id)
	if err != nil {
		diags.AddAttributeError(path.Root("id"), "Invalid ID", err.Error())
		return diags
	}
	api, err := objects(ns)
	if err == nil {
		err = api.Delete(ctx, name)
	}
	if err != nil {
		diags.Append(apiError("Failed to delete "+kind, err))
	}
	return diags
}

// importNamespaced checks a namespace/name import ID; Read does the rest.
func importNamespaced(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if _, _, err := parseNamespacedID(req.ID); err != nil {
		resp.Diagnostics.AddError("Invalid import ID", err.Error())
		return
	}
	resource.ImportStatePassthroughID(ctx, path.Root("id"), req, resp)
}

// readNamespaced reads the object a namespace/name id names, within the
// read timeout; id and timeouts come from the prior state the caller has
// already read. ok is false when Read has nothing more to do: the object is
// gone (and removed from state) or an error was reported.
func readNamespaced[T any](ctx context.Context, resp *resource.ReadResponse, kind string,
	objects func(namespace string) (kube.Objects[T], error), id string, t timeouts.Value) (obj T, ok bool) {
	ctx, cancel := withTimeout(ctx, t, timeouts.Value.Read, &resp.Diagnostics)
	defer cancel()
	ns, name, err := parseNamespacedID(id)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("id"), "Invalid ID", err.Error())
		return obj, false
	}
	api, err := objects(ns)
	if err == nil {
		obj, err = api.Get(ctx, name)
	}
	if kube.IsNotFound(err) {
		resp.State.RemoveResource(ctx)
		return obj, false
	}
	if err != nil {
		resp.Diagnostics.Append(apiError("Failed to read "+kind, err))
		return obj, false
	}
	return obj, true
}

// scaledKind is what KEDA reports Ready on and apply can wait for.
type scaledKind interface {
	*v1alpha1.ScaledObject | *v1alpha1.ScaledJob
}

// applyScaled is the write of keda_ml_scaled_object and keda_ml_scaled_job:
// server-side apply over prior (what the state holds; nil on create), a warning for fields taken back from other managers,
// and, when wait is set, KEDA's verdict on the object. out is the latest
// version read; ok is false when nothing was written. A verdict against the
// object is reported but still ok: the object exists and belongs in the
// state, so that the next plan shows the fix as an update. So is an object
// stored without fields the installed CRD does not know (a
// *kube.UnknownFieldsError), without waiting for KEDA.
func applyScaled[T scaledKind](ctx context.Context, diags *diag.Diagnostics, kind string,
	objects func(namespace string) (kube.Objects[T], error),
	waitReady func(ctx context.Context, namespace, name string) (T, error),
	meta metav1.ObjectMeta, prior, obj any, wait bool) (out T, ok bool) {
	api, err := objects(meta.Namespace)
	if err == nil {
		var conflicts []kube.FieldConflict
		var moved []kube.MovedFields
		out, conflicts, moved, err = api.ApplyOver(ctx, meta.Name, prior, obj)
		logMoved(ctx, api.Ref(meta.Name), moved)
		appendTakenBack(diags, kind, conflicts, err)
	}
	var unknown *kube.UnknownFieldsError
	if errors.As(err, &unknown) && unknown.Stored {
		// Stored without those fields: the state records the object, and the
		// next plan shows them missing again.
		diags.Append(apiError("Failed to apply "+kind, err))
		return out, true
	}
	if err != nil {
		diags.Append(apiError("Failed to apply "+kind, err))
		return out, false
	}
	if wait {
		ready, err := waitReady(ctx, meta.Namespace, meta.Name)
		if ready != nil {
			out = ready
		}
		appendReadinessError(diags, kind, err)
	}
	return out, true
}

// logMoved records the fields taken over from other clients (kubectl,
// Helm, kubernetes_manifest) because the configuration no longer sets them.
func logMoved(ctx context.Context, ref string, moved []kube.MovedFields) {
	for _, m := range moved {
		tflog.Info(ctx, "took over fields the configuration removed, so that the apply removes them", map[string]any{
			"object": ref, "manager": m.Manager, "fields": strings.Join(m.Fields, ", "),
		})
	}
}

// stateObject is the object the prior state holds, as expand builds it: what
// the provider last applied or imported, so that ApplyOver takes over from
// other clients the fields the plan drops. It is nil on create (no prior
// state) and when the state does not expand; ok is false when the state
// cannot be read.
func stateObject[M any](ctx context.Context, priorState *tfsdk.State, diags *diag.Diagnostics, expand func(M) (any, error)) (any, bool) {
	if priorState == nil {
		return nil, true
	}
	var m M
	diags.Append(getState(ctx, *priorState, &m)...)
	if diags.HasError() {
		return nil, false
	}
	obj, err := expand(m)
	if err != nil {
		return nil, true
	}
	return obj, true
}
