package provider

import (
	"fmt"
	"strings"

	dschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	rschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
)

// computedAttributes turns a resource's attributes and blocks into the
// computed attributes of a data source that reads the same object: the same
// names, types and descriptions, so that a value sits at the same path in
// both (trigger[0].rabbitmq.queue_name), and the same models decode it.
// Blocks become nested attributes, since a data source's blocks cannot be
// computed.
func computedAttributes(attrs map[string]rschema.Attribute, blocks map[string]rschema.Block) (map[string]dschema.Attribute, error) {
	out := make(map[string]dschema.Attribute, len(attrs)+len(blocks))
	for name, a := range attrs {
		c, err := computedAttribute(a)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		out[name] = c
	}
	for name, b := range blocks {
		c, err := computedBlock(b)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		out[name] = c
	}
	return out, nil
}

// readOnly is a resource's description of an attribute, without what only
// writing it needs to know.
func readOnly(desc string) string {
	for _, p := range []string{"Required in this block. ", "Required. "} {
		desc = strings.TrimPrefix(desc, p)
	}
	return desc
}

func computedAttribute(a rschema.Attribute) (dschema.Attribute, error) {
	desc, sensitive := readOnly(a.GetMarkdownDescription()), a.IsSensitive()
	switch a := a.(type) {
	case rschema.StringAttribute:
		return dschema.StringAttribute{Computed: true, MarkdownDescription: desc, Sensitive: sensitive}, nil
	case rschema.BoolAttribute:
		return dschema.BoolAttribute{Computed: true, MarkdownDescription: desc, Sensitive: sensitive}, nil
	case rschema.Int64Attribute:
		return dschema.Int64Attribute{Computed: true, MarkdownDescription: desc, Sensitive: sensitive}, nil
	case rschema.Float64Attribute:
		return dschema.Float64Attribute{Computed: true, MarkdownDescription: desc, Sensitive: sensitive}, nil
	case rschema.ListAttribute:
		return dschema.ListAttribute{Computed: true, ElementType: a.ElementType, MarkdownDescription: desc, Sensitive: sensitive}, nil
	case rschema.SetAttribute:
		return dschema.SetAttribute{Computed: true, ElementType: a.ElementType, MarkdownDescription: desc, Sensitive: sensitive}, nil
	case rschema.MapAttribute:
		return dschema.MapAttribute{Computed: true, ElementType: a.ElementType, MarkdownDescription: desc, Sensitive: sensitive}, nil
	case rschema.SingleNestedAttribute:
		nested, err := computedAttributes(a.Attributes, nil)
		if err != nil {
			return nil, err
		}
		return dschema.SingleNestedAttribute{Computed: true, Attributes: nested, MarkdownDescription: desc, Sensitive: sensitive}, nil
	}
	return nil, fmt.Errorf("no data source form for %T", a)
}

func computedBlock(b rschema.Block) (dschema.Attribute, error) {
	desc := readOnly(b.GetMarkdownDescription())
	switch b := b.(type) {
	case rschema.SingleNestedBlock:
		nested, err := computedAttributes(b.Attributes, b.Blocks)
		if err != nil {
			return nil, err
		}
		return dschema.SingleNestedAttribute{Computed: true, Attributes: nested, MarkdownDescription: desc}, nil
	case rschema.ListNestedBlock:
		nested, err := computedAttributes(b.NestedObject.Attributes, b.NestedObject.Blocks)
		if err != nil {
			return nil, err
		}
		return dschema.ListNestedAttribute{
			Computed: true, NestedObject: dschema.NestedAttributeObject{Attributes: nested}, MarkdownDescription: desc,
		}, nil
	case rschema.SetNestedBlock:
		nested, err := computedAttributes(b.NestedObject.Attributes, b.NestedObject.Blocks)
		if err != nil {
			return nil, err
		}
		return dschema.SetNestedAttribute{
			Computed: true, NestedObject: dschema.NestedAttributeObject{Attributes: nested}, MarkdownDescription: desc,
		}, nil
	}
	return nil, fmt.Errorf("no data source form for %T", b)
}
