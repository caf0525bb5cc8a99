package main

import (
	"errors"
	"fmt"
	"strings"
)

// The markers between which the generated part of a README lives; the rest
// is written by hand.
const (
	beginMarker = "<!-- BEGIN_TF_DOCS -->"
	endMarker   = "<!-- END_TF_DOCS -->"
)

// UpdateReadme returns readme with the part between the markers generated
// from the module in dir.
func UpdateReadme(dir, readme string) (string, error) {
	before, rest, ok := strings.Cut(readme, beginMarker)
	if !ok {
		return "", errors.New("README.md has no " + beginMarker + " marker")
	}
	_, after, ok := strings.Cut(rest, endMarker)
	if !ok {
		return "", errors.New("README.md has no " + endMarker + " marker")
	}
	m, err := Parse(dir)
	if err != nil {
		return "", err
	}
	return before + beginMarker + "\n" + Render(m) + endMarker + after, nil
}

// Render is the generated Markdown: requirements, resources, inputs and
// outputs, the way terraform-docs lays them out.
func Render(m *Module) string {
	var b strings.Builder
	b.WriteString("## Requirements\n\n| name | version |\n|---|---|\n")
	if m.RequiredVersion != "" {
		fmt.Fprintf(&b, "| terraform | `%s` |\n", m.RequiredVersion)
	}
	for _, p := range m.Providers {
		name := p.Name
		if p.Source != "" {
			name += " (`" + p.Source + "`)"
		}
		fmt.Fprintf(&b, "| %s | %s |\n", name, code(p.Version))
	}
	b.WriteString("\n## Resources\n\n")
	for _, r := range m.Resources {
		fmt.Fprintf(&b, "- `%s`\n", r)
	}
	b.WriteString("\n## Inputs\n\n| name | description | type | default | required |\n|---|---|---|---|:---:|\n")
	for _, in := range m.Inputs {
		def := "n/a"
		if !in.Required {
			def = code(in.Default)
		}
		required := "no"
		if in.Required {
			required = "yes"
		}
		desc := in.Description
		if in.Sensitive {
			desc += " (sensitive)"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s |\n", in.Name, cell(desc), code(in.Type), def, required)
	}
	b.WriteString("\n## Outputs\n\n| name | description |\n|---|---|\n")
	for _, out := range m.Outputs {
		desc := out.Description
		if out.Sensitive {
			desc += " (sensitive)"
		}
		fmt.Fprintf(&b, "| `%s` | %s |\n", out.Name, cell(desc))
	}
	return b.String()
}

// cell makes text safe inside a Markdown table cell.
func cell(s string) string {
	s = strings.ReplaceAll(s, "|", `\|`)
	return strings.ReplaceAll(s, "\n", "<br>")
}

// code shows source text as code in a table cell: inline when it is one
// line, else a <pre> block with its lines kept.
func code(s string) string {
	if s == "" {
		return "n/a"
	}
	if !strings.Contains(s, "\n") {
		return "`" + strings.ReplaceAll(s, "|", `\|`) + "`"
	}
	r := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", "|", "&#124;", "\n", "<br>")
	return "<pre>" + r.Replace(s) + "</pre>"
}
