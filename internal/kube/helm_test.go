package kube

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// helmRecord encodes a release as Helm's Secret driver stores it: JSON,
// gzipped, base64.
func helmRecord(t *testing.T, rel map[string]any) []byte {
	t.Helper()
	raw, err := json.Marshal(rel)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(raw); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return []byte(base64.StdEncoding.EncodeToString(buf.Bytes()))
}

func TestDecodeHelmRelease(t *testing.T) {
	manifest := `---
# Source: keda/templates/crds/crd-scaledobjects.yaml
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: scaledobjects.keda.sh
---
# Source: keda/templates/manager/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: keda-operator
  labels:
    app.kubernetes.io/part-of: keda-operator
---
# Source: keda/templates/webhooks/validatingconfiguration.yaml
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata:
  name: keda-admission
  namespace: autoscaling
---
# Source: keda/templates/metrics-server/clusterrolebinding.yaml
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: keda-operator-auth-reader
  namespace: kube-system
`
	data := helmRecord(t, map[string]any{
		"name": "keda", "namespace": "autoscaling", "version": 3, "manifest": manifest,
		"info":  map[string]any{"status": "deployed"},
		"chart": map[string]any{"metadata": map[string]any{"name": "keda", "version": "2.16.1", "appVersion": "2.16.1"}},
	})
	stored, err := decodeHelmRelease(data)
	if err != nil {
		t.Fatal(err)
	}
	if stored.Info.Status != "deployed" || stored.Chart.Metadata.AppVersion != "2.16.1" || stored.Version != 3 {
		t.Errorf("decoded %+v", stored)
	}
	objs, err := manifestObjects(stored.Manifest, "autoscaling")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, o := range objs {
		got = append(got, ObjectRef(o))
	}
	want := []string{
		"CustomResourceDefinition scaledobjects.keda.sh",
		"Deployment autoscaling/keda-operator",
		"ValidatingWebhookConfiguration keda-admission",
		"RoleBinding kube-system/keda-operator-auth-reader",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("objects (-want +got):\n%s", diff)
	}
	rel := &HelmRelease{Objects: objs}
	if !rel.InstallsKEDA() {
		t.Error("a release with KEDA's CRDs and operator is not recognized as KEDA's")
	}
	if (&HelmRelease{Objects: objs[2:]}).InstallsKEDA() {
		t.Error("a release without KEDA's CRDs or operator is taken for KEDA's")
	}
}

func TestDecodeHelmReleaseRejectsGarbage(t *testing.T) {
	if _, err := decodeHelmRelease([]byte("not base64!")); err == nil {
		t.Error("garbage decoded")
	}
}

func TestFoundDeployment(t *testing.T) {
	deployment := func(name, image string, labels, annotations map[string]string) *appsv1.Deployment {
		return &appsv1.Deployment{
			ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "keda", Labels: labels, Annotations: annotations},
			Spec: appsv1.DeploymentSpec{Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{
				Containers: []corev1.Container{{Name: name, Image: image}},
			}}},
			Status: appsv1.DeploymentStatus{AvailableReplicas: 1, Conditions: []appsv1.DeploymentCondition{
				{Type: appsv1.DeploymentAvailable, Status: corev1.ConditionTrue},
			}},
		}
	}
	helm := map[string]string{HelmReleaseNameAnnotation: "keda", HelmReleaseNamespaceAnnotation: "keda"}
	for _, tc := range []struct {
		d    *appsv1.Deployment
		want FoundDeployment
	}{
		{
			deployment("keda-operator", "ghcr.io/kedacore/keda:2.16.1", map[string]string{KEDAVersionLabel: "2.16.1"}, helm),
			FoundDeployment{Namespace: "keda", Name: "keda-operator", Component: ComponentOperator, Version: "2.16.1",
				HelmRelease: "keda", HelmReleaseNamespace: "keda", Replicas: 1, AvailableReplicas: 1, Available: true},
		},
		{
			// Named as the chart names it, version from the image of a mirror.
			deployment("keda-operator-metrics-apiserver", "registry.internal:5000/kedacore/keda-metrics-apiserver:v2.15.0", nil, nil),
			FoundDeployment{Namespace: "keda", Name: "keda-operator-metrics-apiserver", Component: ComponentMetricsServer,
				Version: "2.15.0", Replicas: 1, AvailableReplicas: 1, Available: true},
		},
		{
			deployment("keda-admission", "ghcr.io/kedacore/keda-admission-webhooks@sha256:0123", nil, nil),
			FoundDeployment{Namespace: "keda", Name: "keda-admission", Component: ComponentWebhooks, Replicas: 1,
				AvailableReplicas: 1, Available: true},
		},
	} {
		if diff := cmp.Diff(tc.want, foundDeployment(tc.d)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.d.Name, diff)
		}
	}
}
