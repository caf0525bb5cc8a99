package keda

import (
	"fmt"
	"math"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"k8s.io/apimachinery/pkg/api/resource"
)

// conversion turns Terraform values into the fields KEDA and Kubernetes
// store them in. A value that its field cannot hold (a number beyond 32 bits,
// a quantity that does not parse) is never written changed, wrapped around
// or left out: it becomes the error of the whole conversion. The attribute
// validators refuse such values at plan, so only a caller that skipped them
// sees this error.
type conversion struct {
	err error
}

func (c *conversion) fail(field string, err error) {
	if c.err == nil {
		c.err = fmt.Errorf("%s: %w", field, err)
	}
}

// int32Ptr is v for an optional 32-bit field; null and unknown are absent.
func (c *conversion) int32Ptr(v types.Int64, field string) *int32 {
	if v.IsNull() || v.IsUnknown() {
		return nil
	}
	n := v.ValueInt64()
	if n < math.MinInt32 || n > math.MaxInt32 {
		c.fail(field, fmt.Errorf("%d does not fit a 32-bit integer (%d to %d)", n, math.MinInt32, math.MaxInt32))
		return nil
	}
	i := int32(n)
	return &i
}

// int32 is v for a required 32-bit field.
func (c *conversion) int32(v types.Int64, field string) int32 {
	if p := c.int32Ptr(v, field); p != nil {
		return *p
	}
	return 0
}

// quantity is v for an optional quantity field.
func (c *conversion) quantity(v types.String, field string) *resource.Quantity {
	if v.IsNull() || v.IsUnknown() {
		return nil
	}
	q, err := resource.ParseQuantity(v.ValueString())
	if err != nil {
		c.fail(field, err)
		return nil
	}
	return &q
}

func fromInt32Ptr(p *int32) types.Int64 {
	if p == nil {
		return types.Int64Null()
	}
	return types.Int64Value(int64(*p))
}
