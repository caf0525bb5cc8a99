package provider

import (
	"context"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/objectvalidator"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// withFixedTypes returns the schema with the type of every nested block and
// nested attribute computed once and pinned as its CustomType.
//
// The framework otherwise rebuilds a block's type from its children each
// time it needs it, and it needs it for every prefix of every path it walks:
// several times per value in each plan, apply and read. For the trigger
// block that made type building most of the provider's CPU time per object
// (see BenchmarkPlanNewScaledObject). The pinned types are the plain
// object and list types the framework would have built, so values, state and
// the wire schema are unchanged.
func withFixedTypes(s schema.Schema) schema.Schema {
	s.Attributes = fixAttributes(s.Attributes)
	s.Blocks = fixBlocks(s.Blocks)
	return s
}

func fixBlocks(blocks map[string]schema.Block) map[string]schema.Block {
	fixed := make(map[string]schema.Block, len(blocks))
	for name, b := range blocks {
		fixed[name] = fixBlock(b)
	}
	return fixed
}

func fixBlock(b schema.Block) schema.Block {
	switch b := b.(type) {
	case schema.SingleNestedBlock:
		b.MarkdownDescription = markRequired(b.MarkdownDescription, requiredBlock(b.Validators))
		if b.CustomType != nil {
			return b
		}
		b.Attributes = fixAttributes(b.Attributes)
		b.Blocks = fixBlocks(b.Blocks)
		b.CustomType = objectType(b.Type())
		return b
	case schema.ListNestedBlock:
		b.MarkdownDescription = markRequired(b.MarkdownDescription, requiredBlock(b.Validators))
		if b.CustomType != nil {
			return b
		}
		b.NestedObject = fixBlockObject(b.NestedObject)
		b.CustomType = types.ListType{ElemType: b.NestedObject.Type()}
		return b
	case schema.SetNestedBlock:
		if b.CustomType != nil {
			return b
		}
		b.NestedObject = fixBlockObject(b.NestedObject)
		b.CustomType = types.SetType{ElemType: b.NestedObject.Type()}
		return b
	default:
		return b
	}
}

func fixBlockObject(o schema.NestedBlockObject) schema.NestedBlockObject {
	if o.CustomType != nil {
		return o
	}
	o.Attributes = fixAttributes(o.Attributes)
	o.Blocks = fixBlocks(o.Blocks)
	o.CustomType = objectType(o.Type())
	return o
}

func fixAttributes(attrs map[string]schema.Attribute) map[string]schema.Attribute {
	fixed := make(map[string]schema.Attribute, len(attrs))
	for name, a := range attrs {
		if n, ok := a.(schema.SingleNestedAttribute); ok && n.CustomType == nil {
			n.Attributes = fixAttributes(n.Attributes)
			n.CustomType = objectType(n.GetType())
			a = n
		}
		fixed[name] = a
	}
	return fixed
}

func objectType(t any) types.ObjectType {
	return t.(types.ObjectType)
}

// requiredMark starts the description of a block the configuration must
// have: Terraform's block syntax has no required blocks, so tfplugindocs
// lists them all as Optional.
const requiredMark = "**Required.** "

func markRequired(description string, required bool) string {
	if !required || strings.HasPrefix(description, requiredMark) {
		return description
	}
	return requiredMark + description
}

// requiredBlock says whether a block's validators include IsRequired
// (objectvalidator's or listvalidator's, which describe themselves alike).
func requiredBlock[V interface{ Description(context.Context) string }](vs []V) bool {
	ctx := context.Background()
	want := objectvalidator.IsRequired().Description(ctx)
	for _, v := range vs {
		if v.Description(ctx) == want {
			return true
		}
	}
	return false
}
