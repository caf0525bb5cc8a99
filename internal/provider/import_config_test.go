package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/kedacore/keda/v2/apis/keda/v1alpha1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kedaml/terraform-provider-keda/internal/keda"
	"github.com/kedaml/terraform-provider-keda/internal/kube"
)

// planServer plans configurations through the provider's own protocol
// server, as Terraform does: ValidateResourceConfig (the schema's
// validators), then PlanResourceChange (ModifyPlan and KEDA's checks).
type planServer struct {
	t      *testing.T
	server tfprotov6.ProviderServer
}

func newPlanServer(t *testing.T) planServer {
	t.Helper()
	server, err := providerserver.NewProtocol6WithError(New("test")())()
	if err != nil {
		t.Fatal(err)
	}
	return planServer{t: t, server: server}
}

// plan validates and plans the creation of config, a value of r's schema,
// and returns the planned state and every diagnostic.
func (p planServer) plan(typeName string, config tfsdk.State) (tfsdk.Plan, []*tfprotov6.Diagnostic) {
	p.t.Helper()
	ctx := context.Background()
	typ := config.Schema.Type().TerraformType(ctx)
	dv, err := tfprotov6.NewDynamicValue(typ, config.Raw)
	if err != nil {
		p.t.Fatal(err)
	}
	null, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, nil))
	if err != nil {
		p.t.Fatal(err)
	}
	validated, err := p.server.ValidateResourceConfig(ctx, &tfprotov6.ValidateResourceConfigRequest{TypeName: typeName, Config: &dv})
	if err != nil {
		p.t.Fatal(err)
	}
	diags := validated.Diagnostics
	if hasError(diags) {
		return tfsdk.Plan{}, diags
	}
	planned, err := p.server.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{
		TypeName: typeName, PriorState: &null, ProposedNewState: &dv, Config: &dv,
	})
	if err != nil {
		p.t.Fatal(err)
	}
	diags = append(diags, planned.Diagnostics...)
	if hasError(diags) {
		return tfsdk.Plan{}, diags
	}
	raw, err := planned.PlannedState.Unmarshal(typ)
	if err != nil {
		p.t.Fatal(err)
	}
	return tfsdk.Plan{Schema: config.Schema, Raw: raw}, diags
}

func hasError(diags []*tfprotov6.Diagnostic) bool {
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			return true
		}
	}
	return false
}

func diagSummaries(diags []*tfprotov6.Diagnostic) string {
	var out []string
	for _, d := range diags {
		out = append(out, d.Summary+": "+d.Detail)
	}
	return strings.Join(out, "\n")
}

// generatedConfig is the model as `terraform plan -generate-config-out`
// writes it: the state, without the attributes only the provider sets.
func generatedConfig(t *testing.T, r resource.Resource, model any, computed ...path.Path) tfsdk.State {
	t.Helper()
	ctx := context.Background()
	var resp resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &resp)
	state := tfsdk.State{Schema: resp.Schema, Raw: tftypes.NewValue(resp.Schema.Type().TerraformType(ctx), nil)}
	if diags := state.Set(ctx, model); diags.HasError() {
		t.Fatalf("model: %v", diags)
	}
	for _, p := range computed {
		if diags := state.SetAttribute(ctx, p, nullOf(ctx, state, p)); diags.HasError() {
			t.Fatalf("%s: %v", p, diags)
		}
	}
	return state
}

func nullOf(ctx context.Context, state tfsdk.State, p path.Path) attr.Value {
	typ, _ := state.Schema.TypeAtPath(ctx, p)
	v, err := typ.ValueFromTerraform(ctx, tftypes.NewValue(typ.TerraformType(ctx), nil))
	if err != nil {
		panic(err)
	}
	return v
}

func nullTimeouts(ctx context.Context, r resource.Resource) timeouts.Value {
	var resp resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &resp)
	typ := resp.Schema.Blocks["timeouts"].Type().(timeouts.Type)
	return timeouts.Value{Object: types.ObjectNull(typ.AttrTypes)}
}

