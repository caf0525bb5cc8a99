package kube

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/structured-merge-diff/v6/fieldpath"
	"sigs.k8s.io/structured-merge-diff/v6/value"
)

// Server-side apply removes a field the applier stops sending only when no
// other field manager owns it. An object made by kubectl apply (manager
// kubectl-client-side-apply, or kubectl with --server-side),
// kubernetes_manifest (Terraform), kubectl_manifest or Helm keeps those
// managers after it is imported, so a field the configuration drops would
// stay on the object and show as a change on every plan. ReleaseRemoved
// moves such fields to the provider's manager first, the way kubectl moves
// a client-side applied object to server-side apply
// (k8s.io/client-go/util/csaupgrade): the apply that follows then removes
// them.

// MovedFields are the fields ReleaseRemoved took from one manager.
type MovedFields struct {
	Manager string
	Fields  []string // ".spec.pollingInterval"
}

// ReleaseRemoved takes over, for o's field manager, the fields that prior
// (what the provider last applied or imported) sets, next (what it is about
// to apply) does not, and another client owns. KEDA's own controllers and
// status writers keep theirs: only managers of the object itself (no
// subresource) whose name does not start with "keda" give fields up. It
// writes nothing when there is nothing to move, and reports what it moved.
func (o Objects[T]) ReleaseRemoved(ctx context.Context, name string, prior, next any) ([]MovedFields, error) {
	priorObj, err := unstructuredOf(prior)
	if err != nil {
		return nil, fmt.Errorf("encoding %s: %w", o.Ref(name), err)
	}
	nextObj, err := unstructuredOf(next)
	if err != nil {
		return nil, fmt.Errorf("encoding %s: %w", o.Ref(name), err)
	}
	// Most updates drop nothing: they cost no request here.
	if !dropsSomething(priorObj, nextObj) {
		return nil, nil
	}
	apiVersion, _ := nextObj["apiVersion"].(string)
	for attempt := 0; ; attempt++ {
		live, err := o.Get(ctx, name)
		if IsNotFound(err) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		acc, err := meta.Accessor(any(live))
		if err != nil {
			return nil, err
		}
		entries, moved, err := releaseFields(acc.GetManagedFields(), o.FieldManager, apiVersion, priorObj, nextObj, time.Now())
		if err != nil || len(moved) == 0 {
			return nil, err
		}
		patch, err := json.Marshal([]map[string]any{
			{"op": "test", "path": "/metadata/resourceVersion", "value": acc.GetResourceVersion()},
			{"op": "replace", "path": "/metadata/managedFields", "value": entries},
		})
		if err != nil {
			return nil, err
		}
		_, err = o.call(ctx, "taking over the fields removed from the configuration of", name, func(ctx context.Context) (T, error) {
			return o.client.Patch(ctx, name, types.JSONPatchType, patch, metav1.PatchOptions{FieldManager: o.FieldManager})
		})
		// The test of resourceVersion fails when someone wrote in between:
		// read again and recompute.
		if err != nil && attempt < 3 && (apierrors.IsConflict(err) || apierrors.IsInvalid(err)) {
			continue
		}
		if err != nil {
			return nil, err
		}
		return moved, nil
	}
}

