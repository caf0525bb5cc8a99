package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/kedacore/keda/v2/apis/keda/v1alpha1"
	kedaclient "github.com/kedacore/keda/v2/pkg/generated/clientset/versioned"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kedaml/terraform-provider-keda/internal/acctest"
)

// kedaConditions are the conditions KEDA's operator writes on a ScaledObject
// or ScaledJob it has accepted, with its own reasons and messages
// (controllers/keda/scaledobject_controller.go,
// pkg/scaling/executor/scale_scaledobjects.go), active or not.
func kedaConditions(kind string, active bool) v1alpha1.Conditions {
	c := v1alpha1.Conditions{
		{Type: v1alpha1.ConditionReady, Status: metav1.ConditionTrue, Reason: kind + "Ready", Message: kind + " is defined correctly and is ready for scaling"},
		{Type: v1alpha1.ConditionActive, Status: metav1.ConditionFalse, Reason: "ScalerNotActive", Message: "Scaling is not performed because triggers are not active"},
		{Type: v1alpha1.ConditionFallback, Status: metav1.ConditionFalse, Reason: "NoFallbackFound", Message: "No fallbacks are active on this scaled object"},
		{Type: v1alpha1.ConditionPaused, Status: metav1.ConditionFalse, Reason: kind + "Unpaused", Message: "pause annotation removed for " + kind},
	}
	if active {
		c[1] = v1alpha1.Condition{Type: v1alpha1.ConditionActive, Status: metav1.ConditionTrue, Reason: "ScalerActive", Message: "Scaling is performed because triggers are active"}
	}
	return c
}

