package keda

import (
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/validation"
)

// The API server validates the template only when KEDA creates a Job from it
// (the ScaledJob CRD stores any pod template), and then refuses every Job:
// the ScaledJob applies, and nothing ever runs. These checks are the few of
// k8s.io/kubernetes pkg/apis/core/validation that the template's typed
// fields can break, applied at plan; k8s.io/kubernetes itself is too large a
// dependency for them.

var templateSpecPath = path.Root("job_target_ref").AtName("template").AtName("spec")

// validateJobTemplate checks the pod template of a ScaledJob.
func validateJobTemplate(j *JobTargetRefModel) diag.Diagnostics {
	var diags diag.Diagnostics
	if j == nil || j.Template == nil || j.Template.Spec == nil {
		return diags
	}
	ps := j.Template.Spec
	for i, c := range ps.Container {
		diags.Append(validateContainerResources(c.Resources, templateSpecPath.AtName("container").AtListIndex(i).AtName("resources"))...)
	}
	for i, c := range ps.InitContainer {
		diags.Append(validateContainerResources(c.Resources, templateSpecPath.AtName("init_container").AtListIndex(i).AtName("resources"))...)
	}
	diags.Append(validateContainerNames(ps)...)
	diags.Append(validateVolumes(ps)...)
	for i, t := range ps.Toleration {
		diags.Append(validateToleration(t, templateSpecPath.AtName("toleration").AtListIndex(i), jobsRefused)...)
	}
	return diags
}

// isNativeResource, isHugePages, isExtendedResource and overcommitAllowed
// are k8s.io/kubernetes pkg/apis/core/helper IsNativeResource,
// IsHugePageResourceName, IsExtendedResourceName and IsOvercommitAllowed.
func isNativeResource(name string) bool {
	return !strings.Contains(name, "/") || strings.Contains(name, corev1.ResourceDefaultNamespacePrefix)
}

func isHugePages(name string) bool { return strings.HasPrefix(name, corev1.ResourceHugePagesPrefix) }

func isExtendedResource(name string) bool {
	if isNativeResource(name) || strings.HasPrefix(name, corev1.DefaultResourceRequestsPrefix) {
		return false
	}
	return len(validation.IsQualifiedName(corev1.DefaultResourceRequestsPrefix+name)) == 0
}

func overcommitAllowed(name string) bool { return isNativeResource(name) && !isHugePages(name) }

// standardContainerResources are the unprefixed names a container may use
// besides hugepages-* (pkg/apis/core/helper IsStandardContainerResourceName).
var standardContainerResources = []string{string(corev1.ResourceCPU), string(corev1.ResourceMemory), string(corev1.ResourceEphemeralStorage)}

// resourceNameProblem is validateContainerResourceName.
func resourceNameProblem(name string) string {
	if errs := validation.IsQualifiedName(name); len(errs) > 0 {
		return strings.Join(errs, "; ")
	}
	switch {
	case !strings.Contains(name, "/"):
		if !slices.Contains(standardContainerResources, name) && !isHugePages(name) {
			return "must be cpu, memory, ephemeral-storage, hugepages-<size> or a domain-prefixed extended resource such as nvidia.com/gpu"
		}
	case !isNativeResource(name) && !isExtendedResource(name):
		return "does not follow the extended resource name standard (such as nvidia.com/gpu)"
	}
	return ""
}

type parsedResources struct {
	at         path.Path
	quantities map[string]resource.Quantity
	spelled    map[string]string
	paths      map[string]path.Path
}

// parseResources reads the known, parsable quantities of one map.
func parseResources(m types.Map, at path.Path) parsedResources {
	out := parsedResources{at: at, quantities: map[string]resource.Quantity{}, spelled: map[string]string{}, paths: map[string]path.Path{}}
	if m.IsNull() || m.IsUnknown() {
		return out
	}
	for k, v := range m.Elements() {
		s, ok := v.(types.String)
		if !ok || !known(s) || s.IsNull() {
			continue
		}
		if q, err := resource.ParseQuantity(s.ValueString()); err == nil {
			out.quantities[k], out.spelled[k] = q, s.ValueString()
			out.paths[k] = at.AtMapKey(k)
		}
	}
	return out
}

