package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// Module is what a module's .tf files declare, as its README documents it.
type Module struct {
	RequiredVersion string
	Providers       []Provider
	Resources       []string // type.name, in file order
	Inputs          []Input
	Outputs         []Output
}

// Provider is one entry of required_providers.
type Provider struct {
	Name, Source, Version string
}

// Input is a variable block. Type and Default are the source text, as the
// module author wrote them; Required means it has no default.
type Input struct {
	Name, Description, Type, Default string
	Required, Sensitive              bool
	Validations                      int
}

// Output is an output block.
type Output struct {
	Name, Description string
	Sensitive         bool
}

// Parse reads the module in dir (its *.tf files, in name order).
func Parse(dir string) (*Module, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.tf"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no .tf files in %s", dir)
	}
	sort.Strings(files)
	m := &Module{}
	parser := hclparse.NewParser()
	for _, path := range files {
		src, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		f, diags := parser.ParseHCL(src, path)
		if diags.HasErrors() {
			return nil, diags
		}
		body, ok := f.Body.(*hclsyntax.Body)
		if !ok {
			return nil, fmt.Errorf("%s: not native HCL syntax", path)
		}
		if err := m.add(body, src); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
	}
	sort.Slice(m.Inputs, func(i, j int) bool { return m.Inputs[i].Name < m.Inputs[j].Name })
	sort.Slice(m.Outputs, func(i, j int) bool { return m.Outputs[i].Name < m.Outputs[j].Name })
	sort.Slice(m.Providers, func(i, j int) bool { return m.Providers[i].Name < m.Providers[j].Name })
	return m, nil
}

func (m *Module) add(body *hclsyntax.Body, src []byte) error {
	for _, block := range body.Blocks {
		switch block.Type {
		case "terraform":
			if err := m.addTerraform(block.Body); err != nil {
				return err
			}
		case "resource":
			m.Resources = append(m.Resources, block.Labels[0]+"."+block.Labels[1])
		case "variable":
			in := Input{Name: block.Labels[0], Required: true}
			attrs := block.Body.Attributes
			var err error
			if in.Description, err = stringAttr(attrs, "description"); err != nil {
				return fmt.Errorf("variable %q: %w", in.Name, err)
			}
			if a, ok := attrs["type"]; ok {
				in.Type = sourceText(src, a.Expr.Range())
			}
			if a, ok := attrs["default"]; ok {
				in.Default, in.Required = sourceText(src, a.Expr.Range()), false
			}
			if in.Sensitive, err = boolAttr(attrs, "sensitive"); err != nil {
				return fmt.Errorf("variable %q: %w", in.Name, err)
			}
			for _, b := range block.Body.Blocks {
				if b.Type == "validation" {
					in.Validations++
				}
			}
			m.Inputs = append(m.Inputs, in)
		case "output":
			out := Output{Name: block.Labels[0]}
			var err error
			if out.Description, err = stringAttr(block.Body.Attributes, "description"); err != nil {
				return fmt.Errorf("output %q: %w", out.Name, err)
			}
			if out.Sensitive, err = boolAttr(block.Body.Attributes, "sensitive"); err != nil {
				return fmt.Errorf("output %q: %w", out.Name, err)
			}
			m.Outputs = append(m.Outputs, out)
		}
	}
	return nil
}

func (m *Module) addTerraform(body *hclsyntax.Body) error {
	var err error
	if m.RequiredVersion, err = stringAttr(body.Attributes, "required_version"); err != nil {
		return err
	}
	for _, b := range body.Blocks {
		if b.Type != "required_providers" {
			continue
		}
		for name, a := range b.Body.Attributes {
			v, diags := a.Expr.Value(nil)
			if diags.HasErrors() {
				return diags
			}
			p := Provider{Name: name}
			if v.Type().IsObjectType() {
				if v.Type().HasAttribute("source") {
					p.Source = v.GetAttr("source").AsString()
				}
				if v.Type().HasAttribute("version") {
					p.Version = v.GetAttr("version").AsString()
				}
			}
			m.Providers = append(m.Providers, p)
		}
	}
	return nil
}

// stringAttr is a constant string attribute, "" when absent.
func stringAttr(attrs hclsyntax.Attributes, name string) (string, error) {
	a, ok := attrs[name]
	if !ok {
		return "", nil
	}
	v, diags := a.Expr.Value(nil)
	if diags.HasErrors() {
		return "", diags
	}
	if v.Type() != cty.String || v.IsNull() {
		return "", fmt.Errorf("%s must be a constant string", name)
	}
	return v.AsString(), nil
}

func boolAttr(attrs hclsyntax.Attributes, name string) (bool, error) {
	a, ok := attrs[name]
	if !ok {
		return false, nil
	}
	v, diags := a.Expr.Value(nil)
	if diags.HasErrors() {
		return false, diags
	}
	if v.Type() != cty.Bool || v.IsNull() {
		return false, fmt.Errorf("%s must be true or false", name)
	}
	return v.True(), nil
}

// sourceText is an expression as written, its lines de-indented to the
// indentation of the block that holds it.
func sourceText(src []byte, r hcl.Range) string {
	text := string(r.SliceBytes(src))
	lines := strings.Split(text, "\n")
	if len(lines) == 1 {
		return text
	}
	// The closing line is at the attribute's own indentation: take that
	// much off every continuation line.
	last := lines[len(lines)-1]
	indent := len(last) - len(strings.TrimLeft(last, " "))
	for i := 1; i < len(lines); i++ {
		trimmed := strings.TrimLeft(lines[i], " ")
		cut := min(indent, len(lines[i])-len(trimmed))
		lines[i] = lines[i][cut:]
	}
	return strings.Join(lines, "\n")
}
