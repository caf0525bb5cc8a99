package acctest

import (
	"fmt"
	"os"
	"testing"
)

// shared is the control plane of the current test binary.
var shared *ControlPlane

// Shared returns the control plane RunWithControlPlane started.
func Shared() *ControlPlane { return shared }

// RunWithControlPlane is a TestMain body: with TF_ACC set it starts a
// control plane for the whole test binary, points the provider at it through
// KUBE_CONFIG_PATH, runs the tests and always stops it. Without TF_ACC only
// unit tests run.
func RunWithControlPlane(m *testing.M) int {
	if os.Getenv("TF_ACC") == "" {
		return m.Run()
	}
	cp, err := Start(Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, "acceptance tests cannot run:", err)
		return 1
	}
	defer cp.Stop()
	shared = cp
	for _, v := range []string{"KUBE_CONFIG_PATHS", "KUBE_HOST", "KUBE_TOKEN", "KUBE_CTX"} {
		os.Unsetenv(v)
	}
	os.Setenv("KUBE_CONFIG_PATH", cp.KubeconfigPath)
	return m.Run()
}
