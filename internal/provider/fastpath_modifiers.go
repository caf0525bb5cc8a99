package provider

// One function per value kind, each the framework's AttributePlanModify<Kind>
// (and BlockPlanModify<Kind>): the values converted to the kind's base
// value, the modifiers run in order, each given the plan value the one
// before left.

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
)

// modifierRun is one attribute's or block's plan modifiers applied to its
// values: the new plan value, whether it requires replacement, and the
// modifiers' diagnostics; ok is false for a value of an unexpected type.
type modifierRun func(ctx context.Context, in modifierInput) (plan attr.Value, replace bool, diags diag.Diagnostics, ok bool)

type modifierInput struct {
	path                   path.Path
	expr                   path.Expression
	config                 tfsdk.Config
	plan                   tfsdk.Plan
	state                  tfsdk.State
	configValue, planValue attr.Value
	stateValue             attr.Value
}

// modifiersOf returns what runs the plan modifiers of a schema attribute or
// block, or nil when it has none.
func modifiersOf(s any) modifierRun {
	switch s := s.(type) {
	case interface{ StringPlanModifiers() []planmodifier.String }:
		if ms := s.StringPlanModifiers(); len(ms) > 0 {
			return modifyString(ms)
		}
	case interface{ BoolPlanModifiers() []planmodifier.Bool }:
		if ms := s.BoolPlanModifiers(); len(ms) > 0 {
			return modifyBool(ms)
		}
	case interface{ Int64PlanModifiers() []planmodifier.Int64 }:
		if ms := s.Int64PlanModifiers(); len(ms) > 0 {
			return modifyInt64(ms)
		}
	case interface{ Int32PlanModifiers() []planmodifier.Int32 }:
		if ms := s.Int32PlanModifiers(); len(ms) > 0 {
			return modifyInt32(ms)
		}
	case interface{ Float64PlanModifiers() []planmodifier.Float64 }:
		if ms := s.Float64PlanModifiers(); len(ms) > 0 {
			return modifyFloat64(ms)
		}
	case interface{ ListPlanModifiers() []planmodifier.List }:
		if ms := s.ListPlanModifiers(); len(ms) > 0 {
			return modifyList(ms)
		}
	case interface{ MapPlanModifiers() []planmodifier.Map }:
		if ms := s.MapPlanModifiers(); len(ms) > 0 {
			return modifyMap(ms)
		}
	case interface{ SetPlanModifiers() []planmodifier.Set }:
		if ms := s.SetPlanModifiers(); len(ms) > 0 {
			return modifySet(ms)
		}
	case interface{ ObjectPlanModifiers() []planmodifier.Object }:
		if ms := s.ObjectPlanModifiers(); len(ms) > 0 {
			return modifyObject(ms)
		}
	}
	return nil
}

func modifyString(modifiers []planmodifier.String) modifierRun {
	return func(ctx context.Context, in modifierInput) (attr.Value, bool, diag.Diagnostics, bool) {
		var diags diag.Diagnostics
		c, okC := in.configValue.(basetypes.StringValuable)
		p, okP := in.planValue.(basetypes.StringValuable)
		s, okS := in.stateValue.(basetypes.StringValuable)
		if !okC || !okP || !okS {
			return nil, false, nil, false
		}
		cv, d := c.ToStringValue(ctx)
		diags.Append(d...)
		pv, d := p.ToStringValue(ctx)
		diags.Append(d...)
		sv, d := s.ToStringValue(ctx)
		diags.Append(d...)
		if diags.HasError() {
			return nil, false, diags, false
		}
		req := planmodifier.StringRequest{Path: in.path, PathExpression: in.expr, Config: in.config, ConfigValue: cv,
			Plan: in.plan, PlanValue: pv, State: in.state, StateValue: sv}
		replace := false
		for _, m := range modifiers {
			resp := &planmodifier.StringResponse{PlanValue: req.PlanValue}
			m.PlanModifyString(ctx, req, resp)
			req.PlanValue = resp.PlanValue
			diags.Append(resp.Diagnostics...)
			replace = replace || resp.RequiresReplace
			if resp.Diagnostics.HasError() {
				break
			}
		}
		return req.PlanValue, replace, diags, true
	}
}

