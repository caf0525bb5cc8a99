package keda

import (
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
)

// The warnings below are about configurations KEDA accepts and runs but that
// cannot scale the way they read. KEDA never reports them: its objects are
// Ready, and the workload is simply held at the wrong size. Each fires only
// on a shape whose outcome is certain from the configuration alone; anything
// unknown at plan, or a query that does not parse as PromQL (KEDA passes it
// to a server that may speak a dialect), keeps them quiet.

// promQL parses with every optional syntax on: a query the parser rejects
// is never warned about, so the widest grammar warns the most precisely.
var promQL = parser.NewParser(parser.Options{
	EnableExperimentalFunctions:  true,
	ExperimentalDurationExpr:     true,
	EnableExtendedRangeSelectors: true,
	EnableBinopFillModifiers:     true,
})

// WarnScaledObject returns the warnings for a planned ScaledObject in
// namespace.
func WarnScaledObject(m ScaledObjectSpecModel, namespace types.String) diag.Diagnostics {
	var diags diag.Diagnostics
	// With scaling modifiers the HPA sees only the composite metric, whose
	// meaning depends on the formula.
	modifiers := m.Advanced != nil && m.Advanced.ScalingModifiers != nil
	for i, t := range m.Trigger {
		p := t.Prometheus
		if p == nil || p.Query.IsNull() || p.Query.IsUnknown() {
			continue
		}
		at := path.Root("trigger").AtListIndex(i).AtName("prometheus").AtName("query")
		expr, err := promQL.ParseExpr(p.Query.ValueString())
		if err != nil {
			continue
		}
		if !modifiers && averageValue(t.MetricType) && scales(m.MinReplicaCount, m.MaxReplicaCount) && isQuantile(expr) {
			attrWarning(&diags, at, "A latency scaled as an average per replica",
				"the query's value is a quantile (histogram_quantile), and with metric_type AverageValue (KEDA's default) "+
					"the HPA treats it as a total to share out: it asks for ceil(value / threshold) replicas whatever the "+
					"load, so a fleet at 400 ms with a 500 ms threshold is scaled to 1 replica. Set metric_type = \"Value\" "+
					"on the trigger: the HPA then scales the current replicas by value / threshold.")
		}
		warnCounterTrend(&diags, at, expr)
	}
	if m.MinReplicaCount.IsUnknown() || (!m.MinReplicaCount.IsNull() && m.MinReplicaCount.ValueInt64() != 0) {
		return diags
	}
	if ownPodsOnly(m, namespace) {
		attrWarning(&diags, path.Root("min_replica_count"), "Cannot scale up from zero",
			"every trigger measures the scale target's own pods (a gpu trigger: the GPUs of the pods named after "+
				"the target), and at 0 replicas there are none: the metrics stay at 0 and KEDA never scales the "+
				"target up again. min_replica_count defaults to 0 in KEDA. Set min_replica_count = 1 or more, or add "+
				"a trigger on demand that exists without the pods, such as a queue or a request rate.")
	}
	return diags
}

// WarnScaledJob returns the warnings for a planned ScaledJob.
func WarnScaledJob(m ScaledJobSpecModel) diag.Diagnostics {
	var diags diag.Diagnostics
	for i, t := range m.Trigger {
		at := path.Root("trigger").AtListIndex(i)
		if t.GPU != nil {
			attrWarning(&diags, at.AtName("gpu"), "GPU load is not pending work",
				"a ScaledJob starts one Job per unit of pending work its triggers report, and a gpu trigger reports "+
					"GPU load: by default that of the ScaledJob's own Jobs, which is 0 while none runs (so none ever "+
					"starts) and grows with each Job started. Scale the ScaledJob on the work waiting for it, such as "+
					"a queue, and give its container the GPU with resources { limits = { \"nvidia.com/gpu\" = \"1\" } }.")
		}
		if p := t.Prometheus; p != nil && !p.Query.IsNull() && !p.Query.IsUnknown() {
			if expr, err := promQL.ParseExpr(p.Query.ValueString()); err == nil {
				warnCounterTrend(&diags, at.AtName("prometheus").AtName("query"), expr)
			}
		}
	}
	return diags
}