// importedScaledObject is the state an import of so gives (Read with no
// prior state).
func importedScaledObject(ctx context.Context, so *v1alpha1.ScaledObject) scaledObjectModel {
	meta := keda.FlattenMetadata(so.ObjectMeta, nil, kube.FieldManager)
	return scaledObjectModel{
		ID: types.StringValue(so.Namespace + "/" + so.Name), Metadata: &meta,
		ScaledObjectSpecModel: keda.FlattenScaledObjectSpec(so, nil),
		HPAName:               types.StringValue("keda-hpa-" + so.Name),
		WaitForReady:          types.BoolValue(false),
		Status:                types.ObjectNull(statusAttrTypes(true)),
		Timeouts:              nullTimeouts(ctx, NewScaledObjectResource()),
	}
}

// Every trigger shape KEDA users write imports as configuration that the
// provider plans without an error, and the plan writes the triggers it read:
// the typed blocks, the untyped form and TriggerAuthentications alike.
func TestImportedConfigPlans(t *testing.T) {
	ctx := context.Background()
	srv := newPlanServer(t)
	gpuQuery := keda.GenerateGPUQuery(keda.GPUUtilization, "namespace", "ml", "pod", "worker")
	so := &v1alpha1.ScaledObject{
		ObjectMeta: metav1.ObjectMeta{Name: "imported", Namespace: "ml", UID: "uid-1"},
		Spec: v1alpha1.ScaledObjectSpec{
			ScaleTargetRef: &v1alpha1.ScaleTarget{Name: "worker"},
			Triggers: []v1alpha1.ScaleTriggers{
				{Type: "prometheus", Metadata: map[string]string{"serverAddress": "http://prometheus:9090",
					"query": "sum(rate(http_requests_total[2m]))", "threshold": "100.50", "timeout": "1000"}},
				{Type: "rabbitmq", AuthenticationRef: &v1alpha1.AuthenticationRef{Name: "rabbitmq-auth"},
					Metadata: map[string]string{"protocol": "amqp", "queueName": "inference", "mode": "QueueLength", "value": "5", "vhostName": "/"}},
				{Type: "rabbitmq", AuthenticationRef: &v1alpha1.AuthenticationRef{Name: "rabbitmq-auth"},
					Metadata: map[string]string{"queueName": "defaults"}},
				{Type: "prometheus", Metadata: map[string]string{"serverAddress": "https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-1",
					"query": "sum(x)", "threshold": "100", "awsRegion": "eu-west-1", "identityOwner": "operator"}},
				{Type: "prometheus", AuthenticationRef: &v1alpha1.AuthenticationRef{Name: "oauth"},
					Metadata: map[string]string{"serverAddress": "http://prometheus:9090", "query": "sum(y)", "threshold": "50.0", "authModes": "oauth"}},
				{Type: "cpu", MetricType: autoscalingv2.UtilizationMetricType, Metadata: map[string]string{"value": "60"}},
				{Type: "memory", MetricType: autoscalingv2.AverageValueMetricType, Metadata: map[string]string{"value": "512Mi"}},
				{Type: "prometheus", MetricType: autoscalingv2.AverageValueMetricType,
					Metadata: map[string]string{"serverAddress": "http://prometheus:9090", "query": gpuQuery, "threshold": "70"}},
				{Type: "kafka", Metadata: map[string]string{"bootstrapServers": "kafka:9092", "consumerGroup": "ml", "topic": "t", "lagThreshold": "50"}},
			},
		},
	}
	model := importedScaledObject(ctx, so)
	forms := []string{}
	for _, tr := range model.Trigger {
		forms = append(forms, triggerForm(tr))
	}
	if got, want := strings.Join(forms, ","), "prometheus,rabbitmq,rabbitmq,type,prometheus,cpu,memory,gpu,type"; got != want {
		t.Fatalf("imported forms %s, want %s", got, want)
	}
	config := generatedConfig(t, NewScaledObjectResource(), &model,
		path.Root("id"), path.Root("hpa_name"), path.Root("status"), path.Root("metadata").AtName("uid"))
	plan, diags := srv.plan("keda_ml_scaled_object", config)
	if hasError(diags) {
		t.Fatalf("the imported ScaledObject does not plan:\n%s", diagSummaries(diags))
	}
	var planned scaledObjectModel
	if d := plan.Get(ctx, &planned); d.HasError() {
		t.Fatal(d)
	}
	want, err := model.Expand(model.Metadata.ObjectMeta())
	if err != nil {
		t.Fatal(err)
	}
	got, err := planned.Expand(planned.Metadata.ObjectMeta())
	if err != nil {
		t.Fatal(err)
	}
	for i := range want.Spec.Triggers {
		if w, g := want.Spec.Triggers[i], got.Spec.Triggers[i]; !equalTriggers(w, g) {
			t.Errorf("trigger %d: the plan writes %+v, the import read %+v", i, g, w)
		}
	}

	sj := &v1alpha1.ScaledJob{
		ObjectMeta: metav1.ObjectMeta{Name: "batch", Namespace: "ml", UID: "uid-2"},
		Spec: v1alpha1.ScaledJobSpec{
			JobTargetRef: &batchv1.JobSpec{Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{
				RestartPolicy: corev1.RestartPolicyNever,
				Containers:    []corev1.Container{{Name: "infer", Image: "infer:1"}},
			}}},
			Triggers: []v1alpha1.ScaleTriggers{{Type: "rabbitmq",
				Metadata: map[string]string{"host": "amqp://rabbitmq:5672", "queueName": "batch", "queueLength": "10"}}},
		},
	}
	meta := keda.FlattenMetadata(sj.ObjectMeta, nil, kube.FieldManager)
	job := scaledJobModel{ID: types.StringValue("ml/batch"), Metadata: &meta, ScaledJobSpecModel: keda.FlattenScaledJobSpec(sj, nil),
		WaitForReady: types.BoolValue(false), Status: types.ObjectNull(statusAttrTypes(false)), Timeouts: nullTimeouts(ctx, NewScaledJobResource())}
	if form := triggerForm(job.Trigger[0]); form != "type" {
		t.Fatalf("a ScaledJob's queueLength imports as %s, want type + metadata", form)
	}
	jobConfig := generatedConfig(t, NewScaledJobResource(), &job, path.Root("id"), path.Root("status"), path.Root("metadata").AtName("uid"))
	if _, diags := srv.plan("keda_ml_scaled_job", jobConfig); hasError(diags) {
		t.Fatalf("the imported ScaledJob does not plan:\n%s", diagSummaries(diags))
	}

	for _, auth := range []struct {
		typeName string
		r        resource.Resource
		spec     v1alpha1.TriggerAuthenticationSpec
	}{
		{"keda_trigger_authentication", NewTriggerAuthenticationResource(), v1alpha1.TriggerAuthenticationSpec{
			OAuth2: &v1alpha1.OAuth2{Type: v1alpha1.OAuth2GrantTypeClientCredentials, ClientID: "keda", TokenURL: "https://auth/token"},
		}},
		{"keda_cluster_trigger_authentication", NewClusterTriggerAuthenticationResource(), v1alpha1.TriggerAuthenticationSpec{
			FilePath: "prometheus/auth.json",
		}},
	} {
		om := metav1.ObjectMeta{Name: "auth", Namespace: "ml", UID: "uid-3"}
		var state tfsdk.State
		if auth.typeName == "keda_trigger_authentication" {
			m := keda.FlattenMetadata(om, nil, kube.FieldManager)
			state = generatedConfig(t, auth.r, &triggerAuthModel[keda.MetadataModel]{ID: types.StringValue("ml/auth"), Metadata: &m,
				TriggerAuthSpecModel: keda.FlattenTriggerAuthSpec(auth.spec, nil), Timeouts: nullTimeouts(ctx, auth.r)},
				path.Root("id"), path.Root("metadata").AtName("uid"))
		} else {
			m := keda.FlattenClusterMetadata(om, nil, kube.FieldManager)
			state = generatedConfig(t, auth.r, &triggerAuthModel[keda.ClusterMetadataModel]{ID: types.StringValue("auth"), Metadata: &m,
				TriggerAuthSpecModel: keda.FlattenTriggerAuthSpec(auth.spec, nil), Timeouts: nullTimeouts(ctx, auth.r)},
				path.Root("id"), path.Root("metadata").AtName("uid"))
		}
		if _, diags := srv.plan(auth.typeName, state); hasError(diags) {
			t.Fatalf("the imported %s does not plan:\n%s", auth.typeName, diagSummaries(diags))
		}
	}
}

