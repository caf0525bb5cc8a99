package kube

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
)

// resourceFor maps the kinds of KEDA's install manifest and Helm chart to
// their API resources. A fixed table instead of discovery: no request is spent
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
	// What else KEDA's Helm chart may have installed, for the takeover.
	{Group: "", Kind: "Secret"}:                         {"secrets", true},
	{Group: "", Kind: "ConfigMap"}:                      {"configmaps", true},
	{Group: "policy", Kind: "PodDisruptionBudget"}:      {"poddisruptionbudgets", true},
	{Group: "networking.k8s.io", Kind: "NetworkPolicy"}: {"networkpolicies", true},
}

// ObjectRef names an object in messages and state: "Deployment keda/keda-operator".
func ObjectRef(o *unstructured.Unstructured) string {
	if o.GetNamespace() == "" {
		return o.GetKind() + " " + o.GetName()
	}
	return o.GetKind() + " " + o.GetNamespace() + "/" + o.GetName()
}

// dynamicClient gives a dynamic resource client the shape of client-go's
// typed ones, so that unstructured objects go through Objects too.
type dynamicClient struct{ ri dynamic.ResourceInterface }

func (d dynamicClient) Get(ctx context.Context, name string, opts metav1.GetOptions) (*unstructured.Unstructured, error) {
	return d.ri.Get(ctx, name, opts)
}

func (d dynamicClient) Patch(ctx context.Context, name string, pt types.PatchType, data []byte, opts metav1.PatchOptions, subresources ...string) (*unstructured.Unstructured, error) {
	return d.ri.Patch(ctx, name, pt, data, opts, subresources...)
}

// ObjectsFor is the API of o's kind in o's namespace: the installation's
// objects are applied, read, deleted and waited for as every other object.
func (c *Client) ObjectsFor(o *unstructured.Unstructured) (Objects[*unstructured.Unstructured], error) {
	return c.objectsOf(o.GroupVersionKind(), o.GetNamespace())
}

func (c *Client) objectsOf(gvk schema.GroupVersionKind, namespace string) (Objects[*unstructured.Unstructured], error) {
	if err := c.init(); err != nil {
		return Objects[*unstructured.Unstructured]{}, err
	}
	r, ok := resourceFor[gvk.GroupKind()]
	if !ok {
		return Objects[*unstructured.Unstructured]{}, fmt.Errorf("%s: kind not supported by the installer", gvk.Kind)
	}
	rc, err := c.restFor(gvk.GroupVersion())
	if err != nil {
		return Objects[*unstructured.Unstructured]{}, err
	}
	ri := c.dynamic.Resource(gvk.GroupVersion().WithResource(r.resource))
	o := Objects[*unstructured.Unstructured]{
		Kind: gvk.Kind, FieldManager: FieldManager, Conflicts: c.conflictPolicy(), starting: c.starting,
		client: dynamicClient{ri}, rest: rc, resource: r.resource, builtin: true,
	}
	if r.namespaced {
		o.client, o.namespace = dynamicClient{ri.Namespace(namespace)}, namespace
	}
	return o, nil
}

// restFor is a REST client for one group version, built once: deletes read
// the API server's answer, which the dynamic client throws away.
func (c *Client) restFor(gv schema.GroupVersion) (rest.Interface, error) {
	c.restMu.Lock()
	defer c.restMu.Unlock()
	if rc, ok := c.restByGV[gv]; ok {
		return rc, nil
	}
	cfg := rest.CopyConfig(c.rest)
	cfg.GroupVersion = &gv
	cfg.APIPath = "/apis"
	if gv.Group == "" {
		cfg.APIPath = "/api"
	}
	cfg.ContentType = "application/json"
	cfg.NegotiatedSerializer = scheme.Codecs.WithoutConversion()
	rc, err := rest.RESTClientForConfigAndClient(cfg, c.httpClient)
	if err != nil {
		return nil, fmt.Errorf("building the REST client for %s: %w", gv, err)
	}
	if c.restByGV == nil {
		c.restByGV = map[schema.GroupVersion]rest.Interface{}
	}
	c.restByGV[gv] = rc
	return rc, nil
}

var (
	crdGVK        = schema.GroupVersionKind{Group: "apiextensions.k8s.io", Version: "v1", Kind: "CustomResourceDefinition"}
	apiServiceGVK = schema.GroupVersionKind{Group: "apiregistration.k8s.io", Version: "v1", Kind: "APIService"}
	namespaceGVK  = schema.GroupVersionKind{Version: "v1", Kind: "Namespace"}
	secretGVK     = schema.GroupVersionKind{Version: "v1", Kind: "Secret"}
)

// crds is the CustomResourceDefinition API.
func (c *Client) crds() (Objects[*unstructured.Unstructured], error) {
	return c.objectsOf(crdGVK, "")
}

// Namespaces is the Namespace API.
func (c *Client) Namespaces() (Objects[*unstructured.Unstructured], error) {
	return c.objectsOf(namespaceGVK, "")
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
	api, err := c.crds()
	if err != nil {
		return err
	}
	for _, crd := range crds {
		var last string
		err := poll(ctx, func() (bool, error) {
			live, err := api.Get(ctx, crd.GetName())
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
	api, err := c.ObjectsFor(d)
	if err != nil {
		return err
	}
	var live *unstructured.Unstructured
	err = poll(ctx, func() (bool, error) {
		var err error
		live, err = api.Get(ctx, d.GetName())
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
	api, err := c.ObjectsFor(a)
	if err != nil {
		return err
	}
	var last string
	return poll(ctx, func() (bool, error) {
		live, err := api.Get(ctx, a.GetName())
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
