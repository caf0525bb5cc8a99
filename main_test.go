package main

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"regexp"
	"strconv"
	"testing"
)

// The registry manifest, the server main.go starts and the provider
// factories the tests use must speak the same protocol: a release whose
// manifest says 6.0 while the binary serves 5 installs and then fails.
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

	if got := servedProtocol(t, "main.go"); got+".0" != want {
		t.Errorf("main.go serves protocol %s, the registry manifest says %s", got, want)
	}
	factory := regexp.MustCompile(`providerserver\.NewProtocol(\d)`)
	for _, file := range []string{"internal/provider/provider_test.go", "internal/provider/bench_test.go", "internal/e2e/e2e_test.go"} {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		matches := factory.FindAllSubmatch(src, -1)
		if len(matches) == 0 {
			t.Errorf("%s: no provider factory found", file)
		}
		for _, m := range matches {
			if string(m[1])+".0" != want {
				t.Errorf("%s uses protocol %s, the registry manifest says %s", file, m[1], want)
			}
		}
	}
}

// servedProtocol reads the ProtocolVersion of the ServeOpts in main.go;
// unset, the framework serves protocol 6.
func servedProtocol(t *testing.T, file string) string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), file, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	version, found := "6", false
	ast.Inspect(f, func(n ast.Node) bool {
		lit, ok := n.(*ast.CompositeLit)
		if !ok {
			return true
		}
		sel, ok := lit.Type.(*ast.SelectorExpr)
		if !ok || sel.Sel.Name != "ServeOpts" {
			return true
		}
		found = true
		for _, e := range lit.Elts {
			kv, ok := e.(*ast.KeyValueExpr)
			if !ok {
				continue
			}
			if key, ok := kv.Key.(*ast.Ident); ok && key.Name == "ProtocolVersion" {
				if v, ok := kv.Value.(*ast.BasicLit); ok {
					n, _ := strconv.Atoi(v.Value)
					version = strconv.Itoa(n)
				}
			}
		}
		return false
	})
	if !found {
		t.Fatalf("%s: no providerserver.ServeOpts", file)
	}
	return version
}
