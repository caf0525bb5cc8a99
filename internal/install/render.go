package install

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"
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

// ServiceAccountName is the ServiceAccount all three components run as in
// KEDA's release manifest.
const ServiceAccountName = "keda-operator"

// upstreamNamespace is the namespace KEDA's manifests install into.
const upstreamNamespace = "keda"

// Environment variables of KEDA's components that parameters set.
const (
	EnvWatchNamespace   = "WATCH_NAMESPACE"
	EnvHTTPTimeout      = "KEDA_HTTP_DEFAULT_TIMEOUT"
	EnvDisableKeepAlive = "KEDA_HTTP_DISABLE_KEEP_ALIVE"
)

// Command-line flags of KEDA's components that parameters set (zap's flags
// and controller-runtime's metrics address, see cmd/*/main.go in keda/v2).
const (
	FlagLogLevel        = "zap-log-level"
	FlagLogFormat       = "zap-encoder"
	FlagLogTimeEncoding = "zap-time-encoding"
	// FlagPrometheus switches the operator's Prometheus endpoint
	// (cmd/operator/main.go: enablePrometheusMetrics).
	FlagPrometheus = "enable-prometheus-metrics"
	// FlagMetricsAddress is where the webhooks serve Prometheus metrics;
	// "0" turns the endpoint off (controller-runtime's metricsserver).
	FlagMetricsAddress = "metrics-bind-address"
)

// ComponentParams size and configure one component. Zero values keep
// upstream's settings.
type ComponentParams struct {
	Image           string
	Replicas        *int32
	Resources       *corev1.ResourceRequirements
	LogLevel        string
	LogFormat       string
	LogTimeEncoding string
	// PodLabels and PodAnnotations are added to the pod template's.
	PodLabels      map[string]string
	PodAnnotations map[string]string
	// Affinity replaces Params.Affinity for this component.
	Affinity *corev1.Affinity
	// TopologySpreadConstraints without a label selector select the
	// component's own pods.
	TopologySpreadConstraints []corev1.TopologySpreadConstraint
	// PodSecurityContext and SecurityContext fields replace upstream's same
	// fields; upstream's other fields stay.
	PodSecurityContext *corev1.PodSecurityContext
	SecurityContext    *corev1.SecurityContext
	// ExtraArgs are `--name=value` flags: each replaces upstream's flag of
	// the same name, or is appended, in name order.
	ExtraArgs map[string]string
	// Volumes and VolumeMounts are added to upstream's.
	Volumes      []corev1.Volume
	VolumeMounts []corev1.VolumeMount
	// PodDisruptionBudget, when set, adds a PodDisruptionBudget named as the
	// Deployment, selecting its pods.
	PodDisruptionBudget *PodDisruptionBudget
	// PrometheusMetrics switches the component's Prometheus endpoint; nil
	// keeps KEDA's default (on).
	PrometheusMetrics *bool
}

// PodDisruptionBudget is a PodDisruptionBudget's policy: one of the two.
type PodDisruptionBudget struct {
	MinAvailable   *intstr.IntOrString
	MaxUnavailable *intstr.IntOrString
}

// ServiceAccountParams are added to the ServiceAccount's metadata.
type ServiceAccountParams struct {
	Annotations map[string]string
	Labels      map[string]string
}

// Params are the documented deviations from KEDA's release manifest.
type Params struct {
	// Version selects the bundled manifest; empty is Latest().
	Version           Version
	Namespace         string
	ImageRegistry     string
	ImagePullSecrets  []string
	Components        map[Component]ComponentParams
	WebhooksDisabled  bool
	WatchNamespace    string
	NodeSelector      map[string]string
	Tolerations       []corev1.Toleration
	PriorityClassName string
	// Affinity applies to every component without an Affinity of its own.
	Affinity       *corev1.Affinity
	ServiceAccount ServiceAccountParams
	// Env is set in every component's container: a variable of the same
	// name as upstream's replaces it.
	Env []corev1.EnvVar
	// HTTPTimeout is KEDA's default timeout of scalers' HTTP calls, in
	// milliseconds.
	HTTPTimeout *int64
	// HTTPKeepAlive false disables keep-alive on scalers' HTTP connections.
	HTTPKeepAlive *bool
}

