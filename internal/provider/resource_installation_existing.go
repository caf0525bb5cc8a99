package provider

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-log/tflog"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/kedaml/terraform-provider-keda/internal/kube"
)

// helmReleaseRef is a Helm release name (Helm allows 53 characters of a DNS
// label) with an optional namespace before it.
var helmReleaseRef = regexp.MustCompile(`^(?:[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?/)?[a-z0-9]([-a-z0-9]{0,51}[a-z0-9])?$`)

func takeOverHelmReleaseAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		Optional: true,
		MarkdownDescription: "A Helm release of KEDA to replace when the installation is created, as `namespace/name` (or " +
			"`name`, in `namespace`). Without it, create refuses to install next to a KEDA that already runs. With it, KEDA's " +
			"CRDs are kept (annotated `helm.sh/resource-policy: keep`) and adopted, so that no ScaledObject, ScaledJob or " +
			"TriggerAuthentication is lost; the release's Deployments, Services, APIService, webhooks and RBAC are replaced and " +
			"Helm's record of the release is deleted. Read when the installation is created only. See the guide " +
			"[Moving KEDA from Helm to keda_installation](../guides/moving-from-helm.md).",
		Validators: []validator.String{stringvalidator.RegexMatches(helmReleaseRef,
			"must be a Helm release name, optionally prefixed with its namespace: `keda` or `keda/keda`")},
	}
}

// helmReleaseToTakeOver reads the release take_over_helm_release names;
// nil when it names none.
func (r *installationResource) helmReleaseToTakeOver(ctx context.Context, m installationModel, diags *diag.Diagnostics) *kube.HelmRelease {
	ref := m.TakeOverHelmRelease.ValueString()
	if ref == "" {
		return nil
	}
	ns, name, found := strings.Cut(ref, "/")
	if !found {
		ns, name = m.Namespace.ValueString(), ref
	}
	rel, err := r.client.ReadHelmRelease(ctx, ns, name)
	if errors.Is(err, kube.ErrNoHelmRelease) {
		// An earlier apply that took it over and failed later has deleted
		// Helm's record last. Installing goes on: a chart install still
		// running under another name is refused all the same.
		diags.AddAttributeWarning(path.Root("take_over_helm_release"), "No Helm release to take over",
			err.Error()+". The installation goes on without a takeover; if an earlier apply took the release over, remove "+
				"take_over_helm_release. Check the name with `helm list -A`.")
		return nil
	}
	if err != nil {
		diags.AddAttributeError(path.Root("take_over_helm_release"), "Cannot take over the Helm release", err.Error())
		return nil
	}
	if !rel.InstallsKEDA() {
		diags.AddAttributeError(path.Root("take_over_helm_release"), "Not a Helm release of KEDA",
			fmt.Sprintf("%s (chart %s) installed neither KEDA's CRDs nor its operator; nothing was changed. Name the release "+
				"that installed KEDA (`helm list -A`).", rel.Ref(), rel.Chart))
		return nil
	}
	return rel
}

