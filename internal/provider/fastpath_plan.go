package provider

import (
	"context"
	"maps"
	"slices"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// planTree is a resource schema prepared for planning a create or an
// update as the framework's PlanResourceChange does: defaults, computed
// attributes the configuration leaves null marked unknown, the schema's
// plan modifiers, then the resource's ModifyPlan.
type planTree struct {
	attrs  []plannedAttribute
	blocks []plannedBlock
}

type plannedAttribute struct {
	name          string
	attr          schema.Attribute
	unknownIfNull bool // computed without a default
	modify        modifierRun
}

type plannedBlock struct {
	name       string
	block      schema.Block
	collection bool
	modify     modifierRun
	nested     *planTree
}

// buildPlanTree returns false for schemas whose plan the fast path does not
// compute: plan modifiers inside list or set blocks, computed attributes in
// set blocks, nested attributes that are not computed as a whole.
func buildPlanTree(attrs map[string]schema.Attribute, blocks map[string]schema.Block, inCollection bool) (*planTree, bool) {
	t := &planTree{}
	for name, a := range attrs {
		_, hasDefault, _ := defaultOf(a)
		p := plannedAttribute{name: name, attr: a, modify: modifiersOf(a)}
		p.unknownIfNull = a.IsComputed() && !hasDefault
		if isNestedAttribute(a) && !a.IsComputed() {
			return nil, false
		}
		if p.modify != nil && inCollection {
			return nil, false
		}
		if p.unknownIfNull || p.modify != nil {
			t.attrs = append(t.attrs, p)
		}
	}
	for name, b := range blocks {
		p := plannedBlock{name: name, block: b, modify: modifiersOf(b)}
		var nested schema.NestedBlockObject
		switch b := b.(type) {
		case schema.SingleNestedBlock:
			nested = schema.NestedBlockObject{Attributes: b.Attributes, Blocks: b.Blocks}
		case schema.ListNestedBlock:
			nested, p.collection = b.NestedObject, true
			if modifiersOf(b.NestedObject) != nil {
				return nil, false
			}
		default:
			return nil, false
		}
		if p.modify != nil && (p.collection || inCollection) {
			return nil, false
		}
		tree, ok := buildPlanTree(nested.Attributes, nested.Blocks, inCollection || p.collection)
		if !ok {
			return nil, false
		}
		p.nested = tree
		if p.modify != nil || len(tree.attrs) > 0 || len(tree.blocks) > 0 {
			t.blocks = append(t.blocks, p)
		}
	}
	return t, true
}

// markUnknown is the framework's MarkComputedNilsAsUnknown: a computed
// attribute without a default that the configuration leaves null becomes
// unknown, for the provider to fill at apply.
func (t *planTree) markUnknown(plan, config tftypes.Value) (tftypes.Value, bool) {
	if plan.IsNull() || !plan.IsKnown() {
		return plan, false
	}
	var planned map[string]tftypes.Value
	if err := plan.As(&planned); err != nil {
		return plan, false
	}
	// A path the configuration does not reach ends at a null or an unknown
	// value, or at a collection without that element: only a null one counts
	// as unset (tftypes.WalkAttributePath stops at the last value reached).
	configNull := config.IsNull()
	var configured map[string]tftypes.Value
	if !configNull && config.IsKnown() {
		if err := config.As(&configured); err != nil {
			return plan, false
		}
	}
	changed := false
	for _, a := range t.attrs {
		if !a.unknownIfNull {
			continue
		}
		c, ok := configured[a.name]
		unset := configNull || (ok && c.IsNull())
		if unset {
			if !changed {
				planned = maps.Clone(planned)
			}
			pv := planned[a.name]
			planned[a.name] = tftypes.NewValue(pv.Type(), tftypes.UnknownValue)
			changed = true
		}
	}
	for _, b := range t.blocks {
		pv := planned[b.name]
		cv := configured[b.name]
		if configNull {
			cv = tftypes.NewValue(pv.Type(), nil)
		} else if !config.IsKnown() {
			cv = tftypes.NewValue(pv.Type(), tftypes.UnknownValue)
		}
		var next tftypes.Value
		var marked bool
		if !b.collection {
			next, marked = b.nested.markUnknown(pv, cv)
		} else {
			next, marked = b.nested.markUnknownElements(pv, cv)
		}
		if marked {
			if !changed {
				planned = maps.Clone(planned)
			}
			planned[b.name] = next
			changed = true
		}
	}
	if !changed {
		return plan, false
	}
	return tftypes.NewValue(plan.Type(), planned), true
}

func (t *planTree) markUnknownElements(plan, config tftypes.Value) (tftypes.Value, bool) {
	if plan.IsNull() || !plan.IsKnown() {
		return plan, false
	}
	var elems, configured []tftypes.Value
	if err := plan.As(&elems); err != nil {
		return plan, false
	}
	configNull := config.IsNull()
	if !configNull && config.IsKnown() {
		if err := config.As(&configured); err != nil {
			return plan, false
		}
	}
	changed := false
	for i, e := range elems {
		var c tftypes.Value
		switch {
		case configNull:
			c = tftypes.NewValue(e.Type(), nil)
		case i < len(configured):
			c = configured[i]
		default:
			// Past the configuration's elements, or inside an unknown
			// list: the walk stops at a value that is not null.
			c = tftypes.NewValue(e.Type(), tftypes.UnknownValue)
		}
		next, marked := t.markUnknown(e, c)
		if marked {
			if !changed {
				elems = slices.Clone(elems)
			}
			elems[i] = next
			changed = true
		}
	}
	if !changed {
		return plan, false
	}
	return tftypes.NewValue(plan.Type(), elems), true
}

// planModifications is what the schema's plan modifiers changed.
type planModifications struct {
	set     []modifiedValue
	replace path.Paths
	diags   diag.Diagnostics
}

type modifiedValue struct {
	steps []string
	value tftypes.Value
}

// modify runs the plan modifiers of the attributes and single blocks below
// one object, each given the values of the plan, configuration and state as
// they were before any modifier ran (the framework's SchemaModifyPlan).
func (t *planTree) modify(ctx context.Context, in planInput, plan, config, state tftypes.Value, steps []string, p path.Path, e path.Expression, root bool, out *planModifications) bool {
	for _, a := range t.attrs {
		if a.modify == nil {
			continue
		}
		ap, ae := childPath(p, e, a.name, root)
		if !runModifiers(ctx, in, a.modify, a.attr.GetType(), a.name, plan, config, state, steps, ap, ae, out) {
			return false
		}
		if out.diags.HasError() {
			return true
		}
	}
	for _, b := range t.blocks {
		if b.collection {
			continue
		}
		bp, be := childPath(p, e, b.name, root)
		if b.modify != nil {
			if !runModifiers(ctx, in, b.modify, b.block.Type(), b.name, plan, config, state, steps, bp, be, out) {
				return false
			}
			if out.diags.HasError() {
				return true
			}
		}
		next := append(append([]string(nil), steps...), b.name)
		if !b.nested.modify(ctx, in, child(plan, b.name), child(config, b.name), child(state, b.name), next, bp, be, false, out) {
			return false
		}
		if out.diags.HasError() {
			return true
		}
	}
	return true
}

type planInput struct {
	config tfsdk.Config
	plan   tfsdk.Plan
	state  tfsdk.State
}

// child is the attribute name of an object value, null when the object is
// null or unknown (the framework's path lookups give null there).
func child(v tftypes.Value, name string) tftypes.Value {
	if v.IsNull() || !v.IsKnown() {
		return tftypes.Value{}
	}
	var attrs map[string]tftypes.Value
	if err := v.As(&attrs); err != nil {
		return tftypes.Value{}
	}
	return attrs[name]
}

func runModifiers(ctx context.Context, in planInput, run modifierRun, typ attr.Type, name string,
	plan, config, state tftypes.Value, steps []string, p path.Path, e path.Expression, out *planModifications) bool {
	values := make([]attr.Value, 3)
	var planned tftypes.Value
	for i, parent := range []tftypes.Value{plan, config, state} {
		v := child(parent, name)
		if v.Type() == nil {
			v = tftypes.NewValue(typ.TerraformType(ctx), nil)
		}
		if i == 0 {
			planned = v
		}
		av, err := valueFromTerraform(ctx, typ, v)
		if err != nil {
			return false
		}
		values[i] = av
	}
	next, replace, diags, ok := run(ctx, modifierInput{path: p, expr: e, config: in.config, plan: in.plan, state: in.state,
		planValue: values[0], configValue: values[1], stateValue: values[2]})
	if !ok {
		return false
	}
	out.diags.Append(diags...)
	if replace {
		out.replace.Append(p)
	}
	if diags.HasError() {
		return true
	}
	nextValue, err := next.ToTerraformValue(ctx)
	if err != nil {
		return false
	}
	if nextValue.Equal(planned) {
		return true
	}
	// The framework would create the objects above a value set under a
	// null one; the fast path leaves that to it.
	if plan.IsNull() || !plan.IsKnown() {
		return false
	}
	out.set = append(out.set, modifiedValue{steps: append(append([]string(nil), steps...), name), value: nextValue})
	return true
}

// setAt returns v with the value at the attribute names steps replaced.
func setAt(v tftypes.Value, steps []string, value tftypes.Value) (tftypes.Value, bool) {
	if len(steps) == 0 {
		return value, true
	}
	if v.IsNull() || !v.IsKnown() {
		return v, false
	}
	var attrs map[string]tftypes.Value
	if err := v.As(&attrs); err != nil {
		return v, false
	}
	next, ok := setAt(attrs[steps[0]], steps[1:], value)
	if !ok {
		return v, false
	}
	attrs = maps.Clone(attrs)
	attrs[steps[0]] = next
	return tftypes.NewValue(v.Type(), attrs), true
}

// withAttribute returns the known object v with one top-level attribute
// replaced.
func withAttribute(v tftypes.Value, name string, value tftypes.Value) tftypes.Value {
	next, ok := setAt(v, []string{name}, value)
	if !ok {
		return v
	}
	return next
}

// planCreateOrUpdate plans a new object or a change, as the framework's
// PlanResourceChange does, from the values as the framework reads them
// (empty blocks null); false leaves the plan to the framework.
func (s *fastServer) planCreateOrUpdate(ctx context.Context, r *fastResource, req *tfprotov6.PlanResourceChangeRequest,
	config, proposed, prior tftypes.Value) (*tfprotov6.PlanResourceChangeResponse, bool) {
	if r.plan == nil || r.defaults == nil {
		return nil, false
	}
	planned, ok := r.defaults.apply(ctx, proposed, config, path.Empty(), true)
	if !ok {
		return nil, false
	}
	if !planned.Equal(prior) {
		planned, _ = r.plan.markUnknown(planned, config)
	}
	in := planInput{
		config: tfsdk.Config{Raw: config, Schema: r.schema},
		plan:   tfsdk.Plan{Raw: planned, Schema: r.schema},
		state:  tfsdk.State{Raw: prior, Schema: r.schema},
	}
	var mods planModifications
	if !r.plan.modify(ctx, in, planned, config, prior, nil, path.Empty(), path.Expression{}, true, &mods) {
		return nil, false
	}
	for _, m := range mods.set {
		if planned, ok = setAt(planned, m.steps, m.value); !ok {
			return nil, false
		}
	}
	diags := mods.diags
	replace := mods.replace
	if !diags.HasError() {
		res, ok := s.configuredOrNot(ctx, r)
		if !ok {
			return nil, false
		}
		if m, ok := res.(resource.ResourceWithModifyPlan); ok {
			var caps resource.ModifyPlanClientCapabilities
			if req.ClientCapabilities != nil {
				caps.DeferralAllowed = req.ClientCapabilities.DeferralAllowed
			}
			mreq := resource.ModifyPlanRequest{ClientCapabilities: caps, Config: in.config,
				Plan: tfsdk.Plan{Raw: planned, Schema: r.schema}, State: in.state}
			mresp := resource.ModifyPlanResponse{Diagnostics: diags, Plan: mreq.Plan, RequiresReplace: path.Paths{}}
			m.ModifyPlan(ctx, mreq, &mresp)
			if mresp.Deferred != nil || mresp.Identity != nil {
				return nil, false
			}
			diags, planned = mresp.Diagnostics, mresp.Plan.Raw
			replace = append(replace, mresp.RequiresReplace...)
		}
	}
	resp := &tfprotov6.PlanResourceChangeResponse{Diagnostics: protoDiagnostics(ctx, diags)}
	resp.PlannedState = s.encodeState(r, planned, &resp.Diagnostics)
	for _, p := range normaliseRequiresReplace(replace) {
		resp.RequiresReplace = append(resp.RequiresReplace, tftypesPath(ctx, p))
	}
	return resp, true
}

// normaliseRequiresReplace is the framework's: sorted, without duplicates.
func normaliseRequiresReplace(rs path.Paths) path.Paths {
	if len(rs) < 2 {
		return rs
	}
	sort.Slice(rs, func(i, j int) bool { return rs[i].String() < rs[j].String() })
	out := path.Paths{rs[0]}
	for _, p := range rs[1:] {
		if !p.Equal(out[len(out)-1]) {
			out = append(out, p)
		}
	}
	return out
}
