package keda

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
)

func int64Ptr(v types.Int64) *int64 {
	if v.IsNull() || v.IsUnknown() {
		return nil
	}
	i := v.ValueInt64()
	return &i
}

func fromInt64Ptr(p *int64) types.Int64 {
	if p == nil {
		return types.Int64Null()
	}
	return types.Int64Value(*p)
}

// Expand converts the block into the JobSpec KEDA copies into each Job. It
// fails on a number that its field cannot hold.
func (j *JobTargetRefModel) Expand() (*batchv1.JobSpec, error) {
	var c conversion
	spec := j.expand(&c)
	return spec, c.err
}

func (j *JobTargetRefModel) expand(c *conversion) *batchv1.JobSpec {
	if j == nil {
		return nil
	}
	spec := &batchv1.JobSpec{
		Parallelism:             c.int32Ptr(j.Parallelism, "job_target_ref.parallelism"),
		Completions:             c.int32Ptr(j.Completions, "job_target_ref.completions"),
		ActiveDeadlineSeconds:   int64Ptr(j.ActiveDeadlineSeconds),
		BackoffLimit:            c.int32Ptr(j.BackoffLimit, "job_target_ref.backoff_limit"),
		TTLSecondsAfterFinished: c.int32Ptr(j.TTLSecondsAfterFinished, "job_target_ref.ttl_seconds_after_finished"),
	}
	t := j.Template
	if t == nil {
		return spec
	}
	if md := t.Metadata; md != nil {
		spec.Template.Labels = stringMap(md.Labels)
		spec.Template.Annotations = stringMap(md.Annotations)
	}
	if ps := t.Spec; ps != nil {
		pod := &spec.Template.Spec
		pod.RestartPolicy = corev1.RestartPolicy(str(ps.RestartPolicy))
		pod.ServiceAccountName = str(ps.ServiceAccountName)
		pod.NodeSelector = stringMap(ps.NodeSelector)
		pod.PriorityClassName = str(ps.PriorityClassName)
		pod.RuntimeClassName = strPtr(ps.RuntimeClassName)
		for _, name := range stringList(ps.ImagePullSecrets) {
			pod.ImagePullSecrets = append(pod.ImagePullSecrets, corev1.LocalObjectReference{Name: name})
		}
		for i, ctr := range ps.Container {
			pod.Containers = append(pod.Containers, ctr.expand(c, fmt.Sprintf("container[%d]", i)))
		}
		for i, ctr := range ps.InitContainer {
			pod.InitContainers = append(pod.InitContainers, ctr.expand(c, fmt.Sprintf("init_container[%d]", i)))
		}
		for i, v := range ps.Volume {
			pod.Volumes = append(pod.Volumes, v.expand(c, fmt.Sprintf("volume[%d]", i)))
		}
		for _, tol := range ps.Toleration {
			pod.Tolerations = append(pod.Tolerations, tol.Expand())
		}
	}
	return spec
}

func (ctr ContainerModel) expand(c *conversion, at string) corev1.Container {
	out := corev1.Container{
		Name: str(ctr.Name), Image: str(ctr.Image), ImagePullPolicy: corev1.PullPolicy(str(ctr.ImagePullPolicy)),
		Command: stringList(ctr.Command), Args: stringList(ctr.Args), WorkingDir: str(ctr.WorkingDir),
	}
	for _, e := range ctr.Env {
		out.Env = append(out.Env, e.Expand())
	}
	for _, e := range ctr.EnvFrom {
		src := corev1.EnvFromSource{Prefix: str(e.Prefix)}
		if e.SecretRef != nil {
			src.SecretRef = &corev1.SecretEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: str(e.SecretRef.Name)}}
		}
		if e.ConfigMapRef != nil {
			src.ConfigMapRef = &corev1.ConfigMapEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: str(e.ConfigMapRef.Name)}}
		}
		out.EnvFrom = append(out.EnvFrom, src)
	}
	if r := ctr.Resources; r != nil {
		out.Resources.Limits = c.resourceList(r.Limits, at+".resources.limits")
		out.Resources.Requests = c.resourceList(r.Requests, at+".resources.requests")
	}
	for _, m := range ctr.VolumeMount {
		out.VolumeMounts = append(out.VolumeMounts, m.Expand())
	}
	return out
}

