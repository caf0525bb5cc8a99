package kube

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
)

// UnknownFieldsError is an apply of fields the installed CRD does not
// declare: it is older than the KEDA whose rules the provider checks. The
// API server refuses such an apply, or, where it prunes instead, stores the
// object without them; either way KEDA never sees them.
type UnknownFieldsError struct {
	Object string   // "ScaledObject ml/worker"
	Fields []string // ".spec.fallback.behavior"
	// KEDAVersion is the installed KEDA version, "" when it cannot be told.
	KEDAVersion string
	// Stored is true when the object was written without the fields, false
	// when the apply was refused and nothing changed.
	Stored bool
}

func (e *UnknownFieldsError) Error() string {
	installed := "The installed KEDA (its version could not be read from its CRDs or its operator)"
	if e.KEDAVersion != "" {
		installed = "The installed KEDA " + e.KEDAVersion
	}
	what := "the API server refused the apply, and nothing was changed"
	if e.Stored {
		what = "the API server stored the object without them"
	}
	return fmt.Sprintf("%s sets %s: %s does not know these fields (its CRD does not declare them), so %s. The provider "+
		"checks configurations against the newest KEDA it supports. Upgrade KEDA (keda_installation's version, or your "+
		"own install) to a version that has these fields, or remove them from the configuration.",
		e.Object, strings.Join(e.Fields, ", "), installed, what)
}

// undeclared matches a field the API server's server-side apply found
// outside the CRD's schema: ".spec.fallback.behavior: field not declared in
// schema".
var undeclared = regexp.MustCompile(`(\.[^\s:]+): field not declared in schema`)

// undeclaredFields lists the fields of a server-side apply the API server
// refused because the object's schema does not declare them.
func undeclaredFields(err error) []string {
	if err == nil || !apierrors.IsInternalError(err) {
		return nil
	}
	var out []string
	for _, m := range undeclared.FindAllStringSubmatch(err.Error(), -1) {
		if !slices.Contains(out, m[1]) {
			out = append(out, m[1])
		}
	}
	sort.Strings(out)
	return out
}

// droppedFields lists the fields of an apply body that the object the API
// server answered with lacks. Only absence counts: servers default,
// normalize and merge in other managers' fields, but they never remove a
// field they store. Empty maps and lists carry nothing and are skipped.
func droppedFields(body []byte, answer any) ([]string, error) {
	var sent map[string]any
	if err := json.Unmarshal(body, &sent); err != nil {
		return nil, err
	}
	// Typed clients decode answers without them.
	delete(sent, "apiVersion")
	delete(sent, "kind")
	raw, err := json.Marshal(answer)
	if err != nil {
		return nil, err
	}
	var got map[string]any
	if err := json.Unmarshal(raw, &got); err != nil {
		return nil, err
	}
	var out []string
	missingFields(sent, got, "", &out)
	sort.Strings(out)
	return out, nil
}

func missingFields(sent, got any, path string, out *[]string) {
	switch s := sent.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return
		}
		for k, v := range s {
			if isEmpty(v) {
				continue
			}
			gv, present := g[k]
			if !present {
				*out = append(*out, path+"."+k)
				continue
			}
			missingFields(v, gv, path+"."+k, out)
		}
	case []any:
		g, ok := got.([]any)
		if !ok {
			return
		}
		for i, v := range s {
			if match := sameElement(v, i, g); match != nil {
				missingFields(v, match, path+"["+strconv.Itoa(i)+"]", out)
			}
		}
	}
}

// sameElement finds the stored counterpart of a sent list element: the one
// with the same name when elements are named (containers, env), else the
// one at the same index when the list kept its length; nil when it cannot
// be told, which reports nothing rather than guessing.
func sameElement(sent any, i int, got []any) any {
	if m, ok := sent.(map[string]any); ok {
		if name, ok := m["name"].(string); ok {
			for _, g := range got {
				if gm, ok := g.(map[string]any); ok && gm["name"] == name {
					return g
				}
			}
			return nil
		}
	}
	if i < len(got) {
		return got[i]
	}
	return nil
}

func isEmpty(v any) bool {
	switch v := v.(type) {
	case map[string]any:
		return len(v) == 0
	case []any:
		return len(v) == 0
	}
	return false
}

// KEDAVersionLabel is the label KEDA's release manifests and Helm chart put
// on its CRDs and Deployments.
const KEDAVersionLabel = "app.kubernetes.io/version"

// kedaVersionOf returns the installed KEDA version, as the CRD of resource
// (in group keda.sh) is labeled, else as the operator Deployment found in
// the cluster says; "" when neither tells.
func (c *Client) kedaVersionOf(resource string) func(context.Context) string {
	return func(ctx context.Context) string {
		crds, err := c.crds()
		if err != nil {
			return ""
		}
		if crd, err := crds.Get(ctx, resource+".keda.sh"); err == nil {
			if v := crd.GetLabels()[KEDAVersionLabel]; v != "" {
				return v
			}
		}
		found, err := c.FindKEDA(ctx)
		if err != nil {
			return ""
		}
		for _, d := range found {
			if d.Component == ComponentOperator && d.Version != "" {
				return d.Version
			}
		}
		return ""
	}
}