// averageValue: KEDA's scalers take an unset metric type as AverageValue
// (pkg/scalers/scaler.go, GetMetricTargetType).
func averageValue(metricType types.String) bool {
	return metricType.IsNull() || (!metricType.IsUnknown() && metricType.ValueString() == string(autoscalingv2.AverageValueMetricType))
}

// scales is false when the replica bounds leave the HPA nothing to choose
// (max 1, or min = max), where the metric type cannot matter.
func scales(minReplicas, maxReplicas types.Int64) bool {
	if maxReplicas.IsUnknown() || minReplicas.IsUnknown() {
		return false
	}
	if maxReplicas.IsNull() {
		return true
	}
	return maxReplicas.ValueInt64() > 1 && (minReplicas.IsNull() || minReplicas.ValueInt64() < maxReplicas.ValueInt64())
}

// isQuantile reports whether the value a query returns is a
// histogram_quantile: the outermost function, seen through what keeps its
// unit — parentheses, sum/avg/min/max, multiplying or dividing by a number,
// and an `or vector(<number>)` fallback.
func isQuantile(e parser.Expr) bool {
	switch e := e.(type) {
	case *parser.ParenExpr:
		return isQuantile(e.Expr)
	case *parser.StepInvariantExpr:
		return isQuantile(e.Expr)
	case *parser.Call:
		return e.Func.Name == "histogram_quantile"
	case *parser.AggregateExpr:
		switch e.Op {
		case parser.SUM, parser.AVG, parser.MIN, parser.MAX:
			return isQuantile(e.Expr)
		}
	case *parser.BinaryExpr:
		switch e.Op {
		case parser.MUL:
			return (isQuantile(e.LHS) && isNumber(e.RHS)) || (isNumber(e.LHS) && isQuantile(e.RHS))
		case parser.DIV:
			return isQuantile(e.LHS) && isNumber(e.RHS)
		case parser.LOR:
			return isQuantile(e.LHS) && isConstantVector(e.RHS)
		}
	}
	return false
}

func isNumber(e parser.Expr) bool {
	switch e := e.(type) {
	case *parser.ParenExpr:
		return isNumber(e.Expr)
	case *parser.StepInvariantExpr:
		return isNumber(e.Expr)
	case *parser.NumberLiteral:
		return true
	}
	return false
}

// isConstantVector is vector(<number>).
func isConstantVector(e parser.Expr) bool {
	switch e := e.(type) {
	case *parser.ParenExpr:
		return isConstantVector(e.Expr)
	case *parser.StepInvariantExpr:
		return isConstantVector(e.Expr)
	case *parser.Call:
		return e.Func.Name == "vector" && len(e.Args) == 1 && isNumber(e.Args[0])
	}
	return false
}

// warnCounterTrend warns where predict_linear or deriv is applied straight
// to a counter's samples. Both fit a line through the raw values, which
// Prometheus documents for gauges only: a counter only grows, and drops to
// 0 when its process restarts.
func warnCounterTrend(diags *diag.Diagnostics, at path.Path, expr parser.Expr) {
	parser.Inspect(expr, func(node parser.Node, _ []parser.Node) error {
		call, ok := node.(*parser.Call)
		if !ok || (call.Func.Name != "predict_linear" && call.Func.Name != "deriv") || len(call.Args) == 0 {
			return nil
		}
		sel, window := rawCounter(call.Args[0])
		if sel == nil {
			return nil
		}
		name, rate := counterName(sel), fmt.Sprintf("sum(rate(%s[5m]))[%s:1m]", sel, window)
		if call.Func.Name == "deriv" {
			attrWarning(diags, at, "deriv of a counter",
				fmt.Sprintf("deriv is applied to %s, a counter by its name (_total): it fits a line through the raw "+
					"samples, so each counter reset (a restart of what counts) reads as a steep fall and scales the target "+
					"in. rate(%s[5m]) is the per-second increase with resets handled, and deriv(%s) the trend of that rate.",
					name, sel, rate))
			return nil
		}
		horizon := "600"
		if len(call.Args) > 1 {
			horizon = call.Args[1].String()
		}
		attrWarning(diags, at, "predict_linear of a counter",
			fmt.Sprintf("predict_linear is applied to %s, a counter by its name (_total), which only grows: it "+
				"predicts the running total, not the rate it counts, and holds the target at its maximum. Predict the "+
				"rate instead, over a subquery: predict_linear(%s, %s).", name, rate, horizon))
		return nil
	})
}