func (v VolumeModel) expand(c *conversion, at string) corev1.Volume {
	out := corev1.Volume{Name: str(v.Name)}
	switch {
	case v.Secret != nil:
		out.Secret = &corev1.SecretVolumeSource{SecretName: str(v.Secret.SecretName)}
	case v.ConfigMap != nil:
		out.ConfigMap = &corev1.ConfigMapVolumeSource{LocalObjectReference: corev1.LocalObjectReference{Name: str(v.ConfigMap.Name)}}
	case v.EmptyDir != nil:
		out.EmptyDir = &corev1.EmptyDirVolumeSource{
			Medium: corev1.StorageMedium(str(v.EmptyDir.Medium)), SizeLimit: c.quantity(v.EmptyDir.SizeLimit, at+".empty_dir.size_limit"),
		}
	case v.PersistentVolumeClaim != nil:
		out.PersistentVolumeClaim = &corev1.PersistentVolumeClaimVolumeSource{
			ClaimName: str(v.PersistentVolumeClaim.ClaimName), ReadOnly: v.PersistentVolumeClaim.ReadOnly.ValueBool(),
		}
	}
	return out
}

func (c *conversion) resourceList(m types.Map, at string) corev1.ResourceList {
	sm := stringMap(m)
	if len(sm) == 0 {
		return nil
	}
	out := corev1.ResourceList{}
	for k, v := range sm {
		if q := c.quantity(types.StringValue(v), fmt.Sprintf("%s[%q]", at, k)); q != nil {
			out[corev1.ResourceName(k)] = *q
		}
	}
	return out
}

// flattenResourceList writes quantities back. Kubernetes rewrites them in
// canonical form ("1024Mi" becomes "1Gi"); a value equal to the prior one
// keeps the prior spelling so that it never shows as a change.
func flattenResourceList(rl corev1.ResourceList, prior types.Map) types.Map {
	if len(rl) == 0 {
		return types.MapNull(types.StringType)
	}
	priorStrings := stringMap(prior)
	elems := make(map[string]attr.Value, len(rl))
	for k, q := range rl {
		s := q.String()
		if p, ok := priorStrings[string(k)]; ok {
			if pq, err := resource.ParseQuantity(p); err == nil && pq.Cmp(q) == 0 {
				s = p
			}
		}
		elems[string(k)] = types.StringValue(s)
	}
	return types.MapValueMust(types.StringType, elems)
}

func flattenQuantity(q *resource.Quantity, prior types.String) types.String {
	if q == nil {
		return types.StringNull()
	}
	if !prior.IsNull() && !prior.IsUnknown() {
		if pq, err := resource.ParseQuantity(prior.ValueString()); err == nil && pq.Cmp(*q) == 0 {
			return prior
		}
	}
	return types.StringValue(q.String())
}

// FlattenJobTargetRef reads the JobSpec back; prior supplies quantity
// spellings.
func FlattenJobTargetRef(spec *batchv1.JobSpec, prior *JobTargetRefModel) *JobTargetRefModel {
	if spec == nil {
		return nil
	}
	j := &JobTargetRefModel{
		Parallelism:             fromInt32Ptr(spec.Parallelism),
		Completions:             fromInt32Ptr(spec.Completions),
		ActiveDeadlineSeconds:   fromInt64Ptr(spec.ActiveDeadlineSeconds),
		BackoffLimit:            fromInt32Ptr(spec.BackoffLimit),
		TTLSecondsAfterFinished: fromInt32Ptr(spec.TTLSecondsAfterFinished),
		Template:                &PodTemplateModel{},
	}
	var priorSpec *PodSpecModel
	if prior != nil && prior.Template != nil {
		priorSpec = prior.Template.Spec
	}
	if tm := spec.Template.ObjectMeta; len(tm.Labels) > 0 || len(tm.Annotations) > 0 {
		j.Template.Metadata = &TemplateMetadataModel{Labels: mapValue(tm.Labels), Annotations: mapValue(tm.Annotations)}
	}
	pod := spec.Template.Spec
	ps := &PodSpecModel{
		RestartPolicy:      fromStr(string(pod.RestartPolicy)),
		ServiceAccountName: fromStr(pod.ServiceAccountName),
		NodeSelector:       mapValue(pod.NodeSelector),
		PriorityClassName:  fromStr(pod.PriorityClassName),
		RuntimeClassName:   fromStrPtr(pod.RuntimeClassName),
		ImagePullSecrets:   types.ListNull(types.StringType),
	}
	var pulls []string
	for _, s := range pod.ImagePullSecrets {
		pulls = append(pulls, s.Name)
	}
	ps.ImagePullSecrets = listValue(pulls)
	priorContainer := func(list []ContainerModel, i int) *ContainerModel {
		if i < len(list) {
			return &list[i]
		}
		return nil
	}
	var priorContainers, priorInit []ContainerModel
	var priorVolumes []VolumeModel
	if priorSpec != nil {
		priorContainers, priorInit, priorVolumes = priorSpec.Container, priorSpec.InitContainer, priorSpec.Volume
	}
	for i, c := range pod.Containers {
		ps.Container = append(ps.Container, flattenContainer(c, priorContainer(priorContainers, i)))
	}
	for i, c := range pod.InitContainers {
		ps.InitContainer = append(ps.InitContainer, flattenContainer(c, priorContainer(priorInit, i)))
	}
	for i, v := range pod.Volumes {
		var p *VolumeModel
		if i < len(priorVolumes) {
			p = &priorVolumes[i]
		}
		ps.Volume = append(ps.Volume, flattenVolume(v, p))
	}
	for _, t := range pod.Tolerations {
		ps.Toleration = append(ps.Toleration, FlattenToleration(t))
	}
	j.Template.Spec = ps
	return j
}

