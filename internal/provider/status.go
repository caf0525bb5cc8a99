package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	dschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/kedacore/keda/v2/apis/keda/v1alpha1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// The resources keep in state only the KEDA status a user acts on: whether
// the object is Ready (and KEDA's error when not), paused, or in fallback.
// Whether a trigger is active flips with load; in state it would make every
// refresh-only plan and HCP Terraform health assessment report drift. The
// data sources read it live.

// statusSchemaVersion is the schema version of keda_ml_scaled_object and
// keda_ml_scaled_job: 1 dropped status.active and status.active_message.
const statusSchemaVersion = 1

// statusAttrTypes are the computed `status` of the resources; ScaledJobs
// have no fallback.
func statusAttrTypes(withFallback bool) map[string]attr.Type {
	t := map[string]attr.Type{
		"ready":         types.BoolType,
		"ready_message": types.StringType,
		"paused":        types.BoolType,
	}
	if withFallback {
		t["fallback"], t["fallback_message"] = types.BoolType, types.StringType
	}
	return t
}

func statusAttribute(kind string, withFallback bool) schema.SingleNestedAttribute {
	attrs := map[string]schema.Attribute{
		"ready":         schema.BoolAttribute{Computed: true, MarkdownDescription: "KEDA's Ready condition is True: the triggers parse and the target scales."},
		"ready_message": schema.StringAttribute{Computed: true, MarkdownDescription: "Message of the Ready condition: KEDA's error when not ready."},
		"paused":        schema.BoolAttribute{Computed: true, MarkdownDescription: "Autoscaling is paused."},
	}
	if withFallback {
		attrs["fallback"] = schema.BoolAttribute{Computed: true, MarkdownDescription: "A trigger keeps failing and the fallback replicas are in force."}
		attrs["fallback_message"] = schema.StringAttribute{Computed: true, MarkdownDescription: "Message of the Fallback condition."}
	}
	return schema.SingleNestedAttribute{
		Computed: true,
		MarkdownDescription: "KEDA's view of the " + kind + ", as of the last refresh: what a change of configuration " +
			"can act on. Whether a trigger is active changes with load and is not kept in state (it would show as drift " +
			"in every refresh-only plan); read it, live, from the `keda_ml_scaled_" + kindSuffix(kind) + "` data source.",
		Attributes: attrs,
	}
}

func kindSuffix(kind string) string {
	if kind == "ScaledJob" {
		return "job"
	}
	return "object"
}

func flattenStatus(c v1alpha1.Conditions, withFallback bool) types.Object {
	ready, paused := c.GetReadyCondition(), c.GetPausedCondition()
	values := map[string]attr.Value{
		"ready":         types.BoolValue(ready.Status == metav1.ConditionTrue),
		"ready_message": types.StringValue(ready.Message),
		"paused":        types.BoolValue(paused.Status == metav1.ConditionTrue),
	}
	if withFallback {
		fallback := c.GetFallbackCondition()
		values["fallback"] = types.BoolValue(fallback.Status == metav1.ConditionTrue)
		values["fallback_message"] = types.StringValue(fallback.Message)
	}
	return types.ObjectValueMust(statusAttrTypes(withFallback), values)
}

// liveStatusAttrTypes are the `status` of the data sources: the resources'
// and what changes with load.
func liveStatusAttrTypes(withFallback bool) map[string]attr.Type {
	t := statusAttrTypes(withFallback)
	t["active"], t["active_message"], t["last_active_time"] = types.BoolType, types.StringType, types.StringType
	return t
}

func liveStatusAttribute(kind string, withFallback bool) dschema.SingleNestedAttribute {
	attrs := map[string]dschema.Attribute{
		"ready":            dschema.BoolAttribute{Computed: true, MarkdownDescription: "KEDA's Ready condition is True: the triggers parse and the target scales."},
		"ready_message":    dschema.StringAttribute{Computed: true, MarkdownDescription: "Message of the Ready condition: KEDA's error when not ready."},
		"active":           dschema.BoolAttribute{Computed: true, MarkdownDescription: "KEDA's Active condition is True: at least one trigger is above its activation threshold."},
		"active_message":   dschema.StringAttribute{Computed: true, MarkdownDescription: "Message of the Active condition."},
		"last_active_time": dschema.StringAttribute{Computed: true, MarkdownDescription: "When a trigger was last active (RFC 3339); null if never."},
		"paused":           dschema.BoolAttribute{Computed: true, MarkdownDescription: "Autoscaling is paused."},
	}
	if withFallback {
		attrs["fallback"] = dschema.BoolAttribute{Computed: true, MarkdownDescription: "A trigger keeps failing and the fallback replicas are in force."}
		attrs["fallback_message"] = dschema.StringAttribute{Computed: true, MarkdownDescription: "Message of the Fallback condition."}
	}
	return dschema.SingleNestedAttribute{
		Computed:            true,
		MarkdownDescription: "KEDA's status of the " + kind + ", as read now (`status.conditions` and `status.lastActiveTime`).",
		Attributes:          attrs,
	}
}

func flattenLiveStatus(c v1alpha1.Conditions, lastActive *metav1.Time, withFallback bool) types.Object {
	values := flattenStatus(c, withFallback).Attributes()
	active := c.GetActiveCondition()
	values["active"] = types.BoolValue(active.Status == metav1.ConditionTrue)
	values["active_message"] = types.StringValue(active.Message)
	values["last_active_time"] = types.StringNull()
	if lastActive != nil {
		values["last_active_time"] = types.StringValue(lastActive.UTC().Format(time.RFC3339))
	}
	return types.ObjectValueMust(liveStatusAttrTypes(withFallback), values)
}

// upgradeStatusV0 drops the status values that version 0 kept and that
// change with load. It works on the state's JSON, so it needs no copy of the
// whole version 0 schema; every other value passes through unchanged
// (numbers as written: json.Number keeps them exact).
func upgradeStatusV0() map[int64]resource.StateUpgrader {
	return map[int64]resource.StateUpgrader{0: {
		StateUpgrader: func(_ context.Context, req resource.UpgradeStateRequest, resp *resource.UpgradeStateResponse) {
			if req.RawState == nil || req.RawState.JSON == nil {
				resp.Diagnostics.AddError("Cannot upgrade the state", "The prior state has no JSON form to upgrade.")
				return
			}
			out, err := dropLoadStatus(req.RawState.JSON)
			if err != nil {
				resp.Diagnostics.AddError("Cannot upgrade the state", "Reading the prior state: "+err.Error())
				return
			}
			resp.DynamicValue = &tfprotov6.DynamicValue{JSON: out}
		},
	}}
}

func dropLoadStatus(state []byte) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(state))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, err
	}
	if status, ok := m["status"].(map[string]any); ok {
		delete(status, "active")
		delete(status, "active_message")
	}
	return json.Marshal(m)
}

func (r *scaledObjectResource) UpgradeState(context.Context) map[int64]resource.StateUpgrader {
	return upgradeStatusV0()
}

func (r *scaledJobResource) UpgradeState(context.Context) map[int64]resource.StateUpgrader {
	return upgradeStatusV0()
}

var (
	_ resource.ResourceWithUpgradeState = (*scaledObjectResource)(nil)
	_ resource.ResourceWithUpgradeState = (*scaledJobResource)(nil)
)
