// Package corpus renders the ScaledObjects, ScaledJobs and
// (Cluster)TriggerAuthentications of KEDA's own end-to-end tests (the
// tests/ tree of the keda/v2 module) into objects, with placeholder values
// where the tests fill in names, numbers and secrets at run time.
package corpus

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"text/template"
	"unicode"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"
)

// Object is one distinct rendered object.
type Object struct {
	Kind      string
	Name      string
	Namespace string
	// JSON is the object as rendered, keys sorted: what makes it distinct.
	JSON    []byte
	Sources []Source
}

// Source says where an object comes from.
type Source struct {
	File     string // relative to the tests tree
	Template string // the Go constant or variable holding the template
	// Variant names the values that chose its branches, e.g.
	// "EnableOAuth=false"; empty when the template has a single form.
	Variant string
}

func (s Source) String() string {
	if s.Variant == "" {
		return s.File + ":" + s.Template
	}
	return s.File + ":" + s.Template + "[" + s.Variant + "]"
}

// Problem is a template that could not be rendered.
type Problem struct {
	Source
	Err string
}

// Result is the rendered corpus.
type Result struct {
	Templates int // Go strings found holding a KEDA kind
	Renders   int // template executions (a template renders once per variant)
	Objects   []*Object
	Problems  []Problem
}

// maxCombinations bounds the variants of one template rendered as every
// combination of its branch fields; beyond it each field's alternatives are
// rendered one at a time.
const maxCombinations = 64

// Render finds every template under root in fsys that holds a KEDA kind and
// renders it, once per distinct branch, with placeholder values. crds give
// the schema that tells where a field must be a number, a boolean or one of
// an enum.
func Render(fsys fs.FS, root string, crds []*apiextensionsv1.CustomResourceDefinition) (*Result, error) {
	pkgs, err := loadPackages(fsys, root)
	if err != nil {
		return nil, err
	}
	r := &renderer{schemas: newSchemas(crds), byJSON: map[string]*Object{}, res: &Result{}}
	for _, kind := range Kinds {
		if r.schemas[kind] == nil {
			return nil, fmt.Errorf("no CRD schema for %s", kind)
		}
	}
	for _, p := range pkgs {
		for _, t := range p.templates {
			r.res.Templates++
			if err := r.template(p, t); err != nil {
				r.res.Problems = append(r.res.Problems, Problem{Source: Source{File: t.file, Template: t.name}, Err: err.Error()})
			}
		}
	}
	return r.res, nil
}

type renderer struct {
	schemas schemas
	byJSON  map[string]*Object
	res     *Result
}

// fieldPlan is the values a template field takes.
type fieldPlan struct {
	use     *fieldUse
	goType  string // its type in the data struct, "" when unknown
	options []any  // options[0] is the base value
	branch  bool   // its value picks a template branch or the kind
}

func (r *renderer) template(p *pkgInfo, t goTemplate) error {
	tmpl, sc, err := analyze(t.name, t.text)
	if err != nil {
		return err
	}
	var typeName string
	types := map[string]string{}
	if st := p.dataStruct(sc.order); st != nil {
		typeName, types = st.name, st.fields
	}

	// First pass: every field is a sentinel, to learn from the schema where
	// each lands.
	plans := map[string]*fieldPlan{}
	first := map[string]any{}
	for i, name := range sc.order {
		use := sc.fields[name]
		plans[name] = &fieldPlan{use: use, goType: types[name]}
		first[name] = sentinelOrTyped(use, types[name], i)
	}
	out, err := execute(tmpl, first)
	if err != nil {
		return fmt.Errorf("first pass: %w", err)
	}
	classes := r.classify(out)

	for i, name := range sc.order {
		fp, c := plans[name], classes[i]
		lits := p.literals(typeName, name)
		switch {
		case fp.use.elem != nil:
			fp.options = []any{elemValue(fp.use, 0)}
		case c.kind:
			for _, k := range c.kinds {
				fp.options = append(fp.options, k)
			}
		case len(lits) == 0:
			fp.options = []any{placeholder(name, fp.goType, c)}
		case c.setting:
			// Each value the tests give a setting picks a behaviour
			// (metricType AverageValue or Value).
			fp.options = lits
		default:
			// Other values the tests give a field make objects that differ
			// only in a string.
			fp.options = lits[:1]
		}
		addAlternatives(fp, c)
	}

	variants := variantsOf(sc.order, plans)
	for _, v := range variants {
		out, err := execute(tmpl, v.values)
		if err != nil {
			return fmt.Errorf("variant %s: %w", v.name, err)
		}
		r.res.Renders++
		if err := r.collect(out, Source{File: t.file, Template: t.name, Variant: v.name}); err != nil {
			return fmt.Errorf("variant %s: %w", v.name, err)
		}
	}
	return nil
}

