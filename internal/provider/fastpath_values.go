package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// valueFromTerraform is typ.ValueFromTerraform for a value already known to
// be of typ's Terraform type (decoded against the schema, or taken from such
// a value by the schema's paths). The framework's object and list types
// first compare the value's type with their own, rebuilding their whole
// Terraform type to do so, at every level: for a nested block that is most
// of the cost of building its value, and the fast path builds one for every
// block and attribute it validates. Here objects and lists of the
// framework's own types are built without that check, exactly as their
// ValueFromTerraform builds them; every other type, and any value that does
// not fit, goes to the type's own ValueFromTerraform.
func valueFromTerraform(ctx context.Context, typ attr.Type, in tftypes.Value) (attr.Value, error) {
	switch t := typ.(type) {
	case basetypes.ObjectType:
		return objectFromTerraform(ctx, t, in)
	case basetypes.ListType:
		return listFromTerraform(ctx, t, in)
	default:
		return typ.ValueFromTerraform(ctx, in)
	}
}

func objectFromTerraform(ctx context.Context, t basetypes.ObjectType, in tftypes.Value) (attr.Value, error) {
	if in.Type() == nil || !in.Type().Is(tftypes.Object{}) {
		return t.ValueFromTerraform(ctx, in)
	}
	if !in.IsKnown() {
		return basetypes.NewObjectUnknown(t.AttrTypes), nil
	}
	if in.IsNull() {
		return basetypes.NewObjectNull(t.AttrTypes), nil
	}
	var vals map[string]tftypes.Value
	if err := in.As(&vals); err != nil || len(vals) != len(t.AttrTypes) {
		return t.ValueFromTerraform(ctx, in)
	}
	attributes := make(map[string]attr.Value, len(vals))
	for k, v := range vals {
		at, ok := t.AttrTypes[k]
		if !ok {
			return t.ValueFromTerraform(ctx, in)
		}
		a, err := valueFromTerraform(ctx, at, v)
		if err != nil {
			return nil, err
		}
		attributes[k] = a
	}
	obj, diags := basetypes.NewObjectValue(t.AttrTypes, attributes)
	if diags.HasError() {
		return t.ValueFromTerraform(ctx, in)
	}
	return obj, nil
}

func listFromTerraform(ctx context.Context, t basetypes.ListType, in tftypes.Value) (attr.Value, error) {
	if in.Type() == nil || !in.Type().Is(tftypes.List{}) {
		return t.ValueFromTerraform(ctx, in)
	}
	if !in.IsKnown() {
		return basetypes.NewListUnknown(t.ElementType()), nil
	}
	if in.IsNull() {
		return basetypes.NewListNull(t.ElementType()), nil
	}
	var vals []tftypes.Value
	if err := in.As(&vals); err != nil {
		return t.ValueFromTerraform(ctx, in)
	}
	elems := make([]attr.Value, 0, len(vals))
	for _, v := range vals {
		e, err := valueFromTerraform(ctx, t.ElementType(), v)
		if err != nil {
			return nil, err
		}
		elems = append(elems, e)
	}
	list, diags := basetypes.NewListValue(t.ElementType(), elems)
	if diags.HasError() {
		return t.ValueFromTerraform(ctx, in)
	}
	return list, nil
}
