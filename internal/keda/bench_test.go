package keda

import (
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// The per-object work of a plan, an apply and a refresh: validation, the
// conversion to KEDA's object and back. `make bench` reports these.

func benchSpec() (ScaledObjectSpecModel, metav1.ObjectMeta) {
	spec := validSpec()
	spec.Trigger = append(spec.Trigger, modelFromFuzz(4, 70, 10, 0, "", "", "", false, true))
	return spec, metav1.ObjectMeta{Name: "llm-server", Namespace: "ml-inference"}
}

func BenchmarkValidateScaledObject(b *testing.B) {
	spec, meta := benchSpec()
	b.ReportAllocs()
	for b.Loop() {
		if ValidateScaledObject(spec, metaModel(meta)).HasError() {
			b.Fatal("invalid")
		}
	}
}

func BenchmarkExpandScaledObject(b *testing.B) {
	spec, meta := benchSpec()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := spec.Expand(meta); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFlattenScaledObject(b *testing.B) {
	spec, meta := benchSpec()
	so, err := spec.Expand(meta)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = FlattenScaledObjectSpec(so, &spec)
	}
}
