package kube

import (
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/structured-merge-diff/v6/fieldpath"
	"sigs.k8s.io/structured-merge-diff/v6/value"
)

// Drift lists the fields where a live object differs from what the provider
// applies (intent), with reads alone: no dry-run apply, so a plan needs no
// write rights. It follows server-side apply's own definition of
// ownership, the fields manager owns in the object's managedFields:
//
//   - a field of intent that manager does not own (another manager took it,
//     or it was never applied) has drifted;
//   - a field it owns has drifted when its live value differs from intent.
//
// Fields intent does not set are never compared, so values the API server
// or a controller defaulted are no drift. Inside what server-side apply
// treats as one value (an atomic list such as a webhook's rules), live
// values may add defaulted fields to intent's. Paths are sorted, as
// ".spec.replicas" or ".spec.template.spec.containers[name=keda-operator].image".
func Drift(intent, live *unstructured.Unstructured, manager string) ([]string, error) {
	owned, err := OwnedFields(live.GetManagedFields(), manager)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", ObjectRef(live), err)
	}
	want := intent.DeepCopy().Object
	delete(want, "apiVersion")
	delete(want, "kind")
	delete(want, "status")
	if meta, ok := want["metadata"].(map[string]any); ok {
		// Identity, not content: managedFields never lists them.
		for _, k := range []string{"name", "namespace", "creationTimestamp"} {
			delete(meta, k)
		}
		if len(meta) == 0 {
			delete(want, "metadata")
		}
	}
	var out []string
	driftMap(want, live.Object, owned, "", false, &out)
	sort.Strings(out)
	return out, nil
}

// OwnedFields decodes the fields manager has applied (operation Apply, the
// object itself rather than a subresource) from managedFields.
func OwnedFields(entries []metav1.ManagedFieldsEntry, manager string) (*fieldpath.Set, error) {
	owned := &fieldpath.Set{}
	for _, e := range entries {
		if e.Manager != manager || e.Operation != metav1.ManagedFieldsOperationApply || e.Subresource != "" || e.FieldsV1 == nil {
			continue
		}
		s := &fieldpath.Set{}
		if err := s.FromJSON(e.FieldsV1.GetRawReader()); err != nil {
			return nil, fmt.Errorf("decoding the managed fields of %q: %w", manager, err)
		}
		owned = owned.Union(s)
	}
	return owned, nil
}

// driftMap compares a map of intent with its live counterpart; owned holds
// manager's fields below it. quantities is set below "resources", where
// "1000m" and "1" are the same value.
func driftMap(want, live map[string]any, owned *fieldpath.Set, path string, quantities bool, out *[]string) {
	for _, k := range sortedKeys(want) {
		w, p := want[k], path+"."+k
		l, present := live[k]
		if !present {
			if !isZero(w) {
				*out = append(*out, p)
			}
			continue
		}
		q := quantities || k == "resources"
		pe := fieldpath.FieldNameElement(k)
		child, granular := owned.Children.Get(pe)
		if !granular && !owned.Members.Has(pe) {
			*out = append(*out, p)
			continue
		}
		driftValue(w, l, child, granular, p, q, out)
	}
}

// driftValue compares one owned value: field by field when manager owns
// its parts (granular), as a whole otherwise.
func driftValue(want, live any, child *fieldpath.Set, granular bool, path string, quantities bool, out *[]string) {
	if granular {
		switch w := want.(type) {
		case map[string]any:
			if l, ok := live.(map[string]any); ok {
				driftMap(w, l, child, path, quantities, out)
				return
			}
		case []any:
			if l, ok := live.([]any); ok {
				driftList(w, l, child, path, quantities, out)
				return
			}
		}
	}
	if !contains(want, live, quantities) {
		*out = append(*out, path)
	}
}

// driftList compares a list whose elements manager owns one by one: by key
// (containers by name, ports by port and protocol), by value (sets of
// strings) or by index, as managedFields tells.
func driftList(want, live []any, owned *fieldpath.Set, path string, quantities bool, out *[]string) {
	var elems []fieldpath.PathElement
	owned.Members.Iterate(func(pe fieldpath.PathElement) { elems = append(elems, pe) })
	owned.Children.Iterate(func(pe fieldpath.PathElement) { elems = append(elems, pe) })
	for i, w := range want {
		pe, ok := ownedElement(w, i, elems)
		if !ok {
			*out = append(*out, fmt.Sprintf("%s[%s]", path, describeElement(w, i)))
			continue
		}
		p := fmt.Sprintf("%s[%s]", path, describePathElement(pe, i))
		l, ok := liveElement(pe, live, quantities)
		if !ok {
			*out = append(*out, p)
			continue
		}
		child, granular := owned.Children.Get(pe)
		driftValue(w, l, child, granular, p, quantities, out)
	}
}

