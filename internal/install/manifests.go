// Package install holds KEDA's install manifests of each bundled KEDA
// version, rendered at generate time from that version's keda/v2 module (see
// tools/generate/kedamanifests), and the logic that parameterizes them.
package install

import (
	"bytes"
	"embed"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"
)

//go:generate go run -C ../../tools/generate ./kedamanifests -provider-dir ../.. -out ../../internal/install/manifests -go-out ../../internal/install/versions_gen.go -versions 2.19.0,2.20.2,2.21.0

//go:embed manifests
var manifests embed.FS

// Version is a bundled KEDA release, such as "2.21.0".
type Version string

// Latest is the newest bundled version: the default, and the one whose rules
// the provider's plan-time checks of ScaledObjects and ScaledJobs follow.
func Latest() Version { return Versions[len(Versions)-1] }

// BundledVersion is the newest bundled KEDA version.
func BundledVersion() string { return string(Latest()) }

// VersionStrings lists the bundled versions, oldest first.
func VersionStrings() []string {
	out := make([]string, len(Versions))
	for i, v := range Versions {
		out[i] = string(v)
	}
	return out
}

// IsBundled says whether the provider carries v's manifests.
func IsBundled(v string) bool { return slices.Contains(Versions, Version(v)) }

// Compare orders versions numerically: -1 when v is older than o, 0 when
// equal, 1 when newer.
func (v Version) Compare(o Version) int {
	a, b := v.parts(), o.parts()
	for i := range a {
		if a[i] != b[i] {
			if a[i] < b[i] {
				return -1
			}
			return 1
		}
	}
	return 0
}

func (v Version) parts() [3]int {
	var p [3]int
	for i, s := range strings.SplitN(string(v), ".", 3) {
		p[i], _ = strconv.Atoi(s)
	}
	return p
}

type decoded struct {
	once sync.Once
	objs []*unstructured.Unstructured
	err  error
}

// cache holds each version's manifest decoded once: decoding 12,000 lines of
// YAML on every plan of an installation would dominate its cost.
var cache sync.Map

// ObjectsOf decodes version v's manifest, in the order KEDA's kustomization
// renders it. The objects are the caller's to change.
func ObjectsOf(v Version) ([]*unstructured.Unstructured, error) {
	if !IsBundled(string(v)) {
		return nil, fmt.Errorf("KEDA %s is not bundled; bundled: %s", v, strings.Join(VersionStrings(), ", "))
	}
	d, _ := cache.LoadOrStore(v, &decoded{})
	dec := d.(*decoded)
	dec.once.Do(func() { dec.objs, dec.err = decode(v) })
	if dec.err != nil {
		return nil, dec.err
	}
	out := make([]*unstructured.Unstructured, len(dec.objs))
	for i, o := range dec.objs {
		out[i] = o.DeepCopy()
	}
	return out, nil
}

// Objects decodes the newest bundled manifest.
func Objects() ([]*unstructured.Unstructured, error) { return ObjectsOf(Latest()) }

func decode(v Version) ([]*unstructured.Unstructured, error) {
	raw, err := manifests.ReadFile("manifests/" + string(v) + "/keda.yaml")
	if err != nil {
		return nil, err
	}
	var out []*unstructured.Unstructured
	for i, doc := range bytes.Split(raw, []byte("\n---\n")) {
		if len(bytes.TrimSpace(doc)) == 0 {
			continue
		}
		obj := &unstructured.Unstructured{}
		if err := yaml.Unmarshal(doc, &obj.Object); err != nil {
			return nil, fmt.Errorf("bundled manifest of KEDA %s, document %d: %w", v, i, err)
		}
		if len(obj.Object) == 0 {
			continue
		}
		out = append(out, obj)
	}
	return out, nil
}

// CRDs returns the newest bundled CustomResourceDefinitions.
func CRDs() ([]*apiextensionsv1.CustomResourceDefinition, error) { return CRDsOf(Latest()) }

// CRDsOf returns version v's CustomResourceDefinitions.
func CRDsOf(v Version) ([]*apiextensionsv1.CustomResourceDefinition, error) {
	objs, err := ObjectsOf(v)
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
