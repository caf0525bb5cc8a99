package keda

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func TestFlattenMetadataKeepsOnlyManagedKeys(t *testing.T) {
	const manager = "terraform-provider-keda"
	owned := []metav1.ManagedFieldsEntry{{
		Manager:   manager,
		Operation: metav1.ManagedFieldsOperationApply,
		FieldsV1:  fieldsV1(`{"f:metadata":{"f:labels":{"f:team":{}},"f:annotations":{"f:note":{}}},"f:spec":{}}`),
	}, {
		Manager:   "kubectl",
		Operation: metav1.ManagedFieldsOperationUpdate,
		FieldsV1:  fieldsV1(`{"f:metadata":{"f:labels":{"f:other":{}}}}`),
	}}
	om := metav1.ObjectMeta{
		Name: "so", Namespace: "ml", UID: "uid-1",
		Labels:        map[string]string{"team": "ml", "other": "x", "scaledobject.keda.sh/name": "so", "listed": "y"},
		Annotations:   map[string]string{"note": "n", "kubectl.kubernetes.io/last-applied-configuration": "{}"},
		ManagedFields: owned,
	}
	cases := map[string]struct {
		prior *MetadataModel
		want  MetadataModel
	}{
		"refresh: keys in state or owned by us": {
			prior: &MetadataModel{Labels: mapValue(map[string]string{"listed": "old"}), Annotations: types.MapNull(types.StringType)},
			want: MetadataModel{
				Name: s("so"), Namespace: s("ml"), UID: s("uid-1"),
				Labels:      mapValue(map[string]string{"team": "ml", "listed": "y"}),
				Annotations: mapValue(map[string]string{"note": "n"}),
			},
		},
		"import: everything but controller-owned keys": {
			want: MetadataModel{
				Name: s("so"), Namespace: s("ml"), UID: s("uid-1"),
				Labels:      mapValue(map[string]string{"team": "ml", "other": "x", "listed": "y"}),
				Annotations: mapValue(map[string]string{"note": "n"}),
			},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got := FlattenMetadata(om, tc.prior, manager)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Fatalf("(-want +got):\n%s", diff)
			}
		})
	}
}

func fieldsV1(raw string) *metav1.FieldsV1 {
	f := &metav1.FieldsV1{}
	f.SetRawString(raw)
	return f
}

// `labels = {}` and `annotations = {}` (what modules pass when the caller
// gives none) write nothing; reading the object back keeps them empty rather
// than null, so the next plan has nothing to do, while a label added to the
// configuration and lost on the cluster still shows.
func TestFlattenMetadataKeepsEmptyMaps(t *testing.T) {
	empty := types.MapValueMust(types.StringType, map[string]attr.Value{})
	om := metav1.ObjectMeta{Name: "so", Namespace: "ml", UID: "u", Labels: map[string]string{"scaledobject.keda.sh/name": "so"}}
	cases := map[string]struct {
		prior       *MetadataModel
		labels, ann types.Map
	}{
		"configured empty":      {prior: &MetadataModel{Labels: empty, Annotations: empty}, labels: empty, ann: empty},
		"not configured":        {prior: &MetadataModel{Labels: types.MapNull(types.StringType), Annotations: types.MapNull(types.StringType)}, labels: types.MapNull(types.StringType), ann: types.MapNull(types.StringType)},
		"configured label lost": {prior: &MetadataModel{Labels: mapValue(map[string]string{"team": "ml"}), Annotations: empty}, labels: empty, ann: empty},
		"import of no labels":   {labels: types.MapNull(types.StringType), ann: types.MapNull(types.StringType)},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got := FlattenMetadata(om, tc.prior, "terraform-provider-keda")
			if !got.Labels.Equal(tc.labels) || !got.Annotations.Equal(tc.ann) {
				t.Fatalf("labels %s annotations %s, want %s %s", got.Labels, got.Annotations, tc.labels, tc.ann)
			}
		})
	}
}