// validateContainerResources is validateResourceRequirements for a
// container (ValidateContainerResourceRequirements), with
// ValidateResourceQuantityValue and validateResourceQuantityHugePageValue.
// A rule reads only the entries it judges; an unknown one is skipped.
func validateContainerResources(r *ResourcesModel, at path.Path) diag.Diagnostics {
	var diags diag.Diagnostics
	if r == nil {
		return diags
	}
	limits := parseResources(r.Limits, at.AtName("limits"))
	requests := parseResources(r.Requests, at.AtName("requests"))
	for _, list := range []parsedResources{limits, requests} {
		for _, name := range sortedKeys(list.quantities) {
			q, p, spelled := list.quantities[name], list.paths[name], list.spelled[name]
			if problem := resourceNameProblem(name); problem != "" {
				attrError(&diags, p, "Invalid resource name",
					fmt.Sprintf("%q %s; the API server refuses every Job KEDA would create from this template.", name, problem))
				continue
			}
			if q.Sign() < 0 {
				attrError(&diags, p, "Negative resource quantity",
					fmt.Sprintf("%q must not be negative; the API server refuses every Job KEDA would create from this template.", spelled))
			}
			if isExtendedResource(name) && q.MilliValue()%1000 != 0 {
				attrError(&diags, p, "Extended resource not a whole number",
					fmt.Sprintf("%s is an extended resource, which Kubernetes counts in whole units; %q is not a whole number, and the "+
						"API server refuses every Job KEDA would create from this template. Use e.g. \"1\".", name, spelled))
			}
			if isHugePages(name) {
				if page, err := resource.ParseQuantity(strings.TrimPrefix(name, corev1.ResourceHugePagesPrefix)); err != nil ||
					page.Sign() <= 0 || page.MilliValue()%1000 != 0 || q.Value()%page.Value() != 0 {
					attrError(&diags, p, "Hugepages not a multiple of the page size",
						fmt.Sprintf("%q is not a positive whole multiple of the page size of %s; the API server refuses every Job KEDA "+
							"would create from this template.", spelled, name))
				}
			}
		}
	}
	for _, name := range sortedKeys(requests.quantities) {
		req, p, reqSpelled := requests.quantities[name], requests.paths[name], requests.spelled[name]
		if resourceNameProblem(name) != "" {
			continue
		}
		limit, hasLimit := limits.quantities[name]
		_, limitListed := elementOf(r.Limits, name)
		switch {
		case hasLimit && !overcommitAllowed(name) && req.Cmp(limit) != 0:
			attrError(&diags, p, "Request must equal the limit",
				fmt.Sprintf("%s cannot be overcommitted: its request (%s) must equal its limit (%s), or be left out (the limit "+
					"then stands for both). The API server refuses every Job KEDA would create from this template.", name, reqSpelled, limits.spelled[name]))
		case hasLimit && req.Cmp(limit) > 0:
			attrError(&diags, p, "Request above the limit",
				fmt.Sprintf("the %s request (%s) must not exceed its limit (%s); the API server refuses every Job KEDA would "+
					"create from this template.", name, reqSpelled, limits.spelled[name]))
		case !limitListed && known(r.Limits) && !overcommitAllowed(name):
			attrError(&diags, p, "Limit required",
				fmt.Sprintf("%s cannot be overcommitted: set it in limits (a request alone is refused by the API server for "+
					"every Job KEDA would create from this template). A limit alone is enough.", name))
		}
	}
	if hasHugePages(limits, requests) && !hasCPUOrMemory(limits, requests) && known(r.Limits, r.Requests) {
		attrError(&diags, at, "Hugepages need cpu or memory",
			"a container with hugepages must also request or limit cpu or memory; the API server refuses every Job KEDA would create "+
				"from this template.")
	}
	return diags
}

func elementOf(m types.Map, key string) (types.String, bool) {
	if m.IsNull() || m.IsUnknown() {
		return types.StringNull(), false
	}
	v, ok := m.Elements()[key]
	s, isString := v.(types.String)
	return s, ok && isString
}

func hasHugePages(lists ...parsedResources) bool {
	for _, l := range lists {
		for name := range l.quantities {
			if isHugePages(name) {
				return true
			}
		}
	}
	return false
}

