package keda

import (
	"fmt"
	"math"
	"reflect"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// A rule is one plan-time check of a whole object. needs returns every value
// the check reads, and the check runs only when all of them are known: a
// value known only after apply (another resource's output) skips the rules
// that read it and no other. source is where KEDA or Kubernetes enforces the
// rule (file and function), which its tests cite too.
type rule[T any] struct {
	source string
	needs  func(T) []any
	check  func(T, *diag.Diagnostics)
}

func runRules[T any](rules []rule[T], in T) diag.Diagnostics {
	var diags diag.Diagnostics
	for _, r := range rules {
		if known(r.needs(in)...) {
			r.check(in, &diags)
		}
	}
	return diags
}

// known reports whether every value is known all the way down: Terraform
// values, blocks (struct pointers, nil when absent) and lists of blocks.
// The rules read numbers only from 32-bit fields, so a number beyond 32 bits
// counts as not known: it has its own attribute error, and judging the
// object without it would add a second, misleading one.
func known(values ...any) bool {
	for _, v := range values {
		if !knownValue(reflect.ValueOf(v)) {
			return false
		}
	}
	return true
}

var attrValueIface = reflect.TypeFor[attr.Value]()

func knownValue(v reflect.Value) bool {
	if !v.IsValid() {
		return true
	}
	if v.Type().Implements(attrValueIface) {
		if v.Kind() == reflect.Interface && v.IsNil() {
			return true
		}
		return knownAttr(v.Interface().(attr.Value))
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		return v.IsNil() || knownValue(v.Elem())
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() && !knownValue(v.Field(i)) {
				return false
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			if !knownValue(v.Index(i)) {
				return false
			}
		}
	}
	return true
}

func knownAttr(v attr.Value) bool {
	if v.IsUnknown() {
		return false
	}
	if v.IsNull() {
		return true
	}
	switch v := v.(type) {
	case types.Int64:
		n := v.ValueInt64()
		return n >= math.MinInt32 && n <= math.MaxInt32
	case types.List:
		return knownValue(reflect.ValueOf(v.Elements()))
	case types.Set:
		return knownValue(reflect.ValueOf(v.Elements()))
	case types.Map:
		for _, e := range v.Elements() {
			if !knownAttr(e) {
				return false
			}
		}
	case types.Object:
		for _, e := range v.Attributes() {
			if !knownAttr(e) {
				return false
			}
		}
	}
	return true
}

// keys stands for the keys of m, for a rule that reads only them: known
// whenever the map itself is, whatever its values.
func keys(m types.Map) types.Bool {
	if m.IsUnknown() {
		return types.BoolUnknown()
	}
	return types.BoolValue(!m.IsNull())
}

// present stands for whether v is set, for a rule that reads nothing more.
func present(v attr.Value) types.Bool {
	if v.IsUnknown() {
		return types.BoolUnknown()
	}
	return types.BoolValue(!v.IsNull())
}

func attrWarning(diags *diag.Diagnostics, at path.Path, summary, detail string) {
	diags.AddAttributeWarning(at, summary, fmt.Sprintf("Attribute %s: %s", at, detail))
}
