package kube

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
)

// resourceFor maps the kinds of KEDA's install manifest to their API
// resources. A fixed table instead of discovery: no request is spent
// finding out what is known in advance.
var resourceFor = map[schema.GroupKind]struct {
	resource   string
	namespaced bool
}{
	{Group: "", Kind: "Namespace"}:                                                  {"namespaces", false},
	{Group: "", Kind: "ServiceAccount"}:                                             {"serviceaccounts", true},
	{Group: "", Kind: "Service"}:                                                    {"services", true},
	{Group: "apps", Kind: "Deployment"}:                                             {"deployments", true},
	{Group: "policy", Kind: "PodDisruptionBudget"}:                                  {"poddisruptionbudgets", true},
	{Group: "rbac.authorization.k8s.io", Kind: "ClusterRole"}:                       {"clusterroles", false},
	{Group: "rbac.authorization.k8s.io", Kind: "ClusterRoleBinding"}:                {"clusterrolebindings", false},
	{Group: "rbac.authorization.k8s.io", Kind: "Role"}:                              {"roles", true},
	{Group: "rbac.authorization.k8s.io", Kind: "RoleBinding"}:                       {"rolebindings", true},
	{Group: "apiextensions.k8s.io", Kind: "CustomResourceDefinition"}:               {"customresourcedefinitions", false},
	{Group: "apiregistration.k8s.io", Kind: "APIService"}:                           {"apiservices", false},
	{Group: "admissionregistration.k8s.io", Kind: "ValidatingWebhookConfiguration"}: {"validatingwebhookconfigurations", false},
}

// ObjectRef names an object in messages and state: "Deployment keda/keda-operator".
func ObjectRef(o *unstructured.Unstructured) string {
	if o.GetNamespace() == "" {
		return o.GetKind() + " " + o.GetName()
	}
	return o.GetKind() + " " + o.GetNamespace() + "/" + o.GetName()
}

func (c *Client) dynamicFor(o *unstructured.Unstructured) (dynamic.ResourceInterface, error) {
	if err := c.init(); err != nil {
		return nil, err
	}
	gvk := o.GroupVersionKind()
	r, ok := resourceFor[gvk.GroupKind()]
	if !ok {
		return nil, fmt.Errorf("%s: kind not supported by the installer", ObjectRef(o))
	}
	ri := c.dynamic.Resource(gvk.GroupVersion().WithResource(r.resource))
	if r.namespaced {
		return ri.Namespace(o.GetNamespace()), nil
	}
	return ri, nil
}

// ApplyObject writes o with server-side apply. With dryRun nothing is
// stored and fields are forced: the answer is what the object would become.
// Otherwise field conflicts are handled by the conflict policy, as
// Objects.Apply does.
func (c *Client) ApplyObject(ctx context.Context, o *unstructured.Unstructured, dryRun bool) (*unstructured.Unstructured, []FieldConflict, error) {
	ri, err := c.dynamicFor(o)
	if err != nil {
		return nil, nil, err
	}
	apply := func(force bool) (*unstructured.Unstructured, error) {
		opts := metav1.ApplyOptions{FieldManager: FieldManager, Force: force}
		if dryRun {
			opts.DryRun = []string{metav1.DryRunAll}
		}
		return withRetry(ctx, "applying "+ObjectRef(o), func(ctx context.Context) (*unstructured.Unstructured, error) {
			return ri.Apply(ctx, o.GetName(), o, opts)
		})
	}
	var out *unstructured.Unstructured
	var conflicts []FieldConflict
	if dryRun {
		out, err = apply(true)
	} else {
		out, conflicts, err = applyWithPolicy(c.conflictPolicy(), ObjectRef(o), apply)
	}
	var refused *ConflictError
	switch {
	case errors.As(err, &refused):
		return nil, conflicts, err
	case err != nil:
		return nil, conflicts, wrapOnce("applying "+ObjectRef(o), err)
	}
	return out, conflicts, nil
}

// GetObject reads the live version of o; IsNotFound tells a missing one.
func (c *Client) GetObject(ctx context.Context, o *unstructured.Unstructured) (*unstructured.Unstructured, error) {
	ri, err := c.dynamicFor(o)
	if err != nil {
		return nil, err
	}
	out, err := withRetry(ctx, "reading "+ObjectRef(o), func(ctx context.Context) (*unstructured.Unstructured, error) {
		return ri.Get(ctx, o.GetName(), metav1.GetOptions{})
	})
	if err != nil {
		return nil, wrapOnce("reading "+ObjectRef(o), err)
	}
	return out, nil
}

// DeleteObject deletes o and waits until it is gone. A missing object is
// not an error.
func (c *Client) DeleteObject(ctx context.Context, o *unstructured.Unstructured) error {
	ri, err := c.dynamicFor(o)
	if err != nil {
		return err
	}
	policy := metav1.DeletePropagationBackground
	err = retryErr(ctx, "deleting "+ObjectRef(o), func(ctx context.Context) error {
		return ri.Delete(ctx, o.GetName(), metav1.DeleteOptions{PropagationPolicy: &policy})
	})
	if err != nil {
		if apierrors.IsNotFound(err) {
			return nil
		}
		return wrapOnce("deleting "+ObjectRef(o), err)
	}
	var finalizers []string
	return poll(ctx, func() (bool, error) {
		live, err := ri.Get(ctx, o.GetName(), metav1.GetOptions{})
		switch {
		case apierrors.IsNotFound(err):
			return true, nil
		case err == nil:
			finalizers = live.GetFinalizers()
		case !IsTransient(err) && ctx.Err() == nil:
			return false, wrapOnce("waiting for the deletion of "+ObjectRef(o), err)
		}
		return false, nil
	}, func() error {
		return &StuckDeletionError{Kind: o.GetKind(), Namespace: o.GetNamespace(), Name: o.GetName(), Finalizers: finalizers}
	})
}

