package validators

import (
	"context"
	"fmt"
	"math"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

type int32FieldValidator struct {
	field    string
	min, max int64
}

// Int32Field checks a number that the API server stores in the 32-bit
// integer field named field (e.g. `spec.maxReplicaCount`): it must lie in
// [min, max], and max may be at most math.MaxInt32. Terraform numbers are
// 64-bit; without this check a larger value would be written wrapped
// around (100000000000 becomes 1215752192).
func Int32Field(field string, minimum, maximum int32) validator.Int64 {
	return int32FieldValidator{field: field, min: int64(minimum), max: int64(maximum)}
}

// Int32AtLeast is Int32Field up to math.MaxInt32.
func Int32AtLeast(field string, minimum int32) validator.Int64 {
	return Int32Field(field, minimum, math.MaxInt32)
}

func (v int32FieldValidator) Description(_ context.Context) string {
	if v.max == math.MaxInt32 {
		return fmt.Sprintf("must be at least %d and fit the 32-bit field `%s` (at most %d)", v.min, v.field, v.max)
	}
	return fmt.Sprintf("must be between %d and %d (`%s`)", v.min, v.max, v.field)
}

func (v int32FieldValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v int32FieldValidator) ValidateInt64(_ context.Context, req validator.Int64Request, resp *validator.Int64Response) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	n := req.ConfigValue.ValueInt64()
	switch {
	case n > math.MaxInt32 || n < math.MinInt32:
		resp.Diagnostics.AddAttributeError(req.Path, "Number out of range",
			fmt.Sprintf("Attribute %s value %d does not fit %s, a 32-bit integer (%d to %d): it would be written as another number. "+
				"Use a value between %d and %d.", req.Path, n, v.field, math.MinInt32, math.MaxInt32, v.min, v.max))
	case n < v.min || n > v.max:
		resp.Diagnostics.AddAttributeError(req.Path, "Number out of range",
			fmt.Sprintf("Attribute %s value %d is not accepted for %s: it must be between %d and %d.", req.Path, n, v.field, v.min, v.max))
	}
}
