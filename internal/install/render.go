package install

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
)

// Component is one of KEDA's three Deployments.
type Component string

// KEDA's components, named as in the keda_installation schema.
const (
	Operator      Component = "operator"
	MetricsServer Component = "metrics_server"
	Webhooks      Component = "webhooks"
)

// Components lists them in install order.
var Components = []Component{Operator, MetricsServer, Webhooks}

// deploymentNames are the upstream Deployment names of the components.
var deploymentNames = map[Component]string{
	Operator:      "keda-operator",
	MetricsServer: "keda-metrics-apiserver",
	Webhooks:      "keda-admission",
}

// DeploymentName is the Deployment that runs a component.
func DeploymentName(c Component) string { return deploymentNames[c] }

// upstreamNamespace is the namespace KEDA's manifests install into.
const upstreamNamespace = "keda"

// ComponentParams size and configure one component. Zero values keep
// upstream's settings.
type ComponentParams struct {
	Image     string
	Replicas  *int32
	Resources *corev1.ResourceRequirements
	LogLevel  string
}

// Params are the documented deviations from KEDA's release manifest.
type Params struct {
	Namespace         string
	ImageRegistry     string
	ImagePullSecrets  []string
	Components        map[Component]ComponentParams
	WebhooksDisabled  bool
	WatchNamespace    string
	NodeSelector      map[string]string
	Tolerations       []corev1.Toleration
	PriorityClassName string
}

// webhookObjects are left out when the admission webhooks are disabled.
var webhookObjects = map[string]bool{
	"Deployment/keda-admission":                     true,
	"Service/keda-admission-webhooks":               true,
	"ValidatingWebhookConfiguration/keda-admission": true,
}

// Render returns the objects to install: KEDA's release manifest with the
// parameters applied, in the manifest's order (CRDs and the namespace
// first).
func Render(p Params) ([]*unstructured.Unstructured, error) {
	objs, err := Objects()
	if err != nil {
		return nil, err
	}
	ns := p.Namespace
	if ns == "" {
		ns = upstreamNamespace
	}
	var out []*unstructured.Unstructured
	for _, o := range objs {
		if p.WebhooksDisabled && webhookObjects[o.GetKind()+"/"+o.GetName()] {
			continue
		}
		if err := renderObject(o, ns, p); err != nil {
			return nil, fmt.Errorf("%s %s: %w", o.GetKind(), o.GetName(), err)
		}
		out = append(out, o)
	}
	return out, nil
}

func renderObject(o *unstructured.Unstructured, ns string, p Params) error {
	if o.GetNamespace() == upstreamNamespace {
		o.SetNamespace(ns)
	}
	switch o.GetKind() {
	case "Namespace":
		o.SetName(ns)
	case "RoleBinding", "ClusterRoleBinding":
		subjects, _, _ := unstructured.NestedSlice(o.Object, "subjects")
		for _, s := range subjects {
			if m, ok := s.(map[string]any); ok && m["namespace"] == upstreamNamespace {
				m["namespace"] = ns
			}
		}
		if subjects != nil {
			return unstructured.SetNestedSlice(o.Object, subjects, "subjects")
		}
	case "APIService":
		return unstructured.SetNestedField(o.Object, ns, "spec", "service", "namespace")
	case "ValidatingWebhookConfiguration":
		hooks, _, _ := unstructured.NestedSlice(o.Object, "webhooks")
		for _, h := range hooks {
			if m, ok := h.(map[string]any); ok {
				if err := unstructured.SetNestedField(m, ns, "clientConfig", "service", "namespace"); err != nil {
					return err
				}
			}
		}
		return unstructured.SetNestedSlice(o.Object, hooks, "webhooks")
	case "Deployment":
		return renderDeployment(o, p)
	}
	return nil
}

func renderDeployment(o *unstructured.Unstructured, p Params) error {
	var component Component
	for c, name := range deploymentNames {
		if name == o.GetName() {
			component = c
		}
	}
	if component == "" {
		return nil
	}
	cp := p.Components[component]
	if cp.Replicas != nil {
		if err := unstructured.SetNestedField(o.Object, int64(*cp.Replicas), "spec", "replicas"); err != nil {
			return err
		}
	}
	pod, _, _ := unstructured.NestedMap(o.Object, "spec", "template", "spec")
	containers, _, _ := unstructured.NestedSlice(pod, "containers")
	if len(containers) == 0 {
		return fmt.Errorf("no containers")
	}
	c := containers[0].(map[string]any)
	image, _ := c["image"].(string)
	switch {
	case cp.Image != "":
		c["image"] = cp.Image
	case p.ImageRegistry != "":
		c["image"] = withRegistry(image, p.ImageRegistry)
	}
	if cp.Resources != nil {
		res, err := runtime.DefaultUnstructuredConverter.ToUnstructured(cp.Resources)
		if err != nil {
			return err
		}
		c["resources"] = res
	}
	if cp.LogLevel != "" {
		args, _, _ := unstructured.NestedStringSlice(c, "args")
		for i, a := range args {
			if strings.HasPrefix(a, "--zap-log-level=") {
				args[i] = "--zap-log-level=" + cp.LogLevel
			}
		}
		c["args"] = toAny(args)
	}
	if p.WatchNamespace != "" {
		env, _, _ := unstructured.NestedSlice(c, "env")
		for _, e := range env {
			if m, ok := e.(map[string]any); ok && m["name"] == "WATCH_NAMESPACE" {
				m["value"] = p.WatchNamespace
			}
		}
		c["env"] = env
	}
	containers[0] = c
	pod["containers"] = containers
	if len(p.ImagePullSecrets) > 0 {
		var refs []any
		for _, s := range p.ImagePullSecrets {
			refs = append(refs, map[string]any{"name": s})
		}
		pod["imagePullSecrets"] = refs
	}
	if len(p.NodeSelector) > 0 {
		sel, _, _ := unstructured.NestedStringMap(pod, "nodeSelector")
		if sel == nil {
			sel = map[string]string{}
		}
		maps.Copy(sel, p.NodeSelector)
		pod["nodeSelector"] = toAnyMap(sel)
	}
	if len(p.Tolerations) > 0 {
		var tols []any
		for _, t := range p.Tolerations {
			u, err := runtime.DefaultUnstructuredConverter.ToUnstructured(&t)
			if err != nil {
				return err
			}
			tols = append(tols, u)
		}
		pod["tolerations"] = tols
	}
	if p.PriorityClassName != "" {
		pod["priorityClassName"] = p.PriorityClassName
	}
	return unstructured.SetNestedMap(o.Object, pod, "spec", "template", "spec")
}

// withRegistry moves an image to a mirror: ghcr.io/kedacore/keda:2.21.0 in
// registry.example/mirror becomes registry.example/mirror/kedacore/keda:2.21.0.
func withRegistry(image, registry string) string {
	_, path, ok := strings.Cut(image, "/")
	if !ok {
		path = image
	}
	return strings.TrimSuffix(registry, "/") + "/" + path
}

func toAny(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

func toAnyMap(m map[string]string) map[string]any {
	out := make(map[string]any, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out[k] = m[k]
	}
	return out
}
