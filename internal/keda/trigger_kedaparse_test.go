package keda

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// kedaSourceDir is KEDA's module in the module cache, the version go.mod
// pins.
func kedaSourceDir(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/kedacore/keda/v2").Output()
	if err != nil {
		t.Fatalf("locating KEDA's module: %v", err)
	}
	return strings.TrimSpace(string(out))
}

// kedaStructTags reads the `keda` tags of a struct type in a KEDA source
// file, by field name (an embedded field by its type's name), with the Go
// type as written.
func kedaStructTags(t *testing.T, file, typeName string) map[string][2]string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), file, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][2]string{}
	ast.Inspect(f, func(n ast.Node) bool {
		ts, ok := n.(*ast.TypeSpec)
		if !ok || ts.Name.Name != typeName {
			return true
		}
		for _, field := range ts.Type.(*ast.StructType).Fields.List {
			if field.Tag == nil {
				continue
			}
			raw, _ := strconv.Unquote(field.Tag.Value)
			tag, ok := reflect.StructTag(raw).Lookup("keda")
			if !ok {
				continue
			}
			typ := typeString(field.Type)
			names := []string{typ}
			if len(field.Names) > 0 {
				names = names[:0]
				for _, n := range field.Names {
					names = append(names, n.Name)
				}
			}
			for _, n := range names {
				out[n] = [2]string{typ, tag}
			}
		}
		return false
	})
	if len(out) == 0 {
		t.Fatalf("no keda-tagged fields of %s in %s", typeName, file)
	}
	return out
}

func typeString(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name
	case *ast.StarExpr:
		return "*" + typeString(e.X)
	case *ast.SelectorExpr:
		return typeString(e.X) + "." + e.Sel.Name
	case *ast.ArrayType:
		return "[]" + typeString(e.Elt)
	case *ast.MapType:
		return "map[" + typeString(e.Key) + "]" + typeString(e.Value)
	}
	return "?"
}

// mirrorTypes are the Go types KEDA's source names and the mirrors use
// instead.
var mirrorTypes = map[string]string{
	"*authentication.Config": "*keda.kedaAuthConfig",
	"BasicAuth":              "keda.kedaBasicAuth",
	"CertAuth":               "keda.kedaCertAuth",
	"OAuth":                  "keda.kedaOAuth",
	"CustomAuth":             "keda.kedaCustomAuth",
	"APIKeyAuth":             "keda.kedaAPIKeyAuth",
	"[]Type":                 "[]string",
}

// The mirrors the provider parses trigger metadata with carry exactly the
// `keda` tags of KEDA's own metadata structs, field for field: a KEDA
// upgrade that adds, removes or changes a parameter fails here.
func TestKEDAMirrorsMatchSource(t *testing.T) {
	dir := kedaSourceDir(t)
	cases := []struct {
		file, typeName string
		mirror         any
	}{
		{"pkg/scalers/rabbitmq_scaler.go", "rabbitMQMetadata", kedaRabbitMQ{}},
		{"pkg/scalers/prometheus_scaler.go", "prometheusMetadata", kedaPrometheus{}},
		{"pkg/scalers/cpu_memory_scaler.go", "cpuMemoryMetadata", kedaCPUMemory{}},
		{"pkg/scalers/authentication/authentication_types.go", "Config", kedaAuthConfig{}},
		{"pkg/scalers/authentication/authentication_types.go", "BasicAuth", kedaBasicAuth{}},
		{"pkg/scalers/authentication/authentication_types.go", "CertAuth", kedaCertAuth{}},
		{"pkg/scalers/authentication/authentication_types.go", "OAuth", kedaOAuth{}},
		{"pkg/scalers/authentication/authentication_types.go", "CustomAuth", kedaCustomAuth{}},
		{"pkg/scalers/authentication/authentication_types.go", "APIKeyAuth", kedaAPIKeyAuth{}},
	}
	for _, c := range cases {
		t.Run(c.typeName, func(t *testing.T) {
			want := kedaStructTags(t, filepath.Join(dir, c.file), c.typeName)
			mt := reflect.TypeOf(c.mirror)
			got := map[string][2]string{}
			for i := range mt.NumField() {
				if tag, ok := mt.Field(i).Tag.Lookup("keda"); ok {
					got[mt.Field(i).Name] = [2]string{mt.Field(i).Type.String(), tag}
				}
			}
			for name, w := range want {
				g, ok := got[name]
				wantType := w[0]
				if m, mapped := mirrorTypes[wantType]; mapped {
					wantType = m
				}
				switch {
				case !ok:
					t.Errorf("KEDA's %s.%s (%s) is missing from the mirror", c.typeName, name, w[1])
				case g[1] != w[1]:
					t.Errorf("%s.%s: mirror tag %q, KEDA's %q", c.typeName, name, g[1], w[1])
				case g[0] != wantType:
					t.Errorf("%s.%s: mirror type %s, KEDA's %s", c.typeName, name, g[0], w[0])
				}
			}
			for name := range got {
				if _, ok := want[name]; !ok {
					t.Errorf("mirror field %s.%s is not in KEDA's source", c.typeName, name)
				}
			}
		})
	}
}

// The trigger types the provider knows are exactly those KEDA's
// buildScaler builds (pkg/scaling/scalers_builder.go).
func TestKEDAScalerTypesMatchSource(t *testing.T) {
	file := filepath.Join(kedaSourceDir(t), "pkg/scaling/scalers_builder.go")
	f, err := parser.ParseFile(token.NewFileSet(), file, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var types []string
	ast.Inspect(f, func(n ast.Node) bool {
		fn, ok := n.(*ast.FuncDecl)
		if !ok || fn.Name.Name != "buildScaler" {
			return true
		}
		ast.Inspect(fn.Body, func(n ast.Node) bool {
			if c, ok := n.(*ast.CaseClause); ok {
				for _, e := range c.List {
					if lit, ok := e.(*ast.BasicLit); ok && lit.Kind == token.STRING {
						s, _ := strconv.Unquote(lit.Value)
						types = append(types, s)
					}
				}
			}
			return true
		})
		return false
	})
	slices.Sort(types)
	want := slices.Sorted(slices.Values(KEDAScalerTypes))
	if !slices.Equal(types, want) {
		t.Fatalf("KEDA's scaler types:\n %v\nthe provider's:\n %v", types, want)
	}
}