// refuseOtherKEDA fails when a KEDA other than this installation (and the
// Helm release it takes over) runs in the cluster, or when another server
// answers for external metrics: two operators would reconcile the same
// ScaledObjects, and the cluster routes external metrics to one server.
func (r *installationResource) refuseOtherKEDA(ctx context.Context, ns string, objs []*unstructured.Unstructured,
	rel *kube.HelmRelease, diags *diag.Diagnostics) {
	fromRelease := func(name, namespace string) bool {
		return rel != nil && name == rel.Name && namespace == rel.Namespace
	}
	found, err := r.client.FindKEDA(ctx)
	if err != nil {
		diags.Append(apiError("Failed to look for an existing KEDA", err))
		return
	}
	var others []kube.FoundDeployment
	for _, d := range found {
		if (d.Ours && d.Namespace == ns) || fromRelease(d.HelmRelease, d.HelmReleaseNamespace) {
			continue
		}
		others = append(others, d)
	}
	svc, err := r.client.ExternalMetricsService(ctx)
	if err != nil {
		diags.Append(apiError("Failed to look for an existing KEDA", err))
		return
	}
	var ownNS, ownName string
	for _, o := range objs {
		if o.GetKind() == "APIService" && o.GetName() == kube.ExternalMetricsAPIService {
			ownNS, _, _ = unstructured.NestedString(o.Object, "spec", "service", "namespace")
			ownName, _, _ = unstructured.NestedString(o.Object, "spec", "service", "name")
		}
	}
	foreignAPI := svc != nil && (svc.ServiceNamespace != ownNS || svc.ServiceName != ownName) &&
		!fromRelease(svc.HelmRelease, svc.HelmReleaseNamespace)
	if len(others) == 0 && !foreignAPI {
		return
	}
	var b strings.Builder
	b.WriteString("Nothing was written. Installing here would run a second KEDA next to the one found, and two operators " +
		"would reconcile the same ScaledObjects. Found:\n")
	helm, ours := "", ""
	for _, d := range others {
		fmt.Fprintf(&b, "  - %s\n", d.Describe())
		switch {
		case d.HelmRelease != "" && helm == "":
			helm = d.HelmReleaseNamespace + "/" + d.HelmRelease
		case d.Ours && ours == "":
			ours = d.Namespace
		}
	}
	if foreignAPI {
		fmt.Fprintf(&b, "  - APIService %s, served by Service %s/%s: external metrics go to one server per cluster\n",
			kube.ExternalMetricsAPIService, svc.ServiceNamespace, svc.ServiceName)
	}
	b.WriteString("\nHow to move:\n")
	switch {
	case helm != "":
		fmt.Fprintf(&b, "  - It was installed with Helm: set take_over_helm_release = %q to replace it in this apply. KEDA's "+
			"CRDs are kept and adopted, so every ScaledObject, ScaledJob and TriggerAuthentication stays; see the guide "+
			"\"Moving KEDA from Helm to keda_installation\". Do not `helm uninstall` it first: the chart's CRDs would go, and "+
			"every ScaledObject with them.\n", helm)
	case ours != "":
		fmt.Fprintf(&b, "  - It was installed by keda_installation in namespace %s: import it (terraform import "+
			"keda_installation.<name> %s) or set namespace = %q, rather than installing a second one.\n", ours, ours, ours)
	case len(others) > 0:
		b.WriteString("  - Remove its Deployments, Services, APIService and webhook configuration, but keep its CRDs (deleting " +
			"them deletes every ScaledObject); this installation then adopts the CRDs.\n")
	default:
		b.WriteString("  - Another server (not a KEDA this provider recognizes) serves external metrics. Remove it or its " +
			"APIService before installing KEDA.\n")
	}
	diags.AddError("KEDA is already installed in the cluster", b.String())
}

// takeOver moves the Helm release out of Helm's hands before the install
// replaces it (see kube.TakeOverHelmRelease).
func (r *installationResource) takeOver(ctx context.Context, rel *kube.HelmRelease, diags *diag.Diagnostics) {
	res, err := r.client.TakeOverHelmRelease(ctx, rel)
	tflog.Info(ctx, "took over a Helm release of KEDA", map[string]any{
		"release": rel.Ref(), "kept": res.KeptCRDs, "deleted": res.Deleted, "left": res.Left,
	})
	if err != nil {
		diags.Append(apiError("Failed to take over the Helm release", fmt.Errorf("%w. KEDA's CRDs were marked kept first (%s); "+
			"apply again to finish the takeover", err, strings.Join(res.KeptCRDs, ", "))))
		return
	}
	if len(res.Left) > 0 {
		diags.AddWarning("Objects of the Helm release were left in place",
			fmt.Sprintf("%s also installed %s, which keda_installation does not replace. Helm no longer knows them; "+
				"delete them if nothing else uses them.", rel.Ref(), strings.Join(res.Left, ", ")))
	}
}