func flattenContainer(c corev1.Container, prior *ContainerModel) ContainerModel {
	out := ContainerModel{
		Name: fromStr(c.Name), Image: fromStr(c.Image), ImagePullPolicy: fromStr(string(c.ImagePullPolicy)),
		Command: listValue(c.Command), Args: listValue(c.Args), WorkingDir: fromStr(c.WorkingDir),
	}
	for _, e := range c.Env {
		env := EnvModel{Name: fromStr(e.Name), Value: fromStr(e.Value)}
		if vf := e.ValueFrom; vf != nil {
			env.ValueFrom = &EnvValueFrom{}
			if r := vf.SecretKeyRef; r != nil {
				env.ValueFrom.SecretKeyRef = &SecretKeyRefModel{Name: fromStr(r.Name), Key: fromStr(r.Key)}
			}
			if r := vf.ConfigMapKeyRef; r != nil {
				env.ValueFrom.ConfigMapKeyRef = &SecretKeyRefModel{Name: fromStr(r.Name), Key: fromStr(r.Key)}
			}
			if r := vf.FieldRef; r != nil {
				env.ValueFrom.FieldRef = &FieldRefModel{FieldPath: fromStr(r.FieldPath)}
			}
		}
		out.Env = append(out.Env, env)
	}
	for _, e := range c.EnvFrom {
		src := EnvFromModel{Prefix: fromStr(e.Prefix)}
		if e.SecretRef != nil {
			src.SecretRef = &NameRefModel{Name: fromStr(e.SecretRef.Name)}
		}
		if e.ConfigMapRef != nil {
			src.ConfigMapRef = &NameRefModel{Name: fromStr(e.ConfigMapRef.Name)}
		}
		out.EnvFrom = append(out.EnvFrom, src)
	}
	if len(c.Resources.Limits) > 0 || len(c.Resources.Requests) > 0 {
		var priorLimits, priorRequests types.Map
		if prior != nil && prior.Resources != nil {
			priorLimits, priorRequests = prior.Resources.Limits, prior.Resources.Requests
		}
		out.Resources = &ResourcesModel{
			Limits:   flattenResourceList(c.Resources.Limits, priorLimits),
			Requests: flattenResourceList(c.Resources.Requests, priorRequests),
		}
	}
	for _, m := range c.VolumeMounts {
		out.VolumeMount = append(out.VolumeMount, VolumeMountModel{
			Name: fromStr(m.Name), MountPath: fromStr(m.MountPath), SubPath: fromStr(m.SubPath), ReadOnly: types.BoolValue(m.ReadOnly),
		})
	}
	return out
}

func flattenVolume(v corev1.Volume, prior *VolumeModel) VolumeModel {
	out := VolumeModel{Name: fromStr(v.Name)}
	switch {
	case v.Secret != nil:
		out.Secret = &SecretVolume{SecretName: fromStr(v.Secret.SecretName)}
	case v.ConfigMap != nil:
		out.ConfigMap = &NameRefModel{Name: fromStr(v.ConfigMap.Name)}
	case v.EmptyDir != nil:
		priorSize := types.StringNull()
		if prior != nil && prior.EmptyDir != nil {
			priorSize = prior.EmptyDir.SizeLimit
		}
		out.EmptyDir = &EmptyDirVolume{Medium: fromStr(string(v.EmptyDir.Medium)), SizeLimit: flattenQuantity(v.EmptyDir.SizeLimit, priorSize)}
	case v.PersistentVolumeClaim != nil:
		out.PersistentVolumeClaim = &PVCVolume{ClaimName: fromStr(v.PersistentVolumeClaim.ClaimName), ReadOnly: types.BoolValue(v.PersistentVolumeClaim.ReadOnly)}
	}
	return out
}
