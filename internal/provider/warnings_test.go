package provider

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// warningRecorder keeps every warning the provider hands Terraform, which
// terraform-plugin-testing otherwise only logs.
type warningRecorder struct {
	mu    sync.Mutex
	warns []*tfprotov6.Diagnostic
}

func (r *warningRecorder) record(diags []*tfprotov6.Diagnostic) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, d := range diags {
		if d != nil && d.Severity == tfprotov6.DiagnosticSeverityWarning {
			r.warns = append(r.warns, d)
		}
	}
}

func (r *warningRecorder) warnings() []*tfprotov6.Diagnostic {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]*tfprotov6.Diagnostic(nil), r.warns...)
}

func formatWarning(d *tfprotov6.Diagnostic) string {
	return fmt.Sprintf("%q at %s: %s", d.Summary, attributePath(d.Attribute), d.Detail)
}

// attributePath writes a protocol attribute path the way Terraform and the
// framework do: trigger[0].prometheus.query.
func attributePath(p *tftypes.AttributePath) string {
	if p == nil {
		return "(no attribute)"
	}
	var b strings.Builder
	for _, step := range p.Steps() {
		switch s := step.(type) {
		case tftypes.AttributeName:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(string(s))
		case tftypes.ElementKeyInt:
			fmt.Fprintf(&b, "[%d]", int64(s))
		case tftypes.ElementKeyString:
			fmt.Fprintf(&b, "[%q]", string(s))
		default:
			b.WriteString("[?]")
		}
	}
	return b.String()
}

// recordingServer is the provider under test with its diagnostics recorded
// on the way out.
type recordingServer struct {
	tfprotov6.ProviderServer
	rec *warningRecorder
}

func (s recordingServer) ValidateProviderConfig(ctx context.Context, req *tfprotov6.ValidateProviderConfigRequest) (*tfprotov6.ValidateProviderConfigResponse, error) {
	resp, err := s.ProviderServer.ValidateProviderConfig(ctx, req)
	if resp != nil {
		s.rec.record(resp.Diagnostics)
	}
	return resp, err
}

func (s recordingServer) ConfigureProvider(ctx context.Context, req *tfprotov6.ConfigureProviderRequest) (*tfprotov6.ConfigureProviderResponse, error) {
	resp, err := s.ProviderServer.ConfigureProvider(ctx, req)
	if resp != nil {
		s.rec.record(resp.Diagnostics)
	}
	return resp, err
}

func (s recordingServer) ValidateResourceConfig(ctx context.Context, req *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, error) {
	resp, err := s.ProviderServer.ValidateResourceConfig(ctx, req)
	if resp != nil {
		s.rec.record(resp.Diagnostics)
	}
	return resp, err
}

func (s recordingServer) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	resp, err := s.ProviderServer.PlanResourceChange(ctx, req)
	if resp != nil {
		s.rec.record(resp.Diagnostics)
	}
	return resp, err
}

func (s recordingServer) ValidateDataResourceConfig(ctx context.Context, req *tfprotov6.ValidateDataResourceConfigRequest) (*tfprotov6.ValidateDataResourceConfigResponse, error) {
	resp, err := s.ProviderServer.ValidateDataResourceConfig(ctx, req)
	if resp != nil {
		s.rec.record(resp.Diagnostics)
	}
	return resp, err
}

func (s recordingServer) ReadDataSource(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	resp, err := s.ProviderServer.ReadDataSource(ctx, req)
	if resp != nil {
		s.rec.record(resp.Diagnostics)
	}
	return resp, err
}

// recordingFactories serves the provider with its warnings recorded in rec.
func recordingFactories(rec *warningRecorder) map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"keda": func() (tfprotov6.ProviderServer, error) {
			s, err := protoV6ProviderFactories["keda"]()
			if err != nil {
				return nil, err
			}
			return recordingServer{ProviderServer: s, rec: rec}, nil
		},
	}
}

// planOfflineWarnings plans config with no reachable cluster, requires it to
// plan changes, and returns the warnings the provider gave.
func planOfflineWarnings(t *testing.T, config string) []*tfprotov6.Diagnostic {
	t.Helper()
	rec := &warningRecorder{}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: recordingFactories(rec),
		Steps: []resource.TestStep{{
			Config:             offlineProvider + config,
			PlanOnly:           true,
			ExpectNonEmptyPlan: true,
		}},
	})
	return rec.warnings()
}

// testPlanWarns checks that config plans, with no reachable cluster, and
// warns with summary on the attribute at.
func testPlanWarns(t *testing.T, config, at, summary string) {
	t.Helper()
	warns := planOfflineWarnings(t, config)
	for _, w := range warns {
		if w.Summary == summary && attributePath(w.Attribute) == at && strings.Contains(w.Detail, "Attribute "+at) {
			return
		}
	}
	var got []string
	for _, w := range warns {
		got = append(got, formatWarning(w))
	}
	t.Fatalf("want warning %q at %s; got %d warnings:\n%s", summary, at, len(warns), strings.Join(got, "\n"))
}