// setActive writes the status KEDA's operator would, through the status
// subresource as the operator does, and reads the object back to check that
// its Active condition is now want: the flip a test relies on happened.
func setActive(t *testing.T, ns, scaledObject, scaledJob string, want bool) {
	t.Helper()
	ctx := context.Background()
	kc := kedaclient.NewForConfigOrDie(acctest.Shared().Config).KedaV1alpha1()
	wantStatus := metav1.ConditionFalse
	if want {
		wantStatus = metav1.ConditionTrue
	}
	now := metav1.NewTime(time.Now().Truncate(time.Second))
	if scaledObject != "" {
		so, err := kc.ScaledObjects(ns).Get(ctx, scaledObject, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		so.Status.Conditions = kedaConditions("ScaledObject", want)
		so.Status.HpaName = "keda-hpa-" + scaledObject
		if want {
			so.Status.LastActiveTime = &now
		}
		if _, err := kc.ScaledObjects(ns).UpdateStatus(ctx, so, metav1.UpdateOptions{}); err != nil {
			t.Fatal(err)
		}
		if so, err = kc.ScaledObjects(ns).Get(ctx, scaledObject, metav1.GetOptions{}); err != nil {
			t.Fatal(err)
		}
		if got := so.Status.Conditions.GetActiveCondition().Status; got != wantStatus {
			t.Fatalf("ScaledObject %s/%s: Active=%s after the status write, want %s", ns, scaledObject, got, wantStatus)
		}
	}
	if scaledJob != "" {
		sj, err := kc.ScaledJobs(ns).Get(ctx, scaledJob, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		sj.Status.Conditions = kedaConditions("ScaledJob", want)
		if want {
			sj.Status.LastActiveTime = &now
		}
		if _, err := kc.ScaledJobs(ns).UpdateStatus(ctx, sj, metav1.UpdateOptions{}); err != nil {
			t.Fatal(err)
		}
		if sj, err = kc.ScaledJobs(ns).Get(ctx, scaledJob, metav1.GetOptions{}); err != nil {
			t.Fatal(err)
		}
		if got := sj.Status.Conditions.GetActiveCondition().Status; got != wantStatus {
			t.Fatalf("ScaledJob %s/%s: Active=%s after the status write, want %s", ns, scaledJob, got, wantStatus)
		}
	}
}

// Whether a trigger is active flips with load; a refresh-only plan (what
// HCP Terraform's health assessments run) across such a flip must report no
// change. Run with the terraform CLI, as users and HCP Terraform do. Then a
// state written by schema version 0, which kept status.active, is upgraded:
// the plan is empty and the values are gone from the state.
func TestAccScaledObject_activeFlipIsNotDrift(t *testing.T) {
	ns := testNamespace(t)
	t.Parallel()
	w := newCLIWorkspace(t)
	dir := filepath.Join(w.dir, "config")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	config := fmt.Sprintf(`terraform {
  required_providers {
    keda = { source = "kedaml/keda" }
  }
}

resource "keda_ml_scaled_object" "worker" {
  metadata {
    name      = "worker"
    namespace = %[1]q
  }
  scale_target_ref {
    name = "worker"
  }
  min_replica_count = 0
  max_replica_count = 5
  trigger {
    rabbitmq {
      protocol   = "amqp"
      queue_name = "requests"
      mode       = "QueueLength"
      value      = 5
    }
    authentication_ref {
      name = "rabbitmq"
    }
  }
}

resource "keda_ml_scaled_job" "batch" {
  metadata {
    name      = "batch"
    namespace = %[1]q
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
  }
}
`, ns)
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	cluster := []string{"KUBE_CONFIG_PATH=" + acctest.Shared().KubeconfigPath}
	terraform := func(args ...string) (int, string) {
		t.Helper()
		return w.terraform(t, dir, cluster, append(args, "-input=false")...)
	}
	if code, out := terraform("apply", "-auto-approve"); code != 0 {
		t.Fatalf("apply exited %d:\n%s", code, out)
	}
	t.Cleanup(func() {
		if code, out := terraform("destroy", "-auto-approve"); code != 0 {
			t.Errorf("destroy exited %d:\n%s", code, out)
		}
	})

	// KEDA accepts both objects, nothing is active; the state records it.
	setActive(t, ns, "worker", "batch", false)
	if code, out := terraform("apply", "-refresh-only", "-auto-approve"); code != 0 {
		t.Fatalf("apply -refresh-only exited %d:\n%s", code, out)
	}
	// Load arrives: KEDA reports both active; then it goes.
	for _, active := range []bool{true, false} {
		setActive(t, ns, "worker", "batch", active)
		if drift := refreshOnlyDrift(t, w, dir, cluster); len(drift) != 0 {
			t.Fatalf("refresh-only plan after Active flipped to %v reports drift: %v", active, drift)
		}
	}

	// The state as version 0 wrote it.
	statePath := filepath.Join(dir, "terraform.tfstate")
	rewriteState(t, statePath, func(r map[string]any) {
		r["schema_version"] = 0
		status := r["attributes"].(map[string]any)["status"].(map[string]any)
		status["active"], status["active_message"] = true, "Scaling is performed because triggers are active"
	})
	if code, out := terraform("plan", "-detailed-exitcode"); code != 0 {
		t.Fatalf("plan of a version 0 state: exit %d, want 0 (no changes):\n%s", code, out)
	}
	if drift := refreshOnlyDrift(t, w, dir, cluster); len(drift) != 0 {
		t.Fatalf("refresh-only plan of a version 0 state reports drift: %v", drift)
	}
	if code, out := terraform("apply", "-refresh-only", "-auto-approve"); code != 0 {
		t.Fatalf("apply -refresh-only of a version 0 state exited %d:\n%s", code, out)
	}
	rewriteState(t, statePath, func(r map[string]any) {
		status := r["attributes"].(map[string]any)["status"].(map[string]any)
		if _, ok := status["active"]; ok || r["schema_version"] != float64(statusSchemaVersion) {
			t.Errorf("upgraded state: schema_version %v, status %v", r["schema_version"], status)
		}
	})
}

// refreshOnlyDrift runs `terraform plan -refresh-only` and returns the drift
// it reports: its resource_drift messages, and a failure to say "No changes"
// in its human-readable form. The exit code of -detailed-exitcode cannot
// tell: Terraform 1.11 exits 2 from a refresh-only plan without any drift as
// soon as a resource has a number in its state (seen here with every
// ScaledObject, and not with a numberless one; hashicorp/terraform#35117,
// #37406).
func refreshOnlyDrift(t *testing.T, w cliWorkspace, dir string, env []string) []string {
	t.Helper()
	code, out := w.terraform(t, dir, env, "plan", "-refresh-only", "-input=false", "-json")
	if code != 0 {
		t.Fatalf("plan -refresh-only -json exited %d:\n%s", code, out)
	}
	var drift []string
	sawSummary := false
	for _, line := range strings.Split(out, "\n") {
		var msg struct {
			Type    string `json:"type"`
			Message string `json:"@message"`
			Changes *struct {
				Add, Change, Remove int
			} `json:"changes"`
		}
		if json.Unmarshal([]byte(line), &msg) != nil {
			continue
		}
		switch msg.Type {
		case "resource_drift":
			drift = append(drift, msg.Message)
		case "change_summary":
			sawSummary = true
			if c := msg.Changes; c == nil || c.Add+c.Change+c.Remove != 0 {
				drift = append(drift, msg.Message)
			}
		}
	}
	if !sawSummary {
		t.Fatalf("no change summary in the plan's JSON stream:\n%s", out)
	}
	if code, out := w.terraform(t, dir, env, "plan", "-refresh-only", "-input=false"); code != 0 || !strings.Contains(out, "No changes.") {
		drift = append(drift, fmt.Sprintf("exit %d without \"No changes.\":\n%s", code, out))
	}
	return drift
}

// rewriteState calls edit on every ScaledObject and ScaledJob instance of a
// local state file and writes the file back.
func rewriteState(t *testing.T, path string, edit func(instance map[string]any)) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var state map[string]any
	if err := json.Unmarshal(data, &state); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range state["resources"].([]any) {
		r := r.(map[string]any)
		if r["type"] != "keda_ml_scaled_object" && r["type"] != "keda_ml_scaled_job" {
			continue
		}
		for _, inst := range r["instances"].([]any) {
			edit(inst.(map[string]any))
			n++
		}
	}
	if n != 2 {
		t.Fatalf("%d ScaledObject and ScaledJob instances in the state, want 2", n)
	}
	if data, err = json.MarshalIndent(state, "", "  "); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// The upgrade from version 0, through the protocol as Terraform calls it:
// status.active and status.active_message go, every other value stays
// exactly as it was (numbers too, as written).
func TestUpgradeState_v0DropsLoadStatus(t *testing.T) {
	server, err := protoV6ProviderFactories["keda"]()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	schemas, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]string{
		"keda_ml_scaled_object": `{"id":"ml/worker","max_replica_count":9007199254740993,"hpa_name":"keda-hpa-worker",` +
			`"status":{"ready":true,"ready_message":"ok","active":true,"active_message":"Scaling is performed because triggers are active",` +
			`"paused":false,"fallback":false,"fallback_message":""}}`,
		"keda_ml_scaled_job": `{"id":"ml/batch","status":{"ready":false,"ready_message":"error parsing","active":false,"active_message":"","paused":false}}`,
		"status never read":  `{"id":"ml/worker","status":null}`,
	}
	for name, raw := range cases {
		t.Run(name, func(t *testing.T) {
			typeName := name
			if !strings.HasPrefix(name, "keda_") {
				typeName = "keda_ml_scaled_object"
			}
			s := schemas.ResourceSchemas[typeName]
			if s.Version != statusSchemaVersion {
				t.Fatalf("%s schema version %d, want %d", typeName, s.Version, statusSchemaVersion)
			}
			resp, err := server.UpgradeResourceState(ctx, &tfprotov6.UpgradeResourceStateRequest{
				TypeName: typeName, Version: 0, RawState: &tfprotov6.RawState{JSON: []byte(raw)},
			})
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range resp.Diagnostics {
				t.Errorf("%s: %s: %s", d.Severity, d.Summary, d.Detail)
			}
			got, err := resp.UpgradedState.Unmarshal(s.ValueType())
			if err != nil {
				t.Fatal(err)
			}
			var attrs map[string]tftypes.Value
			if err := got.As(&attrs); err != nil {
				t.Fatal(err)
			}
			var id string
			if err := attrs["id"].As(&id); err != nil || !strings.HasPrefix(id, "ml/") {
				t.Errorf("id %q (%v)", id, err)
			}
			if typeName == "keda_ml_scaled_object" && name == typeName {
				var replicas *big.Float
				if err := attrs["max_replica_count"].As(&replicas); err != nil || replicas.Text('f', -1) != "9007199254740993" {
					t.Errorf("max_replica_count %v (%v), want 9007199254740993 unchanged", replicas, err)
				}
			}
			if name == "status never read" {
				if !attrs["status"].IsNull() {
					t.Errorf("a null status became %v", attrs["status"])
				}
				return
			}
			var status map[string]tftypes.Value
			if err := attrs["status"].As(&status); err != nil {
				t.Fatal(err)
			}
			if _, ok := status["active"]; ok {
				t.Errorf("status.active survived the upgrade: %v", status)
			}
			var ready bool
			if err := status["ready"].As(&ready); err != nil || ready != (typeName == "keda_ml_scaled_object") {
				t.Errorf("status.ready %v (%v)", ready, err)
			}
		})
	}
}
