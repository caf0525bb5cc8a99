package corpus_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/kedaml/terraform-provider-keda/internal/acctest"
)

// workspace is one Terraform working directory using the provider as a
// user who builds it does: the binary through dev_overrides.
type workspace struct {
	dir string
	env []string
	// owner names the object a line of the configuration belongs to.
	owner func(file string, line int) string
}

func newWorkspace(t *testing.T, dir, kubeconfig string) *workspace {
	t.Helper()
	root, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}").Output()
	if err != nil {
		t.Fatalf("finding the provider's module: %v", err)
	}
	bin := filepath.Join(dir, "bin")
	build := exec.Command("go", "build", "-o", filepath.Join(bin, "terraform-provider-keda"), ".")
	build.Dir = strings.TrimSpace(string(root))
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the provider: %v\n%s", err, out)
	}
	rc := filepath.Join(dir, "terraformrc")
	if err := acctest.WriteDevOverrides(rc, map[string]string{"kedaml/keda": bin}); err != nil {
		t.Fatal(err)
	}
	w := &workspace{dir: filepath.Join(dir, "config")}
	if err := os.MkdirAll(w.dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "KUBE_") && !strings.HasPrefix(kv, "KUBECONFIG=") && !strings.HasPrefix(kv, "TF_") {
			w.env = append(w.env, kv)
		}
	}
	w.env = append(w.env, "TF_CLI_CONFIG_FILE="+rc, "TF_IN_AUTOMATION=1", "KUBE_CONFIG_PATH="+kubeconfig)
	return w
}

// terraform runs the CLI and returns its exit code and output.
func (w *workspace) terraform(t *testing.T, args ...string) (int, []byte) {
	t.Helper()
	cmd := exec.Command("terraform", append(args, "-no-color")...)
	cmd.Dir = w.dir
	cmd.Env = w.env
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stdout
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("terraform %s: %v", args[0], err)
	}
	return cmd.ProcessState.ExitCode(), stdout.Bytes()
}

// diagnostic is one error or warning of terraform's -json output.
type diagnostic struct {
	Severity string `json:"severity"`
	Summary  string `json:"summary"`
	Detail   string `json:"detail"`
	Address  string `json:"address"`
	Range    *struct {
		Filename string `json:"filename"`
		Start    struct {
			Line int `json:"line"`
		} `json:"start"`
	} `json:"range"`
}

func (d diagnostic) String() string {
	if d.Detail == "" {
		return d.Summary
	}
	return d.Summary + ": " + d.Detail
}

// errorsOf are the error diagnostics of terraform's -json output; lines
// that are not JSON (a crash) come back as errors naming no address.
func errorsOf(out []byte) []diagnostic {
	var diags []diagnostic
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 4<<20), 4<<20)
	for sc.Scan() {
		line := sc.Bytes()
		var msg struct {
			Type       string      `json:"type"`
			Diagnostic *diagnostic `json:"diagnostic"`
		}
		if err := json.Unmarshal(line, &msg); err != nil {
			if len(bytes.TrimSpace(line)) > 0 {
				diags = append(diags, diagnostic{Severity: "error", Summary: "terraform printed: " + string(line)})
			}
			continue
		}
		if msg.Type == "diagnostic" && msg.Diagnostic != nil && msg.Diagnostic.Severity == "error" {
			diags = append(diags, *msg.Diagnostic)
		}
	}
	return diags
}

// generated is generated.tf split into its resource blocks.
type generated struct {
	order  []string
	blocks map[string]string
	lines  map[string][2]int // first and last line of each block
}

var resourceLine = regexp.MustCompile(`^resource "([^"]+)" "([^"]+)" \{`)

