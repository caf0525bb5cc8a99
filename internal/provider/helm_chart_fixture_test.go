package provider

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"

	"github.com/kedaml/terraform-provider-keda/internal/acctest"
	"github.com/kedaml/terraform-provider-keda/internal/install"
	"github.com/kedaml/terraform-provider-keda/internal/kube"
)

// chartLabels are the labels KEDA's Helm chart puts on everything it
// renders (its "keda.labels" helper), for release keda of chart 2.21.0.
const chartLabels = `
    helm.sh/chart: keda-2.21.0
    app.kubernetes.io/component: operator
    app.kubernetes.io/managed-by: Helm
    app.kubernetes.io/part-of: keda-operator
    app.kubernetes.io/version: 2.21.0
    app.kubernetes.io/instance: keda`

// chartManifest is what KEDA's Helm chart (kedacore/charts, keda/templates)
// renders with its default values for release keda in namespace keda,
// besides its CRDs: the objects, names, labels, selectors and wiring of the
// chart's templates. RBAC rules are abbreviated to one rule each; the
// takeover never reads them.
var chartManifest = strings.ReplaceAll(strings.ReplaceAll(`---
# Source: keda/templates/manager/serviceaccount.yaml
apiVersion: v1
kind: ServiceAccount
metadata:
  labels:
    app.kubernetes.io/name: keda-operator@LABELS@
  name: keda-operator
  namespace: keda
automountServiceAccountToken: true
---
# Source: keda/templates/manager/clusterrole.yaml
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  labels:
    app.kubernetes.io/name: keda-operator@LABELS@
  name: keda-operator
rules:
- apiGroups: [keda.sh]
  resources: [scaledjobs, scaledjobs/finalizers, scaledjobs/status, scaledobjects, scaledobjects/finalizers, scaledobjects/status, triggerauthentications, triggerauthentications/status]
  verbs: [get, list, patch, update, watch]
---
# Source: keda/templates/metrics-server/clusterrole.yaml
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  labels:
    app.kubernetes.io/name: keda-operator-external-metrics-reader@LABELS@
  name: keda-operator-external-metrics-reader
rules:
- apiGroups: [external.metrics.k8s.io]
  resources: ["*"]
  verbs: [get, list, watch]
---
# Source: keda/templates/manager/clusterrolebinding.yaml
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  labels:
    app.kubernetes.io/name: keda-operator@LABELS@
  name: keda-operator
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: keda-operator
subjects:
- kind: ServiceAccount
  name: keda-operator
  namespace: keda
---
# Source: keda/templates/metrics-server/clusterrolebinding.yaml
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  labels:
    app.kubernetes.io/name: keda-operator-system-auth-delegator@LABELS@
  name: keda-operator-system-auth-delegator
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: system:auth-delegator
subjects:
- kind: ServiceAccount
  name: keda-operator
  namespace: keda
---
# Source: keda/templates/metrics-server/clusterrolebinding.yaml
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  labels:
    app.kubernetes.io/name: keda-operator-hpa-controller-external-metrics@LABELS@
  name: keda-operator-hpa-controller-external-metrics
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: keda-operator-external-metrics-reader
subjects:
- kind: ServiceAccount
  name: horizontal-pod-autoscaler
  namespace: kube-system
---
# Source: keda/templates/metrics-server/clusterrolebinding.yaml
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  labels:
    app.kubernetes.io/name: keda-operator-auth-reader@LABELS@
  name: keda-operator-auth-reader
  namespace: kube-system
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: extension-apiserver-authentication-reader
subjects:
- kind: ServiceAccount
  name: keda-operator
  namespace: keda
---
# Source: keda/templates/manager/service.yaml
apiVersion: v1
kind: Service
metadata:
  labels:
    app.kubernetes.io/name: keda-operator@LABELS@
  name: keda-operator
  namespace: keda
spec:
  ports:
  - name: metricsservice
    port: 9666
    targetPort: 9666
  selector:
    app: keda-operator
---
# Source: keda/templates/metrics-server/service.yaml
apiVersion: v1
kind: Service
metadata:
  labels:
    app: keda-operator-metrics-apiserver
    app.kubernetes.io/name: keda-operator-metrics-apiserver@LABELS@
  name: keda-operator-metrics-apiserver
  namespace: keda
spec:
  type: ClusterIP
  ports:
  - name: https
    port: 443
    targetPort: 6443
    protocol: TCP
  - name: metrics
    port: 8080
    targetPort: 8080
    protocol: TCP
  selector:
    app: keda-operator-metrics-apiserver
---
# Source: keda/templates/webhooks/service.yaml
apiVersion: v1
kind: Service
metadata:
  labels:
    app.kubernetes.io/name: keda-admission-webhooks@LABELS@
  name: keda-admission-webhooks
  namespace: keda
spec:
  ports:
  - name: https
    port: 443
    protocol: TCP
    targetPort: 9443
  selector:
    app: keda-admission-webhooks
---
# Source: keda/templates/manager/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: keda-operator
  namespace: keda
  labels:
    app: keda-operator
    name: keda-operator
    app.kubernetes.io/name: keda-operator@LABELS@
spec:
  revisionHistoryLimit: 10
  replicas: 1
  selector:
    matchLabels:
      app: keda-operator
  template:
    metadata:
      labels:
        app: keda-operator
        name: keda-operator
        app.kubernetes.io/name: keda-operator@PODLABELS@
    spec:
      serviceAccountName: keda-operator
      automountServiceAccountToken: true
      containers:
      - name: keda-operator
        image: ghcr.io/kedacore/keda:2.21.0
        command: [/keda]
        args: [--leader-elect, --disable-compression=true, --zap-log-level=info, --zap-encoder=console, --zap-time-encoding=rfc3339,
          --cert-dir=/certs, --enable-cert-rotation=true, --cert-secret-name=kedaorg-certs, --operator-service-name=keda-operator,
          --metrics-server-service-name=keda-operator-metrics-apiserver, --webhooks-service-name=keda-admission-webhooks,
          --k8s-cluster-domain=cluster.local]
        ports:
        - {containerPort: 8080, name: http, protocol: TCP}
        - {containerPort: 9666, name: metricsservice, protocol: TCP}
        env:
        - {name: WATCH_NAMESPACE, value: ""}
        - {name: OPERATOR_NAME, value: keda-operator}
        volumeMounts:
        - {mountPath: /certs, name: certificates, readOnly: true}
      volumes:
      - name: certificates
        secret: {defaultMode: 420, secretName: kedaorg-certs, optional: true}
      nodeSelector:
        kubernetes.io/os: linux
---
# Source: keda/templates/metrics-server/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: keda-operator-metrics-apiserver
  namespace: keda
  labels:
    app: keda-operator-metrics-apiserver
    app.kubernetes.io/name: keda-operator-metrics-apiserver@LABELS@
spec:
  replicas: 1
  selector:
    matchLabels:
      app: keda-operator-metrics-apiserver
  template:
    metadata:
      labels:
        app: keda-operator-metrics-apiserver
        app.kubernetes.io/name: keda-operator-metrics-apiserver@PODLABELS@
    spec:
      serviceAccountName: keda-operator
      containers:
      - name: keda-operator-metrics-apiserver
        image: ghcr.io/kedacore/keda-metrics-apiserver:2.21.0
        args: [/usr/local/bin/keda-adapter, --port=8080, --secure-port=6443, --logtostderr=true,
          --metrics-service-address=keda-operator.keda.svc.cluster.local:9666, --client-ca-file=/certs/ca.crt,
          --tls-cert-file=/certs/tls.crt, --tls-private-key-file=/certs/tls.key, --cert-dir=/certs, --v=0]
        ports:
        - {containerPort: 6443, name: https, protocol: TCP}
        - {containerPort: 8080, name: metrics, protocol: TCP}
        volumeMounts:
        - {mountPath: /certs, name: certificates, readOnly: true}
      volumes:
      - name: certificates
        secret: {defaultMode: 420, secretName: kedaorg-certs}
      nodeSelector:
        kubernetes.io/os: linux
---
# Source: keda/templates/webhooks/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: keda-admission-webhooks
  namespace: keda
  labels:
    app: keda-admission-webhooks
    name: keda-admission-webhooks
    app.kubernetes.io/name: keda-admission-webhooks@LABELS@
spec:
  replicas: 1
  selector:
    matchLabels:
      app: keda-admission-webhooks
  template:
    metadata:
      labels:
        app: keda-admission-webhooks
        name: keda-admission-webhooks
        app.kubernetes.io/name: keda-admission-webhooks@PODLABELS@
    spec:
      serviceAccountName: keda-operator
      containers:
      - name: keda-admission-webhooks
        image: ghcr.io/kedacore/keda-admission-webhooks:2.21.0
        command: [/keda-admission-webhooks]
        args: [--zap-log-level=info, --zap-encoder=console, --zap-time-encoding=rfc3339, --cert-dir=/certs,
          --health-probe-bind-address=:8081]
        ports:
        - {containerPort: 9443, name: http, protocol: TCP}
        volumeMounts:
        - {mountPath: /certs, name: certificates, readOnly: true}
      volumes:
      - name: certificates
        secret: {defaultMode: 420, secretName: kedaorg-certs}
      nodeSelector:
        kubernetes.io/os: linux
---
# Source: keda/templates/metrics-server/apiservice.yaml
apiVersion: apiregistration.k8s.io/v1
kind: APIService
metadata:
  labels:
    app.kubernetes.io/name: v1beta1.external.metrics.k8s.io@LABELS@
  name: v1beta1.external.metrics.k8s.io
spec:
  service:
    name: keda-operator-metrics-apiserver
    namespace: keda
    port: 443
  group: external.metrics.k8s.io
  version: v1beta1
  groupPriorityMinimum: 100
  versionPriority: 100
---
# Source: keda/templates/webhooks/validatingconfiguration.yaml
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata:
  labels:
    app.kubernetes.io/name: keda-admission-webhooks@LABELS@
  name: keda-admission
  namespace: keda
webhooks:
- admissionReviewVersions: [v1]
  clientConfig:
    service:
      name: keda-admission-webhooks
      namespace: keda
      path: /validate-keda-sh-v1alpha1-scaledobject
  failurePolicy: Ignore
  matchPolicy: Equivalent
  name: vscaledobject.kb.io
  namespaceSelector: {}
  objectSelector: {}
  rules:
  - apiGroups: [keda.sh]
    apiVersions: [v1alpha1]
    operations: [CREATE, UPDATE]
    resources: [scaledobjects]
  sideEffects: None
  timeoutSeconds: 10
`, "@LABELS@", chartLabels), "@PODLABELS@", strings.ReplaceAll(chartLabels, "\n", "\n    "))