// webhookObjects are left out when the admission webhooks are disabled.
var webhookObjects = map[string]bool{
	"Deployment/keda-admission":                     true,
	"Service/keda-admission-webhooks":               true,
	"ValidatingWebhookConfiguration/keda-admission": true,
}

// Render returns the objects to install: KEDA's release manifest of
// p.Version with the parameters applied, in the manifest's order (CRDs and
// the namespace first), each PodDisruptionBudget after its Deployment.
func Render(p Params) ([]*unstructured.Unstructured, error) {
	v := p.Version
	if v == "" {
		v = Latest()
	}
	objs, err := ObjectsOf(v)
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
		if o.GetKind() == "Deployment" {
			if c, ok := componentOf(o); ok && p.Components[c].PodDisruptionBudget != nil {
				out = append(out, podDisruptionBudget(o, p.Components[c].PodDisruptionBudget))
			}
		}
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
	case "ServiceAccount":
		if o.GetName() == ServiceAccountName {
			o.SetLabels(merged(o.GetLabels(), p.ServiceAccount.Labels))
			o.SetAnnotations(merged(o.GetAnnotations(), p.ServiceAccount.Annotations))
		}
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

func componentOf(o *unstructured.Unstructured) (Component, bool) {
	for c, name := range deploymentNames {
		if name == o.GetName() {
			return c, true
		}
	}
	return "", false
}

// merged returns base with extra's entries on top; nil when both are empty,
// so that an object without labels keeps none.
func merged(base, extra map[string]string) map[string]string {
	if len(base) == 0 && len(extra) == 0 {
		return base
	}
	out := maps.Clone(base)
	if out == nil {
		out = map[string]string{}
	}
	maps.Copy(out, extra)
	return out
}

func renderDeployment(o *unstructured.Unstructured, p Params) error {
	component, ok := componentOf(o)
	if !ok {
		return nil
	}
	cp := p.Components[component]
	if cp.Replicas != nil {
		if err := unstructured.SetNestedField(o.Object, int64(*cp.Replicas), "spec", "replicas"); err != nil {
			return err
		}
	}
	if err := renderPodMetadata(o, cp); err != nil {
		return err
	}
	pod, _, _ := unstructured.NestedMap(o.Object, "spec", "template", "spec")
	containers, _, _ := unstructured.NestedSlice(pod, "containers")
	if len(containers) == 0 {
		return fmt.Errorf("no containers")
	}
	c := containers[0].(map[string]any)
	if err := renderContainer(c, component, cp, p); err != nil {
		return err
	}
	containers[0] = c
	pod["containers"] = containers
	if err := renderPodSpec(pod, o, cp, p); err != nil {
		return err
	}
	return unstructured.SetNestedMap(o.Object, pod, "spec", "template", "spec")
}

func renderPodMetadata(o *unstructured.Unstructured, cp ComponentParams) error {
	if len(cp.PodLabels) > 0 {
		labels, _, _ := unstructured.NestedStringMap(o.Object, "spec", "template", "metadata", "labels")
		if err := unstructured.SetNestedStringMap(o.Object, merged(labels, cp.PodLabels), "spec", "template", "metadata", "labels"); err != nil {
			return err
		}
	}
	if len(cp.PodAnnotations) > 0 {
		ann, _, _ := unstructured.NestedStringMap(o.Object, "spec", "template", "metadata", "annotations")
		if err := unstructured.SetNestedStringMap(o.Object, merged(ann, cp.PodAnnotations), "spec", "template", "metadata", "annotations"); err != nil {
			return err
		}
	}
	return nil
}

func renderContainer(c map[string]any, component Component, cp ComponentParams, p Params) error {
	image, _ := c["image"].(string)
	switch {
	case cp.Image != "":
		c["image"] = cp.Image
	case p.ImageRegistry != "":
		c["image"] = withRegistry(image, p.ImageRegistry)
	}
	if cp.Resources != nil {
		res, err := toUnstructured(cp.Resources)
		if err != nil {
			return err
		}
		c["resources"] = res
	}
	if cp.SecurityContext != nil {
		if err := overlay(c, "securityContext", cp.SecurityContext); err != nil {
			return err
		}
	}
	args, _, _ := unstructured.NestedStringSlice(c, "args")
	if cp.LogLevel != "" {
		args = setFlag(args, FlagLogLevel, cp.LogLevel)
	}
	if cp.LogFormat != "" {
		args = setFlag(args, FlagLogFormat, cp.LogFormat)
	}
	if cp.LogTimeEncoding != "" {
		args = setFlag(args, FlagLogTimeEncoding, cp.LogTimeEncoding)
	}
	if cp.PrometheusMetrics != nil {
		switch component {
		case Operator:
			args = setFlag(args, FlagPrometheus, strconv.FormatBool(*cp.PrometheusMetrics))
		case Webhooks:
			addr := "0"
			if *cp.PrometheusMetrics {
				addr = ":8080"
			}
			args = setFlag(args, FlagMetricsAddress, addr)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(cp.ExtraArgs)) {
		args = setFlag(args, name, cp.ExtraArgs[name])
	}
	if args != nil {
		c["args"] = toAny(args)
	}
	env, err := renderEnv(c, component, p)
	if err != nil {
		return err
	}
	if env != nil {
		c["env"] = env
	}
	if len(cp.VolumeMounts) > 0 {
		mounts, _, _ := unstructured.NestedSlice(c, "volumeMounts")
		for i := range cp.VolumeMounts {
			u, err := toUnstructured(&cp.VolumeMounts[i])
			if err != nil {
				return err
			}
			mounts = append(mounts, u)
		}
		c["volumeMounts"] = mounts
	}
	return nil
}

// renderEnv sets the variables parameters decide. As KEDA's chart does, the
// keep-alive switch goes to the operator and the metrics server, which make
// the scalers' HTTP calls.
func renderEnv(c map[string]any, component Component, p Params) ([]any, error) {
	env, _, _ := unstructured.NestedSlice(c, "env")
	if p.WatchNamespace != "" {
		env = setEnv(env, map[string]any{"name": EnvWatchNamespace, "value": p.WatchNamespace}, false)
	}
	if p.HTTPTimeout != nil {
		env = setEnv(env, map[string]any{"name": EnvHTTPTimeout, "value": strconv.FormatInt(*p.HTTPTimeout, 10)}, true)
	}
	if p.HTTPKeepAlive != nil && !*p.HTTPKeepAlive && component != Webhooks {
		env = setEnv(env, map[string]any{"name": EnvDisableKeepAlive, "value": "true"}, true)
	}
	for i := range p.Env {
		u, err := toUnstructured(&p.Env[i])
		if err != nil {
			return nil, err
		}
		env = setEnv(env, u, true)
	}
	return env, nil
}

// setEnv replaces the variable of v's name, or appends v when add is set.
func setEnv(env []any, v map[string]any, add bool) []any {
	for i, e := range env {
		if m, ok := e.(map[string]any); ok && m["name"] == v["name"] {
			env[i] = v
			return env
		}
	}
	if add {
		env = append(env, v)
	}
	return env
}

// setFlag replaces `--name` or `--name=…` in args with `--name=value`, or
// appends it.
func setFlag(args []string, name, value string) []string {
	flag := "--" + name + "=" + value
	for i, a := range args {
		if a == "--"+name || strings.HasPrefix(a, "--"+name+"=") {
			args[i] = flag
			return args
		}
	}
	return append(args, flag)
}

func renderPodSpec(pod map[string]any, o *unstructured.Unstructured, cp ComponentParams, p Params) error {
	if len(p.ImagePullSecrets) > 0 {
		var refs []any
		for _, s := range p.ImagePullSecrets {
			refs = append(refs, map[string]any{"name": s})
		}
		pod["imagePullSecrets"] = refs
	}
	if len(p.NodeSelector) > 0 {
		sel, _, _ := unstructured.NestedStringMap(pod, "nodeSelector")
		pod["nodeSelector"] = toAnyMap(merged(sel, p.NodeSelector))
	}
	if len(p.Tolerations) > 0 {
		var tols []any
		for i := range p.Tolerations {
			u, err := toUnstructured(&p.Tolerations[i])
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
	affinity := cp.Affinity
	if affinity == nil {
		affinity = p.Affinity
	}
	if affinity != nil {
		u, err := toUnstructured(affinity)
		if err != nil {
			return err
		}
		pod["affinity"] = u
	}
	if len(cp.TopologySpreadConstraints) > 0 {
		selector, _, _ := unstructured.NestedStringMap(o.Object, "spec", "selector", "matchLabels")
		var tscs []any
		for _, t := range cp.TopologySpreadConstraints {
			if t.LabelSelector == nil {
				t.LabelSelector = &metav1.LabelSelector{MatchLabels: selector}
			}
			u, err := toUnstructured(&t)
			if err != nil {
				return err
			}
			tscs = append(tscs, u)
		}
		pod["topologySpreadConstraints"] = tscs
	}
	if cp.PodSecurityContext != nil {
		if err := overlay(pod, "securityContext", cp.PodSecurityContext); err != nil {
			return err
		}
	}
	if len(cp.Volumes) > 0 {
		vols, _, _ := unstructured.NestedSlice(pod, "volumes")
		for i := range cp.Volumes {
			u, err := toUnstructured(&cp.Volumes[i])
			if err != nil {
				return err
			}
			vols = append(vols, u)
		}
		pod["volumes"] = vols
	}
	return nil
}

// overlay sets the fields of over that are set on parent[key], keeping
// parent[key]'s other fields: upstream's hardening stays unless replaced.
func overlay(parent map[string]any, key string, over any) error {
	u, err := toUnstructured(over)
	if err != nil {
		return err
	}
	base, _ := parent[key].(map[string]any)
	if base == nil {
		base = map[string]any{}
	}
	maps.Copy(base, u)
	parent[key] = base
	return nil
}

func podDisruptionBudget(d *unstructured.Unstructured, b *PodDisruptionBudget) *unstructured.Unstructured {
	selector, _, _ := unstructured.NestedStringMap(d.Object, "spec", "selector", "matchLabels")
	spec := map[string]any{"selector": map[string]any{"matchLabels": toAnyMap(selector)}}
	for key, v := range map[string]*intstr.IntOrString{"minAvailable": b.MinAvailable, "maxUnavailable": b.MaxUnavailable} {
		if v == nil {
			continue
		}
		if v.Type == intstr.Int {
			spec[key] = int64(v.IntVal)
		} else {
			spec[key] = v.StrVal
		}
	}
	pdb := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "policy/v1",
		"kind":       "PodDisruptionBudget",
		"spec":       spec,
	}}
	pdb.SetName(d.GetName())
	pdb.SetNamespace(d.GetNamespace())
	pdb.SetLabels(d.GetLabels())
	return pdb
}

func toUnstructured(obj any) (map[string]any, error) {
	return runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
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

// UpstreamPod returns the volume names of a component's pod and the mount
// paths of its container in version v's manifest: what added volumes and
// mounts must not collide with.
func UpstreamPod(v Version, c Component) (volumes, mountPaths []string, err error) {
	objs, err := ObjectsOf(v)
	if err != nil {
		return nil, nil, err
	}
	for _, o := range objs {
		if o.GetKind() != "Deployment" || o.GetName() != deploymentNames[c] {
			continue
		}
		vols, _, _ := unstructured.NestedSlice(o.Object, "spec", "template", "spec", "volumes")
		for _, vol := range vols {
			if m, ok := vol.(map[string]any); ok {
				name, _ := m["name"].(string)
				volumes = append(volumes, name)
			}
		}
		containers, _, _ := unstructured.NestedSlice(o.Object, "spec", "template", "spec", "containers")
		if len(containers) > 0 {
			mounts, _, _ := unstructured.NestedSlice(containers[0].(map[string]any), "volumeMounts")
			for _, mount := range mounts {
				if m, ok := mount.(map[string]any); ok {
					p, _ := m["mountPath"].(string)
					mountPaths = append(mountPaths, p)
				}
			}
		}
	}
	return volumes, mountPaths, nil
}
