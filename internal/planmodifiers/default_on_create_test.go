package planmodifiers

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

func TestStringDefaultOnCreate(t *testing.T) {
	objectType := tftypes.Object{AttributeTypes: map[string]tftypes.Type{"a": tftypes.String}}
	existing := tfsdk.State{Raw: tftypes.NewValue(objectType, map[string]tftypes.Value{"a": tftypes.NewValue(tftypes.String, nil)})}
	creating := tfsdk.State{Raw: tftypes.NewValue(objectType, nil)}
	cases := []struct {
		name   string
		state  tfsdk.State
		config types.String
		prior  types.String
		want   types.String
	}{
		{"create, unset: the default", creating, types.StringNull(), types.StringNull(), types.StringValue("Never")},
		{"create, set: the configuration", creating, types.StringValue("OnFailure"), types.StringNull(), types.StringValue("OnFailure")},
		{"existing, unset, state null (imported): stays null", existing, types.StringNull(), types.StringNull(), types.StringNull()},
		{"existing, unset, state holds the old default: kept", existing, types.StringNull(), types.StringValue("Never"), types.StringValue("Never")},
		{"existing, set: the configuration", existing, types.StringValue("OnFailure"), types.StringValue("Never"), types.StringValue("OnFailure")},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req := planmodifier.StringRequest{State: c.state, ConfigValue: c.config, StateValue: c.prior, PlanValue: types.StringUnknown()}
			if !c.config.IsNull() {
				req.PlanValue = c.config
			}
			resp := planmodifier.StringResponse{PlanValue: req.PlanValue}
			StringDefaultOnCreate("Never").PlanModifyString(context.Background(), req, &resp)
			if !resp.PlanValue.Equal(c.want) {
				t.Errorf("planned %s, want %s", resp.PlanValue, c.want)
			}
		})
	}
}
