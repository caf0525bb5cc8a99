package provider

import (
	"context"
	"reflect"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// Writing a whole model into the state makes the framework rebuild and
// type-check every value of it, several milliseconds for a ScaledObject; in
// an apply or refresh of hundreds of objects that was a large share of the
// provider's time. The helpers below write only what changed.

// recordApplied sets the state of an object just written: the plan, plus
// the attributes only the server could fill in.
func recordApplied(ctx context.Context, plan tfsdk.Plan, state *tfsdk.State, diags *diag.Diagnostics,
	id, uid string, status types.Object) {
	state.Raw = plan.Raw.Copy()
	// Set on the raw value where the path exists: the framework's
	// SetAttribute rebuilds every value of the state for each call.
	raw, okID := setAt(state.Raw, []string{"id"}, tftypes.NewValue(tftypes.String, id))
	raw, okUID := setAt(raw, []string{"metadata", "uid"}, tftypes.NewValue(tftypes.String, uid))
	statusValue, err := status.ToTerraformValue(ctx)
	if okID && okUID && err == nil {
		if raw, ok := setAt(raw, []string{"status"}, statusValue); ok {
			state.Raw = raw
			return
		}
	}
	diags.Append(state.SetAttribute(ctx, path.Root("id"), id)...)
	diags.Append(state.SetAttribute(ctx, path.Root("metadata").AtName("uid"), uid)...)
	diags.Append(state.SetAttribute(ctx, path.Root("status"), status)...)
}

// setRefreshed writes the refreshed model into the state unless it equals
// the prior one, in which case the state (which starts as the prior state)
// is already right.
func setRefreshed[M any](ctx context.Context, state *tfsdk.State, diags *diag.Diagnostics, prior, refreshed *M) {
	if sameModel(reflect.ValueOf(prior).Elem(), reflect.ValueOf(refreshed).Elem()) {
		return
	}
	diags.Append(state.Set(ctx, refreshed)...)
}

var attrValueType = reflect.TypeFor[attr.Value]()

// sameModel reports whether two models would be written as the same state:
// framework values compare with their own Equal (so that 5 read back from
// the cluster equals the 5 in the state however each big.Float holds it),
// structs, pointers and slices element by element. A nil slice (a null
// list) differs from an empty one.
func sameModel(a, b reflect.Value) bool {
	if a.Type() != b.Type() {
		return false
	}
	if a.Type().Implements(attrValueType) {
		if a.Kind() == reflect.Interface && (a.IsNil() || b.IsNil()) {
			return a.IsNil() == b.IsNil()
		}
		return a.Interface().(attr.Value).Equal(b.Interface().(attr.Value))
	}
	switch a.Kind() {
	case reflect.Pointer:
		if a.IsNil() || b.IsNil() {
			return a.IsNil() == b.IsNil()
		}
		return sameModel(a.Elem(), b.Elem())
	case reflect.Struct:
		for i := range a.NumField() {
			if !sameModel(a.Field(i), b.Field(i)) {
				return false
			}
		}
		return true
	case reflect.Slice:
		if a.IsNil() != b.IsNil() || a.Len() != b.Len() {
			return false
		}
		for i := range a.Len() {
			if !sameModel(a.Index(i), b.Index(i)) {
				return false
			}
		}
		return true
	default:
		return reflect.DeepEqual(a.Interface(), b.Interface())
	}
}