// installKEDAWithHelmChart writes KEDA into cp the way `helm install keda
// kedacore/keda --namespace keda --create-namespace --version 2.21.0` does:
// the namespace outside the release; the chart's CRDs (the bundled schemas,
// with the chart's labels) and objects, created by Helm's field manager
// with the ownership annotations Helm adds; and Helm's record of the
// release, Secret sh.helm.release.v1.keda.v1, holding the rendered
// manifest.
func installKEDAWithHelmChart(t *testing.T, cp *acctest.ControlPlane) {
	t.Helper()
	ctx := context.Background()
	if _, err := cp.Clientset().CoreV1().Namespaces().Create(ctx,
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "keda"}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	var manifest strings.Builder
	var objs []*unstructured.Unstructured
	all, err := install.Objects()
	if err != nil {
		t.Fatal(err)
	}
	for _, crd := range all {
		if crd.GetKind() != "CustomResourceDefinition" {
			continue
		}
		labels := map[string]string{"app.kubernetes.io/name": "keda-operator"}
		if err := yaml.Unmarshal([]byte(chartLabels), &labels); err != nil {
			t.Fatal(err)
		}
		delete(labels, "app.kubernetes.io/instance")
		crd.SetLabels(labels)
		doc, err := yaml.Marshal(crd.Object)
		if err != nil {
			t.Fatal(err)
		}
		manifest.WriteString("---\n# Source: keda/templates/crds/crd-" + strings.Split(crd.GetName(), ".")[0] + ".yaml\n")
		manifest.Write(doc)
		objs = append(objs, crd)
	}
	manifest.WriteString(chartManifest)
	for _, doc := range strings.Split(chartManifest, "\n---\n") {
		o := &unstructured.Unstructured{}
		if err := yaml.Unmarshal([]byte(doc), &o.Object); err != nil {
			t.Fatal(err)
		}
		if len(o.Object) > 0 {
			objs = append(objs, o)
		}
	}
	for _, o := range objs {
		annotations := o.GetAnnotations()
		if annotations == nil {
			annotations = map[string]string{}
		}
		annotations["meta.helm.sh/release-name"] = "keda"
		annotations["meta.helm.sh/release-namespace"] = "keda"
		o.SetAnnotations(annotations)
		gvk := o.GroupVersionKind()
		ri := cp.Dynamic().Resource(gvk.GroupVersion().WithResource(chartResources[gvk.Kind]))
		var err error
		if clusterScoped[gvk.Kind] {
			_, err = ri.Create(ctx, o, metav1.CreateOptions{FieldManager: "helm"})
		} else {
			_, err = ri.Namespace(o.GetNamespace()).Create(ctx, o, metav1.CreateOptions{FieldManager: "helm"})
		}
		if err != nil {
			t.Fatalf("creating the chart's %s %s: %v", o.GetKind(), o.GetName(), err)
		}
	}
	var crds []*unstructured.Unstructured
	for _, o := range objs {
		if o.GetKind() == "CustomResourceDefinition" {
			crds = append(crds, o)
		}
	}
	waitCtx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if err := kube.NewClientFromREST(cp.Config).WaitEstablished(waitCtx, crds); err != nil {
		t.Fatal(err)
	}
	record := map[string]any{
		"name": "keda", "namespace": "keda", "version": 1, "manifest": manifest.String(),
		"info":  map[string]any{"status": "deployed", "description": "Install complete"},
		"chart": map[string]any{"metadata": map[string]any{"name": "keda", "version": "2.21.0", "appVersion": "2.21.0"}},
	}
	secret := &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: "sh.helm.release.v1.keda.v1", Namespace: "keda",
			Labels: map[string]string{"name": "keda", "owner": "helm", "status": "deployed", "version": "1"}},
		Type: "helm.sh/release.v1",
		Data: map[string][]byte{"release": helmRecord(t, record)},
	}
	if _, err := cp.Clientset().CoreV1().Secrets("keda").Create(ctx, secret, metav1.CreateOptions{FieldManager: "helm"}); err != nil {
		t.Fatal(err)
	}
}

// chartResources are the API resources of the kinds the chart renders.
var chartResources = map[string]string{
	"CustomResourceDefinition": "customresourcedefinitions", "ServiceAccount": "serviceaccounts",
	"ClusterRole": "clusterroles", "ClusterRoleBinding": "clusterrolebindings", "RoleBinding": "rolebindings",
	"Service": "services", "Deployment": "deployments", "APIService": "apiservices",
	"ValidatingWebhookConfiguration": "validatingwebhookconfigurations",
}

// clusterScoped are the chart's kinds that live outside namespaces.
var clusterScoped = map[string]bool{
	"CustomResourceDefinition": true, "ClusterRole": true, "ClusterRoleBinding": true, "APIService": true,
	"ValidatingWebhookConfiguration": true,
}

// helmRecord encodes a release as Helm's Secret storage driver does: JSON,
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
