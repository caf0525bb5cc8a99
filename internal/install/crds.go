package install

import (
	"reflect"
	"slices"
	"sort"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
)

// CRDChange is how one CRD differs between two bundled versions.
type CRDChange struct {
	// CRD is the CustomResourceDefinition's name, e.g. scaledobjects.keda.sh.
	CRD string
	// Lost are the fields the first version's schema has and the second's
	// lacks, as paths such as `spec.jobTargetRef.template.spec.resourceClaims`:
	// after the second version's CRD is applied the API server prunes them
	// from every object it writes. A lost served version is `version v1alpha1`
	// and a lost CRD is `the whole CRD`.
	Lost []string
}

// CRDChanges compares version from's CRDs with version to's and returns those
// whose spec differs, in from's order. A CRD whose schema lost nothing but
// changed otherwise (validation, printer columns) has no Lost fields.
func CRDChanges(from, to Version) ([]CRDChange, error) {
	a, err := CRDsOf(from)
	if err != nil {
		return nil, err
	}
	b, err := CRDsOf(to)
	if err != nil {
		return nil, err
	}
	byName := map[string]*apiextensionsv1.CustomResourceDefinition{}
	for _, c := range b {
		byName[c.Name] = c
	}
	var out []CRDChange
	for _, ca := range a {
		cb, ok := byName[ca.Name]
		if !ok {
			out = append(out, CRDChange{CRD: ca.Name, Lost: []string{"the whole CRD"}})
			continue
		}
		if reflect.DeepEqual(ca.Spec, cb.Spec) {
			continue
		}
		out = append(out, CRDChange{CRD: ca.Name, Lost: lostFields(ca, cb)})
	}
	return out, nil
}

func lostFields(a, b *apiextensionsv1.CustomResourceDefinition) []string {
	var lost []string
	for _, va := range a.Spec.Versions {
		i := slices.IndexFunc(b.Spec.Versions, func(v apiextensionsv1.CustomResourceDefinitionVersion) bool { return v.Name == va.Name })
		if i < 0 {
			lost = append(lost, "version "+va.Name)
			continue
		}
		vb := b.Spec.Versions[i]
		if va.Schema == nil || va.Schema.OpenAPIV3Schema == nil {
			continue
		}
		var sb *apiextensionsv1.JSONSchemaProps
		if vb.Schema != nil {
			sb = vb.Schema.OpenAPIV3Schema
		}
		for _, p := range missingPaths("", va.Schema.OpenAPIV3Schema, sb) {
			if !slices.Contains(lost, p) {
				lost = append(lost, p)
			}
		}
	}
	return lost
}

// missingPaths lists the property paths under a that b lacks; below a missing
// property nothing more is listed.
func missingPaths(prefix string, a, b *apiextensionsv1.JSONSchemaProps) []string {
	if a == nil {
		return nil
	}
	if b == nil {
		if prefix == "" {
			return []string{"the whole schema"}
		}
		return []string{prefix}
	}
	var out []string
	names := make([]string, 0, len(a.Properties))
	for n := range a.Properties {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		pa := a.Properties[n]
		p := n
		if prefix != "" {
			p = prefix + "." + n
		}
		pb, ok := b.Properties[n]
		if !ok {
			if b.XPreserveUnknownFields == nil || !*b.XPreserveUnknownFields {
				out = append(out, p)
			}
			continue
		}
		out = append(out, missingPaths(p, &pa, &pb)...)
	}
	if a.Items != nil && a.Items.Schema != nil {
		var ib *apiextensionsv1.JSONSchemaProps
		if b.Items != nil {
			ib = b.Items.Schema
		}
		if ib != nil || b.XPreserveUnknownFields == nil || !*b.XPreserveUnknownFields {
			out = append(out, missingPaths(prefix+"[]", a.Items.Schema, ib)...)
		}
	}
	if a.AdditionalProperties != nil && a.AdditionalProperties.Schema != nil && b.AdditionalProperties != nil && b.AdditionalProperties.Schema != nil {
		out = append(out, missingPaths(prefix+"{}", a.AdditionalProperties.Schema, b.AdditionalProperties.Schema)...)
	}
	return out
}
