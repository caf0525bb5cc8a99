package keda

import (
	"context"
	"fmt"
	"maps"
	"math"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/kedaml/terraform-provider-keda/internal/validators"
)

// ResourceModel is the `cpu` and `memory` trigger block.
type ResourceModel struct {
	Utilization   types.Int64  `tfsdk:"utilization"`
	AverageValue  types.String `tfsdk:"average_value"`
	ContainerName types.String `tfsdk:"container_name"`
}

func resourceBlock(name string) schema.SingleNestedBlock {
	unit := "`500m` (half a core)"
	if name == "memory" {
		unit = "`512Mi`"
	}
	return optionalBlock(schema.SingleNestedBlock{
		MarkdownDescription: fmt.Sprintf("Scale on the pods' %s, like a plain HPA. Exactly one of `utilization` and "+
			"`average_value`; KEDA's trigger-level `metricType` is written, never the removed `metadata.type`. "+
			"A ScaledObject whose only triggers are cpu/memory cannot scale to zero (`min_replica_count` >= 1). "+
			"The target's containers need %s requests. KEDA ignores it in a ScaledJob.", name, name),
		Attributes: map[string]schema.Attribute{
			"utilization": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: "Target average utilization, in percent of the containers' requests (`value` with " +
					"`metricType = Utilization`). KEDA reads it as a 32-bit integer; a ScaledObject's HPA needs 1 or more.",
				Validators: []validator.Int64{int64validator.Between(math.MinInt32, math.MaxInt32)},
			},
			"average_value": optionalString("Target average usage per pod, a Kubernetes quantity such as "+unit+
				" (`value` with `metricType = AverageValue`); a ScaledObject's HPA needs it positive.", quantity()),
			"container_name": optionalString("Only this container's usage counts (`containerName`)."),
		},
		Validators: []validator.Object{validators.ExactlyOneChild("utilization", "average_value")},
	})
}

func (r *ResourceModel) metadata() map[string]string {
	m := map[string]string{}
	if !r.Utilization.IsNull() && !r.Utilization.IsUnknown() {
		m["value"] = strconv.FormatInt(r.Utilization.ValueInt64(), 10)
	}
	setString(m, "value", r.AverageValue)
	setString(m, "containerName", r.ContainerName)
	return m
}

func (r *ResourceModel) metricType() autoscalingv2.MetricTargetType {
	if !r.AverageValue.IsNull() {
		return autoscalingv2.AverageValueMetricType
	}
	return autoscalingv2.UtilizationMetricType
}

// resourceBlockKeys are the metadata keys the block writes
// (pkg/scalers/cpu_memory_scaler.go cpuMemoryMetadata), by attribute.
func resourceBlockKeys(r *ResourceModel) []blockKey {
	value := "utilization"
	if r != nil && !r.AverageValue.IsNull() {
		value = "average_value"
	}
	return []blockKey{{"value", value}, {"containerName", "container_name"}}
}

func flattenResource(m map[string]string, mt autoscalingv2.MetricTargetType) (*ResourceModel, bool) {
	if !onlyKeys(m, "value", "containerName") {
		return nil, false
	}
	r := newMetadataReader(kedaCPUMemoryScaler, m)
	out := &ResourceModel{Utilization: types.Int64Null(), AverageValue: types.StringNull(), ContainerName: r.str("containerName")}
	value := r.str("value")
	switch mt {
	case autoscalingv2.UtilizationMetricType:
		// parseUtilization: strconv.ParseInt(value, 10, 32).
		n, err := strconv.ParseInt(value.ValueString(), 10, 32)
		out.Utilization = types.Int64Value(n)
		return out, r.ok && err == nil
	case autoscalingv2.AverageValueMetricType:
		out.AverageValue = value
		return out, r.ok && !value.IsNull()
	}
	return nil, false
}

// sameResourceMetadata reports whether KEDA reads two cpu or memory
// metadata maps identically: the value as an integer or a quantity,
// depending on the metric type (parseResourceMetadata).
func sameResourceMetadata(a, b map[string]string, mt autoscalingv2.MetricTargetType) bool {
	va, vb := strings.TrimSpace(a["value"]), strings.TrimSpace(b["value"])
	sameValue := va == vb
	switch mt {
	case autoscalingv2.UtilizationMetricType:
		na, errA := strconv.ParseInt(va, 10, 32)
		nb, errB := strconv.ParseInt(vb, 10, 32)
		sameValue = sameValue || errA == nil && errB == nil && na == nb
	case autoscalingv2.AverageValueMetricType:
		qa, errA := resource.ParseQuantity(va)
		qb, errB := resource.ParseQuantity(vb)
		sameValue = sameValue || errA == nil && errB == nil && qa.Cmp(qb) == 0
	}
	rest := func(m map[string]string) map[string]string {
		c := maps.Clone(m)
		delete(c, "value")
		return c
	}
	return sameValue && kedaCPUMemoryScaler.sameKEDAValue(rest(a), rest(b))
}

type quantityValidator struct{}

// quantity checks a Kubernetes quantity such as 500m or 2Gi.
func quantity() validator.String { return quantityValidator{} }

func (quantityValidator) Description(_ context.Context) string {
	return "must be a Kubernetes quantity such as 500m, 2 or 512Mi"
}

func (v quantityValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (quantityValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := resource.ParseQuantity(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid quantity",
			fmt.Sprintf("Attribute %s value %q is not a Kubernetes quantity such as 500m, 2 or 512Mi: %v.", req.Path, req.ConfigValue.ValueString(), err))
	}
}
