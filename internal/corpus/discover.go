package corpus

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// kedaKind matches a document of one of the four KEDA kinds, spelled out or
// filled from a template field (update_ta renders `kind: {{.TriggerAuthKind}}`).
var kedaKind = regexp.MustCompile(`(?m)^\s*kind:\s*(ScaledObject|ScaledJob|TriggerAuthentication|ClusterTriggerAuthentication|\{\{[^}]*\}\})\s*$`)

var formatVerb = regexp.MustCompile(`%[-+# 0-9.]*[a-zA-Z]`)

// pkgInfo is what one directory of KEDA's tests (one Go package) tells about
// its templates: the string constants, the struct types that carry the
// template data, and the literal values the tests assign to their fields.
type pkgInfo struct {
	dir       string
	templates []goTemplate
	structs   []structType
	// decls are the package-level constants and variables by name, for
	// resolving an identifier to a literal.
	decls map[string]ast.Expr
	// assigned holds every expression a field is given in a composite
	// literal of a struct type or by `x.Field = expr`, by field name.
	assigned map[string][]assignment
}

// assignment is a value given to a field: in a composite literal of the
// struct type named typ, or by `x.Field = expr` (typ "").
type assignment struct {
	typ  string
	expr ast.Expr
}

// goTemplate is a string literal that holds a KEDA kind.
type goTemplate struct {
	file string // path relative to the tests tree
	name string // constant or variable, or func@line for an anonymous literal
	text string
}

type structType struct {
	name   string
	fields map[string]string // field name => type, as written
}

// loadPackages parses every Go file under root of fsys, grouped by directory.
func loadPackages(fsys fs.FS, root string) ([]*pkgInfo, error) {
	byDir := map[string]*pkgInfo{}
	var dirs []string
	err := fs.WalkDir(fsys, root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".go") {
			return err
		}
		src, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, p, src, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		dir := path.Dir(p)
		pkg := byDir[dir]
		if pkg == nil {
			pkg = &pkgInfo{dir: dir, decls: map[string]ast.Expr{}, assigned: map[string][]assignment{}}
			byDir[dir] = pkg
			dirs = append(dirs, dir)
		}
		rel := strings.TrimPrefix(strings.TrimPrefix(p, root), "/")
		pkg.addFile(fset, f, rel)
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.Sort(dirs)
	out := make([]*pkgInfo, 0, len(dirs))
	for _, d := range dirs {
		out = append(out, byDir[d])
	}
	return out, nil
}

func (p *pkgInfo) addFile(fset *token.FileSet, f *ast.File, rel string) {
	for _, decl := range f.Decls {
		gd, ok := decl.(*ast.GenDecl)
		if !ok {
			continue
		}
		for _, spec := range gd.Specs {
			switch s := spec.(type) {
			case *ast.ValueSpec:
				for i, name := range s.Names {
					if i < len(s.Values) {
						p.decls[name.Name] = s.Values[i]
					}
				}
			case *ast.TypeSpec:
				if st, ok := s.Type.(*ast.StructType); ok {
					p.structs = append(p.structs, structType{name: s.Name.Name, fields: structFields(st)})
				}
			}
		}
	}

	// Name each string literal after what it is assigned to: a constant,
	// a variable, or (for a literal passed straight to a call) the function
	// and line it appears in.
	named := map[*ast.BasicLit]string{}
	for _, decl := range f.Decls {
		fn := ""
		if fd, ok := decl.(*ast.FuncDecl); ok {
			fn = fd.Name.Name
		}
		ast.Inspect(decl, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.ValueSpec:
				for i, v := range n.Values {
					if i < len(n.Names) {
						nameLit(v, qualify(fn, n.Names[i].Name), named)
					}
				}
			case *ast.AssignStmt:
				for i, v := range n.Rhs {
					if i >= len(n.Lhs) || len(n.Lhs) != len(n.Rhs) {
						continue
					}
					switch lhs := n.Lhs[i].(type) {
					case *ast.Ident:
						nameLit(v, qualify(fn, lhs.Name), named)
					case *ast.SelectorExpr:
						p.assigned[lhs.Sel.Name] = append(p.assigned[lhs.Sel.Name], assignment{expr: v})
					}
				}
			case *ast.CompositeLit:
				typ := ""
				if id, ok := n.Type.(*ast.Ident); ok {
					typ = id.Name
				}
				for _, e := range n.Elts {
					if kv, ok := e.(*ast.KeyValueExpr); ok && typ != "" {
						if key, ok := kv.Key.(*ast.Ident); ok {
							p.assigned[key.Name] = append(p.assigned[key.Name], assignment{typ: typ, expr: kv.Value})
						}
					}
				}
			case *ast.BasicLit:
				if n.Kind != token.STRING {
					return true
				}
				text, err := strconv.Unquote(n.Value)
				if err != nil || !kedaKind.MatchString(text) {
					return true
				}
				name, ok := named[n]
				if !ok {
					name = qualify(fn, "") + "@" + strconv.Itoa(fset.Position(n.Pos()).Line)
				}
				p.templates = append(p.templates, goTemplate{file: rel, name: name, text: text})
			}
			return true
		})
	}
}

