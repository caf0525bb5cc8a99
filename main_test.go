package main

import (
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"
)

// The registry manifest, the server main.go starts and the server the tests
// use must speak the same protocol: a release whose manifest says 6.0 while
// the binary serves 5 installs and then fails.
func TestProtocolVersionsAgree(t *testing.T) {
	data, err := os.ReadFile("terraform-registry-manifest.json")
	if err != nil {
		t.Fatal(err)
	}
	var manifest struct {
		Version  int `json:"version"`
		Metadata struct {
			ProtocolVersions []string `json:"protocol_versions"`
		} `json:"metadata"`
	}
	if err := json.Unmarshal(data, &manifest); err != nil {
		t.Fatal(err)
	}
	if manifest.Version != 1 || len(manifest.Metadata.ProtocolVersions) != 1 {
		t.Fatalf("manifest %+v: want version 1 with one protocol version", manifest)
	}
	want := manifest.Metadata.ProtocolVersions[0]

	// main.go serves with terraform-plugin-go's tf<N>server.
	served := regexp.MustCompile(`terraform-plugin-go/tfprotov(\d)/tf(\d)server"`)
	src, err := os.ReadFile("main.go")
	if err != nil {
		t.Fatal(err)
	}
	if m := served.FindSubmatch(src); m == nil || string(m[2])+".0" != want {
		t.Errorf("main.go serves protocol %q, the registry manifest says %s", m, want)
	}
	// NewServer, which main.go and the tests serve, builds the framework's
	// server for that protocol.
	factory := regexp.MustCompile(`providerserver\.NewProtocol(\d)`)
	src, err = os.ReadFile("internal/provider/fastpath.go")
	if err != nil {
		t.Fatal(err)
	}
	matches := factory.FindAllSubmatch(src, -1)
	if len(matches) == 0 {
		t.Error("internal/provider/fastpath.go: no framework server found")
	}
	for _, m := range matches {
		if string(m[1])+".0" != want {
			t.Errorf("NewServer uses protocol %s, the registry manifest says %s", m[1], want)
		}
	}
	for _, file := range []string{"main.go", "internal/provider/provider_test.go", "internal/provider/bench_test.go", "internal/e2e/e2e_test.go"} {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(src), "NewServer(") {
			t.Errorf("%s does not serve the provider with NewServer", file)
		}
	}
}
