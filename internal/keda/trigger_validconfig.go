package keda

import (
	"context"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// triggerSchema is a schema holding only the trigger block, for running the
// block's validators on a trigger read from a cluster.
var triggerSchema = sync.OnceValue(func() schema.Schema {
	return schema.Schema{Blocks: map[string]schema.Block{"trigger": TriggerBlock()}}
})

// validConfig reports whether the trigger, written as configuration (as
// `terraform plan -generate-config-out` writes an imported one), passes
// every attribute and block validator of its schema.
func (t TriggerModel) validConfig() bool {
	return !t.configDiags().HasError()
}

func (t TriggerModel) configDiags() diag.Diagnostics {
	return schemaDiags(triggerSchema(), struct {
		Trigger []TriggerModel `tfsdk:"trigger"`
	}{[]TriggerModel{t}})
}

// schemaDiags runs every attribute and block validator of s on a model of
// it, as the framework does at validation, without a server.
func schemaDiags(s schema.Schema, model any) diag.Diagnostics {
	ctx := context.Background()
	obj, diags := types.ObjectValueFrom(ctx, s.Type().(types.ObjectType).AttrTypes, model)
	if diags.HasError() {
		return diags
	}
	raw, err := obj.ToTerraformValue(ctx)
	if err != nil {
		diags.AddError("Invalid model", err.Error())
		return diags
	}
	v := configValidator{ctx: ctx, config: tfsdk.Config{Schema: s, Raw: raw}}
	v.object(path.Empty(), s.Attributes, s.Blocks, nil, obj)
	return v.diags
}

type configValidator struct {
	ctx    context.Context
	config tfsdk.Config
	diags  diag.Diagnostics
}

func (v *configValidator) object(at path.Path, attrs map[string]schema.Attribute, blocks map[string]schema.Block,
	validators []validator.Object, obj types.Object) {
	for _, ov := range validators {
		resp := &validator.ObjectResponse{}
		ov.ValidateObject(v.ctx, validator.ObjectRequest{Path: at, PathExpression: at.Expression(), Config: v.config, ConfigValue: obj}, resp)
		v.diags.Append(resp.Diagnostics...)
	}
	if obj.IsNull() || obj.IsUnknown() {
		return
	}
	values := obj.Attributes()
	for name, a := range attrs {
		p := at.AtName(name)
		if len(at.Steps()) == 0 {
			p = path.Root(name)
		}
		v.attribute(p, a, values[name])
	}
	for name, b := range blocks {
		p := at.AtName(name)
		if len(at.Steps()) == 0 {
			p = path.Root(name)
		}
		switch b := b.(type) {
		case schema.SingleNestedBlock:
			nested, _ := values[name].(types.Object)
			v.object(p, b.Attributes, b.Blocks, b.Validators, nested)
		case schema.ListNestedBlock:
			list, _ := values[name].(types.List)
			for _, lv := range b.Validators {
				resp := &validator.ListResponse{}
				lv.ValidateList(v.ctx, validator.ListRequest{Path: p, PathExpression: p.Expression(), Config: v.config, ConfigValue: list}, resp)
				v.diags.Append(resp.Diagnostics...)
			}
			for i, e := range list.Elements() {
				nested, _ := e.(types.Object)
				v.object(p.AtListIndex(i), b.NestedObject.Attributes, b.NestedObject.Blocks, b.NestedObject.Validators, nested)
			}
		}
	}
}

func (v *configValidator) attribute(at path.Path, a schema.Attribute, value attr.Value) {
	var diags diag.Diagnostics
	switch a := a.(type) {
	case schema.StringAttribute:
		for _, sv := range a.Validators {
			resp := &validator.StringResponse{}
			sv.ValidateString(v.ctx, validator.StringRequest{Path: at, PathExpression: at.Expression(), Config: v.config, ConfigValue: value.(types.String)}, resp)
			diags.Append(resp.Diagnostics...)
		}
	case schema.Float64Attribute:
		for _, fv := range a.Validators {
			resp := &validator.Float64Response{}
			fv.ValidateFloat64(v.ctx, validator.Float64Request{Path: at, PathExpression: at.Expression(), Config: v.config, ConfigValue: value.(types.Float64)}, resp)
			diags.Append(resp.Diagnostics...)
		}
	case schema.Int64Attribute:
		for _, iv := range a.Validators {
			resp := &validator.Int64Response{}
			iv.ValidateInt64(v.ctx, validator.Int64Request{Path: at, PathExpression: at.Expression(), Config: v.config, ConfigValue: value.(types.Int64)}, resp)
			diags.Append(resp.Diagnostics...)
		}
	case schema.BoolAttribute:
		for _, bv := range a.Validators {
			resp := &validator.BoolResponse{}
			bv.ValidateBool(v.ctx, validator.BoolRequest{Path: at, PathExpression: at.Expression(), Config: v.config, ConfigValue: value.(types.Bool)}, resp)
			diags.Append(resp.Diagnostics...)
		}
	case schema.MapAttribute:
		for _, mv := range a.Validators {
			resp := &validator.MapResponse{}
			mv.ValidateMap(v.ctx, validator.MapRequest{Path: at, PathExpression: at.Expression(), Config: v.config, ConfigValue: value.(types.Map)}, resp)
			diags.Append(resp.Diagnostics...)
		}
	case schema.SetAttribute:
		for _, sv := range a.Validators {
			resp := &validator.SetResponse{}
			sv.ValidateSet(v.ctx, validator.SetRequest{Path: at, PathExpression: at.Expression(), Config: v.config, ConfigValue: value.(types.Set)}, resp)
			diags.Append(resp.Diagnostics...)
		}
	case schema.ListAttribute:
		for _, lv := range a.Validators {
			resp := &validator.ListResponse{}
			lv.ValidateList(v.ctx, validator.ListRequest{Path: at, PathExpression: at.Expression(), Config: v.config, ConfigValue: value.(types.List)}, resp)
			diags.Append(resp.Diagnostics...)
		}
	}
	v.diags.Append(diags...)
}