// nameLit records name for v when it is a string literal.
func nameLit(v ast.Expr, name string, named map[*ast.BasicLit]string) {
	if lit, ok := v.(*ast.BasicLit); ok {
		named[lit] = name
	}
}

func qualify(fn, name string) string {
	switch {
	case fn == "":
		return name
	case name == "":
		return fn
	}
	return fn + "." + name
}

func structFields(st *ast.StructType) map[string]string {
	out := map[string]string{}
	for _, f := range st.Fields.List {
		typ := exprString(f.Type)
		for _, n := range f.Names {
			out[n.Name] = typ
		}
	}
	return out
}

func exprString(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name
	case *ast.ArrayType:
		return "[]" + exprString(e.Elt)
	case *ast.MapType:
		return "map[" + exprString(e.Key) + "]" + exprString(e.Value)
	case *ast.StarExpr:
		return "*" + exprString(e.X)
	case *ast.SelectorExpr:
		return exprString(e.X) + "." + e.Sel.Name
	}
	return "?"
}

// eval gives the value of a constant expression made of literals and of
// identifiers that name such expressions; nil when it is anything else
// (a call, an environment variable, a function parameter).
func (p *pkgInfo) eval(e ast.Expr, depth int) any {
	if depth > 10 {
		return nil
	}
	switch e := e.(type) {
	case *ast.BasicLit:
		switch e.Kind {
		case token.STRING:
			s, err := strconv.Unquote(e.Value)
			if err != nil {
				return nil
			}
			return s
		case token.INT:
			n, err := strconv.ParseInt(e.Value, 0, 64)
			if err != nil {
				return nil
			}
			return int(n)
		case token.FLOAT:
			f, err := strconv.ParseFloat(e.Value, 64)
			if err != nil {
				return nil
			}
			return f
		}
	case *ast.Ident:
		switch e.Name {
		case "true":
			return true
		case "false":
			return false
		}
		if d, ok := p.decls[e.Name]; ok {
			return p.eval(d, depth+1)
		}
	case *ast.ParenExpr:
		return p.eval(e.X, depth+1)
	case *ast.UnaryExpr:
		if e.Op == token.SUB {
			switch v := p.eval(e.X, depth+1).(type) {
			case int:
				return -v
			case float64:
				return -v
			}
		}
	case *ast.BinaryExpr:
		if e.Op == token.ADD {
			x, xok := p.eval(e.X, depth+1).(string)
			y, yok := p.eval(e.Y, depth+1).(string)
			if xok && yok {
				return x + y
			}
		}
	case *ast.CallExpr:
		// Conversions such as int32(3) or string("x").
		if id, ok := e.Fun.(*ast.Ident); ok && len(e.Args) == 1 && isBasicType(id.Name) {
			return p.eval(e.Args[0], depth+1)
		}
	}
	return nil
}

func isBasicType(name string) bool {
	switch name {
	case "string", "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64", "float32", "float64", "bool":
		return true
	}
	return false
}

// literals are the distinct constant values the package gives field of the
// struct type typ.
func (p *pkgInfo) literals(typ, field string) []any {
	var out []any
	for _, a := range p.assigned[field] {
		if a.typ != "" && a.typ != typ {
			continue
		}
		v := p.eval(a.expr, 0)
		if s, ok := v.(string); ok && formatVerb.MatchString(s) {
			// A format for fmt.Sprintf ("so-%d"), not the value.
			continue
		}
		if v == nil || slices.Contains(out, v) {
			continue
		}
		out = append(out, v)
	}
	return out
}

// dataStruct is the struct type that holds most of the fields a template
// reads: the type KEDA's test executes it with.
func (p *pkgInfo) dataStruct(fields []string) *structType {
	var best *structType
	bestN := 0
	for i := range p.structs {
		n := 0
		for _, f := range fields {
			if _, ok := p.structs[i].fields[f]; ok {
				n++
			}
		}
		if n > bestN {
			best, bestN = &p.structs[i], n
		}
	}
	return best
}
