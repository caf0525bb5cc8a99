package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/kedaml/terraform-provider-keda/internal/install"
	"github.com/kedaml/terraform-provider-keda/internal/kube"
)

type crdDowngradeModifier struct{}

// refuseCRDDowngrade refuses, at plan, a change of `version` to an older
// KEDA whose CRDs differ from the installed version's: applying older CRDs
// makes the API server prune the fields they lack from every ScaledObject,
// ScaledJob and TriggerAuthentication it writes. Both CRD sets are bundled,
// so the plan needs no cluster.
func refuseCRDDowngrade() planmodifier.String { return crdDowngradeModifier{} }

func (crdDowngradeModifier) Description(_ context.Context) string {
	return "refuses a downgrade to a KEDA version whose CRDs differ"
}

func (m crdDowngradeModifier) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (crdDowngradeModifier) PlanModifyString(_ context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if req.StateValue.IsNull() || req.StateValue.IsUnknown() || req.PlanValue.IsNull() || req.PlanValue.IsUnknown() {
		return
	}
	from, to := install.Version(req.StateValue.ValueString()), install.Version(req.PlanValue.ValueString())
	if !install.IsBundled(string(from)) || !install.IsBundled(string(to)) || to.Compare(from) >= 0 {
		return
	}
	changes, err := install.CRDChanges(from, to)
	if err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Cannot compare KEDA's CRDs", "This is a bug in the provider: "+err.Error())
		return
	}
	if len(changes) == 0 {
		return
	}
	resp.Diagnostics.AddAttributeError(req.Path, "KEDA downgrade across a CRD change",
		fmt.Sprintf("KEDA %s's CRDs differ from the installed KEDA %s's: %s. Applying the older CRDs would make the API server "+
			"prune the missing fields from every KEDA object it writes, silently. Keep version = %q, or uninstall KEDA (which "+
			"deletes its CRDs and every ScaledObject, ScaledJob and TriggerAuthentication with them) and install %s afresh.",
			to, from, describeCRDChanges(changes), string(from), to))
}

// describeCRDChanges names each changed CRD with up to five of the fields
// the older one lacks.
func describeCRDChanges(changes []install.CRDChange) string {
	parts := make([]string, len(changes))
	for i, c := range changes {
		switch {
		case len(c.Lost) == 0:
			parts[i] = c.CRD + " (validation or printing changed)"
		case len(c.Lost) > 5:
			parts[i] = fmt.Sprintf("%s lacks %s and %d more", c.CRD, strings.Join(c.Lost[:5], ", "), len(c.Lost)-5)
		default:
			parts[i] = c.CRD + " lacks " + strings.Join(c.Lost, ", ")
		}
	}
	return strings.Join(parts, "; ")
}

// installedVersion is the bundled KEDA version whose operator runs in
// namespace, by the `app.kubernetes.io/version` label KEDA's manifests put
// on its Deployment; "" when there is no such Deployment or its version is
// not one the provider bundles.
func (r *installationResource) installedVersion(ctx context.Context, namespace string) (string, error) {
	ref := &unstructured.Unstructured{}
	ref.SetAPIVersion("apps/v1")
	ref.SetKind("Deployment")
	ref.SetNamespace(namespace)
	ref.SetName(install.DeploymentName(install.Operator))
	api, err := r.client.ObjectsFor(ref)
	if err != nil {
		return "", err
	}
	live, err := api.Get(ctx, ref.GetName())
	if kube.IsNotFound(err) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	if v := live.GetLabels()["app.kubernetes.io/version"]; install.IsBundled(v) {
		return v, nil
	}
	return "", nil
}
