package provider

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// A destroy through the fast path reads the id and the timeouts from the
// prior state's MessagePack alone, skipping the rest; what the resources'
// Delete reads with State.GetAttribute is the reference, and anything it
// would not read the same way is declined (the full decode then runs).
func TestIDAndTimeouts_readsWhatGetAttributeReads(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name, state string
		declined    bool
	}{
		{"nested blocks before and after id, no timeouts", `{"id": "ml/worker", "metadata": {"name": "worker", "namespace": "ml",
			"labels": {"team": "ml"}}, "max_replica_count": 10,
			"trigger": [{"rabbitmq": {"protocol": "amqp", "queue_name": "q", "mode": "QueueLength", "value": 5}}]}`, false},
		{"delete timeout set", `{"id": "ml/worker", "metadata": {"name": "worker"}, "timeouts": {"delete": "7m"}}`, false},
		{"an id that is not namespace/name is still read", `{"id": "worker"}`, false},
		{"null id", `{"metadata": {"name": "worker"}}`, true},
		{"null state", `null`, true},
	}
	for _, newResource := range []func() resource.Resource{NewScaledObjectResource, NewScaledJobResource} {
		r := buildFastResource(ctx, newResource)
		if r == nil || r.timeoutsType == nil {
			t.Fatal("no fast path, or no timeouts in the schema")
		}
		for _, c := range cases {
			t.Run(fmt.Sprintf("%T %s", newResource(), c.name), func(t *testing.T) {
				dv := dynamicValue(t, r.typ, c.state)
				id, got, ok := r.idAndTimeouts(ctx, dv.MsgPack)
				if ok == c.declined {
					t.Fatalf("read = %v, want %v", ok, !c.declined)
				}
				if !ok {
					return
				}
				raw, err := dv.Unmarshal(r.typ)
				if err != nil {
					t.Fatal(err)
				}
				state := tfsdk.State{Raw: r.shape.nullifyEmpty(raw), Schema: r.schema}
				var wantID string
				var want timeouts.Value
				diags := state.GetAttribute(ctx, path.Root("id"), &wantID)
				diags.Append(state.GetAttribute(ctx, path.Root("timeouts"), &want)...)
				if diags.HasError() {
					t.Fatalf("GetAttribute: %v", diags)
				}
				if id != wantID || !got.Equal(want) {
					t.Errorf("got %q %v, GetAttribute reads %q %v", id, got, wantID, want)
				}
			})
		}
	}
}

// Validation hands its decoded configuration to the plan of the same bytes,
// once; a miss only means decoding again.
func TestValidatedConfigs_handsEachConfigToOnePlan(t *testing.T) {
	var c validatedConfigs
	a := tftypes.NewValue(tftypes.String, "a")
	c.put([]byte("A"), a)
	if _, ok := c.take([]byte("B")); ok {
		t.Error("other bytes took A's value")
	}
	if v, ok := c.take([]byte("A")); !ok || !v.Equal(a) {
		t.Errorf("take(A) = %v, %v", v, ok)
	}
	if _, ok := c.take([]byte("A")); ok {
		t.Error("A's value was taken twice")
	}
	c.put(nil, a)
	if _, ok := c.take(nil); ok {
		t.Error("a request without MessagePack was kept")
	}
	for i := range validatedConfigSlots + 1 {
		c.put([]byte(fmt.Sprint(i)), tftypes.NewValue(tftypes.Number, i))
	}
	if _, ok := c.take([]byte("0")); ok {
		t.Error("the oldest value outlived a full ring")
	}
	if v, ok := c.take([]byte(fmt.Sprint(validatedConfigSlots))); !ok || !v.Equal(tftypes.NewValue(tftypes.Number, validatedConfigSlots)) {
		t.Errorf("newest = %v, %v", v, ok)
	}
}