// sentinelFor marks field i in the first pass's output.
func sentinelFor(i int) string { return fmt.Sprintf("zzq%dqzz", i) }

var sentinelRE = regexp.MustCompile(`zzq(\d+)qzz`)

// urlKey matches the keys whose values KEDA's scalers and webhooks parse as
// URLs: serverAddress, host, url, tokenUrl, endpoint and the like.
var urlKey = regexp.MustCompile(`(?i)(url|uri|address|endpoint|host)$`)

// sentinelOrTyped is a field's first-pass value: a sentinel, unless the
// template compares it with a constant other than a string, which needs a
// value of its type.
func sentinelOrTyped(use *fieldUse, goType string, i int) any {
	stringsOnly := !slices.ContainsFunc(use.comparands, func(c any) bool { _, ok := c.(string); return !ok })
	switch {
	case use.elem != nil:
		return elemValue(use, 0)
	case len(use.comparands) == 0, stringsOnly && (goType == "" || goType == "string"):
		return sentinelFor(i)
	case isNumeric(goType):
		return 1
	case goType == "bool":
		return true
	}
	return use.comparands[0]
}

// elemValue is a value for a field entered with {{with}} or ranged over:
// one element whose own fields carry placeholders.
func elemValue(use *fieldUse, depth int) any {
	if depth > 5 {
		return nil
	}
	var elem any
	if use.elem.usesDot && len(use.elem.order) == 0 {
		elem = kebab(use.name)
	} else {
		m := map[string]any{}
		for _, name := range use.elem.order {
			inner := use.elem.fields[name]
			if inner.elem != nil {
				m[name] = elemValue(inner, depth+1)
			} else {
				m[name] = kebab(name)
			}
		}
		elem = m
	}
	if use.isMap {
		return elem
	}
	return []any{elem}
}

func isNumeric(goType string) bool {
	switch goType {
	case "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64", "float32", "float64":
		return true
	}
	return false
}

// class is what the first pass learnt about where a field lands.
type class struct {
	number bool   // a whole value the schema types integer or number
	leaf   string // the key of that value, for a plausible number
	bool   bool   // a whole value the schema types boolean
	enum   []string
	base64 bool // a value in a Secret's data
	// url: the whole value of a key that holds a URL or a host
	// (serverAddress, host, tokenUrl), which KEDA parses as a URL.
	url bool
	// setting: a whole value of a property the schema names, other than a
	// name or namespace (metricType, scaleTargetRef.kind): the values the
	// tests give it choose behaviour.
	setting bool
	// kind: the field is the document's kind; kinds are those its shape
	// allows.
	kind  bool
	kinds []string
}

// classify finds the sentinels in the first pass's documents and what the
// schema says of each place.
func (r *renderer) classify(out string) map[int]class {
	classes := map[int]class{}
	docs, _ := splitDocs(out)
	for _, doc := range docs {
		obj, err := decode(doc)
		if err != nil {
			continue
		}
		kind, _ := obj["kind"].(string)
		apiVersion, _ := obj["apiVersion"].(string)
		if m := sentinelRE.FindStringSubmatch(kind); m != nil && m[0] == kind && strings.HasPrefix(apiVersion, "keda.sh/") {
			i, _ := strconv.Atoi(m[1])
			c := classes[i]
			c.kind = true
			c.kinds = kindsForShape(obj)
			classes[i] = c
			kind = c.kinds[0]
		}
		secret := kind == "Secret"
		if !slices.Contains(Kinds, kind) && !secret {
			continue
		}
		walkStrings(obj, nil, func(path []string, s string) {
			for _, m := range sentinelRE.FindAllStringSubmatch(s, -1) {
				i, _ := strconv.Atoi(m[1])
				c := classes[i]
				if secret {
					c.base64 = c.base64 || (len(path) == 2 && path[0] == "data")
					classes[i] = c
					continue
				}
				if m[0] != s {
					continue
				}
				leaf := path[len(path)-1]
				c.url = c.url || urlKey.MatchString(leaf)
				if sch, named := r.schemas.at(kind, path); sch != nil {
					c.setting = c.setting || (named && leaf != "name" && leaf != "namespace")
					switch sch.Type {
					case "integer", "number":
						c.number, c.leaf = true, path[len(path)-1]
					case "boolean":
						c.bool = true
					case "string":
						if len(sch.Enum) > 0 && c.enum == nil {
							for _, e := range sch.Enum {
								var v string
								if json.Unmarshal(e.Raw, &v) == nil {
									c.enum = append(c.enum, v)
								}
							}
						}
					}
				}
				classes[i] = c
			}
		})
	}
	return classes
}

