//go:build e2e

// Package e2e proves the provider against the real KEDA operator: KEDA
// v2.21 built from the pinned module runs out of cluster against the test
// control plane, with a real RabbitMQ and a real Prometheus on loopback.
// Run it with `make e2e`.
package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/kedaml/terraform-provider-keda/internal/acctest"
	"github.com/kedaml/terraform-provider-keda/internal/services"
)

// env is what the scenarios share.
var env struct {
	cp         *acctest.ControlPlane
	dir        string
	rabbit     *services.RabbitMQ
	prometheus *services.Prometheus
	metrics    *services.MetricsPage
}

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	services.ReapOrphans("keda-e2e-")
	dir, err := os.MkdirTemp("", fmt.Sprintf("keda-e2e-%d-", os.Getpid()))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	env.dir = dir
	var stops []func()
	defer func() {
		for i := len(stops) - 1; i >= 0; i-- {
			stops[i]()
		}
		_ = os.RemoveAll(dir)
	}()
	fail := func(what string, err error) int {
		fmt.Fprintf(os.Stderr, "e2e: %s: %v\n", what, err)
		return 1
	}

	// Start the slow parts side by side.
	var wg sync.WaitGroup
	var cpErr, rabbitErr, promErr error
	wg.Add(3)
	go func() { defer wg.Done(); env.cp, cpErr = acctest.Start(acctest.Options{}) }()
	go func() {
		defer wg.Done()
		env.rabbit, rabbitErr = services.StartRabbitMQ(filepath.Join(dir, "rabbitmq"), fmt.Sprintf("keda-e2e-%d", os.Getpid()))
	}()
	go func() {
		defer wg.Done()
		env.metrics, promErr = services.StartMetricsPage()
		if promErr == nil {
			env.prometheus, promErr = services.StartPrometheus(filepath.Join(dir, "prometheus"),
				services.PrometheusOptions{Targets: []string{env.metrics.Addr}})
		}
	}()
	wg.Wait()
	if env.cp != nil {
		stops = append(stops, env.cp.Stop)
	}
	if env.rabbit != nil {
		stops = append(stops, env.rabbit.Stop)
	}
	if env.metrics != nil {
		stops = append(stops, env.metrics.Stop)
	}
	if env.prometheus != nil {
		stops = append(stops, env.prometheus.Stop)
	}
	switch {
	case cpErr != nil:
		return fail("starting the control plane", cpErr)
	case rabbitErr != nil:
		return fail("starting RabbitMQ", rabbitErr)
	case promErr != nil:
		return fail("starting Prometheus", promErr)
	}
	operator, err := env.cp.StartKEDAOperator(filepath.Join(dir, "keda"))
	if err != nil {
		return fail("starting KEDA's operator", err)
	}
	stops = append(stops, operator.Stop)

	for _, v := range []string{"KUBE_CONFIG_PATHS", "KUBE_HOST", "KUBE_TOKEN", "KUBE_CTX"} {
		os.Unsetenv(v)
	}
	os.Setenv("KUBE_CONFIG_PATH", env.cp.KubeconfigPath)
	// terraform-plugin-testing runs nothing without TF_ACC; the e2e build
	// tag already says these tests are meant to run.
	os.Setenv("TF_ACC", "1")
	code := m.Run()
	if code != 0 {
		operator.DumpLog(os.Stderr)
	}
	return code
}

// must fails the test on a helper server's error.
func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