func modifyBool(modifiers []planmodifier.Bool) modifierRun {
	return func(ctx context.Context, in modifierInput) (attr.Value, bool, diag.Diagnostics, bool) {
		var diags diag.Diagnostics
		c, okC := in.configValue.(basetypes.BoolValuable)
		p, okP := in.planValue.(basetypes.BoolValuable)
		s, okS := in.stateValue.(basetypes.BoolValuable)
		if !okC || !okP || !okS {
			return nil, false, nil, false
		}
		cv, d := c.ToBoolValue(ctx)
		diags.Append(d...)
		pv, d := p.ToBoolValue(ctx)
		diags.Append(d...)
		sv, d := s.ToBoolValue(ctx)
		diags.Append(d...)
		if diags.HasError() {
			return nil, false, diags, false
		}
		req := planmodifier.BoolRequest{Path: in.path, PathExpression: in.expr, Config: in.config, ConfigValue: cv,
			Plan: in.plan, PlanValue: pv, State: in.state, StateValue: sv}
		replace := false
		for _, m := range modifiers {
			resp := &planmodifier.BoolResponse{PlanValue: req.PlanValue}
			m.PlanModifyBool(ctx, req, resp)
			req.PlanValue = resp.PlanValue
			diags.Append(resp.Diagnostics...)
			replace = replace || resp.RequiresReplace
			if resp.Diagnostics.HasError() {
				break
			}
		}
		return req.PlanValue, replace, diags, true
	}
}

func modifyInt64(modifiers []planmodifier.Int64) modifierRun {
	return func(ctx context.Context, in modifierInput) (attr.Value, bool, diag.Diagnostics, bool) {
		var diags diag.Diagnostics
		c, okC := in.configValue.(basetypes.Int64Valuable)
		p, okP := in.planValue.(basetypes.Int64Valuable)
		s, okS := in.stateValue.(basetypes.Int64Valuable)
		if !okC || !okP || !okS {
			return nil, false, nil, false
		}
		cv, d := c.ToInt64Value(ctx)
		diags.Append(d...)
		pv, d := p.ToInt64Value(ctx)
		diags.Append(d...)
		sv, d := s.ToInt64Value(ctx)
		diags.Append(d...)
		if diags.HasError() {
			return nil, false, diags, false
		}
		req := planmodifier.Int64Request{Path: in.path, PathExpression: in.expr, Config: in.config, ConfigValue: cv,
			Plan: in.plan, PlanValue: pv, State: in.state, StateValue: sv}
		replace := false
		for _, m := range modifiers {
			resp := &planmodifier.Int64Response{PlanValue: req.PlanValue}
			m.PlanModifyInt64(ctx, req, resp)
			req.PlanValue = resp.PlanValue
			diags.Append(resp.Diagnostics...)
			replace = replace || resp.RequiresReplace
			if resp.Diagnostics.HasError() {
				break
			}
		}
		return req.PlanValue, replace, diags, true
	}
}

func modifyInt32(modifiers []planmodifier.Int32) modifierRun {
	return func(ctx context.Context, in modifierInput) (attr.Value, bool, diag.Diagnostics, bool) {
		var diags diag.Diagnostics
		c, okC := in.configValue.(basetypes.Int32Valuable)
		p, okP := in.planValue.(basetypes.Int32Valuable)
		s, okS := in.stateValue.(basetypes.Int32Valuable)
		if !okC || !okP || !okS {
			return nil, false, nil, false
		}
		cv, d := c.ToInt32Value(ctx)
		diags.Append(d...)
		pv, d := p.ToInt32Value(ctx)
		diags.Append(d...)
		sv, d := s.ToInt32Value(ctx)
		diags.Append(d...)
		if diags.HasError() {
			return nil, false, diags, false
		}
		req := planmodifier.Int32Request{Path: in.path, PathExpression: in.expr, Config: in.config, ConfigValue: cv,
			Plan: in.plan, PlanValue: pv, State: in.state, StateValue: sv}
		replace := false
		for _, m := range modifiers {
			resp := &planmodifier.Int32Response{PlanValue: req.PlanValue}
			m.PlanModifyInt32(ctx, req, resp)
			req.PlanValue = resp.PlanValue
			diags.Append(resp.Diagnostics...)
			replace = replace || resp.RequiresReplace
			if resp.Diagnostics.HasError() {
				break
			}
		}
		return req.PlanValue, replace, diags, true
	}
}

