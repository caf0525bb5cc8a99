package kube

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/rest"
)

// typedClient is what client-go's generated typed clients offer for one
// resource; T is the pointer type they return.
type typedClient[T any] interface {
	Get(ctx context.Context, name string, opts metav1.GetOptions) (T, error)
	Patch(ctx context.Context, name string, pt types.PatchType, data []byte, opts metav1.PatchOptions, subresources ...string) (T, error)
}

// Objects applies, reads and deletes objects of one kind. Every call is
// retried on transient API errors within its context's deadline.
type Objects[T any] struct {
	Kind         string
	FieldManager string
	// Conflicts says what Apply does when another field manager has taken a
	// field the provider declares.
	Conflicts ConflictPolicy
	// starting tells a kind the API server does not serve yet because it
	// is starting from one it does not know at all.
	starting func(context.Context) bool
	client   typedClient[T]
	// rest and resource address the same objects for deletes, whose
	// answer the typed client throws away (see deleteObject).
	rest      rest.Interface
	resource  string
	namespace string
	// builtin marks kinds the API server always serves (the installation's
	// objects): a 404 for them never means KEDA's CRDs are missing.
	builtin bool
	// foreground deletes wait for the object's dependents (a Deployment's
	// pods) too.
	foreground bool
	// kedaVersion names the installed KEDA version in the error of an apply
	// with fields the installed CRD does not declare; nil for kinds that are
	// not KEDA's.
	kedaVersion func(context.Context) string
}

// Ref names an object in messages: "TriggerAuthentication ml/rabbitmq".
func (o Objects[T]) Ref(name string) string {
	if o.namespace == "" {
		return o.Kind + " " + name
	}
	return o.Kind + " " + o.namespace + "/" + name
}

// Apply creates or updates obj with server-side apply; obj must carry
// apiVersion and kind. An existing object of that name is adopted. When
// another field manager has since set a field obj declares, the conflict
// policy decides: take the field back (and report the conflicts, for a
// warning) or fail with a *ConflictError.
//
// For KEDA's kinds, fields the installed CRD does not declare (it is older
// than the provider's KEDA) fail the apply with an *UnknownFieldsError,
// whether the API server refused them or stored the object without them;
// in the latter case the object returned is what was stored.
func (o Objects[T]) Apply(ctx context.Context, name string, obj any) (T, []FieldConflict, error) {
	var zero T
	body, err := applyBody(obj)
	if err != nil {
		return zero, nil, fmt.Errorf("encoding %s: %w", o.Ref(name), err)
	}
	out, conflicts, err := applyWithPolicy(o.Conflicts, o.Ref(name), func(force bool) (T, error) {
		return o.call(ctx, "applying", name, func(ctx context.Context) (T, error) {
			return o.client.Patch(ctx, name, types.ApplyPatchType, body, metav1.PatchOptions{
				FieldManager: o.FieldManager,
				Force:        &force,
			})
		})
	})
	if o.kedaVersion == nil {
		return out, conflicts, err
	}
	if fields := undeclaredFields(err); len(fields) > 0 {
		return out, conflicts, &UnknownFieldsError{Object: o.Ref(name), Fields: fields, KEDAVersion: o.kedaVersion(ctx)}
	}
	if err != nil {
		return out, conflicts, err
	}
	dropped, err := droppedFields(body, out)
	if err != nil {
		return out, conflicts, fmt.Errorf("reading the answer to applying %s: %w", o.Ref(name), err)
	}
	if len(dropped) > 0 {
		return out, conflicts, &UnknownFieldsError{Object: o.Ref(name), Fields: dropped, KEDAVersion: o.kedaVersion(ctx), Stored: true}
	}
	return out, conflicts, nil
}

// applyWithPolicy runs a server-side apply without force and, when other
// field managers own fields it sets, follows the policy: apply again with
// force and report the conflicts, or fail with a *ConflictError naming ref.
func applyWithPolicy[T any](policy ConflictPolicy, ref string, apply func(force bool) (T, error)) (T, []FieldConflict, error) {
	out, err := apply(false)
	conflicts := FieldConflicts(err)
	if conflicts == nil {
		return out, nil, err
	}
	if policy == ConflictsFail {
		var zero T
		return zero, conflicts, &ConflictError{Object: ref, Conflicts: conflicts}
	}
	out, err = apply(true)
	return out, conflicts, err
}

// RawPatch sends a patch of another type, as other clients do (tests use it
// to change objects behind Terraform's back).
func (o Objects[T]) RawPatch(ctx context.Context, name string, pt types.PatchType, data []byte) (T, error) {
	return o.patch(ctx, name, pt, data, "kubectl-edit")
}