// The warnings of internal/keda reach Terraform on the attribute at fault,
// and the nearest correct configuration plans without any (testPlansOffline
// fails on a warning).
func TestPlanWarnings(t *testing.T) {
	scaledObject := func(minReplicas, body string) string {
		return fmt.Sprintf(`
resource "keda_ml_scaled_object" "test" {
  metadata {
    name      = "llm-server"
    namespace = "ml"
  }
  scale_target_ref {
    name = "llm-server"
  }
  %s
  max_replica_count = 10
  %s
}
`, minReplicas, body)
	}
	prometheus := func(query, extra string) string {
		return fmt.Sprintf(`
  trigger {
    %s
    prometheus {
      server_address = "http://prometheus:9090"
      query          = %q
      threshold      = 500
    }
  }`, extra, query)
	}
	const quantile = `histogram_quantile(0.95, sum(rate(inference_latency_ms_bucket{service="ml-api"}[2m])) by (le))`
	gpu := `
  trigger {
    gpu {
      server_address = "http://prometheus:9090"
      metric         = "utilization"
      target         = 70
    }
  }`
	scaledJob := func(trigger string) string {
		return `
resource "keda_ml_scaled_job" "test" {
  metadata {
    name      = "batch"
    namespace = "ml"
  }
  job_target_ref {
    template {
      spec {
        restart_policy = "Never"
        container {
          name  = "infer"
          image = "registry.local/infer:1"
        }
      }
    }
  }
  trigger {
    rabbitmq {
      protocol   = "amqp"
      queue_name = "batches"
      mode       = "QueueLength"
      value      = 1
    }
    authentication_ref {
      name = "rabbitmq"
    }
  }` + trigger + `
}
`
	}
	rabbitmq := func(host string) string {
		return fmt.Sprintf(`
  trigger {
    rabbitmq {
      host       = %q
      queue_name = "requests"
      mode       = "QueueLength"
      value      = 5
    }
  }`, host)
	}

	cases := map[string]struct {
		warns, quiet string
		at, summary  string
	}{
		"histogram_quantile with AverageValue": {
			warns: scaledObject("min_replica_count = 1", prometheus(quantile, "")),
			quiet: scaledObject("min_replica_count = 1", prometheus(quantile, `metric_type = "Value"`)),
			at:    "trigger[0].prometheus.query", summary: "A latency scaled as an average per replica",
		},
		"predict_linear of a counter": {
			warns: scaledObject("min_replica_count = 1", prometheus(`sum(predict_linear(http_requests_total[30m], 600))`, "")),
			quiet: scaledObject("min_replica_count = 1", prometheus(`predict_linear(sum(rate(http_requests_total[5m]))[30m:1m], 600)`, "")),
			at:    "trigger[0].prometheus.query", summary: "predict_linear of a counter",
		},
		"gpu only from zero": {
			warns: scaledObject("", gpu),
			quiet: scaledObject("min_replica_count = 1", gpu),
			at:    "min_replica_count", summary: "Cannot scale up from zero",
		},
		"gpu on a ScaledJob": {
			warns: scaledJob(gpu),
			quiet: scaledJob(""),
			at:    "trigger[1].gpu", summary: "GPU load is not pending work",
		},
		"password in the rabbitmq host": {
			warns: scaledObject("min_replica_count = 0", rabbitmq("amqp://worker:s3cret@rabbitmq.messaging:5672")),
			quiet: scaledObject("min_replica_count = 0", rabbitmq("amqp://rabbitmq.messaging:5672")),
			at:    "trigger[0].rabbitmq.host", summary: "Password in the RabbitMQ host",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			testPlanWarns(t, tc.warns, tc.at, tc.summary)
			testPlansOffline(t, tc.quiet)
		})
	}
}

// testPlansOfflineWarns checks that config plans with no reachable cluster
// and warns exactly with want, each a "summary at attribute" pair: what KEDA
// accepts but handles differently from what the config says plans, and the
// user is told how.
func testPlansOfflineWarns(t *testing.T, config string, want ...string) {
	t.Helper()
	got := map[string]bool{}
	for _, w := range planOfflineWarnings(t, config) {
		got[fmt.Sprintf("%s at %s", w.Summary, attributePath(w.Attribute))] = true
	}
	wanted := map[string]bool{}
	for _, w := range want {
		wanted[w] = true
		if !got[w] {
			t.Errorf("missing warning: %s", w)
		}
	}
	for w := range got {
		if !wanted[w] {
			t.Errorf("unexpected warning: %s", w)
		}
	}
}
