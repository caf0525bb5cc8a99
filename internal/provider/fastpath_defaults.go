package provider

import (
	"context"
	"maps"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/defaults"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// defaultsTree is where a resource schema has attribute defaults, to tell
// whether the framework's TransformDefaults would leave a plan as it is.
type defaultsTree struct {
	attrs  []defaultedAttribute
	blocks []defaultedBlock
}

type defaultedAttribute struct {
	name  string
	value func(ctx context.Context, p path.Path) (tftypes.Value, bool)
}

type defaultedBlock struct {
	name       string
	collection bool
	nested     *defaultsTree
}

func (t *defaultsTree) empty() bool { return len(t.attrs) == 0 && len(t.blocks) == 0 }

// buildDefaultsTree returns false for defaults the fast path does not
// evaluate: defaults of nested attributes, under set blocks, or of a kind
// other than the scalar ones.
func buildDefaultsTree(attrs map[string]schema.Attribute, blocks map[string]schema.Block) (*defaultsTree, bool) {
	t := &defaultsTree{}
	for name, a := range attrs {
		if isNestedAttribute(a) {
			if hasNestedDefaults(a) {
				return nil, false
			}
			continue
		}
		value, has, ok := defaultOf(a)
		if !ok {
			return nil, false
		}
		if has {
			t.attrs = append(t.attrs, defaultedAttribute{name: name, value: value})
		}
	}
	for name, b := range blocks {
		var nested schema.NestedBlockObject
		collection := false
		switch b := b.(type) {
		case schema.SingleNestedBlock:
			nested = schema.NestedBlockObject{Attributes: b.Attributes, Blocks: b.Blocks}
		case schema.ListNestedBlock:
			nested, collection = b.NestedObject, true
		case schema.SetNestedBlock:
			tree, ok := buildDefaultsTree(b.NestedObject.Attributes, b.NestedObject.Blocks)
			if !ok || !tree.empty() {
				return nil, false
			}
			continue
		default:
			return nil, false
		}
		tree, ok := buildDefaultsTree(nested.Attributes, nested.Blocks)
		if !ok {
			return nil, false
		}
		if !tree.empty() {
			t.blocks = append(t.blocks, defaultedBlock{name: name, collection: collection, nested: tree})
		}
	}
	return t, true
}

func hasNestedDefaults(a schema.Attribute) bool {
	var nested map[string]schema.Attribute
	switch a := a.(type) {
	case schema.SingleNestedAttribute:
		nested = a.Attributes
	case schema.ListNestedAttribute:
		nested = a.NestedObject.Attributes
	case schema.SetNestedAttribute:
		nested = a.NestedObject.Attributes
	case schema.MapNestedAttribute:
		nested = a.NestedObject.Attributes
	}
	for _, n := range nested {
		if _, has, ok := defaultOf(n); has || !ok || (isNestedAttribute(n) && hasNestedDefaults(n)) {
			return true
		}
	}
	return false
}

// defaultOf returns what evaluates an attribute's default, whether it has
// one, and false for a kind of default the fast path does not evaluate.
func defaultOf(a schema.Attribute) (func(context.Context, path.Path) (tftypes.Value, bool), bool, bool) {
	switch a := a.(type) {
	case schema.StringAttribute:
		if a.Default == nil {
			return nil, false, true
		}
		return func(ctx context.Context, p path.Path) (tftypes.Value, bool) {
			var resp defaults.StringResponse
			a.Default.DefaultString(ctx, defaults.StringRequest{Path: p}, &resp)
			return planValue(ctx, resp.PlanValue, resp.Diagnostics.HasError())
		}, true, true
	case schema.BoolAttribute:
		if a.Default == nil {
			return nil, false, true
		}
		return func(ctx context.Context, p path.Path) (tftypes.Value, bool) {
			var resp defaults.BoolResponse
			a.Default.DefaultBool(ctx, defaults.BoolRequest{Path: p}, &resp)
			return planValue(ctx, resp.PlanValue, resp.Diagnostics.HasError())
		}, true, true
	case schema.Int64Attribute:
		if a.Default == nil {
			return nil, false, true
		}
		return func(ctx context.Context, p path.Path) (tftypes.Value, bool) {
			var resp defaults.Int64Response
			a.Default.DefaultInt64(ctx, defaults.Int64Request{Path: p}, &resp)
			return planValue(ctx, resp.PlanValue, resp.Diagnostics.HasError())
		}, true, true
	case schema.Int32Attribute:
		if a.Default == nil {
			return nil, false, true
		}
		return func(ctx context.Context, p path.Path) (tftypes.Value, bool) {
			var resp defaults.Int32Response
			a.Default.DefaultInt32(ctx, defaults.Int32Request{Path: p}, &resp)
			return planValue(ctx, resp.PlanValue, resp.Diagnostics.HasError())
		}, true, true
	case schema.Float64Attribute:
		if a.Default == nil {
			return nil, false, true
		}
		return func(ctx context.Context, p path.Path) (tftypes.Value, bool) {
			var resp defaults.Float64Response
			a.Default.DefaultFloat64(ctx, defaults.Float64Request{Path: p}, &resp)
			return planValue(ctx, resp.PlanValue, resp.Diagnostics.HasError())
		}, true, true
	case schema.ListAttribute:
		return nil, a.Default != nil, a.Default == nil
	case schema.MapAttribute:
		return nil, a.Default != nil, a.Default == nil
	case schema.SetAttribute:
		return nil, a.Default != nil, a.Default == nil
	case schema.ObjectAttribute:
		return nil, a.Default != nil, a.Default == nil
	case schema.NumberAttribute:
		return nil, a.Default != nil, a.Default == nil
	case schema.Float32Attribute:
		return nil, a.Default != nil, a.Default == nil
	}
	return nil, false, false
}

func planValue(ctx context.Context, v attr.Value, failed bool) (tftypes.Value, bool) {
	if failed {
		return tftypes.Value{}, false
	}
	tv, err := v.ToTerraformValue(ctx)
	return tv, err == nil
}

// apply is the framework's TransformDefaults: every attribute with a
// default that the configuration leaves null gets the default in the plan.
// It returns false for a default that failed to evaluate.
func (t *defaultsTree) apply(ctx context.Context, plan, config tftypes.Value, p path.Path, root bool) (tftypes.Value, bool) {
	v, _, ok := t.applyChanged(ctx, plan, config, p, root)
	return v, ok
}

// applyChanged is apply, also saying whether it changed the plan (comparing
// values with Equal would cost more than applying the defaults).
func (t *defaultsTree) applyChanged(ctx context.Context, plan, config tftypes.Value, p path.Path, root bool) (next tftypes.Value, changed, ok bool) {
	if plan.IsNull() || !plan.IsKnown() {
		return plan, false, true
	}
	var planned, configured map[string]tftypes.Value
	if err := plan.As(&planned); err != nil {
		return plan, false, false
	}
	if !config.IsNull() && config.IsKnown() {
		if err := config.As(&configured); err != nil {
			return plan, false, false
		}
	}
	set := func(name string, v tftypes.Value) {
		// As hands out the value's own map: cloned before the first write.
		if !changed {
			planned = maps.Clone(planned)
		}
		planned[name] = v
		changed = true
	}
	for _, a := range t.attrs {
		if c, ok := configured[a.name]; ok && !c.IsNull() {
			continue
		}
		ap, _ := childPath(p, path.Expression{}, a.name, root)
		want, ok := a.value(ctx, ap)
		if !ok {
			return plan, false, false
		}
		if !want.Equal(planned[a.name]) {
			set(a.name, want)
		}
	}
	for _, b := range t.blocks {
		bp, _ := childPath(p, path.Expression{}, b.name, root)
		pv := planned[b.name]
		cv, ok := configured[b.name]
		if !ok {
			cv = tftypes.NewValue(pv.Type(), nil)
		}
		var v tftypes.Value
		var blockChanged bool
		if !b.collection {
			v, blockChanged, ok = b.nested.applyChanged(ctx, pv, cv, bp, false)
		} else {
			v, blockChanged, ok = b.nested.applyElements(ctx, pv, cv, bp)
		}
		if !ok {
			return plan, false, false
		}
		if blockChanged {
			set(b.name, v)
		}
	}
	if !changed {
		return plan, false, true
	}
	return tftypes.NewValue(plan.Type(), planned), true, true
}

func (t *defaultsTree) applyElements(ctx context.Context, plan, config tftypes.Value, p path.Path) (tftypes.Value, bool, bool) {
	if plan.IsNull() || !plan.IsKnown() {
		return plan, false, true
	}
	var pe, ce []tftypes.Value
	if err := plan.As(&pe); err != nil {
		return plan, false, false
	}
	if !config.IsNull() && config.IsKnown() {
		if err := config.As(&ce); err != nil {
			return plan, false, false
		}
	}
	changed := false
	for i := range pe {
		c := tftypes.NewValue(pe[i].Type(), nil)
		if i < len(ce) {
			c = ce[i]
		}
		next, elemChanged, ok := t.applyChanged(ctx, pe[i], c, p.AtListIndex(i), false)
		if !ok {
			return plan, false, false
		}
		if elemChanged {
			if !changed {
				pe = slices.Clone(pe)
			}
			pe[i] = next
			changed = true
		}
	}
	if !changed {
		return plan, false, true
	}
	return tftypes.NewValue(plan.Type(), pe), true, true
}
