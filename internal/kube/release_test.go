package kube

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func entry(manager string, op metav1.ManagedFieldsOperationType, subresource, fields string) metav1.ManagedFieldsEntry {
	return metav1.ManagedFieldsEntry{Manager: manager, Operation: op, Subresource: subresource, APIVersion: "keda.sh/v1alpha1",
		FieldsType: "FieldsV1", FieldsV1: metav1.NewFieldsV1(fields)}
}

func object(t *testing.T, s string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// The managers of objects users bring: kubectl apply (client-side and
// --server-side), kubernetes_manifest (Terraform), Helm; KEDA's operator
// adds its finalizer and writes the status.
func TestReleaseFields(t *testing.T) {
	const (
		update = metav1.ManagedFieldsOperationUpdate
		apply  = metav1.ManagedFieldsOperationApply
	)
	prior := `{"apiVersion":"keda.sh/v1alpha1","kind":"ScaledObject","metadata":{"name":"a","labels":{"team":"ml","tier":"gpu"}},
		"spec":{"pollingInterval":30,"minReplicaCount":1,"scaleTargetRef":{"name":"w"},"triggers":[{"type":"cpu"}],
		"jobTargetRef":{"template":{"spec":{"containers":[{"name":"a","image":"a:1"},{"name":"b","image":"b:1"}]}}}}}`
	next := `{"apiVersion":"keda.sh/v1alpha1","kind":"ScaledObject","metadata":{"name":"a","labels":{"team":"ml"}},
		"spec":{"minReplicaCount":1,"scaleTargetRef":{"name":"w"},"triggers":[{"type":"cpu"}],
		"jobTargetRef":{"template":{"spec":{"containers":[{"name":"a","image":"a:1"}]}}}}}`
	csa := `{"f:metadata":{"f:annotations":{".":{},"f:kubectl.kubernetes.io/last-applied-configuration":{}},"f:labels":{".":{},"f:team":{},"f:tier":{}}},` +
		`"f:spec":{".":{},"f:minReplicaCount":{},"f:pollingInterval":{},"f:scaleTargetRef":{".":{},"f:name":{}},"f:triggers":{}}}`
	cases := map[string]struct {
		entries   []metav1.ManagedFieldsEntry
		next      string
		wantMoved []MovedFields
		// want are the fields of each manager after, "" for a manager
		// left without an entry.
		want map[string]string
	}{
		"kubectl client-side apply gives up what the configuration dropped": {
			entries: []metav1.ManagedFieldsEntry{entry("kubectl-client-side-apply", update, "", csa)},
			wantMoved: []MovedFields{{Manager: "kubectl-client-side-apply",
				Fields: []string{".metadata.labels.tier", ".spec.pollingInterval"}}},
			want: map[string]string{
				"kubectl-client-side-apply": `{"f:metadata":{"f:annotations":{".":{},"f:kubectl.kubernetes.io/last-applied-configuration":{}},"f:labels":{".":{},"f:team":{}}},` +
					`"f:spec":{".":{},"f:minReplicaCount":{},"f:scaleTargetRef":{".":{},"f:name":{}},"f:triggers":{}}}`,
				"terraform-provider-keda": `{"f:metadata":{"f:labels":{"f:tier":{}}},"f:spec":{"f:pollingInterval":{}}}`,
			},
		},
		"kubernetes_manifest's apply gives up its fields to an existing entry of ours": {
			entries: []metav1.ManagedFieldsEntry{
				entry("Terraform", apply, "", `{"f:spec":{"f:pollingInterval":{},"f:minReplicaCount":{}}}`),
				entry("terraform-provider-keda", apply, "", `{"f:spec":{"f:minReplicaCount":{}}}`),
			},
			wantMoved: []MovedFields{{Manager: "Terraform", Fields: []string{".spec.pollingInterval"}}},
			want: map[string]string{
				"Terraform":               `{"f:spec":{"f:minReplicaCount":{}}}`,
				"terraform-provider-keda": `{"f:spec":{"f:minReplicaCount":{},"f:pollingInterval":{}}}`,
			},
		},
		"a manager left with nothing loses its entry": {
			entries:   []metav1.ManagedFieldsEntry{entry("kubectl", apply, "", `{"f:spec":{"f:pollingInterval":{}}}`)},
			wantMoved: []MovedFields{{Manager: "kubectl", Fields: []string{".spec.pollingInterval"}}},
			want: map[string]string{
				"kubectl":                 "",
				"terraform-provider-keda": `{"f:spec":{"f:pollingInterval":{}}}`,
			},
		},
		"a list item by its key: Helm's container b": {
			entries: []metav1.ManagedFieldsEntry{entry("helm", update, "",
				`{"f:spec":{"f:jobTargetRef":{"f:template":{"f:spec":{"f:containers":{`+
					`"k:{\"name\":\"a\"}":{".":{},"f:image":{},"f:name":{}},"k:{\"name\":\"b\"}":{".":{},"f:image":{},"f:name":{}}}}}}}}`)},
			wantMoved: []MovedFields{{Manager: "helm", Fields: []string{
				`.spec.jobTargetRef.template.spec.containers[name="b"].image`,
				`.spec.jobTargetRef.template.spec.containers[name="b"].name`}}},
			want: map[string]string{
				"helm": `{"f:spec":{"f:jobTargetRef":{"f:template":{"f:spec":{"f:containers":{` +
					`"k:{\"name\":\"a\"}":{".":{},"f:image":{},"f:name":{}}}}}}}}`,
				"terraform-provider-keda": `{"f:spec":{"f:jobTargetRef":{"f:template":{"f:spec":{"f:containers":{` +
					`"k:{\"name\":\"b\"}":{".":{},"f:image":{},"f:name":{}}}}}}}}`,
			},
		},
		"KEDA's operator and status writers keep theirs": {
			entries: []metav1.ManagedFieldsEntry{
				entry("keda", update, "", `{"f:metadata":{"f:finalizers":{".":{},"v:\"finalizer.keda.sh\"":{}}},"f:spec":{"f:pollingInterval":{}}}`),
				entry("keda", update, "status", `{"f:status":{"f:hpaName":{}}}`),
				entry("kubectl-edit", update, "status", `{"f:spec":{"f:pollingInterval":{}}}`),
			},
			want: map[string]string{
				"keda":         `{"f:metadata":{"f:finalizers":{".":{},"v:\"finalizer.keda.sh\"":{}}},"f:spec":{"f:pollingInterval":{}}}`,
				"kubectl-edit": `{"f:spec":{"f:pollingInterval":{}}}`,
			},
		},
		"nothing dropped: nothing moves": {
			entries: []metav1.ManagedFieldsEntry{entry("kubectl-client-side-apply", update, "", csa)},
			next:    prior,
			want:    map[string]string{"kubectl-client-side-apply": csa},
		},
	}
	now := time.Unix(1700000000, 0)
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			n := next
			if tc.next != "" {
				n = tc.next
			}
			out, moved, err := releaseFields(tc.entries, FieldManager, "keda.sh/v1alpha1", object(t, prior), object(t, n), now)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(moved, tc.wantMoved) {
				t.Errorf("moved %+v, want %+v", moved, tc.wantMoved)
			}
			got := map[string]string{}
			for _, e := range out {
				if e.Subresource != "" && e.Manager != "kubectl-edit" {
					continue
				}
				got[e.Manager] = string(e.FieldsV1.GetRawBytes())
				if e.Manager == FieldManager && e.Operation != apply {
					t.Errorf("the provider's entry is an %s, want Apply", e.Operation)
				}
			}
			for m, want := range tc.want {
				if want == "" {
					if _, ok := got[m]; ok {
						t.Errorf("%s still has an entry: %s", m, got[m])
					}
					continue
				}
				if got[m] != want {
					t.Errorf("%s owns\n %s\nwant\n %s", m, got[m], want)
				}
			}
		})
	}
}

func TestDropsSomething(t *testing.T) {
	for _, tc := range []struct {
		prior, next string
		want        bool
	}{
		{`{"spec":{"a":1,"b":{"c":2}}}`, `{"spec":{"a":3,"b":{"c":4}}}`, false},
		{`{"spec":{"a":1}}`, `{"spec":{"a":1,"b":2}}`, false},
		{`{"spec":{"a":1,"b":2}}`, `{"spec":{"a":1}}`, true},
		{`{"spec":{"b":{"c":2,"d":3}}}`, `{"spec":{"b":{"c":2}}}`, true},
		{`{"spec":{"l":[{"name":"a"},{"name":"b"}]}}`, `{"spec":{"l":[{"name":"a"}]}}`, true},
		{`{"spec":{"l":[1,2]}}`, `{"spec":{"l":[1,2]}}`, false},
		{`{"metadata":{"labels":{"x":"1"}}}`, `{"metadata":{}}`, true},
	} {
		if got := dropsSomething(object(t, tc.prior), object(t, tc.next)); got != tc.want {
			t.Errorf("dropsSomething(%s, %s) = %v, want %v", tc.prior, tc.next, got, tc.want)
		}
	}
}