func modifyFloat64(modifiers []planmodifier.Float64) modifierRun {
	return func(ctx context.Context, in modifierInput) (attr.Value, bool, diag.Diagnostics, bool) {
		var diags diag.Diagnostics
		c, okC := in.configValue.(basetypes.Float64Valuable)
		p, okP := in.planValue.(basetypes.Float64Valuable)
		s, okS := in.stateValue.(basetypes.Float64Valuable)
		if !okC || !okP || !okS {
			return nil, false, nil, false
		}
		cv, d := c.ToFloat64Value(ctx)
		diags.Append(d...)
		pv, d := p.ToFloat64Value(ctx)
		diags.Append(d...)
		sv, d := s.ToFloat64Value(ctx)
		diags.Append(d...)
		if diags.HasError() {
			return nil, false, diags, false
		}
		req := planmodifier.Float64Request{Path: in.path, PathExpression: in.expr, Config: in.config, ConfigValue: cv,
			Plan: in.plan, PlanValue: pv, State: in.state, StateValue: sv}
		replace := false
		for _, m := range modifiers {
			resp := &planmodifier.Float64Response{PlanValue: req.PlanValue}
			m.PlanModifyFloat64(ctx, req, resp)
			req.PlanValue = resp.PlanValue
			diags.Append(resp.Diagnostics...)
			replace = replace || resp.RequiresReplace
			if resp.Diagnostics.HasError() {
				break
			}
		}
		return req.PlanValue, replace, diags, true
	}
}

func modifyList(modifiers []planmodifier.List) modifierRun {
	return func(ctx context.Context, in modifierInput) (attr.Value, bool, diag.Diagnostics, bool) {
		var diags diag.Diagnostics
		c, okC := in.configValue.(basetypes.ListValuable)
		p, okP := in.planValue.(basetypes.ListValuable)
		s, okS := in.stateValue.(basetypes.ListValuable)
		if !okC || !okP || !okS {
			return nil, false, nil, false
		}
		cv, d := c.ToListValue(ctx)
		diags.Append(d...)
		pv, d := p.ToListValue(ctx)
		diags.Append(d...)
		sv, d := s.ToListValue(ctx)
		diags.Append(d...)
		if diags.HasError() {
			return nil, false, diags, false
		}
		req := planmodifier.ListRequest{Path: in.path, PathExpression: in.expr, Config: in.config, ConfigValue: cv,
			Plan: in.plan, PlanValue: pv, State: in.state, StateValue: sv}
		replace := false
		for _, m := range modifiers {
			resp := &planmodifier.ListResponse{PlanValue: req.PlanValue}
			m.PlanModifyList(ctx, req, resp)
			req.PlanValue = resp.PlanValue
			diags.Append(resp.Diagnostics...)
			replace = replace || resp.RequiresReplace
			if resp.Diagnostics.HasError() {
				break
			}
		}
		return req.PlanValue, replace, diags, true
	}
}

