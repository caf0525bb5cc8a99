package corpus

import (
	"fmt"
	"slices"
	"text/template"
	"text/template/parse"
)

// scope is what a template reads from one value of dot: the data struct at
// the top, the element inside a {{range}}.
type scope struct {
	fields map[string]*fieldUse
	order  []string
	// usesDot: the scope prints dot itself ({{.}} in a range over strings).
	usesDot bool
}

// fieldUse is how a template uses one field.
type fieldUse struct {
	name string
	// cond: the field's truth decides an {{if}}, {{with}} or {{range}}.
	cond bool
	// comparands are the constants it is compared with (eq, ne, lt, ...).
	comparands []any
	// elem is the scope of the element when the field is ranged over or
	// entered with {{with}}.
	elem  *scope
	isMap bool // elem is entered with {{with}}: one value, not a list
}

func newScope() *scope { return &scope{fields: map[string]*fieldUse{}} }

func (s *scope) field(name string) *fieldUse {
	f := s.fields[name]
	if f == nil {
		f = &fieldUse{name: name}
		s.fields[name] = f
		s.order = append(s.order, name)
	}
	return f
}

// analyze parses text as KEDA's tests do (text/template, no functions of
// their own) and records what it reads.
func analyze(name, text string) (*template.Template, *scope, error) {
	tmpl, err := template.New(name).Option("missingkey=error").Parse(text)
	if err != nil {
		return nil, nil, err
	}
	root := newScope()
	if err := walk(tmpl.Root, root, root); err != nil {
		return nil, nil, err
	}
	return tmpl, root, nil
}

func walk(n parse.Node, s, root *scope) error {
	switch n := n.(type) {
	case nil:
		return nil
	case *parse.ListNode:
		if n == nil {
			return nil
		}
		for _, c := range n.Nodes {
			if err := walk(c, s, root); err != nil {
				return err
			}
		}
	case *parse.TextNode, *parse.CommentNode, *parse.BreakNode, *parse.ContinueNode:
	case *parse.ActionNode:
		return walkPipe(n.Pipe, s, root, false)
	case *parse.IfNode:
		if err := walkPipe(n.Pipe, s, root, true); err != nil {
			return err
		}
		if err := walk(n.List, s, root); err != nil {
			return err
		}
		return walk(n.ElseList, s, root)
	case *parse.RangeNode:
		return walkScoped(&n.BranchNode, s, root, false)
	case *parse.WithNode:
		return walkScoped(&n.BranchNode, s, root, true)
	default:
		return fmt.Errorf("template construct %q is not supported", n)
	}
	return nil
}

// walkScoped handles {{range .F}} and {{with .F}}: their body reads the
// element, their else branch the enclosing dot.
func walkScoped(n *parse.BranchNode, s, root *scope, with bool) error {
	f, ok := singleField(n.Pipe)
	if !ok || len(n.Pipe.Decl) > 0 {
		return fmt.Errorf("%s over %q is not supported: only a plain field", map[bool]string{false: "range", true: "with"}[with], n.Pipe)
	}
	use := s.field(f)
	use.cond = true
	if use.elem == nil {
		use.elem = newScope()
	}
	use.isMap = with
	if err := walk(n.List, use.elem, root); err != nil {
		return err
	}
	return walk(n.ElseList, s, root)
}

func singleField(p *parse.PipeNode) (string, bool) {
	if p == nil || len(p.Cmds) != 1 || len(p.Cmds[0].Args) != 1 {
		return "", false
	}
	f, ok := p.Cmds[0].Args[0].(*parse.FieldNode)
	if !ok || len(f.Ident) != 1 {
		return "", false
	}
	return f.Ident[0], true
}

func walkPipe(p *parse.PipeNode, s, root *scope, cond bool) error {
	if p == nil {
		return nil
	}
	if len(p.Decl) > 0 {
		return fmt.Errorf("template variables are not supported: %q", p)
	}
	if f, ok := singleField(p); ok && cond {
		s.field(f).cond = true
		return nil
	}
	for _, cmd := range p.Cmds {
		if err := walkCmd(cmd, s, root, cond); err != nil {
			return err
		}
	}
	return nil
}

var comparisons = []string{"eq", "ne", "lt", "le", "gt", "ge"}

func walkCmd(cmd *parse.CommandNode, s, root *scope, cond bool) error {
	var fn string
	if len(cmd.Args) > 0 {
		if id, ok := cmd.Args[0].(*parse.IdentifierNode); ok {
			fn = id.Ident
		}
	}
	var fields []*fieldUse
	var consts []any
	for _, a := range cmd.Args {
		switch a := a.(type) {
		case *parse.FieldNode:
			if len(a.Ident) != 1 {
				return fmt.Errorf("nested field %q is not supported", a)
			}
			fields = append(fields, s.field(a.Ident[0]))
		case *parse.VariableNode:
			// $.F reads the top-level data from inside a range.
			if len(a.Ident) != 2 || a.Ident[0] != "$" {
				return fmt.Errorf("variable %q is not supported", a)
			}
			fields = append(fields, root.field(a.Ident[1]))
		case *parse.DotNode:
			s.usesDot = true
		case *parse.StringNode:
			consts = append(consts, a.Text)
		case *parse.NumberNode:
			switch {
			case a.IsInt:
				consts = append(consts, int(a.Int64))
			case a.IsFloat:
				consts = append(consts, a.Float64)
			}
		case *parse.BoolNode:
			consts = append(consts, a.True)
		case *parse.PipeNode:
			if err := walkPipe(a, s, root, cond && (fn == "and" || fn == "or" || fn == "not")); err != nil {
				return err
			}
		case *parse.IdentifierNode, *parse.NilNode:
		default:
			return fmt.Errorf("template argument %q is not supported", a)
		}
	}
	switch {
	case slices.Contains(comparisons, fn):
		for _, f := range fields {
			for _, c := range consts {
				if !slices.Contains(f.comparands, c) {
					f.comparands = append(f.comparands, c)
				}
			}
		}
	case cond && (fn == "and" || fn == "or" || fn == "not"):
		for _, f := range fields {
			f.cond = true
		}
	}
	return nil
}
