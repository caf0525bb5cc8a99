package keda

import (
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Kubernetes omits empty strings (`omitempty`), so an empty string in the
// configuration would read back as null and show as a perpetual diff. Every
// string attribute therefore rejects "" at plan.
func requiredString(description string, extra ...validator.String) schema.StringAttribute {
	return schema.StringAttribute{
		Required:            true,
		MarkdownDescription: description,
		Validators:          append([]validator.String{stringvalidator.LengthAtLeast(1)}, extra...),
	}
}

func optionalString(description string, extra ...validator.String) schema.StringAttribute {
	return schema.StringAttribute{
		Optional:            true,
		MarkdownDescription: description,
		Validators:          append([]validator.String{stringvalidator.LengthAtLeast(1)}, extra...),
	}
}

// OneOf validates that a string is one of values.
func OneOf[T ~string](values ...T) validator.String {
	s := make([]string, len(values))
	for i, v := range values {
		s[i] = string(v)
	}
	return stringvalidator.OneOf(s...)
}

// EnumDescription renders allowed values for a description: `a`, `b` or `c`.
func EnumDescription[T ~string](values ...T) string {
	out := ""
	for i, v := range values {
		switch {
		case i == 0:
		case i == len(values)-1:
			out += " or "
		default:
			out += ", "
		}
		out += "`" + string(v) + "`"
	}
	return out
}

func str(v types.String) string { return v.ValueString() }

func strPtr(v types.String) *string {
	if v.IsNull() || v.IsUnknown() {
		return nil
	}
	s := v.ValueString()
	return &s
}

// fromStr reads an `omitempty` string: empty is unset.
func fromStr(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}

func fromStrPtr(s *string) types.String {
	if s == nil {
		return types.StringNull()
	}
	return types.StringValue(*s)
}

func stringList(l types.List) []string {
	if l.IsNull() || l.IsUnknown() {
		return nil
	}
	out := make([]string, 0, len(l.Elements()))
	for _, v := range l.Elements() {
		if s, ok := v.(types.String); ok {
			out = append(out, s.ValueString())
		}
	}
	return out
}

func listValue(s []string) types.List {
	if len(s) == 0 {
		return types.ListNull(types.StringType)
	}
	elems := make([]attr.Value, len(s))
	for i, v := range s {
		elems[i] = types.StringValue(v)
	}
	return types.ListValueMust(types.StringType, elems)
}
