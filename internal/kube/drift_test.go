package kube

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"
)

func fromYAML(t *testing.T, doc string) *unstructured.Unstructured {
	t.Helper()
	o := &unstructured.Unstructured{}
	if err := yaml.Unmarshal([]byte(doc), &o.Object); err != nil {
		t.Fatal(err)
	}
	return o
}

// withManaged sets managedFields as the API server records them: one entry
// per manager and operation, FieldsV1 as JSON.
func withManaged(o *unstructured.Unstructured, entries ...metav1.ManagedFieldsEntry) *unstructured.Unstructured {
	o.SetManagedFields(entries)
	return o
}

func applied(manager, fields string) metav1.ManagedFieldsEntry {
	return metav1.ManagedFieldsEntry{Manager: manager, Operation: metav1.ManagedFieldsOperationApply, APIVersion: "apps/v1",
		FieldsType: "FieldsV1", FieldsV1: metav1.NewFieldsV1(fields)}
}

func updated(manager, fields string) metav1.ManagedFieldsEntry {
	e := applied(manager, fields)
	e.Operation = metav1.ManagedFieldsOperationUpdate
	return e
}

// The operator Deployment as the provider applies it: numbers as YAML
// decodes them (float64), a port without its defaulted protocol, a CPU
// limit written as the manifest writes it.
const intentDeployment = `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: keda-operator
  namespace: keda
  labels:
    app: keda-operator
spec:
  replicas: 1
  selector:
    matchLabels:
      app: keda-operator
  template:
    metadata:
      labels:
        app: keda-operator
    spec:
      containers:
      - name: keda-operator
        image: ghcr.io/kedacore/keda:2.21.0
        args: ["--leader-elect", "--zap-log-level=info"]
        env:
        - name: WATCH_NAMESPACE
          value: ""
        ports:
        - containerPort: 8080
          name: http
        resources:
          limits:
            cpu: 1000m
            memory: 1000Mi
`

// What the API server stores after that apply: defaults everywhere, and
// the empty env value dropped (omitempty).
const liveDeployment = `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: keda-operator
  namespace: keda
  uid: 5f0e
  resourceVersion: "812"
  generation: 1
  labels:
    app: keda-operator
spec:
  replicas: 1
  revisionHistoryLimit: 10
  progressDeadlineSeconds: 600
  strategy:
    type: RollingUpdate
    rollingUpdate: {maxSurge: 25%, maxUnavailable: 25%}
  selector:
    matchLabels:
      app: keda-operator
  template:
    metadata:
      labels:
        app: keda-operator
    spec:
      restartPolicy: Always
      dnsPolicy: ClusterFirst
      schedulerName: default-scheduler
      terminationGracePeriodSeconds: 30
      containers:
      - name: keda-operator
        image: ghcr.io/kedacore/keda:2.21.0
        imagePullPolicy: IfNotPresent
        terminationMessagePath: /dev/termination-log
        args: ["--leader-elect", "--zap-log-level=info"]
        env:
        - name: WATCH_NAMESPACE
        ports:
        - containerPort: 8080
          name: http
          protocol: TCP
        resources:
          limits:
            cpu: "1"
            memory: 1000Mi
status:
  replicas: 1
  availableReplicas: 1
`

const ownedDeployment = `{"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:replicas":{},"f:selector":{},
"f:template":{"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:containers":{"k:{\"name\":\"keda-operator\"}":{
".":{},"f:args":{},"f:env":{"k:{\"name\":\"WATCH_NAMESPACE\"}":{".":{},"f:name":{},"f:value":{}}},"f:image":{},"f:name":{},
"f:ports":{"k:{\"containerPort\":8080,\"protocol\":\"TCP\"}":{".":{},"f:containerPort":{},"f:name":{}}},
"f:resources":{"f:limits":{"f:cpu":{},"f:memory":{}}}}}}}}}`

// ownedWithout is ownedDeployment with spec.replicas taken by another
// manager.
const ownedWithoutReplicas = `{"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:selector":{},
"f:template":{"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:containers":{"k:{\"name\":\"keda-operator\"}":{
".":{},"f:args":{},"f:env":{"k:{\"name\":\"WATCH_NAMESPACE\"}":{".":{},"f:name":{},"f:value":{}}},"f:image":{},"f:name":{},
"f:ports":{"k:{\"containerPort\":8080,\"protocol\":\"TCP\"}":{".":{},"f:containerPort":{},"f:name":{}}},
"f:resources":{"f:limits":{"f:cpu":{},"f:memory":{}}}}}}}}}`

