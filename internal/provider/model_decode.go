package provider

import (
	"context"
	"fmt"
	"math/big"
	"reflect"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/attr/xattr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// The framework's Plan.Get and State.Get fill a model by reflection, and
// redo all of the work for every call: they rebuild the schema's type,
// list and check the model's struct tags (compiling a regular expression
// per field) and copy every object type's attribute map. For the
// ScaledObject that is about 3,000 allocations per Get, paid in every plan,
// read and apply of every object. The decoder below does what they do with
// the struct layout and the schema's types worked out once per model type;
// whatever it does not handle exactly as the framework does (custom value
// conversions, validating types, unknown or null where the model cannot hold
// it, sets, Go primitives, numbers) is left to the framework's Get, so that
// its diagnostics stay the framework's.

// schemaTyped is what tfsdk.Plan, State and Config's Schema provide.
type schemaTyped interface {
	Type() attr.Type
}

func getPlan(ctx context.Context, plan tfsdk.Plan, target any) diag.Diagnostics {
	return getModel(ctx, plan.Schema, plan.Raw, target, plan.Get)
}

func getState(ctx context.Context, state tfsdk.State, target any) diag.Diagnostics {
	return getModel(ctx, state.Schema, state.Raw, target, state.Get)
}

// modelDecoderMode follows KEDA_PROVIDER_FASTPATH: off leaves every Get to
// the framework, check decodes both ways and reports a difference. Read on
// every call, as tests switch it.
func modelDecoderMode() fastPathMode {
	mode, err := fastPathModeFromEnv()
	if err != nil {
		return fastPathOff
	}
	return mode
}

const modelDecoderDiffers = "Model decoder differs from terraform-plugin-framework"

func getModel(ctx context.Context, schema schemaTyped, raw tftypes.Value, target any,
	frameworkGet func(context.Context, any) diag.Diagnostics) diag.Diagnostics {
	mode := modelDecoderMode()
	if mode == fastPathOff {
		return frameworkGet(ctx, target)
	}
	dst := reflect.ValueOf(target)
	if dst.Kind() != reflect.Pointer || dst.IsNil() {
		return frameworkGet(ctx, target)
	}
	decoded, ok := decodeModel(ctx, schema, raw, dst.Type().Elem())
	if !ok {
		return frameworkGet(ctx, target)
	}
	if mode == fastPathCheck {
		want := reflect.New(dst.Type().Elem())
		diags := frameworkGet(ctx, want.Interface())
		if diags.HasError() || !reflect.DeepEqual(decoded.Interface(), want.Elem().Interface()) {
			diags.AddError(modelDecoderDiffers, fmt.Sprintf("decoded:\n%+v\nframework:\n%+v", decoded.Interface(), want.Elem().Interface()))
			return diags
		}
	}
	dst.Elem().Set(decoded)
	return nil
}

// decodeModel builds a value of type goType from raw, or reports that the
// framework must.
func decodeModel(ctx context.Context, schema schemaTyped, raw tftypes.Value, goType reflect.Type) (reflect.Value, bool) {
	node := modelDecoderFor(ctx, schema, raw.Type(), goType)
	if node == nil {
		return reflect.Value{}, false
	}
	out := reflect.New(goType).Elem()
	if !node.decode(ctx, raw, out) {
		return reflect.Value{}, false
	}
	return out, true
}

type cachedDecoder struct {
	tfType tftypes.Type
	node   decodeNode // nil when the model cannot be decoded here
}

var modelDecoders sync.Map // model reflect.Type → *cachedDecoder

// modelDecoderFor returns the decoder of goType for values of tfType. It is
// built from the schema's type the first time and kept for as long as
// values of that type come: a model type belongs to one schema.
func modelDecoderFor(ctx context.Context, schema schemaTyped, tfType tftypes.Type, goType reflect.Type) decodeNode {
	if tfType == nil {
		return nil
	}
	if c, ok := modelDecoders.Load(goType); ok {
		if cached := c.(*cachedDecoder); cached.tfType.Equal(tfType) {
			return cached.node
		}
	}
	typ := schema.Type()
	if !typ.TerraformType(ctx).Equal(tfType) {
		return nil
	}
	node, ok := buildDecodeNode(ctx, typ, goType)
	if !ok {
		node = nil
	}
	modelDecoders.Store(goType, &cachedDecoder{tfType: tfType, node: node})
	return node
}

// decodeNode writes val into dst, a settable zero value of the node's Go
// type; false when the framework must do it.
type decodeNode interface {
	decode(ctx context.Context, val tftypes.Value, dst reflect.Value) bool
}

var (
	attrValueGoType      = reflect.TypeFor[attr.Value]()
	valueConverterGoType = reflect.TypeFor[tftypes.ValueConverter]()
	bigFloatGoType       = reflect.TypeFor[*big.Float]()
	bigIntGoType         = reflect.TypeFor[*big.Int]()
)

// The framework's reflection (internal/reflect) sets values through these
// methods when a Go type has them; the decoder leaves such types to it.
type unknownable interface {
	SetUnknown(context.Context, bool) error
	SetValue(context.Context, any) error
	GetUnknown(context.Context) bool
	GetValue(context.Context) any
}

type nullable interface {
	SetNull(context.Context, bool) error
	SetValue(context.Context, any) error
	GetNull(context.Context) bool
	GetValue(context.Context) any
}

var (
	unknownableGoType = reflect.TypeFor[unknownable]()
	nullableGoType    = reflect.TypeFor[nullable]()
)

// buildDecodeNode follows the order of the framework's BuildValue: attr.Value
// first, then the kinds of Go values.
func buildDecodeNode(ctx context.Context, typ attr.Type, goType reflect.Type) (decodeNode, bool) {
	if goType.Implements(attrValueGoType) {
		//nolint:staticcheck // The framework still runs the deprecated type validation (Int64Type's range check).
		validator, _ := typ.(xattr.TypeWithValidate)
		return attrValueNode{typ: typ, validator: validator, goType: goType}, true
	}
	if goType.Implements(valueConverterGoType) || goType.Implements(unknownableGoType) ||
		goType.Implements(nullableGoType) || goType == bigFloatGoType || goType == bigIntGoType {
		return nil, false
	}
	switch goType.Kind() {
	case reflect.Struct:
		return buildStructNode(ctx, typ, goType)
	case reflect.Pointer:
		elem, ok := buildDecodeNode(ctx, typ, goType.Elem())
		if !ok {
			return nil, false
		}
		return pointerNode{elemType: goType.Elem(), elem: elem}, true
	case reflect.Slice:
		listType, ok := typ.(attr.TypeWithElementType)
		if !ok || !typ.TerraformType(ctx).Is(tftypes.List{}) {
			return nil, false
		}
		elem, ok := buildDecodeNode(ctx, listType.ElementType(), goType.Elem())
		if !ok {
			return nil, false
		}
		return sliceNode{goType: goType, elem: elem}, true
	default:
		return nil, false
	}
}

type attrValueNode struct {
	typ attr.Type
	//nolint:staticcheck // See buildDecodeNode.
	validator xattr.TypeWithValidate
	goType    reflect.Type
}

func (n attrValueNode) decode(ctx context.Context, val tftypes.Value, dst reflect.Value) bool {
	res, err := valueFromTerraform(ctx, n.typ, val)
	if err != nil {
		return false
	}
	if _, validates := res.(xattr.ValidateableAttribute); validates {
		return false
	}
	// Whatever the validation reports, the framework reports it with the
	// attribute's path.
	if n.validator != nil && len(n.validator.Validate(ctx, val, path.Empty())) > 0 {
		return false
	}
	rv := reflect.ValueOf(res)
	if rv.Type() != n.goType {
		return false
	}
	dst.Set(rv)
	return true
}

type pointerNode struct {
	elemType reflect.Type
	elem     decodeNode
}

func (n pointerNode) decode(ctx context.Context, val tftypes.Value, dst reflect.Value) bool {
	if !val.IsKnown() {
		return false
	}
	if val.IsNull() {
		return true
	}
	p := reflect.New(n.elemType)
	if !n.elem.decode(ctx, val, p.Elem()) {
		return false
	}
	dst.Set(p)
	return true
}

type sliceNode struct {
	goType reflect.Type
	elem   decodeNode
}

func (n sliceNode) decode(ctx context.Context, val tftypes.Value, dst reflect.Value) bool {
	if !val.IsKnown() {
		return false
	}
	if val.IsNull() {
		return true
	}
	var elems []tftypes.Value
	if err := val.As(&elems); err != nil {
		return false
	}
	slice := reflect.MakeSlice(n.goType, len(elems), len(elems))
	for i, e := range elems {
		if !n.elem.decode(ctx, e, slice.Index(i)) {
			return false
		}
	}
	dst.Set(slice)
	return true
}

type structField struct {
	name  string
	index []int
	node  decodeNode
}

type structNode struct {
	fields []structField
}

func buildStructNode(ctx context.Context, typ attr.Type, goType reflect.Type) (decodeNode, bool) {
	objectType, ok := typ.(attr.TypeWithAttributeTypes)
	if !ok {
		return nil, false
	}
	attrTypes := objectType.AttributeTypes()
	tags, ok := structTags(goType)
	if !ok || len(tags) != len(attrTypes) {
		return nil, false
	}
	fields := make([]structField, 0, len(tags))
	for name, index := range tags {
		attrType, ok := attrTypes[name]
		if !ok {
			return nil, false
		}
		node, ok := buildDecodeNode(ctx, attrType, goType.FieldByIndex(index).Type)
		if !ok {
			return nil, false
		}
		fields = append(fields, structField{name: name, index: index, node: node})
	}
	return structNode{fields: fields}, true
}

func (n structNode) decode(ctx context.Context, val tftypes.Value, dst reflect.Value) bool {
	if !val.IsKnown() || val.IsNull() || !val.Type().Is(tftypes.Object{}) {
		return false
	}
	var attrs map[string]tftypes.Value
	if err := val.As(&attrs); err != nil || len(attrs) != len(n.fields) {
		return false
	}
	for _, f := range n.fields {
		v, ok := attrs[f.name]
		if !ok || !f.node.decode(ctx, v, dst.FieldByIndex(f.index)) {
			return false
		}
	}
	return true
}

// structTags maps each tfsdk tag of a struct (embedded structs' included)
// to its field, under the framework's rules; false where the framework would
// report an error.
func structTags(goType reflect.Type) (map[string][]int, bool) {
	if goType.Kind() != reflect.Struct {
		return nil, false
	}
	tags := map[string][]int{}
	for i := range goType.NumField() {
		field := goType.Field(i)
		if !field.IsExported() && !field.Anonymous {
			continue
		}
		tag, tagged := field.Tag.Lookup("tfsdk")
		if tag == "-" {
			continue
		}
		if field.Anonymous {
			if tagged {
				return nil, false
			}
			embedded, ok := structTags(field.Type)
			if !ok {
				return nil, false
			}
			for name, index := range embedded {
				if _, dup := tags[name]; dup {
					return nil, false
				}
				tags[name] = append([]int{i}, index...)
			}
			continue
		}
		if !tagged || !validAttributeName(tag) {
			return nil, false
		}
		if _, dup := tags[tag]; dup {
			return nil, false
		}
		tags[tag] = []int{i}
	}
	return tags, true
}

// validAttributeName is the framework's rule for tfsdk tags: lowercase
// letters, digits and underscores, starting with a letter.
func validAttributeName(name string) bool {
	for i, r := range name {
		switch {
		case r >= 'a' && r <= 'z':
		case i > 0 && (r == '_' || (r >= '0' && r <= '9')):
		default:
			return false
		}
	}
	return name != ""
}
