package kube

import (
	"context"
	"fmt"
	"sort"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// KEDA's components, named as in the keda_installation schema.
const (
	ComponentOperator      = "operator"
	ComponentMetricsServer = "metrics_server"
	ComponentWebhooks      = "webhooks"
)

// Helm's marks on the objects of a release (Helm 3.2 and later).
const (
	HelmReleaseNameAnnotation      = "meta.helm.sh/release-name"
	HelmReleaseNamespaceAnnotation = "meta.helm.sh/release-namespace"
	ManagedByLabel                 = "app.kubernetes.io/managed-by"
)

// kedaPartOf is the app.kubernetes.io/part-of label of every Deployment of
// KEDA's release manifests and of its Helm chart (the chart's operator.name).
const kedaPartOf = "keda-operator"

// chartDeploymentNames are the Deployments of KEDA's Helm chart with its
// default names; an install stripped of its labels is still found by them.
var chartDeploymentNames = []string{"keda-operator", "keda-operator-metrics-apiserver", "keda-admission-webhooks"}

// ExternalMetricsAPIService is the APIService KEDA's metrics server
// registers; a cluster has one server of external metrics.
const ExternalMetricsAPIService = "v1beta1.external.metrics.k8s.io"

// FoundDeployment is a Deployment of a KEDA installation found in the
// cluster.
type FoundDeployment struct {
	Namespace, Name string
	Component       string
	// Version is the KEDA version it runs: its version label, else its
	// image tag.
	Version string
	// HelmRelease and HelmReleaseNamespace name the Helm release that
	// installed it, "" when Helm did not.
	HelmRelease, HelmReleaseNamespace string
	// Ours is true when this provider's field manager applied it.
	Ours              bool
	Replicas          int32
	AvailableReplicas int32
	Available         bool
}

// Ref is "Deployment keda/keda-operator".
func (d FoundDeployment) Ref() string { return "Deployment " + d.Namespace + "/" + d.Name }

// Describe names the Deployment and who installed it, for messages.
func (d FoundDeployment) Describe() string {
	switch {
	case d.HelmRelease != "":
		return fmt.Sprintf("%s (KEDA %s, Helm release %q in namespace %s)", d.Ref(), orUnknown(d.Version), d.HelmRelease, d.HelmReleaseNamespace)
	case d.Ours:
		return fmt.Sprintf("%s (KEDA %s, installed by keda_installation)", d.Ref(), orUnknown(d.Version))
	default:
		return fmt.Sprintf("%s (KEDA %s)", d.Ref(), orUnknown(d.Version))
	}
}

func orUnknown(v string) string {
	if v == "" {
		return "of unknown version"
	}
	return v
}

// FindKEDA lists the Deployments of every KEDA installation in the cluster,
// in any namespace, sorted by namespace and name: those labeled as KEDA's
// release manifests and Helm chart label them, and those named as the
// chart names them. Four list requests, none of them unbounded.
func (c *Client) FindKEDA(ctx context.Context) ([]FoundDeployment, error) {
	if err := c.init(); err != nil {
		return nil, err
	}
	selectors := []metav1.ListOptions{{LabelSelector: "app.kubernetes.io/part-of=" + kedaPartOf}}
	for _, name := range chartDeploymentNames {
		selectors = append(selectors, metav1.ListOptions{FieldSelector: "metadata.name=" + name})
	}
	seen := map[string]FoundDeployment{}
	for _, opts := range selectors {
		list, err := withRetry(ctx, "listing KEDA's Deployments", func(ctx context.Context) (*appsv1.DeploymentList, error) {
			return c.core.AppsV1().Deployments("").List(ctx, opts)
		})
		if err != nil {
			return nil, wrapOnce("listing KEDA's Deployments", err)
		}
		for i := range list.Items {
			d := foundDeployment(&list.Items[i])
			seen[d.Namespace+"/"+d.Name] = d
		}
	}
	out := make([]FoundDeployment, 0, len(seen))
	for _, k := range sortedKeys(seen) {
		out = append(out, seen[k])
	}
	return out, nil
}

func foundDeployment(d *appsv1.Deployment) FoundDeployment {
	f := FoundDeployment{
		Namespace: d.Namespace, Name: d.Name,
		HelmRelease:          d.Annotations[HelmReleaseNameAnnotation],
		HelmReleaseNamespace: d.Annotations[HelmReleaseNamespaceAnnotation],
		Version:              d.Labels[KEDAVersionLabel],
		Ours:                 appliedBy(d.ManagedFields, FieldManager),
		Replicas:             1,
		AvailableReplicas:    d.Status.AvailableReplicas,
	}
	if d.Spec.Replicas != nil {
		f.Replicas = *d.Spec.Replicas
	}
	for _, cond := range d.Status.Conditions {
		if cond.Type == appsv1.DeploymentAvailable {
			f.Available = cond.Status == corev1.ConditionTrue
		}
	}
	var image string
	if cs := d.Spec.Template.Spec.Containers; len(cs) > 0 {
		image = cs[0].Image
	}
	repo, tag := splitImage(image)
	if f.Version == "" {
		f.Version = strings.TrimPrefix(tag, "v")
	}
	switch {
	case strings.HasSuffix(repo, "/keda-metrics-apiserver") || strings.Contains(d.Name, "metrics-apiserver"):
		f.Component = ComponentMetricsServer
	case strings.HasSuffix(repo, "/keda-admission-webhooks") || strings.Contains(d.Name, "admission"):
		f.Component = ComponentWebhooks
	default:
		f.Component = ComponentOperator
	}
	return f
}

// splitImage splits "ghcr.io/kedacore/keda:2.21.0" into its repository and
// tag; a digest counts as no tag.
func splitImage(image string) (repo, tag string) {
	image, _, _ = strings.Cut(image, "@")
	slash := strings.LastIndex(image, "/")
	if colon := strings.LastIndex(image, ":"); colon > slash {
		return image[:colon], image[colon+1:]
	}
	return image, ""
}

// appliedBy reports whether manager has applied fields of the object.
func appliedBy(entries []metav1.ManagedFieldsEntry, manager string) bool {
	for _, e := range entries {
		if e.Manager == manager && e.Operation == metav1.ManagedFieldsOperationApply {
			return true
		}
	}
	return false
}

// MetricsAPIService is who serves the cluster's external metrics.
type MetricsAPIService struct {
	ServiceNamespace, ServiceName     string
	HelmRelease, HelmReleaseNamespace string
	Ours                              bool
	Available                         bool
}

// ExternalMetricsService reads the APIService v1beta1.external.metrics.k8s.io;
// nil when there is none.
func (c *Client) ExternalMetricsService(ctx context.Context) (*MetricsAPIService, error) {
	api, err := c.objectsOf(apiServiceGVK, "")
	if err != nil {
		return nil, err
	}
	live, err := api.Get(ctx, ExternalMetricsAPIService)
	if IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	s := &MetricsAPIService{
		HelmRelease:          live.GetAnnotations()[HelmReleaseNameAnnotation],
		HelmReleaseNamespace: live.GetAnnotations()[HelmReleaseNamespaceAnnotation],
		Ours:                 appliedBy(live.GetManagedFields(), FieldManager),
	}
	s.ServiceNamespace, _, _ = unstructured.NestedString(live.Object, "spec", "service", "namespace")
	s.ServiceName, _, _ = unstructured.NestedString(live.Object, "spec", "service", "name")
	s.Available, _ = conditionTrue(live, "Available")
	return s, nil
}

// KEDACRDNames are the CRDs of every KEDA release this provider knows.
var KEDACRDNames = []string{
	"scaledobjects.keda.sh", "scaledjobs.keda.sh", "triggerauthentications.keda.sh",
	"clustertriggerauthentications.keda.sh", "cloudeventsources.eventing.keda.sh",
	"clustercloudeventsources.eventing.keda.sh",
}

// FoundCRD is one of KEDA's CRDs found in the cluster.
type FoundCRD struct {
	Name string
	// Version is the KEDA version its labels name, "" when unlabeled.
	Version     string
	HelmRelease string
	Ours        bool
}

// FindKEDACRDs reads KEDA's CRDs, one request each; those absent are left
// out.
func (c *Client) FindKEDACRDs(ctx context.Context) ([]FoundCRD, error) {
	api, err := c.crds()
	if err != nil {
		return nil, err
	}
	var out []FoundCRD
	for _, name := range KEDACRDNames {
		live, err := api.Get(ctx, name)
		if IsNotFound(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, FoundCRD{
			Name: name, Version: live.GetLabels()[KEDAVersionLabel],
			HelmRelease: live.GetAnnotations()[HelmReleaseNameAnnotation],
			Ours:        appliedBy(live.GetManagedFields(), FieldManager),
		})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}