// ownedElement finds the path element manager owns for the i-th element of
// intent's list. A key field intent leaves out matches any value: the API
// server defaults key fields (a port's protocol) before recording them.
func ownedElement(want any, i int, elems []fieldpath.PathElement) (fieldpath.PathElement, bool) {
	for _, pe := range elems {
		switch {
		case pe.Key != nil:
			m, ok := want.(map[string]any)
			if !ok {
				continue
			}
			matched, compared := true, 0
			for _, f := range *pe.Key {
				v, present := m[f.Name]
				if !present {
					continue
				}
				compared++
				if !scalarEqual(v, f.Value.Unstructured(), false) {
					matched = false
					break
				}
			}
			if matched && compared > 0 {
				return pe, true
			}
		case pe.Value != nil:
			if scalarEqual(want, (*pe.Value).Unstructured(), false) {
				return pe, true
			}
		case pe.Index != nil:
			if *pe.Index == i {
				return pe, true
			}
		}
	}
	return fieldpath.PathElement{}, false
}

// liveElement finds the live element pe selects.
func liveElement(pe fieldpath.PathElement, live []any, quantities bool) (any, bool) {
	switch {
	case pe.Key != nil:
		for _, l := range live {
			m, ok := l.(map[string]any)
			if !ok {
				continue
			}
			matched := true
			for _, f := range *pe.Key {
				if !scalarEqual(m[f.Name], f.Value.Unstructured(), false) {
					matched = false
					break
				}
			}
			if matched {
				return l, true
			}
		}
	case pe.Value != nil:
		for _, l := range live {
			if scalarEqual(l, (*pe.Value).Unstructured(), quantities) {
				return l, true
			}
		}
	case pe.Index != nil:
		if *pe.Index < len(live) {
			return live[*pe.Index], true
		}
	}
	return nil, false
}

func describePathElement(pe fieldpath.PathElement, i int) string {
	if pe.Key == nil {
		if pe.Value != nil {
			return value.ToString(*pe.Value)
		}
		return strconv.Itoa(i)
	}
	parts := make([]string, 0, len(*pe.Key))
	for _, f := range *pe.Key {
		parts = append(parts, fmt.Sprintf("%s=%v", f.Name, f.Value.Unstructured()))
	}
	return strings.Join(parts, ",")
}

func describeElement(want any, i int) string {
	if m, ok := want.(map[string]any); ok {
		if name, ok := m["name"].(string); ok {
			return "name=" + name
		}
	}
	return strconv.Itoa(i)
}

// contains reports whether live holds every value of want: maps may have
// more keys (defaults), lists must have the same length.
func contains(want, live any, quantities bool) bool {
	switch w := want.(type) {
	case map[string]any:
		l, ok := live.(map[string]any)
		if !ok {
			return false
		}
		for k, wv := range w {
			lv, present := l[k]
			if !present {
				if isZero(wv) {
					continue
				}
				return false
			}
			if !contains(wv, lv, quantities || k == "resources") {
				return false
			}
		}
		return true
	case []any:
		l, ok := live.([]any)
		if !ok || len(l) != len(w) {
			return len(w) == 0 && live == nil
		}
		for i := range w {
			if !contains(w[i], l[i], quantities) {
				return false
			}
		}
		return true
	}
	return scalarEqual(want, live, quantities)
}

// scalarEqual compares scalars as the API server stores them: YAML and JSON
// numbers of any Go type by value, and, for quantities, "1000m" as "1".
func scalarEqual(a, b any, quantities bool) bool {
	if reflect.DeepEqual(a, b) {
		return true
	}
	fa, aNum := number(a)
	fb, bNum := number(b)
	if aNum && bNum {
		return fa == fb
	}
	if !quantities {
		return false
	}
	qa, ok := quantity(a)
	if !ok {
		return false
	}
	qb, ok := quantity(b)
	return ok && qa.Cmp(qb) == 0
}

func number(v any) (float64, bool) {
	switch n := v.(type) {
	case int:
		return float64(n), true
	case int32:
		return float64(n), true
	case int64:
		return float64(n), true
	case float64:
		return n, true
	}
	return 0, false
}

func quantity(v any) (resource.Quantity, bool) {
	s, ok := v.(string)
	if !ok {
		f, isNum := number(v)
		if !isNum {
			return resource.Quantity{}, false
		}
		s = strconv.FormatFloat(f, 'f', -1, 64)
	}
	q, err := resource.ParseQuantity(s)
	return q, err == nil
}

// isZero reports a value the API server does not store when it is applied:
// built-in types omit empty strings, false, 0 and empty maps and lists
// (omitempty), so the live object lacks the field without anyone changing
// it.
func isZero(v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case string:
		return v == ""
	case bool:
		return !v
	}
	if n, ok := number(v); ok {
		return n == 0
	}
	return isEmpty(v)
}
