package provider

// One function per value kind, each the framework's AttributeValidate<Kind>
// (and BlockValidate<Kind>): the value converted to its base value, each
// validator run with the same request.

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
)

// validatorsOf returns what runs the validators of a schema attribute or
// block, or nil when it has none.
func validatorsOf(s any) attributeValidators {
	switch s := s.(type) {
	case interface{ StringValidators() []validator.String }:
		if vs := s.StringValidators(); len(vs) > 0 {
			return validateString(vs)
		}
	case interface{ BoolValidators() []validator.Bool }:
		if vs := s.BoolValidators(); len(vs) > 0 {
			return validateBool(vs)
		}
	case interface{ Int64Validators() []validator.Int64 }:
		if vs := s.Int64Validators(); len(vs) > 0 {
			return validateInt64(vs)
		}
	case interface{ Int32Validators() []validator.Int32 }:
		if vs := s.Int32Validators(); len(vs) > 0 {
			return validateInt32(vs)
		}
	case interface{ Float64Validators() []validator.Float64 }:
		if vs := s.Float64Validators(); len(vs) > 0 {
			return validateFloat64(vs)
		}
	case interface{ Float32Validators() []validator.Float32 }:
		if vs := s.Float32Validators(); len(vs) > 0 {
			return validateFloat32(vs)
		}
	case interface{ NumberValidators() []validator.Number }:
		if vs := s.NumberValidators(); len(vs) > 0 {
			return validateNumber(vs)
		}
	case interface{ ListValidators() []validator.List }:
		if vs := s.ListValidators(); len(vs) > 0 {
			return validateList(vs)
		}
	case interface{ MapValidators() []validator.Map }:
		if vs := s.MapValidators(); len(vs) > 0 {
			return validateMap(vs)
		}
	case interface{ SetValidators() []validator.Set }:
		if vs := s.SetValidators(); len(vs) > 0 {
			return validateSet(vs)
		}
	case interface{ ObjectValidators() []validator.Object }:
		if vs := s.ObjectValidators(); len(vs) > 0 {
			return validateObject(vs)
		}
	}
	return nil
}

func validateString(validators []validator.String) attributeValidators {
	return func(ctx context.Context, w *validationWalk, value attr.Value, p path.Path, e path.Expression) {
		valuable, ok := value.(basetypes.StringValuable)
		if !ok {
			w.diags.AddAttributeError(p, "Invalid String Attribute Validator Value Type",
				fmt.Sprintf("An unexpected value type was encountered while attempting to perform String attribute validation. "+
					"The value type must implement the basetypes.StringValuable interface. "+
					"Please report this to the provider developers.\n\nIncoming Value Type: %T", value))
			return
		}
		v, diags := valuable.ToStringValue(ctx)
		w.diags.Append(diags...)
		if diags.HasError() {
			return
		}
		req := validator.StringRequest{ClientCapabilities: w.caps, Config: w.config, ConfigValue: v, Path: p, PathExpression: e}
		for _, x := range validators {
			resp := &validator.StringResponse{}
			x.ValidateString(ctx, req, resp)
			w.diags.Append(resp.Diagnostics...)
		}
	}
}

func validateBool(validators []validator.Bool) attributeValidators {
	return func(ctx context.Context, w *validationWalk, value attr.Value, p path.Path, e path.Expression) {
		valuable, ok := value.(basetypes.BoolValuable)
		if !ok {
			w.diags.AddAttributeError(p, "Invalid Bool Attribute Validator Value Type",
				fmt.Sprintf("An unexpected value type was encountered while attempting to perform Bool attribute validation. "+
					"The value type must implement the basetypes.BoolValuable interface. "+
					"Please report this to the provider developers.\n\nIncoming Value Type: %T", value))
			return
		}
		v, diags := valuable.ToBoolValue(ctx)
		w.diags.Append(diags...)
		if diags.HasError() {
			return
		}
		req := validator.BoolRequest{ClientCapabilities: w.caps, Config: w.config, ConfigValue: v, Path: p, PathExpression: e}
		for _, x := range validators {
			resp := &validator.BoolResponse{}
			x.ValidateBool(ctx, req, resp)
			w.diags.Append(resp.Diagnostics...)
		}
	}
}

