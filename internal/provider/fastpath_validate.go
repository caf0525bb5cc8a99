package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// validationTree is a resource schema prepared for validating a
// configuration the way the framework's SchemaValidate does — the same
// checks and validators, given the same values, paths and configuration —
// without looking each value up again from the root.
type validationTree struct {
	attrs  []validatedAttribute
	blocks []validatedBlock
	// null reports whether anything below runs on a null object: a
	// validator, a required attribute. A null block without any is skipped.
	null bool
}

type validatedAttribute struct {
	name     string
	attr     schema.Attribute
	validate attributeValidators // nil without validators
	nested   bool
}

type validatedBlock struct {
	name       string
	block      schema.Block
	collection bool
	validate   attributeValidators // the block's own list, set or object validators
	objects    []validator.Object  // the nested object's validators
	nested     *validationTree
}

// attributeValidators runs one attribute's or block's validators on its
// value, as the framework's AttributeValidate<Kind> does.
type attributeValidators func(ctx context.Context, w *validationWalk, value attr.Value, p path.Path, e path.Expression)

type validationWalk struct {
	config tfsdk.Config
	caps   validator.ValidateSchemaClientCapabilities
	diags  diag.Diagnostics
	// bailed is set when the configuration holds something the fast
	// path leaves to the framework.
	bailed bool
}

func buildValidationTree(attrs map[string]schema.Attribute, blocks map[string]schema.Block) (*validationTree, bool) {
	t := &validationTree{}
	for name, a := range attrs {
		if a.GetType() == nil || isDynamic(a) {
			return nil, false
		}
		v := validatedAttribute{name: name, attr: a, validate: validatorsOf(a), nested: isNestedAttribute(a)}
		t.attrs = append(t.attrs, v)
		t.null = t.null || v.validate != nil || a.IsRequired()
	}
	for name, b := range blocks {
		v := validatedBlock{name: name, block: b, validate: validatorsOf(b)}
		var nested schema.NestedBlockObject
		switch b := b.(type) {
		case schema.SingleNestedBlock:
			nested = schema.NestedBlockObject{Attributes: b.Attributes, Blocks: b.Blocks, Validators: b.Validators}
		case schema.ListNestedBlock:
			nested, v.collection = b.NestedObject, true
		case schema.SetNestedBlock:
			nested, v.collection = b.NestedObject, true
		default:
			return nil, false
		}
		// A single block's object validators are the block's own; the
		// framework runs them once, as the block's.
		if v.collection {
			v.objects = nested.Validators
		}
		tree, ok := buildValidationTree(nested.Attributes, nested.Blocks)
		if !ok {
			return nil, false
		}
		v.nested = tree
		t.blocks = append(t.blocks, v)
		t.null = t.null || v.validate != nil || (!v.collection && tree.null)
	}
	return t, true
}

func isDynamic(a schema.Attribute) bool {
	_, ok := a.(schema.DynamicAttribute)
	return ok
}

func isNestedAttribute(a schema.Attribute) bool {
	switch a.(type) {
	case schema.SingleNestedAttribute, schema.ListNestedAttribute, schema.SetNestedAttribute, schema.MapNestedAttribute:
		return true
	}
	return false
}

// run validates config, an object of the tree's schema at p; obj is the
// object's value (null and unknown objects give null children, as the
// framework's path lookups do).
func (t *validationTree) run(ctx context.Context, w *validationWalk, obj tftypes.Value, p path.Path, e path.Expression, root bool) {
	var children map[string]tftypes.Value
	if !obj.IsNull() && obj.IsKnown() {
		if err := obj.As(&children); err != nil {
			w.bailed = true
			return
		}
	} else if !t.null {
		return
	}
	for i := range t.attrs {
		a := &t.attrs[i]
		t.attribute(ctx, w, a, childValue(children, a.name, a.attr.GetType(), ctx), p, e, root)
		if w.bailed {
			return
		}
	}
	for i := range t.blocks {
		b := &t.blocks[i]
		t.block(ctx, w, b, childValue(children, b.name, b.block.Type(), ctx), p, e, root)
		if w.bailed {
			return
		}
	}
}

func childValue(children map[string]tftypes.Value, name string, typ attr.Type, ctx context.Context) tftypes.Value {
	if v, ok := children[name]; ok {
		return v
	}
	return tftypes.NewValue(typ.TerraformType(ctx), nil)
}

func childPath(p path.Path, e path.Expression, name string, root bool) (path.Path, path.Expression) {
	if root {
		return path.Root(name), path.MatchRoot(name)
	}
	return p.AtName(name), e.AtName(name)
}