func TestDrift(t *testing.T) {
	for _, tc := range []struct {
		name   string
		intent string
		live   func(t *testing.T) *unstructured.Unstructured
		want   []string
	}{
		{
			name:   "defaults and normalized quantities are no drift",
			intent: intentDeployment,
			live: func(t *testing.T) *unstructured.Unstructured {
				return withManaged(fromYAML(t, liveDeployment), applied(FieldManager, ownedDeployment))
			},
		},
		{
			name:   "a field another manager took is drift",
			intent: intentDeployment,
			live: func(t *testing.T) *unstructured.Unstructured {
				live := fromYAML(t, liveDeployment)
				_ = unstructured.SetNestedField(live.Object, int64(5), "spec", "replicas")
				return withManaged(live, applied(FieldManager, ownedWithoutReplicas), updated("kubectl-edit", `{"f:spec":{"f:replicas":{}}}`))
			},
			want: []string{".spec.replicas"},
		},
		{
			name: "an owned field whose intent changed is drift",
			intent: func() string {
				o := fromYAML(t, intentDeployment)
				cs, _, _ := unstructured.NestedSlice(o.Object, "spec", "template", "spec", "containers")
				cs[0].(map[string]any)["image"] = "ghcr.io/kedacore/keda:2.22.0"
				_ = unstructured.SetNestedSlice(o.Object, cs, "spec", "template", "spec", "containers")
				b, _ := yaml.Marshal(o.Object)
				return string(b)
			}(),
			live: func(t *testing.T) *unstructured.Unstructured {
				return withManaged(fromYAML(t, liveDeployment), applied(FieldManager, ownedDeployment))
			},
			want: []string{".spec.template.spec.containers[name=keda-operator].image"},
		},
		{
			name:   "an owned list element removed by hand is drift",
			intent: intentDeployment,
			live: func(t *testing.T) *unstructured.Unstructured {
				live := fromYAML(t, liveDeployment)
				cs, _, _ := unstructured.NestedSlice(live.Object, "spec", "template", "spec", "containers")
				delete(cs[0].(map[string]any), "env")
				_ = unstructured.SetNestedSlice(live.Object, cs, "spec", "template", "spec", "containers")
				return withManaged(live, applied(FieldManager, ownedDeployment))
			},
			want: []string{".spec.template.spec.containers[name=keda-operator].env"},
		},
		{
			name:   "fields others added are not ours to compare",
			intent: intentDeployment,
			live: func(t *testing.T) *unstructured.Unstructured {
				live := fromYAML(t, liveDeployment)
				_ = unstructured.SetNestedField(live.Object, "x", "metadata", "annotations", "team")
				return withManaged(live, applied(FieldManager, ownedDeployment), updated("kubectl-annotate", `{"f:metadata":{"f:annotations":{"f:team":{}}}}`))
			},
		},
		{
			name:   "an object the provider never applied has drifted as a whole",
			intent: intentDeployment,
			live: func(t *testing.T) *unstructured.Unstructured {
				return withManaged(fromYAML(t, liveDeployment), updated("helm", ownedDeployment))
			},
			want: []string{".metadata", ".spec"},
		},
		{
			name: "an atomic list holds defaulted fields",
			intent: `
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata: {name: keda-admission}
webhooks:
- name: vscaledobject.kb.io
  rules:
  - apiGroups: [keda.sh]
    apiVersions: [v1alpha1]
    operations: [CREATE, UPDATE]
    resources: [scaledobjects]
`,
			live: func(t *testing.T) *unstructured.Unstructured {
				live := fromYAML(t, `
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata: {name: keda-admission}
webhooks:
- name: vscaledobject.kb.io
  matchPolicy: Equivalent
  timeoutSeconds: 10
  rules:
  - apiGroups: [keda.sh]
    apiVersions: [v1alpha1]
    operations: [CREATE, UPDATE]
    resources: [scaledobjects]
    scope: "*"
`)
				return withManaged(live, applied(FieldManager, `{"f:webhooks":{"k:{\"name\":\"vscaledobject.kb.io\"}":{".":{},"f:name":{},"f:rules":{}}}}`))
			},
		},
		{
			name: "an atomic list changed is drift",
			intent: `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: keda-operator}
rules:
- apiGroups: [keda.sh]
  resources: [scaledobjects]
  verbs: [get, list, watch]
`,
			live: func(t *testing.T) *unstructured.Unstructured {
				live := fromYAML(t, `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: keda-operator}
rules:
- apiGroups: [keda.sh]
  resources: [scaledobjects]
  verbs: [get]
`)
				return withManaged(live, applied(FieldManager, `{"f:rules":{}}`))
			},
			want: []string{".rules"},
		},
		{
			name: "sets of strings are matched by value",
			intent: `
apiVersion: v1
kind: Namespace
metadata:
  name: keda
  finalizers: [example.com/keep]
`,
			live: func(t *testing.T) *unstructured.Unstructured {
				live := fromYAML(t, `
apiVersion: v1
kind: Namespace
metadata:
  name: keda
  finalizers: [other.io/x, example.com/keep]
`)
				return withManaged(live, applied(FieldManager, `{"f:metadata":{"f:finalizers":{".":{},"v:\"example.com/keep\"":{}}}}`))
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Drift(fromYAML(t, tc.intent), tc.live(t), FieldManager)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("drift (-want +got):\n%s", diff)
			}
		})
	}
}

func TestScalarEqual(t *testing.T) {
	for _, tc := range []struct {
		a, b       any
		quantities bool
		want       bool
	}{
		{float64(1), int64(1), false, true},
		{float64(1.5), int64(1), false, false},
		{"1000m", "1", true, true},
		{"1000m", "1", false, false},
		{float64(1), "1", true, true},
		{"1Gi", "1024Mi", true, true},
		{"1Gi", "1G", true, false},
		{"abc", "abc", false, true},
		{"not-a-quantity", "1", true, false},
		{true, true, false, true},
		{nil, "", false, false},
	} {
		if got := scalarEqual(tc.a, tc.b, tc.quantities); got != tc.want {
			t.Errorf("scalarEqual(%#v, %#v, quantities=%v) = %v, want %v", tc.a, tc.b, tc.quantities, got, tc.want)
		}
	}
}
