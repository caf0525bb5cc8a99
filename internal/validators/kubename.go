// Package validators holds the provider's small attribute validators.
package validators

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"k8s.io/apimachinery/pkg/util/validation"
)

// NameKind selects which Kubernetes naming rule a name must follow.
type NameKind int

const (
	// DNSSubdomain is the rule for most object names (RFC 1123 subdomain, 253 characters).
	DNSSubdomain NameKind = iota
	// DNSLabel is the rule for namespaces, containers and ports (RFC 1123 label, 63 characters).
	DNSLabel
)

type kubeNameValidator struct {
	kind NameKind
}

// KubeName checks a string against a Kubernetes naming rule.
func KubeName(kind NameKind) validator.String {
	return kubeNameValidator{kind: kind}
}

func (v kubeNameValidator) Description(_ context.Context) string {
	if v.kind == DNSLabel {
		return "must be a lowercase RFC 1123 label: at most 63 characters of a-z, 0-9 and '-', starting and ending with an alphanumeric character"
	}
	return "must be a lowercase RFC 1123 subdomain: at most 253 characters of a-z, 0-9, '-' and '.', starting and ending with an alphanumeric character"
}

func (v kubeNameValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v kubeNameValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	name := req.ConfigValue.ValueString()
	var problems []string
	if v.kind == DNSLabel {
		problems = validation.IsDNS1123Label(name)
	} else {
		problems = validation.IsDNS1123Subdomain(name)
	}
	if len(problems) > 0 {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Kubernetes name",
			fmt.Sprintf("Attribute %s value %q is not a valid Kubernetes name: %s.", req.Path, name, strings.Join(problems, "; ")))
	}
}