func validateInt64(validators []validator.Int64) attributeValidators {
	return func(ctx context.Context, w *validationWalk, value attr.Value, p path.Path, e path.Expression) {
		valuable, ok := value.(basetypes.Int64Valuable)
		if !ok {
			w.diags.AddAttributeError(p, "Invalid Int64 Attribute Validator Value Type",
				fmt.Sprintf("An unexpected value type was encountered while attempting to perform Int64 attribute validation. "+
					"The value type must implement the basetypes.Int64Valuable interface. "+
					"Please report this to the provider developers.\n\nIncoming Value Type: %T", value))
			return
		}
		v, diags := valuable.ToInt64Value(ctx)
		w.diags.Append(diags...)
		if diags.HasError() {
			return
		}
		req := validator.Int64Request{ClientCapabilities: w.caps, Config: w.config, ConfigValue: v, Path: p, PathExpression: e}
		for _, x := range validators {
			resp := &validator.Int64Response{}
			x.ValidateInt64(ctx, req, resp)
			w.diags.Append(resp.Diagnostics...)
		}
	}
}

func validateInt32(validators []validator.Int32) attributeValidators {
	return func(ctx context.Context, w *validationWalk, value attr.Value, p path.Path, e path.Expression) {
		valuable, ok := value.(basetypes.Int32Valuable)
		if !ok {
			w.diags.AddAttributeError(p, "Invalid Int32 Attribute Validator Value Type",
				fmt.Sprintf("An unexpected value type was encountered while attempting to perform Int32 attribute validation. "+
					"The value type must implement the basetypes.Int32Valuable interface. "+
					"Please report this to the provider developers.\n\nIncoming Value Type: %T", value))
			return
		}
		v, diags := valuable.ToInt32Value(ctx)
		w.diags.Append(diags...)
		if diags.HasError() {
			return
		}
		req := validator.Int32Request{ClientCapabilities: w.caps, Config: w.config, ConfigValue: v, Path: p, PathExpression: e}
		for _, x := range validators {
			resp := &validator.Int32Response{}
			x.ValidateInt32(ctx, req, resp)
			w.diags.Append(resp.Diagnostics...)
		}
	}
}

func validateFloat64(validators []validator.Float64) attributeValidators {
	return func(ctx context.Context, w *validationWalk, value attr.Value, p path.Path, e path.Expression) {
		valuable, ok := value.(basetypes.Float64Valuable)
		if !ok {
			w.diags.AddAttributeError(p, "Invalid Float64 Attribute Validator Value Type",
				fmt.Sprintf("An unexpected value type was encountered while attempting to perform Float64 attribute validation. "+
					"The value type must implement the basetypes.Float64Valuable interface. "+
					"Please report this to the provider developers.\n\nIncoming Value Type: %T", value))
			return
		}
		v, diags := valuable.ToFloat64Value(ctx)
		w.diags.Append(diags...)
		if diags.HasError() {
			return
		}
		req := validator.Float64Request{ClientCapabilities: w.caps, Config: w.config, ConfigValue: v, Path: p, PathExpression: e}
		for _, x := range validators {
			resp := &validator.Float64Response{}
			x.ValidateFloat64(ctx, req, resp)
			w.diags.Append(resp.Diagnostics...)
		}
	}
}

func validateFloat32(validators []validator.Float32) attributeValidators {
	return func(ctx context.Context, w *validationWalk, value attr.Value, p path.Path, e path.Expression) {
		valuable, ok := value.(basetypes.Float32Valuable)
		if !ok {
			w.diags.AddAttributeError(p, "Invalid Float32 Attribute Validator Value Type",
				fmt.Sprintf("An unexpected value type was encountered while attempting to perform Float32 attribute validation. "+
					"The value type must implement the basetypes.Float32Valuable interface. "+
					"Please report this to the provider developers.\n\nIncoming Value Type: %T", value))
			return
		}
		v, diags := valuable.ToFloat32Value(ctx)
		w.diags.Append(diags...)
		if diags.HasError() {
			return
		}
		req := validator.Float32Request{ClientCapabilities: w.caps, Config: w.config, ConfigValue: v, Path: p, PathExpression: e}
		for _, x := range validators {
			resp := &validator.Float32Response{}
			x.ValidateFloat32(ctx, req, resp)
			w.diags.Append(resp.Diagnostics...)
		}
	}
}

func validateNumber(validators []validator.Number) attributeValidators {
	return func(ctx context.Context, w *validationWalk, value attr.Value, p path.Path, e path.Expression) {
		valuable, ok := value.(basetypes.NumberValuable)
		if !ok {
			w.diags.AddAttributeError(p, "Invalid Number Attribute Validator Value Type",
				fmt.Sprintf("An unexpected value type was encountered while attempting to perform Number attribute validation. "+
					"The value type must implement the basetypes.NumberValuable interface. "+
					"Please report this to the provider developers.\n\nIncoming Value Type: %T", value))
			return
		}
		v, diags := valuable.ToNumberValue(ctx)
		w.diags.Append(diags...)
		if diags.HasError() {
			return
		}
		req := validator.NumberRequest{ClientCapabilities: w.caps, Config: w.config, ConfigValue: v, Path: p, PathExpression: e}
		for _, x := range validators {
			resp := &validator.NumberResponse{}
			x.ValidateNumber(ctx, req, resp)
			w.diags.Append(resp.Diagnostics...)
		}
	}
}