func hasCPUOrMemory(lists ...parsedResources) bool {
	for _, l := range lists {
		for name := range l.quantities {
			if name == string(corev1.ResourceCPU) || name == string(corev1.ResourceMemory) {
				return true
			}
		}
	}
	return false
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// validateContainerNames is the uniqueness of validateContainers and
// validateInitContainers: names are unique across both lists.
func validateContainerNames(ps *PodSpecModel) diag.Diagnostics {
	var diags diag.Diagnostics
	seen := map[string]bool{}
	check := func(list []ContainerModel, block string) {
		for i, c := range list {
			if !known(c.Name) || c.Name.IsNull() {
				continue
			}
			name := c.Name.ValueString()
			if seen[name] {
				attrError(&diags, templateSpecPath.AtName(block).AtListIndex(i).AtName("name"), "Duplicate container name",
					fmt.Sprintf("%q names another container or init container too; the API server refuses every Job KEDA would "+
						"create from this template.", name))
			}
			seen[name] = true
		}
	}
	check(ps.Container, "container")
	check(ps.InitContainer, "init_container")
	return diags
}

// validateVolumes is ValidateVolumes' unique names and validateVolumeMounts'
// references and unique mount paths.
func validateVolumes(ps *PodSpecModel) diag.Diagnostics {
	var diags diag.Diagnostics
	volumes := map[string]bool{}
	allVolumesKnown := true
	for i, v := range ps.Volume {
		if !known(v.Name) {
			allVolumesKnown = false
			continue
		}
		name := v.Name.ValueString()
		if volumes[name] {
			attrError(&diags, templateSpecPath.AtName("volume").AtListIndex(i).AtName("name"), "Duplicate volume name",
				fmt.Sprintf("%q names another volume too; the API server refuses every Job KEDA would create from this template.", name))
		}
		volumes[name] = true
	}
	check := func(list []ContainerModel, block string) {
		for i, c := range list {
			paths := map[string]bool{}
			for j, m := range c.VolumeMount {
				at := templateSpecPath.AtName(block).AtListIndex(i).AtName("volume_mount").AtListIndex(j)
				if allVolumesKnown && known(m.Name) && !volumes[m.Name.ValueString()] {
					attrError(&diags, at.AtName("name"), "Volume not found",
						fmt.Sprintf("no volume block is named %q; the API server refuses every Job KEDA would create from this template.",
							m.Name.ValueString()))
				}
				if !known(m.MountPath) {
					continue
				}
				if mp := m.MountPath.ValueString(); paths[mp] {
					attrError(&diags, at.AtName("mount_path"), "Duplicate mount path",
						fmt.Sprintf("%q is the mount path of another volume_mount of this container; the API server refuses every Job "+
							"KEDA would create from this template.", mp))
				} else {
					paths[mp] = true
				}
			}
		}
	}
	check(ps.Container, "container")
	check(ps.InitContainer, "init_container")
	return diags
}

// jobsRefused ends the checks of the ScaledJob's template: KEDA stores the
// template as it is, and the API server refuses the Jobs made from it.
const jobsRefused = "; the API server refuses every Job KEDA would create from this template."

// validateToleration is the API server's ValidateTolerations for the
// operators the schema offers (Equal, the default, and Exists); suffix says
// what the refusal breaks.
func validateToleration(t TolerationModel, at path.Path, suffix string) diag.Diagnostics {
	var diags diag.Diagnostics
	if known(t.Key) && !t.Key.IsNull() {
		if errs := validation.IsQualifiedName(t.Key.ValueString()); len(errs) > 0 {
			attrError(&diags, at.AtName("key"), "Invalid toleration key", strings.Join(errs, "; ")+suffix)
		}
	}
	exists := str(t.Operator) == string(corev1.TolerationOpExists)
	if known(t.Key, t.Operator) && t.Key.IsNull() && !exists {
		attrError(&diags, at.AtName("operator"), "Toleration without key",
			"a toleration without key matches every taint and needs operator = \"Exists\""+suffix)
	}
	if known(present(t.TolerationSeconds), t.Effect) && !t.TolerationSeconds.IsNull() && str(t.Effect) != string(corev1.TaintEffectNoExecute) {
		attrError(&diags, at.AtName("effect"), "toleration_seconds needs NoExecute",
			"toleration_seconds applies only with effect = \"NoExecute\""+suffix)
	}
	if known(t.Operator, t.Value) {
		switch {
		case exists && !t.Value.IsNull():
			attrError(&diags, at.AtName("value"), "Toleration value with Exists", "operator \"Exists\" takes no value"+suffix)
		case !exists && !t.Value.IsNull():
			if errs := validation.IsValidLabelValue(t.Value.ValueString()); len(errs) > 0 {
				attrError(&diags, at.AtName("value"), "Invalid toleration value", strings.Join(errs, "; ")+suffix)
			}
		}
	}
	return diags
}