// releaseFields rewrites entries so that manager owns, besides its own, the
// fields other clients own that prior has and next lacks. moved is empty
// when nothing changes.
func releaseFields(entries []metav1.ManagedFieldsEntry, manager, apiVersion string, prior, next map[string]any, now time.Time) ([]metav1.ManagedFieldsEntry, []MovedFields, error) {
	taken := &fieldpath.Set{}
	var moved []MovedFields
	out := make([]metav1.ManagedFieldsEntry, 0, len(entries)+1)
	ours := -1
	for _, e := range entries {
		if e.Manager == manager && e.Operation == metav1.ManagedFieldsOperationApply && e.Subresource == "" {
			ours = len(out)
			out = append(out, e)
			continue
		}
		if e.Manager == manager || e.Subresource != "" || strings.HasPrefix(e.Manager, "keda") || e.FieldsV1 == nil {
			out = append(out, e)
			continue
		}
		owned := &fieldpath.Set{}
		if err := owned.FromJSON(bytes.NewReader(e.FieldsV1.GetRawBytes())); err != nil {
			return nil, nil, fmt.Errorf("reading the fields of manager %q: %w", e.Manager, err)
		}
		give := &fieldpath.Set{}
		owned.Iterate(func(p fieldpath.Path) {
			if present(prior, p) && !present(next, p) {
				give.Insert(p)
			}
		})
		if give.Empty() {
			out = append(out, e)
			continue
		}
		taken = taken.Union(give)
		var names []string
		give.Leaves().Iterate(func(p fieldpath.Path) { names = append(names, p.String()) })
		sort.Strings(names)
		moved = append(moved, MovedFields{Manager: e.Manager, Fields: names})
		if kept := owned.Difference(give); !kept.Empty() {
			raw, err := kept.ToJSON()
			if err != nil {
				return nil, nil, err
			}
			e.FieldsV1 = metav1.NewFieldsV1(string(raw))
			out = append(out, e)
		}
	}
	if len(moved) == 0 {
		return entries, nil, nil
	}
	if ours < 0 {
		out = append(out, metav1.ManagedFieldsEntry{
			Manager:    manager,
			Operation:  metav1.ManagedFieldsOperationApply,
			APIVersion: apiVersion,
			Time:       &metav1.Time{Time: now},
			FieldsType: "FieldsV1",
			FieldsV1:   metav1.NewFieldsV1("{}"),
		})
		ours = len(out) - 1
	}
	mine := &fieldpath.Set{}
	if err := mine.FromJSON(bytes.NewReader(out[ours].FieldsV1.GetRawBytes())); err != nil {
		return nil, nil, fmt.Errorf("reading the fields of manager %q: %w", manager, err)
	}
	raw, err := mine.Union(taken).ToJSON()
	if err != nil {
		return nil, nil, err
	}
	e := out[ours]
	e.FieldsV1 = metav1.NewFieldsV1(string(raw))
	out[ours] = e
	return out, moved, nil
}

// present says whether obj holds the field p names: a map key, an element
// of an associative list by its keys, or a set's value.
func present(obj any, p fieldpath.Path) bool {
	cur := obj
	for _, pe := range p {
		switch {
		case pe.FieldName != nil:
			m, ok := cur.(map[string]any)
			if !ok {
				return false
			}
			if cur, ok = m[*pe.FieldName]; !ok {
				return false
			}
		case pe.Key != nil:
			l, ok := cur.([]any)
			if !ok {
				return false
			}
			cur = nil
			for _, item := range l {
				if m, ok := item.(map[string]any); ok && hasKeys(m, *pe.Key) {
					cur = item
					break
				}
			}
			if cur == nil {
				return false
			}
		case pe.Value != nil:
			l, ok := cur.([]any)
			if !ok {
				return false
			}
			found := false
			for _, item := range l {
				if value.Equals(value.NewValueInterface(item), *pe.Value) {
					found = true
					break
				}
			}
			return found
		case pe.Index != nil:
			l, ok := cur.([]any)
			if !ok || *pe.Index >= len(l) {
				return false
			}
			cur = l[*pe.Index]
		default:
			return false
		}
	}
	return true
}

func hasKeys(m map[string]any, keys value.FieldList) bool {
	for _, f := range keys {
		v, ok := m[f.Name]
		if !ok || !value.Equals(value.NewValueInterface(v), f.Value) {
			return false
		}
	}
	return true
}

// dropsSomething says whether next might lack a field prior has: a key
// gone from a map, or a list changed (a keyed list may have lost an item).
func dropsSomething(prior, next any) bool {
	switch p := prior.(type) {
	case map[string]any:
		n, ok := next.(map[string]any)
		if !ok {
			return true
		}
		for k, v := range p {
			nv, ok := n[k]
			if !ok || dropsSomething(v, nv) {
				return true
			}
		}
		return false
	case []any:
		return !reflect.DeepEqual(prior, next)
	default:
		return false
	}
}

// unstructuredOf is obj as the JSON the provider applies, decoded.
func unstructuredOf(obj any) (map[string]any, error) {
	body, err := applyBody(obj)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		return nil, err
	}
	return m, nil
}

// ApplyOver is Apply for an object the provider already manages: prior is
// what it last applied or imported (nil on create). Fields prior sets and
// obj drops are first taken over from the clients that still own them
// (ReleaseRemoved), so that the apply removes them.
func (o Objects[T]) ApplyOver(ctx context.Context, name string, prior, obj any) (T, []FieldConflict, []MovedFields, error) {
	var moved []MovedFields
	if prior != nil {
		var err error
		if moved, err = o.ReleaseRemoved(ctx, name, prior, obj); err != nil {
			var zero T
			return zero, nil, nil, err
		}
	}
	out, conflicts, err := o.Apply(ctx, name, obj)
	return out, conflicts, moved, err
}
