package install

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/intstr"
)

func ptr[T any](v T) *T { return &v }

// field reads a nested field of the object kind/name, failing when the
// object is missing.
func field(t *testing.T, objs []*unstructured.Unstructured, kind, name string, fields ...string) any {
	t.Helper()
	o := find(objs, kind, name)
	if o == nil {
		t.Fatalf("%s %s not rendered", kind, name)
	}
	v, _, err := unstructured.NestedFieldNoCopy(o.Object, fields...)
	if err != nil {
		t.Fatalf("%s %s %v: %v", kind, name, fields, err)
	}
	return v
}

func containerField(t *testing.T, objs []*unstructured.Unstructured, deployment, key string) any {
	t.Helper()
	cs := field(t, objs, "Deployment", deployment, "spec", "template", "spec", "containers").([]any)
	return cs[0].(map[string]any)[key]
}

func args(t *testing.T, objs []*unstructured.Unstructured, deployment string) []string {
	t.Helper()
	var out []string
	for _, a := range containerField(t, objs, deployment, "args").([]any) {
		out = append(out, a.(string))
	}
	return out
}

func envOf(t *testing.T, objs []*unstructured.Unstructured, deployment string) map[string]any {
	t.Helper()
	out := map[string]any{}
	for _, e := range containerField(t, objs, deployment, "env").([]any) {
		m := e.(map[string]any)
		if v, ok := m["value"]; ok {
			out[m["name"].(string)] = v
		} else {
			out[m["name"].(string)] = m["valueFrom"]
		}
	}
	return out
}

func names(list any, key string) []string {
	var out []string
	items, _ := list.([]any)
	for _, i := range items {
		out = append(out, i.(map[string]any)[key].(string))
	}
	return out
}

const (
	op  = "keda-operator"
	ms  = "keda-metrics-apiserver"
	adm = "keda-admission"
)

var deployments = []string{op, ms, adm}

