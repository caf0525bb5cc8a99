package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/kedaml/terraform-provider-keda/internal/kube"
)

// deleteNamespaced is the Delete of resources whose id is namespace/name:
// delete the object and wait for its finalizers, within the delete timeout.
func deleteNamespaced[T any](ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse,
	kind string, objects func(namespace string) (kube.Objects[T], error)) {
	var id string
	var t timeouts.Value
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("id"), &id)...)
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("timeouts"), &t)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := withTimeout(ctx, t, timeouts.Value.Delete, &resp.Diagnostics)
	defer cancel()
	ns, name, err := parseNamespacedID(id)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("id"), "Invalid ID", err.Error())
		return
	}
	api, err := objects(ns)
	if err == nil {
		err = api.Delete(ctx, name)
	}
	if err != nil {
		resp.Diagnostics.Append(apiError("Failed to delete "+kind, err))
	}
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
// read timeout. ok is false when Read has nothing more to do: the object is
// gone (and removed from state) or an error was reported.
func readNamespaced[T any](ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse,
	kind string, objects func(namespace string) (kube.Objects[T], error)) (obj T, ok bool) {
	var id string
	var t timeouts.Value
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("id"), &id)...)
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("timeouts"), &t)...)
	if resp.Diagnostics.HasError() {
		return obj, false
	}
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