// wrapOnce prefixes err with what was being done, unless a RetryError
// already says it.
func wrapOnce(op string, err error) error {
	var retried *RetryError
	if errors.As(err, &retried) {
		return err
	}
	return fmt.Errorf("%s: %w", op, err)
}

// poll calls done with growing pauses until it reports true, fails, or ctx
// ends; then timeout explains what was still missing.
func poll(ctx context.Context, done func() (bool, error), timeout func() error) error {
	delay := 50 * time.Millisecond
	for {
		ok, err := done()
		if err != nil || ok {
			return err
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w: %w", timeout(), ctx.Err())
		case <-time.After(delay):
		}
		delay = min(2*delay, 2*time.Second)
	}
}

// WaitEstablished waits until the CRDs are Established, so that objects of
// their kinds can be created.
func (c *Client) WaitEstablished(ctx context.Context, crds []*unstructured.Unstructured) error {
	for _, crd := range crds {
		var last string
		err := poll(ctx, func() (bool, error) {
			live, err := c.GetObject(ctx, crd)
			if err != nil {
				return false, err
			}
			ok, msg := conditionTrue(live, "Established")
			last = msg
			return ok, nil
		}, func() error { return fmt.Errorf("%s is not Established: %s", ObjectRef(crd), last) })
		if err != nil {
			return err
		}
	}
	return nil
}

// WaitDeploymentAvailable waits until a Deployment has rolled out and is
// Available. When it is not in time, the error names it and says why, from
// its own condition and its pods'.
func (c *Client) WaitDeploymentAvailable(ctx context.Context, d *unstructured.Unstructured) error {
	var live *unstructured.Unstructured
	err := poll(ctx, func() (bool, error) {
		var err error
		live, err = c.GetObject(ctx, d)
		if err != nil {
			return false, err
		}
		gen, _, _ := unstructured.NestedInt64(live.Object, "metadata", "generation")
		observed, _, _ := unstructured.NestedInt64(live.Object, "status", "observedGeneration")
		want, found, _ := unstructured.NestedInt64(live.Object, "spec", "replicas")
		if !found {
			want = 1
		}
		updated, _, _ := unstructured.NestedInt64(live.Object, "status", "updatedReplicas")
		available, _, _ := unstructured.NestedInt64(live.Object, "status", "availableReplicas")
		ok, _ := conditionTrue(live, "Available")
		return ok && observed >= gen && updated >= want && available >= want, nil
	}, func() error {
		return fmt.Errorf("deployment %s/%s is not Available: %s", d.GetNamespace(), d.GetName(), c.whyNotAvailable(live))
	})
	return err
}

func (c *Client) whyNotAvailable(live *unstructured.Unstructured) string {
	if live == nil {
		return "it could not be read"
	}
	var reasons []string
	if _, msg := conditionTrue(live, "Available"); msg != "" {
		reasons = append(reasons, msg)
	}
	sel, _, _ := unstructured.NestedStringMap(live.Object, "spec", "selector", "matchLabels")
	if c.core != nil && len(sel) > 0 {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		pods, err := c.core.CoreV1().Pods(live.GetNamespace()).List(ctx, metav1.ListOptions{LabelSelector: labels.SelectorFromSet(sel).String()})
		if err == nil {
			if len(pods.Items) == 0 {
				reasons = append(reasons, "it has no pods")
			}
			for _, p := range pods.Items {
				for _, cond := range p.Status.Conditions {
					if cond.Status != "True" && cond.Message != "" {
						reasons = append(reasons, fmt.Sprintf("pod %s %s=%s (%s): %s", p.Name, cond.Type, cond.Status, cond.Reason, cond.Message))
					}
				}
				if len(p.Status.Conditions) == 0 {
					reasons = append(reasons, fmt.Sprintf("pod %s is %s", p.Name, p.Status.Phase))
				}
			}
		}
	}
	if len(reasons) == 0 {
		return "no reason reported yet"
	}
	return strings.Join(reasons, "; ")
}

// WaitAPIServiceAvailable waits until the aggregator reports the APIService
// Available, i.e. it reached the backing server.
func (c *Client) WaitAPIServiceAvailable(ctx context.Context, a *unstructured.Unstructured) error {
	var last string
	return poll(ctx, func() (bool, error) {
		live, err := c.GetObject(ctx, a)
		if err != nil {
			return false, err
		}
		ok, msg := conditionTrue(live, "Available")
		last = msg
		return ok, nil
	}, func() error { return fmt.Errorf("APIService %s is not Available: %s", a.GetName(), last) })
}

// conditionTrue reports a status condition and its message.
func conditionTrue(o *unstructured.Unstructured, condType string) (bool, string) {
	conds, _, _ := unstructured.NestedSlice(o.Object, "status", "conditions")
	for _, c := range conds {
		m, ok := c.(map[string]any)
		if !ok || m["type"] != condType {
			continue
		}
		msg, _ := m["message"].(string)
		if reason, _ := m["reason"].(string); reason != "" {
			msg = fmt.Sprintf("%s=%v (%s) %s", condType, m["status"], reason, msg)
		}
		return m["status"] == "True", strings.TrimSpace(msg)
	}
	return false, condType + " not reported yet"
}
