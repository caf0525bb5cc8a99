package install

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// With default settings the objects installed are KEDA's release manifest of
// the version, object for object.
func TestRenderDefaultsEqualUpstream(t *testing.T) {
	// KEDA 2.21 added the aggregated ClusterRoles keda:edit and keda:view.
	want := map[Version]int{V2_19_0: 24, V2_20_2: 24, V2_21_0: 26}
	for _, v := range Versions {
		upstream, err := ObjectsOf(v)
		if err != nil {
			t.Fatal(err)
		}
		got, err := Render(Params{Version: v})
		if err != nil {
			t.Fatal(err)
		}
		if len(upstream) != want[v] {
			t.Errorf("the bundled manifest of %s has %d objects, KEDA's release has %d", v, len(upstream), want[v])
		}
		if diff := cmp.Diff(upstream, got); diff != "" {
			t.Errorf("default rendering of %s differs from upstream (-upstream +rendered):\n%s", v, diff)
		}
		if image := container(t, find(got, "Deployment", "keda-operator"))["image"]; image != "ghcr.io/kedacore/keda:"+string(v) {
			t.Errorf("%s operator image %v", v, image)
		}
	}
}

func find(objs []*unstructured.Unstructured, kind, name string) *unstructured.Unstructured {
	for _, o := range objs {
		if o.GetKind() == kind && o.GetName() == name {
			return o
		}
	}
	return nil
}

func container(t *testing.T, o *unstructured.Unstructured) map[string]any {
	t.Helper()
	cs, _, _ := unstructured.NestedSlice(o.Object, "spec", "template", "spec", "containers")
	return cs[0].(map[string]any)
}

func TestRenderParameters(t *testing.T) {
	two := int32(2)
	objs, err := Render(Params{
		Namespace:        "autoscaling",
		ImageRegistry:    "registry.internal/mirror",
		ImagePullSecrets: []string{"mirror-creds"},
		Components: map[Component]ComponentParams{
			Operator: {Replicas: &two, LogLevel: "debug", Resources: &corev1.ResourceRequirements{
				Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("200m")},
			}},
			MetricsServer: {Image: "registry.internal/keda-metrics-apiserver:2.21.0-patched"},
		},
		WebhooksDisabled:  true,
		WatchNamespace:    "ml-inference",
		NodeSelector:      map[string]string{"node-role": "system"},
		Tolerations:       []corev1.Toleration{{Key: "system", Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoSchedule}},
		PriorityClassName: "system-cluster-critical",
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(objs) != 23 {
		t.Errorf("want 23 objects without the 3 webhook objects, got %d", len(objs))
	}
	for _, o := range objs {
		if o.GetNamespace() == "keda" || (o.GetKind() == "Namespace" && o.GetName() != "autoscaling") {
			t.Errorf("%s %s still in namespace keda", o.GetKind(), o.GetName())
		}
	}
	if svc, _, _ := unstructured.NestedString(find(objs, "APIService", "v1beta1.external.metrics.k8s.io").Object, "spec", "service", "namespace"); svc != "autoscaling" {
		t.Errorf("APIService service namespace %q", svc)
	}
	for _, kind := range []string{"ClusterRoleBinding", "RoleBinding"} {
		for _, o := range objs {
			if o.GetKind() != kind {
				continue
			}
			subjects, _, _ := unstructured.NestedSlice(o.Object, "subjects")
			for _, s := range subjects {
				if ns := s.(map[string]any)["namespace"]; ns == "keda" {
					t.Errorf("%s %s subject namespace %v", kind, o.GetName(), ns)
				}
			}
		}
	}
	op := find(objs, "Deployment", "keda-operator")
	if r, _, _ := unstructured.NestedInt64(op.Object, "spec", "replicas"); r != 2 {
		t.Errorf("operator replicas %d", r)
	}
	c := container(t, op)
	if c["image"] != "registry.internal/mirror/kedacore/keda:2.21.0" {
		t.Errorf("operator image %v", c["image"])
	}
	if !strings.Contains(strings.Join(toStrings(c["args"]), " "), "--zap-log-level=debug") {
		t.Errorf("operator args %v", c["args"])
	}
	if cpu, _, _ := unstructured.NestedString(c, "resources", "requests", "cpu"); cpu != "200m" {
		t.Errorf("operator resources %v", c["resources"])
	}
	if ms := container(t, find(objs, "Deployment", "keda-metrics-apiserver")); ms["image"] != "registry.internal/keda-metrics-apiserver:2.21.0-patched" {
		t.Errorf("metrics server image %v", ms["image"])
	}
	pod, _, _ := unstructured.NestedMap(op.Object, "spec", "template", "spec")
	if sel := pod["nodeSelector"].(map[string]any); sel["node-role"] != "system" || sel["kubernetes.io/os"] != "linux" {
		t.Errorf("node selector %v", sel)
	}
	if pod["priorityClassName"] != "system-cluster-critical" || len(pod["tolerations"].([]any)) != 1 || len(pod["imagePullSecrets"].([]any)) != 1 {
		t.Errorf("pod spec %v", pod)
	}
	for _, e := range c["env"].([]any) {
		if m := e.(map[string]any); m["name"] == "WATCH_NAMESPACE" && m["value"] != "ml-inference" {
			t.Errorf("WATCH_NAMESPACE %v", m["value"])
		}
	}
}

func toStrings(v any) []string {
	var out []string
	for _, a := range v.([]any) {
		out = append(out, a.(string))
	}
	return out
}