func modifyMap(modifiers []planmodifier.Map) modifierRun {
	return func(ctx context.Context, in modifierInput) (attr.Value, bool, diag.Diagnostics, bool) {
		var diags diag.Diagnostics
		c, okC := in.configValue.(basetypes.MapValuable)
		p, okP := in.planValue.(basetypes.MapValuable)
		s, okS := in.stateValue.(basetypes.MapValuable)
		if !okC || !okP || !okS {
			return nil, false, nil, false
		}
		cv, d := c.ToMapValue(ctx)
		diags.Append(d...)
		pv, d := p.ToMapValue(ctx)
		diags.Append(d...)
		sv, d := s.ToMapValue(ctx)
		diags.Append(d...)
		if diags.HasError() {
			return nil, false, diags, false
		}
		req := planmodifier.MapRequest{Path: in.path, PathExpression: in.expr, Config: in.config, ConfigValue: cv,
			Plan: in.plan, PlanValue: pv, State: in.state, StateValue: sv}
		replace := false
		for _, m := range modifiers {
			resp := &planmodifier.MapResponse{PlanValue: req.PlanValue}
			m.PlanModifyMap(ctx, req, resp)
			req.PlanValue = resp.PlanValue
			diags.Append(resp.Diagnostics...)
			replace = replace || resp.RequiresReplace
			if resp.Diagnostics.HasError() {
				break
			}
		}
		return req.PlanValue, replace, diags, true
	}
}

func modifySet(modifiers []planmodifier.Set) modifierRun {
	return func(ctx context.Context, in modifierInput) (attr.Value, bool, diag.Diagnostics, bool) {
		var diags diag.Diagnostics
		c, okC := in.configValue.(basetypes.SetValuable)
		p, okP := in.planValue.(basetypes.SetValuable)
		s, okS := in.stateValue.(basetypes.SetValuable)
		if !okC || !okP || !okS {
			return nil, false, nil, false
		}
		cv, d := c.ToSetValue(ctx)
		diags.Append(d...)
		pv, d := p.ToSetValue(ctx)
		diags.Append(d...)
		sv, d := s.ToSetValue(ctx)
		diags.Append(d...)
		if diags.HasError() {
			return nil, false, diags, false
		}
		req := planmodifier.SetRequest{Path: in.path, PathExpression: in.expr, Config: in.config, ConfigValue: cv,
			Plan: in.plan, PlanValue: pv, State: in.state, StateValue: sv}
		replace := false
		for _, m := range modifiers {
			resp := &planmodifier.SetResponse{PlanValue: req.PlanValue}
			m.PlanModifySet(ctx, req, resp)
			req.PlanValue = resp.PlanValue
			diags.Append(resp.Diagnostics...)
			replace = replace || resp.RequiresReplace
			if resp.Diagnostics.HasError() {
				break
			}
		}
		return req.PlanValue, replace, diags, true
	}
}

func modifyObject(modifiers []planmodifier.Object) modifierRun {
	return func(ctx context.Context, in modifierInput) (attr.Value, bool, diag.Diagnostics, bool) {
		var diags diag.Diagnostics
		c, okC := in.configValue.(basetypes.ObjectValuable)
		p, okP := in.planValue.(basetypes.ObjectValuable)
		s, okS := in.stateValue.(basetypes.ObjectValuable)
		if !okC || !okP || !okS {
			return nil, false, nil, false
		}
		cv, d := c.ToObjectValue(ctx)
		diags.Append(d...)
		pv, d := p.ToObjectValue(ctx)
		diags.Append(d...)
		sv, d := s.ToObjectValue(ctx)
		diags.Append(d...)
		if diags.HasError() {
			return nil, false, diags, false
		}
		req := planmodifier.ObjectRequest{Path: in.path, PathExpression: in.expr, Config: in.config, ConfigValue: cv,
			Plan: in.plan, PlanValue: pv, State: in.state, StateValue: sv}
		replace := false
		for _, m := range modifiers {
			resp := &planmodifier.ObjectResponse{PlanValue: req.PlanValue}
			m.PlanModifyObject(ctx, req, resp)
			req.PlanValue = resp.PlanValue
			diags.Append(resp.Diagnostics...)
			replace = replace || resp.RequiresReplace
			if resp.Diagnostics.HasError() {
				break
			}
		}
		return req.PlanValue, replace, diags, true
	}
}
