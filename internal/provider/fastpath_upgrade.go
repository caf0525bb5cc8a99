package provider

import (
	"bytes"
	"encoding/json"
	"math"
	"math/big"
	"slices"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/vmihailenco/msgpack/v5"
)

// Terraform hands every stored object to UpgradeResourceState as JSON, in
// every plan, apply and destroy, and wants it back as MessagePack. tftypes'
// JSON decoder starts a new encoding/json decoder over a copy of each
// nested value, and every value becomes a tftypes.Value before it is encoded
// again: half a millisecond per ScaledObject, the largest share of a
// destroy's provider time. The transcoder below writes the MessagePack
// straight from the JSON, with the meaning tftypes gives it
// (ValueFromJSONWithOpts with IgnoreUndefinedAttributes, then the
// framework's empty list blocks, then MarshalMsgPack): attributes the
// schema lacks are dropped, missing ones are null, a later duplicate key
// wins, strings, numbers and bools convert as tftypes converts them. What
// it does not handle — dynamic values, tuples, anything tftypes would refuse
// — it leaves to tftypes, so that errors stay tftypes' errors.

// jsonCodec transcodes one value of a schema type.
type jsonCodec struct {
	kind  codecKind
	elem  *jsonCodec  // list, set and map elements
	attrs []codecAttr // object attributes, sorted by name as MarshalMsgPack writes them
	index map[string]int
}

type codecKind int

const (
	codecString codecKind = iota
	codecNumber
	codecBool
	codecList // and set: both are arrays in JSON and MessagePack
	codecMap
	codecObject
)

type codecAttr struct {
	name string
	// emptyIfNull: a list or set block, which the framework sends as an
	// empty list rather than null.
	emptyIfNull bool
	codec       *jsonCodec
}

// buildJSONCodec compiles the transcoder of typ whose blocks are shape;
// nil when a type in it is left to tftypes.
func buildJSONCodec(typ tftypes.Type, shape *blockShape) *jsonCodec {
	switch {
	case typ.Is(tftypes.String):
		return &jsonCodec{kind: codecString}
	case typ.Is(tftypes.Number):
		return &jsonCodec{kind: codecNumber}
	case typ.Is(tftypes.Bool):
		return &jsonCodec{kind: codecBool}
	case typ.Is(tftypes.List{}):
		return collectionCodec(codecList, typ.(tftypes.List).ElementType, shape)
	case typ.Is(tftypes.Set{}):
		return collectionCodec(codecList, typ.(tftypes.Set).ElementType, shape)
	case typ.Is(tftypes.Map{}):
		return collectionCodec(codecMap, typ.(tftypes.Map).ElementType, nil)
	case typ.Is(tftypes.Object{}):
		return objectCodec(typ.(tftypes.Object), shape)
	default:
		return nil
	}
}

func collectionCodec(kind codecKind, elemType tftypes.Type, shape *blockShape) *jsonCodec {
	if elemType.Is(tftypes.DynamicPseudoType) {
		return nil
	}
	elem := buildJSONCodec(elemType, shape)
	if elem == nil {
		return nil
	}
	return &jsonCodec{kind: kind, elem: elem}
}

func objectCodec(typ tftypes.Object, shape *blockShape) *jsonCodec {
	if len(typ.OptionalAttributes) > 0 {
		return nil
	}
	blocks := map[string]shapedBlock{}
	if shape != nil {
		for _, b := range shape.blocks {
			blocks[b.name] = b
		}
	}
	c := &jsonCodec{kind: codecObject, index: map[string]int{}}
	for name, attrType := range typ.AttributeTypes {
		var nested *blockShape
		b, isBlock := blocks[name]
		if isBlock {
			nested = b.nested
		}
		attr := buildJSONCodec(attrType, nested)
		if attr == nil {
			return nil
		}
		c.attrs = append(c.attrs, codecAttr{name: name, emptyIfNull: isBlock && b.collection, codec: attr})
	}
	slices.SortFunc(c.attrs, func(a, b codecAttr) int { return strings.Compare(a.name, b.name) })
	for i, a := range c.attrs {
		c.index[a.name] = i
	}
	return c
}

// transcode returns the MessagePack of the JSON value data, false when
// tftypes must decode it.
func (c *jsonCodec) transcode(data []byte) ([]byte, bool) {
	var buf bytes.Buffer
	buf.Grow(len(data))
	t := transcoder{data: data, enc: msgpack.NewEncoder(&buf)}
	start := t.skipSpace(0)
	end, ok := t.value(c, start, false)
	if !ok || t.skipSpace(end) != len(data) {
		return nil, false
	}
	return buf.Bytes(), true
}

type transcoder struct {
	data []byte
	enc  *msgpack.Encoder
}