func readGenerated(path string) (*generated, error) {
	g := &generated{blocks: map[string]string{}, lines: map[string][2]int{}}
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return g, nil
	}
	if err != nil {
		return nil, err
	}
	var cur string
	var b strings.Builder
	for i, line := range strings.Split(string(data), "\n") {
		if m := resourceLine.FindStringSubmatch(line); m != nil {
			cur = m[1] + "." + m[2]
			b.Reset()
			g.lines[cur] = [2]int{i + 1, i + 1}
		}
		if cur == "" {
			continue
		}
		b.WriteString(line + "\n")
		if line == "}" {
			g.order = append(g.order, cur)
			g.blocks[cur] = b.String()
			g.lines[cur] = [2]int{g.lines[cur][0], i + 1}
			cur = ""
		}
	}
	return g, nil
}

// owner is the resource whose block holds line.
func (g *generated) owner(line int) string {
	for addr, r := range g.lines {
		if line >= r[0] && line <= r[1] {
			return addr
		}
	}
	return ""
}

func (g *generated) write(path string, keep func(string) bool) error {
	var b strings.Builder
	for _, addr := range g.order {
		if keep(addr) {
			b.WriteString(g.blocks[addr] + "\n")
		}
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}

// writeImports writes main.tf with an import block per object and returns
// the object each line of it belongs to.
func (w *workspace) writeImports(t *testing.T, objects []*corpusObject) map[int]string {
	t.Helper()
	var b strings.Builder
	b.WriteString("terraform {\n  required_providers {\n    keda = { source = \"kedaml/keda\" }\n  }\n}\n\nprovider \"keda\" {}\n")
	lines := map[int]string{}
	for _, o := range objects {
		first := strings.Count(b.String(), "\n") + 2
		fmt.Fprintf(&b, "\nimport {\n  to = %s\n  id = %q\n}\n", o.address, o.importID)
		for l := first; l < first+4; l++ {
			lines[l] = o.address
		}
	}
	if err := os.WriteFile(filepath.Join(w.dir, "main.tf"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return lines
}

// attribute gives each error to the object it names: by address, or by the
// import block or generated block it points into. What names no object is
// returned.
func attribute(diags []diagnostic, owner func(file string, line int) string, byAddr map[string]*corpusObject, phase string) (failed map[*corpusObject]bool, other []string) {
	failed = map[*corpusObject]bool{}
	for _, d := range diags {
		addr := d.Address
		if addr == "" && d.Range != nil {
			addr = owner(filepath.Base(d.Range.Filename), d.Range.Start.Line)
		}
		o := byAddr[addr]
		if o == nil {
			other = append(other, d.String())
			continue
		}
		o.failures = append(o.failures, phase+": "+d.String())
		failed[o] = true
	}
	return failed, other
}

// importAll imports the objects with import blocks and generated config:
// plan to generate the config, plan again with it (dropping the objects
// whose import or generated config fails, and planning again, so that one
// run shows every failure), require that the plan only imports, apply it. It returns the objects it imported.
func (w *workspace) importAll(t *testing.T, objects []*corpusObject, timer *phases) []*corpusObject {
	t.Helper()
	byAddr := map[string]*corpusObject{}
	for _, o := range objects {
		byAddr[o.address] = o
	}
	live := slices.Clone(objects)
	genPath := filepath.Join(w.dir, "generated.tf")
	gen := &generated{}
	var imports map[int]string
	w.owner = func(file string, line int) string {
		switch file {
		case "main.tf":
			return imports[line]
		case "generated.tf":
			return gen.owner(line)
		}
		return ""
	}
	for round := 1; ; round++ {
		imports = w.writeImports(t, live)
		args := []string{"plan", "-input=false", "-json", "-out=import.tfplan"}
		if round == 1 {
			args = append(args, "-generate-config-out=generated.tf")
		}
		code, out := w.terraform(t, args...)
		if round == 1 {
			var err error
			if gen, err = readGenerated(genPath); err != nil {
				t.Fatal(err)
			}
		}
		failed, other := attribute(errorsOf(out), w.owner, byAddr, fmt.Sprintf("plan with the generated config (round %d)", round))
		timer.done(fmt.Sprintf("plan round %d (%d imports)", round, len(live)))
		// The plan that writes generated.tf does not hold it: Terraform's
		// apply of that plan fails on every object it would change ("has no
		// configuration attached"). As Terraform's docs say, plan again with
		// the generated config in place.
		if code == 0 && len(failed) == 0 && len(other) == 0 && round > 1 {
			break
		}
		if code == 0 && len(failed) == 0 && len(other) == 0 {
			continue
		}
		if len(failed) == 0 {
			t.Fatalf("terraform plan exited %d with errors that name no object:\n%s\n%s", code, strings.Join(other, "\n"), out)
		}
		live = slices.DeleteFunc(live, func(o *corpusObject) bool { return failed[o] })
		if err := gen.write(genPath, func(addr string) bool { o := byAddr[addr]; return o != nil && !failed[o] }); err != nil {
			t.Fatal(err)
		}
		var err error
		if gen, err = readGenerated(genPath); err != nil {
			t.Fatal(err)
		}
		if len(live) == 0 {
			return nil
		}
	}

	// The plan of the generated config only imports.
	changes := w.showPlan(t, "import.tfplan")
	for _, o := range live {
		c, ok := changes[o.address]
		switch {
		case !ok:
			o.failures = append(o.failures, "the plan with the generated config does not mention it")
		case c.Change.Importing == nil:
			o.failures = append(o.failures, "the plan with the generated config does not import it")
		case !slices.Equal(c.Change.Actions, []string{"no-op"}):
			o.failures = append(o.failures, fmt.Sprintf("the plan with the generated config wants %v besides the import: %s", c.Change.Actions, diff(c.Change.Before, c.Change.After)))
		}
	}

	code, out := w.terraform(t, "apply", "-input=false", "-json", "import.tfplan")
	_, other := attribute(errorsOf(out), w.owner, byAddr, "terraform apply of the import")
	if code != 0 && len(other) > 0 {
		t.Errorf("terraform apply exited %d with errors that name no object:\n%s", code, strings.Join(other, "\n"))
	}
	timer.done("apply (import)")
	return live
}

// planAfter requires an empty plan after the import.
func (w *workspace) planAfter(t *testing.T, objects []*corpusObject) {
	t.Helper()
	byAddr := map[string]*corpusObject{}
	for _, o := range objects {
		byAddr[o.address] = o
	}
	code, out := w.terraform(t, "plan", "-input=false", "-json", "-detailed-exitcode", "-out=after.tfplan")
	_, other := attribute(errorsOf(out), w.owner, byAddr, "plan after the import")
	if len(other) > 0 {
		t.Errorf("the plan after the import exited %d with errors that name no object:\n%s", code, strings.Join(other, "\n"))
	}
	if code == 1 {
		return
	}
	changes := w.showPlan(t, "after.tfplan")
	for _, o := range objects {
		c, ok := changes[o.address]
		switch {
		case !ok:
			o.failures = append(o.failures, "not in the state after the import")
		case !slices.Equal(c.Change.Actions, []string{"no-op"}):
			o.failures = append(o.failures, fmt.Sprintf("the plan after the import wants %v: %s", c.Change.Actions, diff(c.Change.Before, c.Change.After)))
		}
	}
	if code == 2 && !slices.ContainsFunc(objects, func(o *corpusObject) bool { return len(o.failures) > 0 }) {
		t.Errorf("terraform plan -detailed-exitcode exited 2 (changes) but no object has one:\n%s", out)
	}
}

type resourceChange struct {
	Address string `json:"address"`
	Change  struct {
		Actions   []string        `json:"actions"`
		Before    any             `json:"before"`
		After     any             `json:"after"`
		Importing json.RawMessage `json:"importing"`
	} `json:"change"`
}

func (w *workspace) showPlan(t *testing.T, file string) map[string]resourceChange {
	t.Helper()
	code, out := w.terraform(t, "show", "-json", file)
	if code != 0 {
		t.Fatalf("terraform show %s exited %d:\n%s", file, code, out)
	}
	var plan struct {
		ResourceChanges []resourceChange `json:"resource_changes"`
	}
	if err := json.Unmarshal(out, &plan); err != nil {
		t.Fatalf("terraform show %s: %v", file, err)
	}
	changes := map[string]resourceChange{}
	for _, c := range plan.ResourceChanges {
		changes[c.Address] = c
	}
	return changes
}

// diff lists the attributes that differ between before and after.
func diff(before, after any) string {
	var out []string
	var walk func(path string, a, b any)
	walk = func(path string, a, b any) {
		am, aok := a.(map[string]any)
		bm, bok := b.(map[string]any)
		if aok && bok {
			keys := map[string]bool{}
			for k := range am {
				keys[k] = true
			}
			for k := range bm {
				keys[k] = true
			}
			sorted := make([]string, 0, len(keys))
			for k := range keys {
				sorted = append(sorted, k)
			}
			sort.Strings(sorted)
			for _, k := range sorted {
				walk(strings.TrimPrefix(path+"."+k, "."), am[k], bm[k])
			}
			return
		}
		al, aok := a.([]any)
		bl, bok := b.([]any)
		if aok && bok && len(al) == len(bl) {
			for i := range al {
				walk(fmt.Sprintf("%s[%d]", path, i), al[i], bl[i])
			}
			return
		}
		if !reflect.DeepEqual(a, b) {
			aj, _ := json.Marshal(a)
			bj, _ := json.Marshal(b)
			out = append(out, fmt.Sprintf("%s: %s -> %s", path, aj, bj))
		}
	}
	walk("", before, after)
	return strings.Join(out, "; ")
}

// phases times the test's steps.
type phases struct {
	start, last time.Time
	names       []string
	took        []time.Duration
}

func newPhases() *phases {
	now := time.Now()
	return &phases{start: now, last: now}
}

func (p *phases) done(name string) {
	now := time.Now()
	p.names = append(p.names, name)
	p.took = append(p.took, now.Sub(p.last))
	p.last = now
}

func (p *phases) String() string {
	var parts []string
	for i, n := range p.names {
		parts = append(parts, fmt.Sprintf("%s %.1fs", n, p.took[i].Seconds()))
	}
	return fmt.Sprintf("%.1fs (%s)", time.Since(p.start).Seconds(), strings.Join(parts, ", "))
}

func TestGeneratedBlocks(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "generated.tf")
	src := `# __generated__ by Terraform
# Please review these resources and move them into your main configuration files.

# __generated__ by Terraform from "ns/a"
resource "keda_ml_scaled_object" "so000" {
  metadata {
    name = "a"
  }
}

# __generated__ by Terraform from "b"
resource "keda_cluster_trigger_authentication" "cta001" {
  metadata {
    name = "b"
  }
}
`
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	g, err := readGenerated(path)
	if err != nil {
		t.Fatal(err)
	}
	for line, want := range map[int]string{1: "", 5: "keda_ml_scaled_object.so000", 7: "keda_ml_scaled_object.so000", 9: "keda_ml_scaled_object.so000", 10: "", 13: "keda_cluster_trigger_authentication.cta001", 16: "keda_cluster_trigger_authentication.cta001"} {
		if got := g.owner(line); got != want {
			t.Errorf("owner(%d) = %q, want %q", line, got, want)
		}
	}
	if err := g.write(path, func(addr string) bool { return addr != "keda_ml_scaled_object.so000" }); err != nil {
		t.Fatal(err)
	}
	g, err = readGenerated(path)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"keda_cluster_trigger_authentication.cta001"}; !slices.Equal(g.order, want) {
		t.Errorf("after dropping so000: %v, want %v", g.order, want)
	}
}
