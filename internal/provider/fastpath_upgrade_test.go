package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// Stored states as Terraform keeps them and as other tools or older
// versions may have left them.
var upgradeStates = []struct {
	name, json string
	transcoded bool // false: left to tftypes
}{
	{"a ScaledObject as the provider stores it", `{
	  "id": "ml/worker", "hpa_name": "keda-hpa-worker", "wait_for_ready": false,
	  "metadata": {"name": "worker", "namespace": "ml", "labels": {"team": "ml", "tier": "gpu"}, "annotations": null, "uid": "1234"},
	  "scale_target_ref": {"name": "worker", "kind": "Deployment", "api_version": "apps/v1", "env_source_container_name": null},
	  "min_replica_count": 0, "max_replica_count": 10, "paused": false, "polling_interval": null,
	  "fallback": {"failure_threshold": 3, "replicas": 2, "behavior": "static"},
	  "advanced": {"restore_to_original_replica_count": true,
	    "horizontal_pod_autoscaler_config": {"name": null, "behavior": {"scale_down": {"stabilization_window_seconds": 300,
	      "policy": [{"type": "Pods", "value": 1, "period_seconds": 60}], "select_policy": null, "tolerance": "0.1"}, "scale_up": null}},
	    "scaling_modifiers": null},
	  "trigger": [
	    {"name": "a", "rabbitmq": {"protocol": "amqp", "queue_name": "q", "mode": "QueueLength", "value": 5.5},
	     "authentication_ref": {"name": "rabbitmq", "kind": "TriggerAuthentication"}, "cpu": null, "metadata": null},
	    {"type": "kafka", "metadata": {"topic": "jobs", "lagThreshold": "10"}, "metric_type": "AverageValue"}
	  ],
	  "status": {"ready": true, "ready_message": "", "paused": false, "fallback": false, "fallback_message": ""},
	  "timeouts": null
	}`, true},
	{"attributes the schema no longer has, at the top and nested", `{"id": "ml/w", "legacy": {"a": [1, {"b": null}]},
	  "status": {"ready": true, "active": false, "active_message": "gone in version 1"}}`, true},
	{"a duplicate key: the later wins", `{"max_replica_count": 3, "max_replica_count": 7,
	  "metadata": {"labels": {"a": "1", "a": "2"}}}`, true},
	{"numbers of every form", `{"min_replica_count": -0, "max_replica_count": 12345678901234567890,
	  "polling_interval": 1e3, "cooldown_period": "30", "idle_replica_count": 1e400,
	  "trigger": [{"rabbitmq": {"value": 0.1, "activation_value": -2.5e-3, "page_size": 100}}]}`, true},
	{"strings with escapes, beyond ASCII and from numbers and bools", `{"id": "ml/\"w\"\\n\u00e9\ud83d\ude00",
	  "hpa_name": "héllo", "metadata": {"name": 5, "namespace": true, "uid": 1.50}}`, true},
	{"bools from strings and numbers", `{"paused": "true", "paused_scale_in": 0, "paused_scale_out": "1", "wait_for_ready": "false"}`, true},
	{"list blocks null, missing and empty", `{"trigger": null, "advanced": {"horizontal_pod_autoscaler_config":
	  {"behavior": {"scale_down": {}, "scale_up": {"policy": []}}}}}`, true},
	{"white space everywhere", " \n{ \"id\" : \"a\" ,\t\"trigger\" : [ ] }\r\n", true},
	{"null", `null`, true},
	{"a bool tftypes refuses", `{"paused": "TRUE"}`, false},
	{"an object where a string goes", `{"id": {"a": 1}}`, false},
	{"a number where an object goes", `{"metadata": 5}`, false},
	{"a list element of the wrong kind", `{"trigger": [1]}`, false},
	{"a value missing", `{"max_replica_count": }`, false},
	{"a bad number", `{"max_replica_count": 01}`, false},
	{"a number that is not one", `{"max_replica_count": "ten"}`, false},
	{"text after the value", `{"id": "a"} {}`, false},
	{"an unterminated string", `{"id": "a}`, false},
	{"a control character in a string", "{\"id\": \"a\tb\"}", false},
}

// Each stored state transcoded straight to MessagePack holds the value
// tftypes' decoder and the framework's empty list blocks give; what the
// transcoder declines is left to tftypes.
func TestUpgradeTranscoder_matchesTftypes(t *testing.T) {
	ctx := context.Background()
	r := buildFastResource(ctx, NewScaledObjectResource)
	if r.upgrade == nil {
		t.Fatal("the ScaledObject's schema has no transcoder")
	}
	for _, tt := range upgradeStates {
		t.Run(tt.name, func(t *testing.T) {
			msgPack, ok := r.upgrade.transcode([]byte(tt.json))
			if ok != tt.transcoded {
				t.Fatalf("transcoded: %v, want %v", ok, tt.transcoded)
			}
			if ok {
				compareWithTftypes(t, r, []byte(tt.json), msgPack)
			}
		})
	}
}

func compareWithTftypes(t *testing.T, r *fastResource, stored, msgPack []byte) {
	t.Helper()
	v, err := (&tfprotov6.RawState{JSON: stored}).UnmarshalWithOpts(r.typ, tfprotov6.UnmarshalOpts{
		ValueFromJSONOpts: tftypes.ValueFromJSONOpts{IgnoreUndefinedAttributes: true},
	})
	if err != nil {
		t.Fatalf("transcoded what tftypes refuses (%v):\n%s", err, stored)
	}
	want := r.shape.reifyNull(v)
	got, err := (&tfprotov6.DynamicValue{MsgPack: msgPack}).Unmarshal(r.typ)
	if err != nil {
		t.Fatalf("the transcoded state does not decode: %v", err)
	}
	if !got.Equal(want) {
		t.Errorf("transcoded\n%s\ntftypes\n%s", got, want)
	}
}

// Whatever the JSON, the transcoder either declines or agrees with tftypes.
func FuzzUpgradeTranscoder(f *testing.F) {
	for _, tt := range upgradeStates {
		f.Add(tt.json)
	}
	r := buildFastResource(context.Background(), NewScaledObjectResource)
	f.Fuzz(func(t *testing.T, stored string) {
		if msgPack, ok := r.upgrade.transcode([]byte(stored)); ok {
			compareWithTftypes(t, r, []byte(stored), msgPack)
		}
	})
}