// rawCounter is the counter series whose samples e selects directly — a
// range selector over it, or a subquery of the bare series — with the
// window; nil when e is anything else (a rate, a sum, a gauge).
func rawCounter(e parser.Expr) (sel *parser.VectorSelector, window string) {
	switch e := e.(type) {
	case *parser.ParenExpr:
		return rawCounter(e.Expr)
	case *parser.StepInvariantExpr:
		return rawCounter(e.Expr)
	case *parser.MatrixSelector:
		sel, window = counterSelector(e.VectorSelector), model.Duration(e.Range).String()
		if e.RangeExpr != nil {
			window = e.RangeExpr.String()
		}
	case *parser.SubqueryExpr:
		sel, window = counterSelector(e.Expr), model.Duration(e.Range).String()
		if e.RangeExpr != nil {
			window = e.RangeExpr.String()
		}
	}
	return sel, window
}

// counterSelector is e when it selects a series whose name ends in _total,
// the suffix Prometheus and OpenMetrics reserve for counters.
func counterSelector(e parser.Expr) *parser.VectorSelector {
	for {
		p, ok := e.(*parser.ParenExpr)
		if !ok {
			break
		}
		e = p.Expr
	}
	vs, ok := e.(*parser.VectorSelector)
	if !ok || !strings.HasSuffix(counterName(vs), "_total") {
		return nil
	}
	return vs
}

func counterName(vs *parser.VectorSelector) string {
	for _, m := range vs.LabelMatchers {
		if m.Name == model.MetricNameLabel && m.Type == labels.MatchEqual {
			return m.Value
		}
	}
	return vs.Name
}

// ownPodsOnly reports whether every trigger measures the scale target's own
// pods, at least one of them a gpu trigger: with cpu and memory alone KEDA
// rejects a minimum of 0 itself (see ValidateScaledObject).
func ownPodsOnly(m ScaledObjectSpecModel, namespace types.String) bool {
	if len(m.Trigger) == 0 || m.ScaleTargetRef == nil || namespace.IsUnknown() || namespace.IsNull() ||
		m.ScaleTargetRef.Name.IsUnknown() {
		return false
	}
	tc := TriggerContext{Namespace: namespace.ValueString(), TargetName: m.ScaleTargetRef.Name.ValueString()}
	gpu := false
	for _, t := range m.Trigger {
		switch {
		case t.CPU != nil || t.Memory != nil:
		case t.GPU != nil && t.GPU.measuresTarget(tc):
			gpu = true
		default:
			return false
		}
	}
	return gpu
}

// measuresTarget: the trigger's query is the generated one, over the pods of
// the scale target itself.
func (g *GPUModel) measuresTarget(tc TriggerContext) bool {
	for _, v := range []types.String{g.Metric, g.PodNamespace, g.PodNamePrefix, g.NamespaceLabel, g.PodLabel, g.Query} {
		if v.IsUnknown() {
			return false
		}
	}
	_, ns, _, prefix := g.scope(tc)
	if ns != tc.Namespace || prefix != tc.TargetName {
		return false
	}
	return g.Query.IsNull() || g.Query.ValueString() == g.GeneratedQuery(tc)
}