// An untyped trigger that a typed block would hold plans, with a warning
// that names the block.
func TestUntypedTriggerWarning(t *testing.T) {
	ctx := context.Background()
	so := &v1alpha1.ScaledObject{
		ObjectMeta: metav1.ObjectMeta{Name: "untyped", Namespace: "ml"},
		Spec: v1alpha1.ScaledObjectSpec{ScaleTargetRef: &v1alpha1.ScaleTarget{Name: "worker"}, Triggers: []v1alpha1.ScaleTriggers{{Type: "kafka",
			Metadata: map[string]string{"topic": "t"}}}},
	}
	model := importedScaledObject(ctx, so)
	model.Trigger[0].Type = types.StringValue("rabbitmq")
	model.Trigger[0].Metadata = types.MapValueMust(types.StringType, map[string]attr.Value{
		"host": types.StringValue("amqp://rabbitmq:5672"), "queueName": types.StringValue("q"),
		"mode": types.StringValue("QueueLength"), "value": types.StringValue("5"),
	})
	config := generatedConfig(t, NewScaledObjectResource(), &model,
		path.Root("id"), path.Root("hpa_name"), path.Root("status"), path.Root("metadata").AtName("uid"))
	_, diags := newPlanServer(t).plan("keda_ml_scaled_object", config)
	if hasError(diags) {
		t.Fatalf("the untyped trigger does not plan:\n%s", diagSummaries(diags))
	}
	warned := false
	for _, d := range diags {
		warned = warned || d.Severity == tfprotov6.DiagnosticSeverityWarning && d.Summary == "A typed block would hold this trigger" &&
			strings.Contains(d.Detail, "`rabbitmq` block") && d.Attribute.String() == `AttributeName("trigger").ElementKeyInt(0).AttributeName("type")`
	}
	if !warned {
		t.Fatalf("no warning naming the rabbitmq block on trigger[0].type:\n%s", diagSummaries(diags))
	}

	// The same path refuses what KEDA refuses: Utilization on rabbitmq.
	model.Trigger[0].MetricType = types.StringValue("Utilization")
	config = generatedConfig(t, NewScaledObjectResource(), &model,
		path.Root("id"), path.Root("hpa_name"), path.Root("status"), path.Root("metadata").AtName("uid"))
	if _, diags := newPlanServer(t).plan("keda_ml_scaled_object", config); !hasError(diags) {
		t.Fatalf("metric_type Utilization on rabbitmq plans:\n%s", diagSummaries(diags))
	}
}

func triggerForm(t keda.TriggerModel) string {
	switch {
	case t.RabbitMQ != nil:
		return "rabbitmq"
	case t.Prometheus != nil:
		return "prometheus"
	case t.CPU != nil:
		return "cpu"
	case t.Memory != nil:
		return "memory"
	case t.GPU != nil:
		return "gpu"
	}
	return "type"
}

func equalTriggers(a, b v1alpha1.ScaleTriggers) bool {
	if a.Type != b.Type || a.Name != b.Name || a.MetricType != b.MetricType || a.UseCachedMetrics != b.UseCachedMetrics ||
		len(a.Metadata) != len(b.Metadata) || (a.AuthenticationRef == nil) != (b.AuthenticationRef == nil) {
		return false
	}
	for k, v := range a.Metadata {
		if b.Metadata[k] != v {
			return false
		}
	}
	return a.AuthenticationRef == nil || *a.AuthenticationRef == *b.AuthenticationRef
}
