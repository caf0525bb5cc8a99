package main

import (
	"context"

	kedaclient "github.com/kedacore/keda/v2/pkg/generated/clientset/versioned"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

// addressKeys are the trigger metadata keys that hold a server's address.
var addressKeys = []string{"host", "serverAddress"}

// addresses lists every server address the demo's objects name: in
// trigger metadata and in the Secrets their TriggerAuthentications read.
func addresses(ctx context.Context, cs kubernetes.Interface, kc kedaclient.Interface) ([]string, error) {
	var out []string
	add := func(meta map[string]string) {
		for _, k := range addressKeys {
			if v, ok := meta[k]; ok {
				out = append(out, v)
			}
		}
	}
	sos, err := kc.KedaV1alpha1().ScaledObjects(namespace).List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, err
	}
	for _, so := range sos.Items {
		for _, t := range so.Spec.Triggers {
			add(t.Metadata)
		}
	}
	sjs, err := kc.KedaV1alpha1().ScaledJobs(namespace).List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, err
	}
	for _, sj := range sjs.Items {
		for _, t := range sj.Spec.Triggers {
			add(t.Metadata)
		}
	}
	secrets, err := cs.CoreV1().Secrets(namespace).List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, err
	}
	for _, s := range secrets.Items {
		if v, ok := s.Data["host"]; ok {
			out = append(out, string(v))
		}
	}
	return out, nil
}
