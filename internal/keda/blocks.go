package keda

import (
	"github.com/hashicorp/terraform-plugin-framework-validators/objectvalidator"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/resource/schema"

	"github.com/kedaml/terraform-provider-keda/internal/validators"
)

// optionalBlock finishes an optional single nested block: its Required
// attributes (and the child blocks named in requiredBlocks) become required
// only when the block is present, which the framework cannot express.
func optionalBlock(b schema.SingleNestedBlock, requiredBlocks ...string) schema.SingleNestedBlock {
	required := append([]string(nil), requiredBlocks...)
	for name, a := range b.Attributes {
		switch a := a.(type) {
		case schema.StringAttribute:
			if a.Required {
				a.Required, a.Optional = false, true
				a.MarkdownDescription = requiredInBlock + a.MarkdownDescription
				b.Attributes[name] = a
				required = append(required, name)
			}
		case schema.Int64Attribute:
			if a.Required {
				a.Required, a.Optional = false, true
				a.MarkdownDescription = requiredInBlock + a.MarkdownDescription
				b.Attributes[name] = a
				required = append(required, name)
			}
		case schema.ListAttribute:
			if a.Required {
				a.Required, a.Optional = false, true
				a.MarkdownDescription = requiredInBlock + a.MarkdownDescription
				b.Attributes[name] = a
				required = append(required, name)
			}
		}
	}
	if len(required) > 0 {
		slices.Sort(required)
		b.Validators = append(b.Validators, validators.RequiredChildren(required...))
	}
	return b
}

const requiredInBlock = "Required in this block. "

func objectRequired() validator.Object { return objectvalidator.IsRequired() }
