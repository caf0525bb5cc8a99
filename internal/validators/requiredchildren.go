package validators

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

type requiredChildrenValidator struct {
	names []string
}

// RequiredChildren makes attributes or blocks of an optional single nested
// block required when the block is present. The framework would enforce a
// Required attribute even when its block is absent, so such attributes are
// declared Optional and checked here instead.
func RequiredChildren(names ...string) validator.Object {
	return requiredChildrenValidator{names: names}
}

func (v requiredChildrenValidator) Description(_ context.Context) string {
	return "when present, must set " + strings.Join(v.names, ", ")
}

func (v requiredChildrenValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v requiredChildrenValidator) ValidateObject(_ context.Context, req validator.ObjectRequest, resp *validator.ObjectResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	attrs := req.ConfigValue.Attributes()
	for _, name := range v.names {
		if isEmpty(attrs[name]) {
			resp.Diagnostics.AddAttributeError(req.Path.AtName(name), "Missing required argument",
				fmt.Sprintf("Attribute %s is required when the %s block is present.", req.Path.AtName(name), req.Path))
		}
	}
}

func isEmpty(v attr.Value) bool {
	if v == nil || v.IsNull() {
		return true
	}
	if v.IsUnknown() {
		return false
	}
	if l, ok := v.(interface{ Elements() []attr.Value }); ok {
		return len(l.Elements()) == 0
	}
	return false
}

type exactlyOneChildValidator struct {
	names []string
}

// ExactlyOneChild requires exactly one of the named attributes of an
// optional block when the block is present.
func ExactlyOneChild(names ...string) validator.Object {
	return exactlyOneChildValidator{names: names}
}

func (v exactlyOneChildValidator) Description(_ context.Context) string {
	return "when present, must set exactly one of " + strings.Join(v.names, ", ")
}

func (v exactlyOneChildValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v exactlyOneChildValidator) ValidateObject(_ context.Context, req validator.ObjectRequest, resp *validator.ObjectResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	set := 0
	for _, name := range v.names {
		a := req.ConfigValue.Attributes()[name]
		if a != nil && a.IsUnknown() {
			return
		}
		if !isEmpty(a) {
			set++
		}
	}
	if set != 1 {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Attribute Combination",
			fmt.Sprintf("Attribute %s: set exactly one of %s.", req.Path, strings.Join(v.names, ", ")))
	}
}
