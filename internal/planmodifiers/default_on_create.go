// Package planmodifiers holds the provider's own plan modifiers.
package planmodifiers

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// StringDefaultOnCreate plans value for an unset attribute of an object
// being created, and the state's value (null included) for an existing
// one. A static Default cannot tell the two apart: it would plan a change
// on every imported object that never set the field, turning KEDA's own
// default into the provider's.
func StringDefaultOnCreate(value string) planmodifier.String {
	return stringDefaultOnCreate{value: value}
}

type stringDefaultOnCreate struct{ value string }

func (m stringDefaultOnCreate) Description(context.Context) string {
	return "`" + m.value + "` for new objects when unset; existing objects keep what they have"
}

func (m stringDefaultOnCreate) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (m stringDefaultOnCreate) PlanModifyString(_ context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if !req.ConfigValue.IsNull() {
		return
	}
	if req.State.Raw.IsNull() {
		resp.PlanValue = types.StringValue(m.value)
		return
	}
	resp.PlanValue = req.StateValue
}
