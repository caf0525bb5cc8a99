package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"maps"
	"slices"
)

// blockShape is where a schema level has blocks, for the two rewrites the
// framework makes of every value it receives and sends: a list or set block
// with no element arrives as null and leaves as empty.
type blockShape struct {
	blocks []shapedBlock
}

type shapedBlock struct {
	name       string
	collection bool // list or set nesting; single otherwise
	nested     *blockShape
}

func buildBlockShape(blocks map[string]schema.Block) *blockShape {
	s := &blockShape{}
	for name, b := range blocks {
		var nested schema.NestedBlockObject
		collection := false
		switch b := b.(type) {
		case schema.SingleNestedBlock:
			nested = schema.NestedBlockObject{Blocks: b.Blocks}
		case schema.ListNestedBlock:
			nested, collection = b.NestedObject, true
		case schema.SetNestedBlock:
			nested, collection = b.NestedObject, true
		default:
			continue
		}
		s.blocks = append(s.blocks, shapedBlock{name: name, collection: collection, nested: buildBlockShape(nested.Blocks)})
	}
	return s
}

// nullifyEmpty is the framework's NullifyCollectionBlocks: every known, empty
// list or set block becomes null.
func (s *blockShape) nullifyEmpty(v tftypes.Value) tftypes.Value {
	out, _ := s.rewrite(v, func(b shapedBlock, child tftypes.Value) (tftypes.Value, bool) {
		if !b.collection || child.IsNull() || !child.IsFullyKnown() {
			return child, false
		}
		var elems []tftypes.Value
		if err := child.As(&elems); err != nil || len(elems) > 0 {
			return child, false
		}
		return tftypes.NewValue(child.Type(), nil), true
	})
	return out
}

// reifyNull is the framework's ReifyNullCollectionBlocks: every null list or
// set block under a known object becomes empty.
func (s *blockShape) reifyNull(v tftypes.Value) tftypes.Value {
	out, _ := s.rewrite(v, func(b shapedBlock, child tftypes.Value) (tftypes.Value, bool) {
		if !b.collection || !child.IsNull() {
			return child, false
		}
		return tftypes.NewValue(child.Type(), []tftypes.Value{}), true
	})
	return out
}

// blockChange rewrites one block's value and says whether it changed it
// (comparing values with Equal would cost more than the rewrite).
type blockChange func(shapedBlock, tftypes.Value) (tftypes.Value, bool)

// rewrite applies change to every block value, innermost first, and
// rebuilds only the objects that changed.
func (s *blockShape) rewrite(v tftypes.Value, change blockChange) (tftypes.Value, bool) {
	if len(s.blocks) == 0 || v.IsNull() || !v.IsKnown() {
		return v, false
	}
	var attrs map[string]tftypes.Value
	if err := v.As(&attrs); err != nil {
		return v, false
	}
	changed := false
	for _, b := range s.blocks {
		child, ok := attrs[b.name]
		if !ok {
			continue
		}
		next, inside := b.rewriteInside(child, change)
		next, here := change(b, next)
		if inside || here {
			// As hands out the value's own map: written to, it would
			// change the value it came from.
			if !changed {
				attrs = maps.Clone(attrs)
			}
			attrs[b.name] = next
			changed = true
		}
	}
	if !changed {
		return v, false
	}
	return tftypes.NewValue(v.Type(), attrs), true
}

func (b shapedBlock) rewriteInside(v tftypes.Value, change blockChange) (tftypes.Value, bool) {
	if len(b.nested.blocks) == 0 || v.IsNull() || !v.IsKnown() {
		return v, false
	}
	if !b.collection {
		return b.nested.rewrite(v, change)
	}
	var elems []tftypes.Value
	if err := v.As(&elems); err != nil {
		return v, false
	}
	changed := false
	for i, e := range elems {
		next, ok := b.nested.rewrite(e, change)
		if ok {
			if !changed {
				elems = slices.Clone(elems)
			}
			elems[i] = next
			changed = true
		}
	}
	if !changed {
		return v, false
	}
	return tftypes.NewValue(v.Type(), elems), true
}