// kindsForShape are the KEDA kinds a document of a templated kind can be.
func kindsForShape(obj map[string]any) []string {
	spec, _ := obj["spec"].(map[string]any)
	switch {
	case spec["jobTargetRef"] != nil:
		return []string{"ScaledJob"}
	case spec["scaleTargetRef"] != nil:
		return []string{"ScaledObject"}
	}
	return []string{"TriggerAuthentication", "ClusterTriggerAuthentication"}
}

func walkStrings(v any, path []string, fn func([]string, string)) {
	switch v := v.(type) {
	case map[string]any:
		for _, k := range slices.Sorted(maps.Keys(v)) {
			walkStrings(v[k], append(slices.Clip(path), k), fn)
		}
	case []any:
		for _, e := range v {
			walkStrings(e, append(slices.Clip(path), "[]"), fn)
		}
	case string:
		fn(path, v)
	}
}

// placeholder is the value of a field the tests fill at run time: a number
// where the schema wants one, a DNS label derived from the field's name
// otherwise (names, namespaces and most metadata accept it).
func placeholder(name, goType string, c class) any {
	switch {
	case c.kind:
		return c.kinds[0]
	case c.number || isNumeric(goType):
		n := numberFor(c.leaf)
		if goType == "string" {
			return strconv.Itoa(n)
		}
		return n
	case c.bool || goType == "bool":
		if goType == "string" {
			return "true"
		}
		return true
	case len(c.enum) > 0:
		return c.enum[0]
	case c.base64:
		return base64.StdEncoding.EncodeToString([]byte(kebab(name)))
	case c.url:
		return "http://" + kebab(name) + ":8080"
	}
	return kebab(name)
}

// numberFor keeps replica counts in the order KEDA requires
// (idle < min <= max) when the tests fill all three at run time.
func numberFor(leaf string) int {
	switch leaf {
	case "idleReplicaCount":
		return 0
	case "maxReplicaCount":
		return 10
	}
	return 1
}

// addAlternatives gives a field the values that take each branch the
// template has for it: its zero value and a truthy one for {{if .F}}, the
// constants it is compared with, the other kinds a templated kind allows.
func addAlternatives(fp *fieldPlan, c class) {
	add := func(v any) {
		if !slices.ContainsFunc(fp.options, func(o any) bool { return equalValue(o, v) }) {
			fp.options = append(fp.options, v)
		}
	}
	if c.kind {
		fp.branch = true
	}
	for _, v := range fp.use.comparands {
		fp.branch = true
		add(v)
	}
	if fp.use.cond {
		fp.branch = true
		if fp.use.elem != nil {
			if fp.use.isMap {
				add(nil)
			} else {
				add([]any{})
			}
			return
		}
		if isZero(fp.options[0]) {
			add(truthy(fp.options[0], fp.use.name))
		} else {
			add(zero(fp.options[0]))
		}
	}
}

func equalValue(a, b any) bool {
	ja, err1 := json.Marshal(a)
	jb, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && bytes.Equal(ja, jb) && fmt.Sprintf("%T", a) == fmt.Sprintf("%T", b)
}

func zero(v any) any {
	switch v.(type) {
	case string:
		return ""
	case int:
		return 0
	case float64:
		return 0.0
	case bool:
		return false
	}
	return nil
}

func isZero(v any) bool {
	return v == nil || equalValue(v, zero(v))
}

func truthy(v any, name string) any {
	switch v.(type) {
	case string:
		return kebab(name)
	case int:
		return 1
	case float64:
		return 1.0
	case bool:
		return true
	}
	return v
}

type variant struct {
	name   string
	values map[string]any
}