// Each setting lands on the object and field where KEDA's Helm chart puts
// it (kedacore/charts keda/templates: manager/, metrics-server/, webhooks/).
func TestRenderSettings(t *testing.T) {
	antiAffinity := &corev1.Affinity{PodAntiAffinity: &corev1.PodAntiAffinity{
		RequiredDuringSchedulingIgnoredDuringExecution: []corev1.PodAffinityTerm{{
			LabelSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "keda-operator"}},
			TopologyKey:   "kubernetes.io/hostname",
		}},
	}}
	zoneAffinity := &corev1.Affinity{NodeAffinity: &corev1.NodeAffinity{
		RequiredDuringSchedulingIgnoredDuringExecution: &corev1.NodeSelector{NodeSelectorTerms: []corev1.NodeSelectorTerm{{
			MatchExpressions: []corev1.NodeSelectorRequirement{{Key: "topology.kubernetes.io/zone", Operator: corev1.NodeSelectorOpIn, Values: []string{"a"}}},
		}}},
	}}
	cases := []struct {
		name  string
		p     Params
		check func(t *testing.T, objs []*unstructured.Unstructured)
	}{
		{
			name: "ServiceAccount annotations and labels (chart: serviceAccount.operator.annotations, podIdentity.*)",
			p: Params{ServiceAccount: ServiceAccountParams{
				Annotations: map[string]string{"eks.amazonaws.com/role-arn": "arn:aws:iam::111122223333:role/keda"},
				Labels:      map[string]string{"azure.workload.identity/use": "true"},
			}},
			check: func(t *testing.T, objs []*unstructured.Unstructured) {
				sa := find(objs, "ServiceAccount", "keda-operator")
				if sa.GetAnnotations()["eks.amazonaws.com/role-arn"] != "arn:aws:iam::111122223333:role/keda" {
					t.Errorf("annotations %v", sa.GetAnnotations())
				}
				if l := sa.GetLabels(); l["azure.workload.identity/use"] != "true" || l["app.kubernetes.io/name"] != "keda-operator" {
					t.Errorf("labels %v: upstream's must stay", l)
				}
			},
		},
		{
			name: "pod labels and annotations per component (chart: podLabels.*, podAnnotations.*)",
			p: Params{Components: map[Component]ComponentParams{
				Operator:      {PodLabels: map[string]string{"azure.workload.identity/use": "true"}, PodAnnotations: map[string]string{"team": "platform"}},
				MetricsServer: {PodAnnotations: map[string]string{"prometheus.io/scrape": "true"}},
			}},
			check: func(t *testing.T, objs []*unstructured.Unstructured) {
				labels := field(t, objs, "Deployment", op, "spec", "template", "metadata", "labels").(map[string]any)
				if labels["azure.workload.identity/use"] != "true" || labels["app"] != "keda-operator" || labels["name"] != "keda-operator" {
					t.Errorf("operator pod labels %v", labels)
				}
				if a := field(t, objs, "Deployment", op, "spec", "template", "metadata", "annotations").(map[string]any); a["team"] != "platform" {
					t.Errorf("operator pod annotations %v", a)
				}
				if a := field(t, objs, "Deployment", ms, "spec", "template", "metadata", "annotations").(map[string]any); a["prometheus.io/scrape"] != "true" {
					t.Errorf("metrics server pod annotations %v", a)
				}
				if a := field(t, objs, "Deployment", adm, "spec", "template", "metadata", "annotations"); a != nil {
					t.Errorf("webhooks got annotations %v", a)
				}
				if l := field(t, objs, "Deployment", ms, "spec", "template", "metadata", "labels").(map[string]any); len(l) != 1 {
					t.Errorf("metrics server pod labels changed: %v", l)
				}
			},
		},
		{
			name: "affinity for all, replaced per component (chart: affinity, operator.affinity)",
			p:    Params{Affinity: zoneAffinity, Components: map[Component]ComponentParams{Operator: {Affinity: antiAffinity}}},
			check: func(t *testing.T, objs []*unstructured.Unstructured) {
				if a := field(t, objs, "Deployment", op, "spec", "template", "spec", "affinity", "podAntiAffinity", "requiredDuringSchedulingIgnoredDuringExecution").([]any); len(a) != 1 {
					t.Errorf("operator anti-affinity %v", a)
				}
				if a := field(t, objs, "Deployment", op, "spec", "template", "spec", "affinity", "nodeAffinity"); a != nil {
					t.Errorf("operator kept the installation's affinity: %v", a)
				}
				for _, d := range []string{ms, adm} {
					terms := field(t, objs, "Deployment", d, "spec", "template", "spec", "affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms").([]any)
					if len(terms) != 1 {
						t.Errorf("%s node affinity %v", d, terms)
					}
				}
			},
		},
		{
			name: "topology spread constraints select the component's pods by default (chart: topologySpreadConstraints.*)",
			p: Params{Components: map[Component]ComponentParams{
				Operator: {TopologySpreadConstraints: []corev1.TopologySpreadConstraint{{MaxSkew: 1, TopologyKey: "topology.kubernetes.io/zone", WhenUnsatisfiable: corev1.ScheduleAnyway}}},
				Webhooks: {TopologySpreadConstraints: []corev1.TopologySpreadConstraint{{MaxSkew: 2, TopologyKey: "kubernetes.io/hostname", WhenUnsatisfiable: corev1.DoNotSchedule,
					LabelSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"tier": "keda"}}, MinDomains: ptr(int32(2))}}},
			}},
			check: func(t *testing.T, objs []*unstructured.Unstructured) {
				tsc := field(t, objs, "Deployment", op, "spec", "template", "spec", "topologySpreadConstraints").([]any)[0].(map[string]any)
				want := map[string]any{"maxSkew": int64(1), "topologyKey": "topology.kubernetes.io/zone", "whenUnsatisfiable": "ScheduleAnyway",
					"labelSelector": map[string]any{"matchLabels": map[string]any{"app": "keda-operator"}}}
				if diff := cmp.Diff(want, tsc); diff != "" {
					t.Errorf("operator constraint (-want +got):\n%s", diff)
				}
				w := field(t, objs, "Deployment", adm, "spec", "template", "spec", "topologySpreadConstraints").([]any)[0].(map[string]any)
				if w["labelSelector"].(map[string]any)["matchLabels"].(map[string]any)["tier"] != "keda" || w["minDomains"] != int64(2) {
					t.Errorf("webhooks constraint %v", w)
				}
				if v := field(t, objs, "Deployment", ms, "spec", "template", "spec", "topologySpreadConstraints"); v != nil {
					t.Errorf("metrics server got %v", v)
				}
			},
		},
		{
			name: "node selector, tolerations, priority class for all (chart: nodeSelector, tolerations, priorityClassName)",
			p: Params{NodeSelector: map[string]string{"iam.gke.io/gke-metadata-server-enabled": "true"},
				Tolerations:       []corev1.Toleration{{Key: "CriticalAddonsOnly", Operator: corev1.TolerationOpExists}},
				PriorityClassName: "system-cluster-critical"},
			check: func(t *testing.T, objs []*unstructured.Unstructured) {
				for _, d := range deployments {
					sel := field(t, objs, "Deployment", d, "spec", "template", "spec", "nodeSelector").(map[string]any)
					if sel["iam.gke.io/gke-metadata-server-enabled"] != "true" || sel["kubernetes.io/os"] != "linux" {
						t.Errorf("%s node selector %v", d, sel)
					}
					if tols := field(t, objs, "Deployment", d, "spec", "template", "spec", "tolerations").([]any); tols[0].(map[string]any)["key"] != "CriticalAddonsOnly" {
						t.Errorf("%s tolerations %v", d, tols)
					}
					if pc := field(t, objs, "Deployment", d, "spec", "template", "spec", "priorityClassName"); pc != "system-cluster-critical" {
						t.Errorf("%s priority class %v", d, pc)
					}
				}
			},
		},
		{
			name: "resources per component (chart: resources.*)",
			p: Params{Components: map[Component]ComponentParams{Webhooks: {Resources: &corev1.ResourceRequirements{
				Requests: corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("64Mi")}}}}},
			check: func(t *testing.T, objs []*unstructured.Unstructured) {
				want := map[string]any{"requests": map[string]any{"memory": "64Mi"}}
				if diff := cmp.Diff(want, containerField(t, objs, adm, "resources")); diff != "" {
					t.Errorf("webhooks resources (-want +got):\n%s", diff)
				}
				if r := containerField(t, objs, op, "resources").(map[string]any); r["limits"] == nil {
					t.Errorf("operator lost upstream's resources: %v", r)
				}
			},
		},
		{
			name: "replicas with a PodDisruptionBudget after its Deployment (chart: *.replicaCount, podDisruptionBudget.*)",
			p: Params{Components: map[Component]ComponentParams{
				Operator:      {Replicas: ptr(int32(2)), PodDisruptionBudget: &PodDisruptionBudget{MinAvailable: ptr(intstr.FromInt32(1))}},
				MetricsServer: {Replicas: ptr(int32(3)), PodDisruptionBudget: &PodDisruptionBudget{MaxUnavailable: ptr(intstr.FromString("50%"))}},
			}},
			check: func(t *testing.T, objs []*unstructured.Unstructured) {
				if r := field(t, objs, "Deployment", op, "spec", "replicas"); r != int64(2) {
					t.Errorf("operator replicas %v", r)
				}
				pdb := find(objs, "PodDisruptionBudget", op)
				want := map[string]any{"minAvailable": int64(1), "selector": map[string]any{"matchLabels": map[string]any{"app": "keda-operator"}}}
				if diff := cmp.Diff(want, pdb.Object["spec"]); diff != "" {
					t.Errorf("operator PDB spec (-want +got):\n%s", diff)
				}
				if pdb.GetAPIVersion() != "policy/v1" || pdb.GetNamespace() != "keda" || pdb.GetLabels()["app.kubernetes.io/part-of"] != "keda-operator" {
					t.Errorf("operator PDB %v", pdb.Object)
				}
				if v := field(t, objs, "PodDisruptionBudget", ms, "spec", "maxUnavailable"); v != "50%" {
					t.Errorf("metrics server PDB maxUnavailable %v", v)
				}
				if find(objs, "PodDisruptionBudget", adm) != nil {
					t.Error("webhooks got a PDB nobody asked for")
				}
				for i, o := range objs {
					if o.GetKind() == "PodDisruptionBudget" && (objs[i-1].GetKind() != "Deployment" || objs[i-1].GetName() != o.GetName()) {
						t.Errorf("PDB %s not right after its Deployment", o.GetName())
					}
				}
			},
		},
		{
			name: "security contexts replace upstream's fields, keep the others (chart: podSecurityContext.*, securityContext.*)",
			p: Params{Components: map[Component]ComponentParams{Operator: {
				PodSecurityContext: &corev1.PodSecurityContext{FSGroup: ptr(int64(2000)), SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault}},
				SecurityContext:    &corev1.SecurityContext{RunAsUser: ptr(int64(1000)), ReadOnlyRootFilesystem: ptr(false)},
			}}},
			check: func(t *testing.T, objs []*unstructured.Unstructured) {
				want := map[string]any{"runAsNonRoot": true, "fsGroup": int64(2000), "seccompProfile": map[string]any{"type": "RuntimeDefault"}}
				if diff := cmp.Diff(want, field(t, objs, "Deployment", op, "spec", "template", "spec", "securityContext")); diff != "" {
					t.Errorf("pod security context (-want +got):\n%s", diff)
				}
				sc := containerField(t, objs, op, "securityContext").(map[string]any)
				if sc["runAsUser"] != int64(1000) || sc["readOnlyRootFilesystem"] != false || sc["allowPrivilegeEscalation"] != false ||
					sc["capabilities"] == nil || sc["runAsNonRoot"] != true {
					t.Errorf("container security context %v", sc)
				}
				if sc := containerField(t, objs, ms, "securityContext").(map[string]any); sc["readOnlyRootFilesystem"] != true {
					t.Errorf("metrics server security context changed: %v", sc)
				}
			},
		},
		{
			name: "extra env for all, replacing upstream's variable of the same name (chart: env)",
			p: Params{Env: []corev1.EnvVar{
				{Name: "HTTP_PROXY", Value: "http://proxy.internal:3128"},
				{Name: "KEDA_HTTP_DEFAULT_TIMEOUT", Value: "10000"},
				{Name: "TOKEN", ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: "s"}, Key: "k"}}},
			}},
			check: func(t *testing.T, objs []*unstructured.Unstructured) {
				for _, d := range deployments {
					env := envOf(t, objs, d)
					if env["HTTP_PROXY"] != "http://proxy.internal:3128" || env["KEDA_HTTP_DEFAULT_TIMEOUT"] != "10000" || env["TOKEN"] == nil {
						t.Errorf("%s env %v", d, env)
					}
					n := names(containerField(t, objs, d, "env"), "name")
					if strings.Count(strings.Join(n, ","), "KEDA_HTTP_DEFAULT_TIMEOUT") != 1 {
						t.Errorf("%s env names %v: one KEDA_HTTP_DEFAULT_TIMEOUT", d, n)
					}
				}
			},
		},
		{
			name: "extra args replace upstream's flag or are appended in name order (chart: extraArgs.*)",
			p: Params{Components: map[Component]ComponentParams{
				Operator:      {ExtraArgs: map[string]string{"kube-api-qps": "50", "kube-api-burst": "100", "leader-elect": "false"}},
				MetricsServer: {ExtraArgs: map[string]string{"cert-dir": "/custom"}},
			}},
			check: func(t *testing.T, objs []*unstructured.Unstructured) {
				want := []string{"--leader-elect=false", "--zap-log-level=info", "--zap-encoder=console", "--zap-time-encoding=rfc3339",
					"--enable-cert-rotation=true", "--kube-api-burst=100", "--kube-api-qps=50"}
				if diff := cmp.Diff(want, args(t, objs, op)); diff != "" {
					t.Errorf("operator args (-want +got):\n%s", diff)
				}
				a := strings.Join(args(t, objs, ms), " ")
				if !strings.Contains(a, "--cert-dir=/custom") || strings.Contains(a, "--cert-dir=/certs") {
					t.Errorf("metrics server args %s", a)
				}
			},
		},
		{
			name: "extra volumes and mounts per component (chart: volumes.*.extraVolumes, extraVolumeMounts)",
			p: Params{Components: map[Component]ComponentParams{Operator: {
				Volumes:      []corev1.Volume{{Name: "ca", VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{LocalObjectReference: corev1.LocalObjectReference{Name: "corp-ca"}}}}},
				VolumeMounts: []corev1.VolumeMount{{Name: "ca", MountPath: "/custom/ca", ReadOnly: true}},
			}}},
			check: func(t *testing.T, objs []*unstructured.Unstructured) {
				if n := names(field(t, objs, "Deployment", op, "spec", "template", "spec", "volumes"), "name"); !cmp.Equal(n, []string{"certificates", "ca"}) {
					t.Errorf("operator volumes %v", n)
				}
				if n := names(containerField(t, objs, op, "volumeMounts"), "mountPath"); !cmp.Equal(n, []string{"/certs", "/custom/ca"}) {
					t.Errorf("operator mounts %v", n)
				}
				if n := names(field(t, objs, "Deployment", ms, "spec", "template", "spec", "volumes"), "name"); len(n) != 2 {
					t.Errorf("metrics server volumes changed: %v", n)
				}
			},
		},
		{
			name: "log level, format and time encoding per component (chart: logging.*)",
			p: Params{Components: map[Component]ComponentParams{
				Operator:      {LogLevel: "debug", LogFormat: "json", LogTimeEncoding: "iso8601"},
				MetricsServer: {LogFormat: "console", LogTimeEncoding: "epoch"},
			}},
			check: func(t *testing.T, objs []*unstructured.Unstructured) {
				a := strings.Join(args(t, objs, op), " ")
				for _, f := range []string{"--zap-log-level=debug", "--zap-encoder=json", "--zap-time-encoding=iso8601"} {
					if !strings.Contains(a, f) {
						t.Errorf("operator args %s lack %s", a, f)
					}
				}
				m := strings.Join(args(t, objs, ms), " ")
				for _, f := range []string{"--zap-log-level=error", "--zap-encoder=console", "--zap-time-encoding=epoch"} {
					if !strings.Contains(m, f) {
						t.Errorf("metrics server args %s lack %s", m, f)
					}
				}
				if w := strings.Join(args(t, objs, adm), " "); !strings.Contains(w, "--zap-encoder=console") {
					t.Errorf("webhooks args changed: %s", w)
				}
			},
		},
		{
			name: "HTTP timeout for all, keep-alive off for operator and metrics server (chart: http.timeout, http.keepAlive.enabled)",
			p:    Params{HTTPTimeout: ptr(int64(5000)), HTTPKeepAlive: ptr(false)},
			check: func(t *testing.T, objs []*unstructured.Unstructured) {
				for _, d := range deployments {
					env := envOf(t, objs, d)
					if env["KEDA_HTTP_DEFAULT_TIMEOUT"] != "5000" {
						t.Errorf("%s timeout %v", d, env["KEDA_HTTP_DEFAULT_TIMEOUT"])
					}
					if _, set := env["KEDA_HTTP_DISABLE_KEEP_ALIVE"]; set != (d != adm) {
						t.Errorf("%s keep-alive variable set=%v", d, set)
					}
				}
			},
		},
		{
			name: "HTTP keep-alive on writes nothing",
			p:    Params{HTTPKeepAlive: ptr(true)},
			check: func(t *testing.T, objs []*unstructured.Unstructured) {
				if _, set := envOf(t, objs, op)["KEDA_HTTP_DISABLE_KEEP_ALIVE"]; set {
					t.Error("keep-alive variable set")
				}
			},
		},
		{
			name: "Prometheus endpoints off (chart: prometheus.operator.enabled, prometheus.webhooks.enabled)",
			p: Params{Components: map[Component]ComponentParams{
				Operator: {PrometheusMetrics: ptr(false)}, Webhooks: {PrometheusMetrics: ptr(false)},
			}},
			check: func(t *testing.T, objs []*unstructured.Unstructured) {
				if a := strings.Join(args(t, objs, op), " "); !strings.Contains(a, "--enable-prometheus-metrics=false") {
					t.Errorf("operator args %s", a)
				}
				if a := strings.Join(args(t, objs, adm), " "); !strings.Contains(a, "--metrics-bind-address=0") {
					t.Errorf("webhooks args %s", a)
				}
			},
		},
		{
			name: "Prometheus endpoints on",
			p: Params{Components: map[Component]ComponentParams{
				Operator: {PrometheusMetrics: ptr(true)}, Webhooks: {PrometheusMetrics: ptr(true)},
			}},
			check: func(t *testing.T, objs []*unstructured.Unstructured) {
				if a := strings.Join(args(t, objs, op), " "); !strings.Contains(a, "--enable-prometheus-metrics=true") {
					t.Errorf("operator args %s", a)
				}
				if a := strings.Join(args(t, objs, adm), " "); !strings.Contains(a, "--metrics-bind-address=:8080") {
					t.Errorf("webhooks args %s", a)
				}
			},
		},
		{
			name: "disabled webhooks get no PodDisruptionBudget",
			p: Params{WebhooksDisabled: true, Components: map[Component]ComponentParams{
				Webhooks: {PodDisruptionBudget: &PodDisruptionBudget{MinAvailable: ptr(intstr.FromInt32(1))}}}},
			check: func(t *testing.T, objs []*unstructured.Unstructured) {
				if find(objs, "PodDisruptionBudget", adm) != nil || find(objs, "Deployment", adm) != nil {
					t.Error("webhook objects rendered")
				}
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for _, v := range Versions {
				p := tc.p
				p.Version = v
				objs, err := Render(p)
				if err != nil {
					t.Fatal(err)
				}
				t.Run(string(v), func(t *testing.T) { tc.check(t, objs) })
			}
		})
	}
}

// Settings never leak from one rendering into the next: the decoded
// manifest is shared.
func TestRenderDoesNotChangeTheCachedManifest(t *testing.T) {
	if _, err := Render(Params{Components: map[Component]ComponentParams{Operator: {PodLabels: map[string]string{"x": "y"}, ExtraArgs: map[string]string{"a": "b"}}},
		ServiceAccount: ServiceAccountParams{Annotations: map[string]string{"x": "y"}}}); err != nil {
		t.Fatal(err)
	}
	got, err := Render(Params{})
	if err != nil {
		t.Fatal(err)
	}
	if l := field(t, got, "Deployment", op, "spec", "template", "metadata", "labels").(map[string]any); l["x"] != nil {
		t.Errorf("pod label leaked: %v", l)
	}
	if a := find(got, "ServiceAccount", "keda-operator").GetAnnotations(); a != nil {
		t.Errorf("annotation leaked: %v", a)
	}
}
