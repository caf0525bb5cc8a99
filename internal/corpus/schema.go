package corpus

import (
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
)

// Kinds are the KEDA kinds the corpus keeps.
var Kinds = []string{"ScaledObject", "ScaledJob", "TriggerAuthentication", "ClusterTriggerAuthentication"}

// schemas are the OpenAPI schemas of KEDA's kinds, by kind.
type schemas map[string]*apiextensionsv1.JSONSchemaProps

func newSchemas(crds []*apiextensionsv1.CustomResourceDefinition) schemas {
	out := schemas{}
	for _, crd := range crds {
		if crd.Spec.Group != "keda.sh" {
			continue
		}
		for _, v := range crd.Spec.Versions {
			if v.Storage && v.Schema != nil {
				out[crd.Spec.Names.Kind] = v.Schema.OpenAPIV3Schema
			}
		}
	}
	return out
}

// at is the schema of the value at path ("[]" steps into a list) in an
// object of kind, nil where the schema says nothing (preserved unknown
// fields, or a path outside it). named: the last step is a property the
// schema names, not a key of a free-form map such as a trigger's metadata.
func (s schemas) at(kind string, path []string) (sch *apiextensionsv1.JSONSchemaProps, named bool) {
	cur := s[kind]
	for _, step := range path {
		if cur == nil {
			return nil, false
		}
		named = false
		if step == "[]" {
			if cur.Items == nil {
				return nil, false
			}
			cur = cur.Items.Schema
			continue
		}
		if p, ok := cur.Properties[step]; ok {
			cur, named = &p, true
			continue
		}
		if cur.AdditionalProperties != nil && cur.AdditionalProperties.Schema != nil {
			cur = cur.AdditionalProperties.Schema
			continue
		}
		return nil, false
	}
	return cur, named
}
