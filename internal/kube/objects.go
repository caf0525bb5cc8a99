package kube

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
)

// typedClient is what client-go's generated typed clients offer for one
// resource; T is the pointer type they return.
type typedClient[T any] interface {
	Get(ctx context.Context, name string, opts metav1.GetOptions) (T, error)
	Patch(ctx context.Context, name string, pt types.PatchType, data []byte, opts metav1.PatchOptions, subresources ...string) (T, error)
	Delete(ctx context.Context, name string, opts metav1.DeleteOptions) error
}

// Objects applies, reads and deletes objects of one kind.
type Objects[T any] struct {
	Kind         string
	FieldManager string
	client       typedClient[T]
	namespace    string
}

// Ref names an object in messages: "TriggerAuthentication ml/rabbitmq".
func (o Objects[T]) Ref(name string) string {
	if o.namespace == "" {
		return o.Kind + " " + name
	}
	return o.Kind + " " + o.namespace + "/" + name
}

// Apply creates or updates obj with server-side apply, forcing ownership of
// the fields it declares. obj must carry apiVersion and kind.
func (o Objects[T]) Apply(ctx context.Context, name string, obj any) (T, error) {
	var zero T
	body, err := applyBody(obj)
	if err != nil {
		return zero, fmt.Errorf("encoding %s: %w", o.Ref(name), err)
	}
	force := true
	out, err := o.client.Patch(ctx, name, types.ApplyPatchType, body, metav1.PatchOptions{
		FieldManager: o.FieldManager,
		Force:        &force,
	})
	if err != nil {
		return zero, o.wrap("applying", name, err)
	}
	return out, nil
}

// RawPatch sends a patch of another type, as other clients do (tests use it
// to change objects behind Terraform's back).
func (o Objects[T]) RawPatch(ctx context.Context, name string, pt types.PatchType, data []byte) (T, error) {
	out, err := o.client.Patch(ctx, name, pt, data, metav1.PatchOptions{FieldManager: "kubectl-edit"})
	if err != nil {
		var zero T
		return zero, o.wrap("patching", name, err)
	}
	return out, nil
}

// Get reads an object. A missing object is reported with IsNotFound.
func (o Objects[T]) Get(ctx context.Context, name string) (T, error) {
	out, err := o.client.Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		var zero T
		return zero, o.wrap("reading", name, err)
	}
	return out, nil
}

// Delete deletes an object and waits until it is gone, which takes as long
// as its finalizers. A missing object is not an error.
func (o Objects[T]) Delete(ctx context.Context, name string) error {
	policy := metav1.DeletePropagationBackground
	err := o.client.Delete(ctx, name, metav1.DeleteOptions{PropagationPolicy: &policy})
	if err != nil {
		if apierrors.IsNotFound(err) && !IsMissingKind(err) {
			return nil
		}
		return o.wrap("deleting", name, err)
	}
	delay := 50 * time.Millisecond
	for {
		_, err := o.client.Get(ctx, name, metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s was asked to delete but still exists: finalizers keep it until their controller "+
				"removes them. If KEDA's operator is not running (or was uninstalled first), start it, or remove "+
				"metadata.finalizers by hand; then run terraform destroy again: %w", o.Ref(name), ctx.Err())
		case <-time.After(delay):
		}
		delay = min(2*delay, 2*time.Second)
	}
}

func (o Objects[T]) wrap(op, name string, err error) error {
	if IsMissingKind(err) {
		return &MissingKindError{Kind: o.Kind, Err: err}
	}
	return fmt.Errorf("%s %s: %w", op, o.Ref(name), err)
}

// MissingKindError says the API server does not know the kind at all: the
// KEDA CRDs are not installed.
type MissingKindError struct {
	Kind string
	Err  error
}

func (e *MissingKindError) Error() string {
	return fmt.Sprintf("the cluster does not know the kind %s (keda.sh/v1alpha1): KEDA's CRDs are not installed. "+
		"Install KEDA first, for example with the keda_installation resource (and depends_on it), then apply again. "+
		"(%v)", e.Kind, e.Err)
}

func (e *MissingKindError) Unwrap() error { return e.Err }

// IsMissingKind reports whether err is the API server's 404 for an unknown
// resource type rather than for a missing object. A missing object comes
// back as a Status naming it; an unknown path comes back as a plain
// "404 page not found", which client-go reports as an unexpected response.
func IsMissingKind(err error) bool {
	var mk *MissingKindError
	if errors.As(err, &mk) {
		return true
	}
	var status apierrors.APIStatus
	if !errors.As(err, &status) || !apierrors.IsNotFound(err) {
		return false
	}
	d := status.Status().Details
	if d == nil {
		return true
	}
	for _, c := range d.Causes {
		if c.Type == metav1.CauseTypeUnexpectedServerResponse {
			return true
		}
	}
	return false
}

// IsNotFound reports whether the object does not exist.
func IsNotFound(err error) bool {
	return apierrors.IsNotFound(err) && !IsMissingKind(err)
}

// applyBody encodes obj for server-side apply: status belongs to the
// controllers, an empty creationTimestamp means nothing, and nulls (KEDA's
// types lack omitempty on some pointers) are dropped because the CRD schemas
// reject them.
func applyBody(obj any) ([]byte, error) {
	raw, err := json.Marshal(obj)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, err
	}
	delete(m, "status")
	if meta, ok := m["metadata"].(map[string]any); ok {
		delete(meta, "creationTimestamp")
	}
	return json.Marshal(dropNulls(m))
}

func dropNulls(v any) any {
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			if e == nil {
				delete(v, k)
				continue
			}
			v[k] = dropNulls(e)
		}
	case []any:
		for i, e := range v {
			v[i] = dropNulls(e)
		}
	}
	return v
}