func (t *transcoder) skipSpace(i int) int {
	for i < len(t.data) {
		switch t.data[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// value writes the value starting at i (no leading space) and returns
// where it ends.
func (t *transcoder) value(c *jsonCodec, i int, emptyIfNull bool) (int, bool) {
	if i >= len(t.data) {
		return i, false
	}
	if t.data[i] == 'n' {
		end, ok := t.literal(i, "null")
		if !ok {
			return i, false
		}
		if emptyIfNull {
			return end, t.enc.EncodeArrayLen(0) == nil
		}
		return end, t.enc.EncodeNil() == nil
	}
	switch c.kind {
	case codecString:
		return t.stringValue(i)
	case codecNumber:
		return t.numberValue(i)
	case codecBool:
		return t.boolValue(i)
	case codecList:
		return t.list(c, i)
	case codecMap:
		return t.mapValue(c, i)
	case codecObject:
		return t.object(c, i)
	}
	return i, false
}

func (t *transcoder) literal(i int, lit string) (int, bool) {
	end := i + len(lit)
	if end > len(t.data) || string(t.data[i:end]) != lit {
		return i, false
	}
	return end, true
}

// stringValue: a JSON string, or a number's text, or true/false, as
// tftypes reads a String.
func (t *transcoder) stringValue(i int) (int, bool) {
	switch t.data[i] {
	case '"':
		s, end, ok := t.str(i)
		return end, ok && t.enc.EncodeString(s) == nil
	case 't':
		end, ok := t.literal(i, "true")
		return end, ok && t.enc.EncodeString("true") == nil
	case 'f':
		end, ok := t.literal(i, "false")
		return end, ok && t.enc.EncodeString("false") == nil
	default:
		end, ok := t.number(i)
		return end, ok && t.enc.EncodeString(string(t.data[i:end])) == nil
	}
}

// numberValue: a JSON number or a string holding one, parsed and written
// as tftypes parses and writes a Number.
func (t *transcoder) numberValue(i int) (int, bool) {
	var text string
	var end int
	var ok bool
	if t.data[i] == '"' {
		text, end, ok = t.str(i)
	} else {
		end, ok = t.number(i)
		text = string(t.data[i:end])
	}
	if !ok {
		return i, false
	}
	if n, err := strconv.ParseInt(text, 10, 64); err == nil && len(text) <= 18 {
		// A short decimal integer: what big.ParseFloat and Int64 would
		// give, exactly.
		return end, t.enc.EncodeInt(n) == nil
	}
	f, _, err := big.ParseFloat(text, 10, 512, big.ToNearestEven)
	if err != nil {
		return i, false
	}
	return end, t.encodeBigFloat(f) == nil
}

// encodeBigFloat is tftypes' marshalMsgPackNumber.
func (t *transcoder) encodeBigFloat(n *big.Float) error {
	if n.IsInf() {
		return t.enc.EncodeFloat64(math.Inf(n.Sign()))
	}
	if iv, acc := n.Int64(); acc == big.Exact {
		return t.enc.EncodeInt(iv)
	}
	if fv, acc := n.Float64(); acc == big.Exact && !n.IsInt() {
		return t.enc.EncodeFloat64(fv)
	}
	return t.enc.EncodeString(n.Text('f', -1))
}

// boolValue: true and false, and the strings and numbers tftypes accepts
// for them.
func (t *transcoder) boolValue(i int) (int, bool) {
	var text string
	var end int
	var ok bool
	switch t.data[i] {
	case 't':
		end, ok = t.literal(i, "true")
		return end, ok && t.enc.EncodeBool(true) == nil
	case 'f':
		end, ok = t.literal(i, "false")
		return end, ok && t.enc.EncodeBool(false) == nil
	case '"':
		text, end, ok = t.str(i)
	default:
		end, ok = t.number(i)
		text = string(t.data[i:end])
		if text != "0" && text != "1" {
			return i, false
		}
	}
	if !ok {
		return i, false
	}
	switch text {
	case "true", "1":
		return end, t.enc.EncodeBool(true) == nil
	case "false", "0":
		return end, t.enc.EncodeBool(false) == nil
	}
	return i, false
}

func (t *transcoder) list(c *jsonCodec, i int) (int, bool) {
	var spans [][2]int
	end, ok := t.elements(i, func(start, end int) bool {
		spans = append(spans, [2]int{start, end})
		return true
	})
	if !ok || t.enc.EncodeArrayLen(len(spans)) != nil {
		return i, false
	}
	for _, s := range spans {
		if e, ok := t.value(c.elem, s[0], false); !ok || e != s[1] {
			return i, false
		}
	}
	return end, true
}

func (t *transcoder) mapValue(c *jsonCodec, i int) (int, bool) {
	spans := map[string][2]int{}
	end, ok := t.members(i, func(key string, start, end int) bool {
		spans[key] = [2]int{start, end}
		return true
	})
	if !ok || t.enc.EncodeMapLen(len(spans)) != nil {
		return i, false
	}
	keys := make([]string, 0, len(spans))
	for k := range spans {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if t.enc.EncodeString(k) != nil {
			return i, false
		}
		if e, ok := t.value(c.elem, spans[k][0], false); !ok || e != spans[k][1] {
			return i, false
		}
	}
	return end, true
}

func (t *transcoder) object(c *jsonCodec, i int) (int, bool) {
	spans := make([][2]int, len(c.attrs))
	end, ok := t.members(i, func(key string, start, end int) bool {
		if at, known := c.index[key]; known {
			spans[at] = [2]int{start, end}
		}
		return true
	})
	if !ok || t.enc.EncodeMapLen(len(c.attrs)) != nil {
		return i, false
	}
	for at, a := range c.attrs {
		if t.enc.EncodeString(a.name) != nil {
			return i, false
		}
		s := spans[at]
		if s == [2]int{} {
			// Missing: null, and an empty list for a list block.
			if a.emptyIfNull {
				if t.enc.EncodeArrayLen(0) != nil {
					return i, false
				}
			} else if t.enc.EncodeNil() != nil {
				return i, false
			}
			continue
		}
		if e, ok := t.value(a.codec, s[0], a.emptyIfNull); !ok || e != s[1] {
			return i, false
		}
	}
	return end, true
}

// elements calls each with the span of every element of the array at i.
func (t *transcoder) elements(i int, each func(start, end int) bool) (int, bool) {
	return t.sequence(i, '[', ']', func(i int) (int, bool) {
		end, ok := t.skip(i)
		return end, ok && each(i, end)
	})
}

// members calls each with the key and value span of every member of the
// object at i.
func (t *transcoder) members(i int, each func(key string, start, end int) bool) (int, bool) {
	return t.sequence(i, '{', '}', func(i int) (int, bool) {
		if i >= len(t.data) || t.data[i] != '"' {
			return i, false
		}
		key, end, ok := t.str(i)
		if !ok {
			return i, false
		}
		i = t.skipSpace(end)
		if i >= len(t.data) || t.data[i] != ':' {
			return i, false
		}
		start := t.skipSpace(i + 1)
		end, ok = t.skip(start)
		return end, ok && each(key, start, end)
	})
}

// sequence reads the comma-separated items between opening and closing at
// i: item reads the one starting at its argument and returns where it ends.
func (t *transcoder) sequence(i int, opening, closing byte, item func(int) (int, bool)) (int, bool) {
	if i >= len(t.data) || t.data[i] != opening {
		return i, false
	}
	i = t.skipSpace(i + 1)
	if i < len(t.data) && t.data[i] == closing {
		return i + 1, true
	}
	for {
		end, ok := item(i)
		if !ok {
			return i, false
		}
		i = t.skipSpace(end)
		if i >= len(t.data) {
			return i, false
		}
		switch t.data[i] {
		case ',':
			i = t.skipSpace(i + 1)
		case closing:
			return i + 1, true
		default:
			return i, false
		}
	}
}

// skip returns the end of the JSON value at i, checking its syntax.
func (t *transcoder) skip(i int) (int, bool) {
	if i >= len(t.data) {
		return i, false
	}
	switch t.data[i] {
	case '{':
		return t.members(i, func(string, int, int) bool { return true })
	case '[':
		return t.elements(i, func(int, int) bool { return true })
	case '"':
		_, end, ok := t.str(i)
		return end, ok
	case 't':
		return t.literal(i, "true")
	case 'f':
		return t.literal(i, "false")
	case 'n':
		return t.literal(i, "null")
	default:
		return t.number(i)
	}
}

// number returns the end of the JSON number at i.
func (t *transcoder) number(i int) (int, bool) {
	d := t.data
	j := i
	if j < len(d) && d[j] == '-' {
		j++
	}
	switch {
	case j < len(d) && d[j] == '0':
		j++
	case j < len(d) && d[j] >= '1' && d[j] <= '9':
		for j < len(d) && d[j] >= '0' && d[j] <= '9' {
			j++
		}
	default:
		return i, false
	}
	if j < len(d) && d[j] == '.' {
		j++
		k := j
		for j < len(d) && d[j] >= '0' && d[j] <= '9' {
			j++
		}
		if j == k {
			return i, false
		}
	}
	if j < len(d) && (d[j] == 'e' || d[j] == 'E') {
		j++
		if j < len(d) && (d[j] == '+' || d[j] == '-') {
			j++
		}
		k := j
		for j < len(d) && d[j] >= '0' && d[j] <= '9' {
			j++
		}
		if j == k {
			return i, false
		}
	}
	return j, true
}

// str returns the JSON string at i and where it ends. Strings with escapes
// or bytes beyond ASCII are decoded by encoding/json, as tftypes decodes
// them.
func (t *transcoder) str(i int) (string, int, bool) {
	d := t.data
	plain := true
	j := i + 1
	for ; j < len(d); j++ {
		switch b := d[j]; {
		case b == '"':
			if plain {
				return string(d[i+1 : j]), j + 1, true
			}
			var s string
			if err := json.Unmarshal(d[i:j+1], &s); err != nil {
				return "", i, false
			}
			return s, j + 1, true
		case b == '\\':
			plain = false
			j++
		case b < 0x20:
			return "", i, false
		case b >= 0x80:
			plain = false
		}
	}
	return "", i, false
}
