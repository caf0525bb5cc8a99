//go:build e2e

package main

import (
	"bytes"
	"context"
	"net"
	"net/url"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// The demo's own code path with a shorter script, so that `make demo`
// cannot silently break: every ScaledObject and ScaledJob ends Ready, the
// worker is woken from 0 by the published messages and put back to 0, the
// ScaledJob starts one Job per batch, and every address the objects name is
// on loopback. `make e2e` (part of `make test`) runs it.
func TestDemo(t *testing.T) {
	bin := t.TempDir()
	build := exec.Command("go", "build", "-o", filepath.Join(bin, "terraform-provider-keda"), ".")
	build.Dir = "../../.."
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the provider: %v\n%s", err, out)
	}
	root, err := filepath.Abs("../../..")
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	o := defaultOptions(root, bin)
	o.out = &out
	o.messages, o.batches = 12, 2
	o.readyTimeout, o.scaleTimeout = 2*time.Minute, 2*time.Minute
	started := time.Now()
	res, err := run(context.Background(), o)
	t.Logf("demo output:\n%s", out.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("the demo took %s", time.Since(started).Round(time.Second))

	if len(res.scalers) != 9 {
		t.Errorf("%d ScaledObjects and ScaledJobs in the table, want the example's 8 + 1", len(res.scalers))
	}
	for _, r := range res.scalers {
		if r.ready != "True" {
			t.Errorf("%s %s: Ready=%s %s", r.kind, r.name, r.ready, r.says)
		}
	}
	if res.woke <= 0 || res.workerPeak < 1 {
		t.Errorf("the worker was never woken from 0 (peak %d replicas)", res.workerPeak)
	}
	if res.slept <= res.woke {
		t.Errorf("the worker was not put back to 0 after waking (woke at %s, 0 at %s)", res.woke, res.slept)
	}
	if len(res.jobs) != o.batches {
		t.Errorf("the ScaledJob started Jobs %v, want %d", res.jobs, o.batches)
	}
	for _, want := range []string{"KEDA woke benthos-ml-worker: 0 -> ", "KEDA put benthos-ml-worker back to 0 replicas",
		"ScaledJob gpu-batch-inference started Job ", "DEMO_KEEP=1 make demo"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the demo's output lacks %q", want)
		}
	}
	// The table's columns are as wide as their longest cell.
	if header := regexp.MustCompile(`(?m)^KIND +NAME +TARGET +READY +NOW +HPA +MIN +MAX +KEDA SAYS$`); !header.MatchString(out.String()) {
		t.Errorf("the demo's output lacks the table's header")
	}

	if len(res.addresses) == 0 {
		t.Fatal("no server addresses found in the demo's objects")
	}
	for _, a := range res.addresses {
		u, err := url.Parse(a)
		if err != nil {
			t.Errorf("address %q: %v", a, err)
			continue
		}
		if ip := net.ParseIP(u.Hostname()); ip == nil || !ip.IsLoopback() {
			t.Errorf("address %q is not on loopback", a)
		}
	}
}