// MergePatch changes fields the provider does not declare in its apply
// (the Helm takeover marks a chart's CRDs kept this way) under manager.
func (o Objects[T]) MergePatch(ctx context.Context, name, manager string, data []byte) (T, error) {
	return o.patch(ctx, name, types.MergePatchType, data, manager)
}

func (o Objects[T]) patch(ctx context.Context, name string, pt types.PatchType, data []byte, manager string) (T, error) {
	return o.call(ctx, "patching", name, func(ctx context.Context) (T, error) {
		return o.client.Patch(ctx, name, pt, data, metav1.PatchOptions{FieldManager: manager})
	})
}

// Foreground is o with deletes that also wait for the object's dependents,
// as a Deployment's pods: when Delete returns, they are gone too.
func (o Objects[T]) Foreground() Objects[T] {
	o.foreground = true
	return o
}

// Get reads an object. A missing object is reported with IsNotFound.
func (o Objects[T]) Get(ctx context.Context, name string) (T, error) {
	return o.call(ctx, "reading", name, func(ctx context.Context) (T, error) {
		return o.client.Get(ctx, name, metav1.GetOptions{})
	})
}

// Delete deletes an object and waits until it is gone, which takes as long
// as its finalizers. A missing object is not an error.
func (o Objects[T]) Delete(ctx context.Context, name string) error {
	policy := metav1.DeletePropagationBackground
	if o.foreground {
		policy = metav1.DeletePropagationForeground
	}
	opts := metav1.DeleteOptions{PropagationPolicy: &policy}
	var gone bool
	_, err := o.call(ctx, "deleting", name, func(ctx context.Context) (T, error) {
		var zero T
		var err error
		gone, err = o.deleteObject(ctx, name, opts)
		return zero, err
	})
	if err != nil {
		if IsNotFound(err) {
			return nil
		}
		return err
	}
	if gone {
		return nil
	}
	var finalizers []string
	return poll(ctx, func() (bool, error) {
		obj, err := o.client.Get(ctx, name, metav1.GetOptions{})
		switch {
		case apierrors.IsNotFound(err):
			return true, nil
		case err == nil:
			if m, ok := any(obj).(metav1.Object); ok {
				finalizers = m.GetFinalizers()
			}
		case !IsTransient(err) && ctx.Err() == nil:
			return false, o.wrap("waiting for the deletion of", name, err)
		}
		return false, nil
	}, func() error {
		return &StuckDeletionError{Kind: o.Kind, Namespace: o.namespace, Name: name, Finalizers: finalizers}
	})
}

func (o Objects[T]) call(ctx context.Context, op, name string, fn func(context.Context) (T, error)) (T, error) {
	out, err := withRetry(ctx, op+" "+o.Ref(name), func(ctx context.Context) (T, error) {
		out, err := fn(ctx)
		if IsMissingKind(err) && o.starting != nil && o.starting(ctx) {
			return out, &startingError{err: err}
		}
		return out, err
	})
	if err != nil {
		return out, o.wrap(op, name, err)
	}
	return out, nil
}

func (o Objects[T]) wrap(op, name string, err error) error {
	if !o.builtin && IsMissingKind(err) {
		return &MissingKindError{Kind: o.Kind, Err: err}
	}
	return wrapOnce(op+" "+o.Ref(name), err)
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

// deleteObject deletes through the REST client and reads the answer, which
// tells an object deleted at once (the API server answers with a Status)
// from one kept for its finalizers (it answers with the object): only the
// latter needs Delete to wait.
func (o Objects[T]) deleteObject(ctx context.Context, name string, opts metav1.DeleteOptions) (gone bool, err error) {
	// Encoded here rather than by the REST client, whose scheme may not know
	// DeleteOptions in the object's group (apiextensions.k8s.io, ...).
	raw, err := json.Marshal(&opts)
	if err != nil {
		return false, err
	}
	result := o.rest.Delete().NamespaceIfScoped(o.namespace, o.namespace != "").Resource(o.resource).Name(name).
		SetHeader("Content-Type", "application/json").Body(raw).Do(ctx)
	// Error, not Raw's error: it decodes the API's Status, whose message
	// says why (RBAC's "... is forbidden: User ... cannot delete ...");
	// Raw's says "unknown".
	if err := result.Error(); err != nil {
		return false, err
	}
	body, err := result.Raw()
	if err != nil {
		return false, err
	}
	// An answer that cannot be read says nothing either way: Delete then
	// waits as it would for finalizers.
	var head metav1.TypeMeta
	return json.Unmarshal(body, &head) == nil && head.Kind == "Status", nil
}
