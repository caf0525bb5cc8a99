// Package install holds KEDA's install manifests, rendered at generate time
// from the pinned keda/v2 module (see tools/generate/kedamanifests), and the
// logic that installs them.
package install

import (
	"bytes"
	_ "embed"
	"fmt"
	"strings"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"
)

//go:generate go run -C ../../tools/generate ./kedamanifests -provider-dir ../.. -out ../../internal/install/manifests

//go:embed manifests/keda.yaml
var kedaManifest []byte

//go:embed manifests/VERSION
var bundledVersion string

// BundledVersion is the KEDA version whose manifests the provider carries.
func BundledVersion() string { return strings.TrimSpace(bundledVersion) }

// Objects decodes the bundled manifest, in the order KEDA's kustomization
// renders it.
func Objects() ([]*unstructured.Unstructured, error) {
	var out []*unstructured.Unstructured
	for i, doc := range bytes.Split(kedaManifest, []byte("\n---\n")) {
		if len(bytes.TrimSpace(doc)) == 0 {
			continue
		}
		obj := &unstructured.Unstructured{}
		if err := yaml.Unmarshal(doc, &obj.Object); err != nil {
			return nil, fmt.Errorf("bundled manifest, document %d: %w", i, err)
		}
		if len(obj.Object) == 0 {
			continue
		}
		out = append(out, obj)
	}
	return out, nil
}

// CRDs returns the bundled CustomResourceDefinitions.
func CRDs() ([]*apiextensionsv1.CustomResourceDefinition, error) {
	objs, err := Objects()
	if err != nil {
		return nil, err
	}
	var crds []*apiextensionsv1.CustomResourceDefinition
	for _, o := range objs {
		if o.GetKind() != "CustomResourceDefinition" {
			continue
		}
		raw, err := o.MarshalJSON()
		if err != nil {
			return nil, err
		}
		crd := &apiextensionsv1.CustomResourceDefinition{}
		if err := yaml.Unmarshal(raw, crd); err != nil {
			return nil, fmt.Errorf("CRD %s: %w", o.GetName(), err)
		}
		crds = append(crds, crd)
	}
	return crds, nil
}
