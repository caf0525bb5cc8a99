package provider

import (
	"os"
	"path/filepath"
	"testing"
)

// Every resource example plans with no reachable cluster: planning new
// objects never talks to the API server, and the examples pass validation.
func TestExamples_planWithoutCluster(t *testing.T) {
	files, err := filepath.Glob("../../examples/resources/*/resource.tf")
	if err != nil || len(files) == 0 {
		t.Fatalf("no examples found: %v", err)
	}
	for _, file := range files {
		t.Run(filepath.Base(filepath.Dir(file)), func(t *testing.T) {
			body, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			testPlansOffline(t, string(body))
		})
	}
}

// Each workload identity example plans with no reachable cluster.
func TestExamples_workloadIdentityPlanWithoutCluster(t *testing.T) {
	files, err := filepath.Glob("../../examples/workload-identity/*/main.tf")
	if err != nil || len(files) != 4 {
		t.Fatalf("want the EKS IRSA, EKS Pod Identity, AKS and GKE examples, found %v: %v", files, err)
	}
	for _, file := range files {
		t.Run(filepath.Base(filepath.Dir(file)), func(t *testing.T) {
			body, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			testPlansOffline(t, string(body))
		})
	}
}
