package kube

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/kedacore/keda/v2/apis/keda/v1alpha1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func TestDroppedFields(t *testing.T) {
	minReplicas := int32(1)
	sent := &v1alpha1.ScaledObject{
		TypeMeta:   metav1.TypeMeta{APIVersion: "keda.sh/v1alpha1", Kind: "ScaledObject"},
		ObjectMeta: metav1.ObjectMeta{Name: "worker", Namespace: "ml", Labels: map[string]string{"team": "ml"}},
		Spec: v1alpha1.ScaledObjectSpec{
			ScaleTargetRef:  &v1alpha1.ScaleTarget{Name: "worker"},
			MinReplicaCount: &minReplicas,
			Fallback:        &v1alpha1.Fallback{FailureThreshold: 3, Replicas: 2, Behavior: "currentReplicasIfHigher"},
			Triggers: []v1alpha1.ScaleTriggers{
				{Type: "rabbitmq", Name: "queue", Metadata: map[string]string{"queueName": "q", "mode": "QueueLength", "value": "5"}},
				{Type: "cpu", MetricType: "Utilization", Metadata: map[string]string{"value": "70"}},
			},
		},
	}
	body, err := applyBody(sent)
	if err != nil {
		t.Fatal(err)
	}
	stored := func(change func(*v1alpha1.ScaledObject)) *v1alpha1.ScaledObject {
		so := sent.DeepCopy()
		// As typed clients decode it: without apiVersion and kind.
		so.TypeMeta = metav1.TypeMeta{}
		so.UID, so.ResourceVersion, so.Generation = "u1", "7", 1
		so.Spec.ScaleTargetRef.Kind = "Deployment"
		change(so)
		return so
	}
	for _, tc := range []struct {
		name   string
		answer *v1alpha1.ScaledObject
		want   []string
	}{
		{"all kept, defaults added", stored(func(*v1alpha1.ScaledObject) {}), nil},
		// KEDA 2.16's CRD has no fallback.behavior (added in 2.17, kedacore/keda#6464).
		{"a field pruned", stored(func(so *v1alpha1.ScaledObject) { so.Spec.Fallback.Behavior = "" }), []string{".spec.fallback.behavior"}},
		{"a field in a list element pruned", stored(func(so *v1alpha1.ScaledObject) { so.Spec.Triggers[1].MetricType = "" }),
			[]string{".spec.triggers[1].metricType"}},
		{"a whole block pruned", stored(func(so *v1alpha1.ScaledObject) { so.Spec.Fallback = nil }), []string{".spec.fallback"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := droppedFields(body, tc.answer)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("dropped fields (-want +got):\n%s", diff)
			}
		})
	}
}

func TestUnknownFieldsErrorNamesFieldsAndVersion(t *testing.T) {
	for _, stored := range []bool{false, true} {
		err := &UnknownFieldsError{Object: "ScaledObject ml/worker", Fields: []string{".spec.fallback.behavior"}, KEDAVersion: "2.16.0", Stored: stored}
		for _, want := range []string{"ScaledObject ml/worker", ".spec.fallback.behavior", "KEDA 2.16.0"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("%q does not name %q", err.Error(), want)
			}
		}
	}
}

// The API server refuses a server-side apply of fields a CRD does not
// declare with a 500 whose message names them (k8s.io/apimachinery
// managedfields/internal/structuredmerge.go, "failed to create typed patch
// object"); retrying cannot help.
func TestUndeclaredFields(t *testing.T) {
	refused := func(detail string) error {
		return apierrors.NewInternalError(errors.New("failed to create typed patch object (ml/worker; keda.sh/v1alpha1, Kind=ScaledObject): " + detail))
	}
	for _, tc := range []struct {
		name string
		err  error
		want []string
	}{
		{"one field", refused(".spec.fallback.behavior: field not declared in schema"), []string{".spec.fallback.behavior"}},
		{"several fields", refused("errors:\n  .spec.triggers[0].useCachedMetrics: field not declared in schema\n  .spec.initialCooldownPeriod: field not declared in schema"),
			[]string{".spec.initialCooldownPeriod", ".spec.triggers[0].useCachedMetrics"}},
		{"another internal error", apierrors.NewInternalError(errors.New("etcdserver: leader changed")), nil},
		{"not an internal error", apierrors.NewBadRequest(".spec.x: field not declared in schema"), nil},
		{"nil", nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, undeclaredFields(tc.err)); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
			if tc.want != nil && IsTransient(tc.err) {
				t.Error("a refused apply is retried")
			}
		})
	}
}