// variantsOf combines the fields' options: every combination of the branch
// fields' values when there are few, else each alternative alone; and each
// other value the tests give a field, alone.
func variantsOf(order []string, plans map[string]*fieldPlan) []variant {
	base := map[string]any{}
	var branch []string
	for _, name := range order {
		base[name] = plans[name].options[0]
		if plans[name].branch && len(plans[name].options) > 1 {
			branch = append(branch, name)
		}
	}
	combos := 1
	for _, name := range branch {
		combos *= len(plans[name].options)
		if combos > maxCombinations {
			break
		}
	}
	var out []variant
	if combos <= maxCombinations {
		idx := make([]int, len(branch))
		for {
			values := maps.Clone(base)
			var parts []string
			for i, name := range branch {
				values[name] = plans[name].options[idx[i]]
				parts = append(parts, name+"="+describe(values[name]))
			}
			out = append(out, variant{name: strings.Join(parts, ","), values: values})
			i := 0
			for ; i < len(idx); i++ {
				idx[i]++
				if idx[i] < len(plans[branch[i]].options) {
					break
				}
				idx[i] = 0
			}
			if i == len(idx) {
				break
			}
		}
	} else {
		out = append(out, variant{values: base})
		for _, name := range branch {
			for _, v := range plans[name].options[1:] {
				values := maps.Clone(base)
				values[name] = v
				out = append(out, variant{name: name + "=" + describe(v), values: values})
			}
		}
	}
	for _, name := range order {
		if plans[name].branch {
			continue
		}
		for _, v := range plans[name].options[1:] {
			values := maps.Clone(base)
			values[name] = v
			out = append(out, variant{name: name + "=" + describe(v), values: values})
		}
	}
	return out
}

func describe(v any) string {
	switch v := v.(type) {
	case string:
		return strconv.Quote(v)
	case []any:
		return fmt.Sprintf("[%d]", len(v))
	case nil:
		return "nil"
	}
	return fmt.Sprint(v)
}

func execute(tmpl *template.Template, data map[string]any) (string, error) {
	var b strings.Builder
	if err := tmpl.Execute(&b, data); err != nil {
		return "", err
	}
	return b.String(), nil
}

// collect keeps the KEDA documents of one rendering.
func (r *renderer) collect(out string, src Source) error {
	docs, err := splitDocs(out)
	if err != nil {
		return err
	}
	for i, doc := range docs {
		obj, err := decode(doc)
		if err != nil {
			if kedaKind.Match(doc) {
				return fmt.Errorf("document %d: %w", i, err)
			}
			continue
		}
		kind, _ := obj["kind"].(string)
		apiVersion, _ := obj["apiVersion"].(string)
		if !strings.HasPrefix(apiVersion, "keda.sh/") || !slices.Contains(Kinds, kind) {
			continue
		}
		raw, err := json.Marshal(obj)
		if err != nil {
			return err
		}
		if o := r.byJSON[string(raw)]; o != nil {
			if !slices.Contains(o.Sources, src) {
				o.Sources = append(o.Sources, src)
			}
			continue
		}
		meta, _ := obj["metadata"].(map[string]any)
		name, _ := meta["name"].(string)
		ns, _ := meta["namespace"].(string)
		o := &Object{Kind: kind, Name: name, Namespace: ns, JSON: raw, Sources: []Source{src}}
		r.byJSON[string(raw)] = o
		r.res.Objects = append(r.res.Objects, o)
	}
	return nil
}

func splitDocs(out string) ([][]byte, error) {
	rd := utilyaml.NewYAMLReader(bufio.NewReader(strings.NewReader(out)))
	var docs [][]byte
	for {
		doc, err := rd.Read()
		if errors.Is(err, io.EOF) {
			return docs, nil
		}
		if err != nil {
			return nil, err
		}
		if len(bytes.TrimSpace(doc)) > 0 {
			docs = append(docs, doc)
		}
	}
}

// decode reads one YAML document as kubectl does (YAML to JSON), keeping
// numbers as written.
func decode(doc []byte) (map[string]any, error) {
	j, err := yaml.YAMLToJSON(doc)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(j))
	dec.UseNumber()
	var obj map[string]any
	if err := dec.Decode(&obj); err != nil {
		return nil, err
	}
	return obj, nil
}

// kebab turns a Go field name into a DNS label: ScaledObjectName =>
// scaled-object-name.
func kebab(name string) string {
	var b strings.Builder
	rs := []rune(name)
	for i, c := range rs {
		if unicode.IsUpper(c) {
			prevLower := i > 0 && (unicode.IsLower(rs[i-1]) || unicode.IsDigit(rs[i-1]))
			nextLower := i > 0 && i+1 < len(rs) && unicode.IsLower(rs[i+1]) && unicode.IsUpper(rs[i-1])
			if prevLower || nextLower {
				b.WriteByte('-')
			}
			b.WriteRune(unicode.ToLower(c))
			continue
		}
		if unicode.IsLetter(c) || unicode.IsDigit(c) {
			b.WriteRune(c)
		} else if b.Len() > 0 {
			b.WriteByte('-')
		}
	}
	s := strings.Trim(b.String(), "-")
	if len(s) > 63 {
		s = strings.TrimRight(s[:63], "-")
	}
	if s == "" || !unicode.IsLetter(rune(s[0])) {
		s = "x" + s
	}
	return s
}