// attribute is the framework's AttributeValidate.
func (t *validationTree) attribute(ctx context.Context, w *validationWalk, a *validatedAttribute, tv tftypes.Value,
	parent path.Path, parentExpr path.Expression, root bool) {
	s := a.attr
	null, unknown := tv.IsNull(), !tv.IsKnown()
	readOnlySet := s.IsComputed() && !s.IsOptional() && !null
	requiredMissing := s.IsRequired() && null
	writeOnlySet := !w.caps.WriteOnlyAttributesAllowed && s.IsWriteOnly() && !null
	deprecated := s.GetDeprecationMessage() != "" && !null && !unknown
	if a.nested && !null && !unknown {
		w.bailed = true
		return
	}
	if !readOnlySet && !requiredMissing && !writeOnlySet && !deprecated && a.validate == nil {
		return
	}
	p, e := childPath(parent, parentExpr, a.name, root)
	if readOnlySet {
		w.diags.AddAttributeError(p, "Invalid Configuration for Read-Only Attribute",
			"Cannot set value for this attribute as the provider has marked it as read-only. Remove the configuration line setting the value.\n\n"+
				"Refer to the provider documentation or contact the provider developers for additional information about configurable and read-only attributes that are supported.")
	}
	if requiredMissing {
		w.diags.AddAttributeError(p, "Missing Configuration for Required Attribute",
			fmt.Sprintf("Must set a configuration value for the %s attribute as the provider has marked it as required.\n\n", p.String())+
				"Refer to the provider documentation or contact the provider developers for additional information about configurable attributes that are required.")
	}
	if writeOnlySet {
		w.diags.AddAttributeError(p, "WriteOnly Attribute Not Allowed",
			fmt.Sprintf("The resource contains a non-null value for WriteOnly attribute %s. Write-only attributes are only supported in Terraform 1.11 and later.", p.String()))
	}
	if a.validate != nil {
		value, err := valueFromTerraform(ctx, s.GetType(), tv)
		if err != nil {
			w.bailed = true
			return
		}
		a.validate(ctx, w, value, p, e)
	}
	if deprecated {
		w.diags.AddAttributeWarning(p, "Attribute Deprecated", s.GetDeprecationMessage())
	}
}

// block is the framework's BlockValidate and NestedBlockObjectValidate.
func (t *validationTree) block(ctx context.Context, w *validationWalk, b *validatedBlock, tv tftypes.Value,
	parent path.Path, parentExpr path.Expression, root bool) {
	null, unknown := tv.IsNull(), !tv.IsKnown()
	deprecated := b.block.GetDeprecationMessage() != "" && !null && !unknown
	if (null || unknown) && b.validate == nil && (b.collection || (!b.nested.null && len(b.objects) == 0)) && !deprecated {
		return
	}
	p, e := childPath(parent, parentExpr, b.name, root)
	var value attr.Value
	if b.validate != nil || len(b.objects) > 0 {
		v, err := valueFromTerraform(ctx, b.block.Type(), tv)
		if err != nil {
			w.bailed = true
			return
		}
		value = v
	}
	if b.validate != nil {
		errors := w.diags.ErrorsCount()
		b.validate(ctx, w, value, p, e)
		// The framework walks no further into a block its own validators
		// refused (BlockValidate returns on any error in its response).
		if w.diags.ErrorsCount() > errors {
			return
		}
	}
	if !b.collection {
		b.nested.run(ctx, w, tv, p, e, false)
	} else if !null && !unknown {
		var elems []tftypes.Value
		if err := tv.As(&elems); err != nil {
			w.bailed = true
			return
		}
		var objects []attr.Value
		if len(b.objects) > 0 {
			objects = collectionElements(ctx, value, w)
		}
		for i, elem := range elems {
			var ep path.Path
			var ee path.Expression
			if _, isSet := b.block.(schema.SetNestedBlock); isSet {
				ev, err := elementValue(ctx, value, b.block, tv, i, objects)
				if err != nil {
					w.bailed = true
					return
				}
				ep, ee = p.AtSetValue(ev), e.AtSetValue(ev)
			} else {
				ep, ee = p.AtListIndex(i), e.AtListIndex(i)
			}
			if len(b.objects) > 0 && i < len(objects) {
				objectValidate(ctx, w, b.objects, objects[i], ep, ee)
			}
			b.nested.run(ctx, w, elem, ep, ee, false)
			if w.bailed {
				return
			}
		}
	}
	if deprecated {
		w.diags.AddAttributeWarning(p, "Block Deprecated", b.block.GetDeprecationMessage())
	}
}

func collectionElements(ctx context.Context, value attr.Value, w *validationWalk) []attr.Value {
	switch v := value.(type) {
	case basetypes.ListValuable:
		l, d := v.ToListValue(ctx)
		w.diags.Append(d...)
		return l.Elements()
	case basetypes.SetValuable:
		s, d := v.ToSetValue(ctx)
		w.diags.Append(d...)
		return s.Elements()
	}
	w.bailed = true
	return nil
}

func elementValue(ctx context.Context, value attr.Value, b schema.Block, tv tftypes.Value, i int, objects []attr.Value) (attr.Value, error) {
	if objects != nil {
		return objects[i], nil
	}
	if value == nil {
		v, err := valueFromTerraform(ctx, b.Type(), tv)
		if err != nil {
			return nil, err
		}
		value = v
	}
	set, ok := value.(basetypes.SetValuable)
	if !ok {
		return nil, fmt.Errorf("%T is not a set", value)
	}
	s, d := set.ToSetValue(ctx)
	if d.HasError() {
		return nil, fmt.Errorf("set value: %v", d)
	}
	return s.Elements()[i], nil
}

func objectValidate(ctx context.Context, w *validationWalk, validators []validator.Object, value attr.Value, p path.Path, e path.Expression) {
	ov, ok := value.(basetypes.ObjectValuable)
	if !ok {
		w.bailed = true
		return
	}
	o, d := ov.ToObjectValue(ctx)
	w.diags.Append(d...)
	if d.HasError() {
		return
	}
	req := validator.ObjectRequest{ClientCapabilities: w.caps, Config: w.config, ConfigValue: o, Path: p, PathExpression: e}
	for _, v := range validators {
		resp := &validator.ObjectResponse{}
		v.ValidateObject(ctx, req, resp)
		w.diags.Append(resp.Diagnostics...)
	}
}