func validateList(validators []validator.List) attributeValidators {
	return func(ctx context.Context, w *validationWalk, value attr.Value, p path.Path, e path.Expression) {
		valuable, ok := value.(basetypes.ListValuable)
		if !ok {
			w.diags.AddAttributeError(p, "Invalid List Attribute Validator Value Type",
				fmt.Sprintf("An unexpected value type was encountered while attempting to perform List attribute validation. "+
					"The value type must implement the basetypes.ListValuable interface. "+
					"Please report this to the provider developers.\n\nIncoming Value Type: %T", value))
			return
		}
		v, diags := valuable.ToListValue(ctx)
		w.diags.Append(diags...)
		if diags.HasError() {
			return
		}
		req := validator.ListRequest{ClientCapabilities: w.caps, Config: w.config, ConfigValue: v, Path: p, PathExpression: e}
		for _, x := range validators {
			resp := &validator.ListResponse{}
			x.ValidateList(ctx, req, resp)
			w.diags.Append(resp.Diagnostics...)
		}
	}
}

func validateMap(validators []validator.Map) attributeValidators {
	return func(ctx context.Context, w *validationWalk, value attr.Value, p path.Path, e path.Expression) {
		valuable, ok := value.(basetypes.MapValuable)
		if !ok {
			w.diags.AddAttributeError(p, "Invalid Map Attribute Validator Value Type",
				fmt.Sprintf("An unexpected value type was encountered while attempting to perform Map attribute validation. "+
					"The value type must implement the basetypes.MapValuable interface. "+
					"Please report this to the provider developers.\n\nIncoming Value Type: %T", value))
			return
		}
		v, diags := valuable.ToMapValue(ctx)
		w.diags.Append(diags...)
		if diags.HasError() {
			return
		}
		req := validator.MapRequest{ClientCapabilities: w.caps, Config: w.config, ConfigValue: v, Path: p, PathExpression: e}
		for _, x := range validators {
			resp := &validator.MapResponse{}
			x.ValidateMap(ctx, req, resp)
			w.diags.Append(resp.Diagnostics...)
		}
	}
}

func validateSet(validators []validator.Set) attributeValidators {
	return func(ctx context.Context, w *validationWalk, value attr.Value, p path.Path, e path.Expression) {
		valuable, ok := value.(basetypes.SetValuable)
		if !ok {
			w.diags.AddAttributeError(p, "Invalid Set Attribute Validator Value Type",
				fmt.Sprintf("An unexpected value type was encountered while attempting to perform Set attribute validation. "+
					"The value type must implement the basetypes.SetValuable interface. "+
					"Please report this to the provider developers.\n\nIncoming Value Type: %T", value))
			return
		}
		v, diags := valuable.ToSetValue(ctx)
		w.diags.Append(diags...)
		if diags.HasError() {
			return
		}
		req := validator.SetRequest{ClientCapabilities: w.caps, Config: w.config, ConfigValue: v, Path: p, PathExpression: e}
		for _, x := range validators {
			resp := &validator.SetResponse{}
			x.ValidateSet(ctx, req, resp)
			w.diags.Append(resp.Diagnostics...)
		}
	}
}

func validateObject(validators []validator.Object) attributeValidators {
	return func(ctx context.Context, w *validationWalk, value attr.Value, p path.Path, e path.Expression) {
		valuable, ok := value.(basetypes.ObjectValuable)
		if !ok {
			w.diags.AddAttributeError(p, "Invalid Object Attribute Validator Value Type",
				fmt.Sprintf("An unexpected value type was encountered while attempting to perform Object attribute validation. "+
					"The value type must implement the basetypes.ObjectValuable interface. "+
					"Please report this to the provider developers.\n\nIncoming Value Type: %T", value))
			return
		}
		v, diags := valuable.ToObjectValue(ctx)
		w.diags.Append(diags...)
		if diags.HasError() {
			return
		}
		req := validator.ObjectRequest{ClientCapabilities: w.caps, Config: w.config, ConfigValue: v, Path: p, PathExpression: e}
		for _, x := range validators {
			resp := &validator.ObjectResponse{}
			x.ValidateObject(ctx, req, resp)
			w.diags.Append(resp.Diagnostics...)
		}
	}
}
