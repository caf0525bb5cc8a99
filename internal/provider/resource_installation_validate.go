package provider

import (
	"context"
	"fmt"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/kedaml/terraform-provider-keda/internal/install"
	"github.com/kedaml/terraform-provider-keda/internal/keda"
)

var _ resource.ResourceWithValidateConfig = (*installationResource)(nil)

// ValidateConfig checks what the API server or server-side apply would
// refuse once the settings meet KEDA's manifest, so that an install fails at
// plan rather than halfway through an apply.
func (r *installationResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m installationModel
	if diags := req.Config.Get(ctx, &m); diags.HasError() {
		// A dynamic block with an unknown for_each: checked once known.
		return
	}
	version := install.Latest()
	if v := m.Version.ValueString(); install.IsBundled(v) {
		version = install.Version(v)
	}
	validateEnv(m, resp)
	resp.Diagnostics.Append(keda.ValidateTolerations(m.Toleration, path.Root("toleration"),
		"; the API server refuses KEDA's Deployments with it.")...)
	components := []struct {
		c     install.Component
		model *componentModel
	}{{install.Operator, nil}, {install.MetricsServer, m.MetricsServer}, {install.Webhooks, nil}}
	if m.Operator != nil {
		components[0].model = &m.Operator.componentModel
	}
	if m.Webhooks != nil {
		components[2].model = &m.Webhooks.componentModel
	}
	for _, c := range components {
		if c.model == nil {
			continue
		}
		at := path.Root(string(c.c))
		if v, ok := c.model.PodLabels.Elements()["app"]; ok && !v.IsUnknown() {
			label := at.AtName("pod_labels").AtMapKey("app")
			resp.Diagnostics.AddAttributeError(label, "Pod label of the Deployment's selector",
				fmt.Sprintf("Attribute %s: label \"app\" selects the pods of Deployment %s (%s), and the API server refuses a pod "+
					"template whose labels do not match it. Use another key.", label, install.DeploymentName(c.c), componentDocs[c.c].selector))
		}
		upstreamVolumes, upstreamMounts, err := install.UpstreamPod(version, c.c)
		if err != nil {
			resp.Diagnostics.AddError("Cannot read KEDA's bundled manifest", "This is a bug in the provider: "+err.Error())
			return
		}
		validateVolumes(at, c.model, upstreamVolumes, upstreamMounts, resp)
	}
}

// validateEnv refuses a variable named twice (server-side apply keys env by
// name) and one that an attribute also sets.
func validateEnv(m installationModel, resp *resource.ValidateConfigResponse) {
	owners := map[string]bool{
		install.EnvWatchNamespace: !m.WatchNamespace.IsNull(),
	}
	owner := map[string]string{install.EnvWatchNamespace: "watch_namespace"}
	if m.HTTP != nil {
		owners[install.EnvHTTPTimeout] = !m.HTTP.Timeout.IsNull()
		owners[install.EnvDisableKeepAlive] = !m.HTTP.KeepAlive.IsNull()
		owner[install.EnvHTTPTimeout], owner[install.EnvDisableKeepAlive] = "http.timeout", "http.keep_alive"
	}
	seen := map[string]bool{}
	for i, e := range m.Env {
		if e.Name.IsUnknown() || e.Name.IsNull() {
			continue
		}
		name, at := e.Name.ValueString(), path.Root("env").AtListIndex(i).AtName("name")
		if seen[name] {
			resp.Diagnostics.AddAttributeError(at, "Duplicate environment variable",
				fmt.Sprintf("Attribute %s: variable %q is set twice in env, and a container's variables are keyed by name.", at, name))
		}
		seen[name] = true
		if owners[name] {
			resp.Diagnostics.AddAttributeError(at, "Environment variable set by an attribute",
				fmt.Sprintf("Attribute %s: variable %q is set by %s. Set it there, or remove %s.", at, name, owner[name], owner[name]))
		}
	}
}

// validateVolumes refuses what the API server refuses in a pod spec:
// duplicate volume names and mount paths (k8s.io/kubernetes
// pkg/apis/core/validation, ValidateVolumes and ValidateVolumeMounts), and a
// mount of a volume the pod lacks.
func validateVolumes(at path.Path, c *componentModel, upstreamVolumes, upstreamMounts []string, resp *resource.ValidateConfigResponse) {
	volumes := slices.Clone(upstreamVolumes)
	for i, v := range c.Volume {
		if v.Name.IsUnknown() || v.Name.IsNull() {
			continue
		}
		name := v.Name.ValueString()
		if slices.Contains(volumes, name) {
			why := "is declared twice"
			if slices.Contains(upstreamVolumes, name) {
				why = "is one of KEDA's own volumes (" + fmt.Sprint(upstreamVolumes) + ")"
			}
			item := at.AtName("volume").AtListIndex(i).AtName("name")
			resp.Diagnostics.AddAttributeError(item, "Duplicate volume name",
				fmt.Sprintf("Attribute %s: volume %q %s, and a pod's volume names must be unique.", item, name, why))
		}
		volumes = append(volumes, name)
	}
	mounts := slices.Clone(upstreamMounts)
	for i, mnt := range c.VolumeMount {
		item := at.AtName("volume_mount").AtListIndex(i)
		if !mnt.Name.IsUnknown() && !mnt.Name.IsNull() && !slices.Contains(volumes, mnt.Name.ValueString()) && allVolumesKnown(c) {
			resp.Diagnostics.AddAttributeError(item.AtName("name"), "Mount of an unknown volume",
				fmt.Sprintf("Attribute %s: volume %q is neither a volume block of this component nor one of KEDA's own (%v).",
					item.AtName("name"), mnt.Name.ValueString(), upstreamVolumes))
		}
		if mnt.MountPath.IsUnknown() || mnt.MountPath.IsNull() {
			continue
		}
		p := mnt.MountPath.ValueString()
		if slices.Contains(mounts, p) {
			why := "is mounted twice"
			if slices.Contains(upstreamMounts, p) {
				why = "is one of KEDA's own mount paths (" + fmt.Sprint(upstreamMounts) + ")"
			}
			resp.Diagnostics.AddAttributeError(item.AtName("mount_path"), "Duplicate mount path",
				fmt.Sprintf("Attribute %s: mount path %q %s, and a container's mount paths must be unique.", item.AtName("mount_path"), p, why))
		}
		mounts = append(mounts, p)
	}
}

func allVolumesKnown(c *componentModel) bool {
	for _, v := range c.Volume {
		if v.Name.IsUnknown() {
			return false
		}
	}
	return true
}
