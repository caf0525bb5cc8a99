package corpus_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/kedaml/terraform-provider-keda/internal/acctest"
	"github.com/kedaml/terraform-provider-keda/internal/corpus"
	"github.com/kedaml/terraform-provider-keda/internal/install"
)

// TestMain runs the corpus with the provider's fast path checked against
// the framework (KEDA_PROVIDER_FASTPATH=check): the import, plan and apply
// of every object in the corpus fail on any difference between the two.
func TestMain(m *testing.M) {
	if os.Getenv("KEDA_PROVIDER_FASTPATH") == "" {
		os.Setenv("KEDA_PROVIDER_FASTPATH", "check")
	}
	os.Exit(acctest.RunWithControlPlane(m))
}

// rejectedByKEDA are the templates KEDA's own tests apply expecting KEDA to
// refuse them (tests/internals/*validation*: each asserts an error from
// kubectl apply). No KEDA webhook runs on the test control plane, so they
// are left out rather than created. Keyed by file:constant.
var rejectedByKEDA = map[string]string{
	"internals/scaled_object_validation/scaled_object_validation_test.go:cpuScaledObjectTemplate": "testMissingCPU requires the webhook's error: a cpu trigger on a Deployment whose container has no cpu request " +
		"(apis/keda/v1alpha1/scaledobject_webhook.go, verifyCPUMemoryScalers)",
	"internals/scaled_object_validation/scaled_object_validation_test.go:memoryScaledObjectTemplate": "testMissingMemory requires the webhook's error: a memory trigger on a Deployment whose container has no memory request " +
		"(apis/keda/v1alpha1/scaledobject_webhook.go, verifyCPUMemoryScalers)",
	"internals/scaled_object_validation/scaled_object_validation_test.go:emptyTriggersTemplate": "testTriggersWithEmptyArray requires the CRD's error: spec.triggers in body should have at least 1 items",
	"internals/scaled_job_validation/scaled_job_validation_test.go:emptyTriggersSjTemplate":     "testTriggersWithEmptyArray requires the CRD's error: spec.triggers in body should have at least 1 items",
	"internals/trigger_authentication_validation/trigger_authentication_validation_test.go:triggerAuthWorkloadEmptyIDTemplate": "testTriggerAuthenticationWithEmptyID requires the webhook's error: azure-workload with identityId \"\" " +
		"(apis/keda/v1alpha1/triggerauthentication_webhook.go, validateSpec)",
	"internals/trigger_authentication_validation/trigger_authentication_validation_test.go:clusterTriggerAuthWorkloadEmptyIDTemplate": "testClusterTriggerAuthenticationWithEmptyID requires the webhook's error: azure-workload with identityId \"\" " +
		"(apis/keda/v1alpha1/triggerauthentication_webhook.go, validateSpec)",
}

// exclusion is an accepted object that does not import cleanly for a reason
// that is not a provider bug.
type exclusion struct {
	// fails is what its failure says; failing otherwise is a failure of the
	// test.
	fails  string
	reason string
	// userLine is what the user adds to the generated config to finish the
	// import.
	userLine string
}

// importExclusions are keyed by file:constant (every variant) or by
// file:constant[variant]. The test fails when an excluded object imports
// cleanly, so the list cannot go stale.
//
// Two objects KEDA refuses only when it reconciles them (events_test.go's
// scaledJobErrTemplate, a cpu trigger without metricType;
// scaled_object_validation_test.go's customScaledObjectTemplate, a cpu
// trigger with the metadata `type` removed in v2.18) are not here: they
// import unchanged, since an import that plans the object as it is writes
// nothing, and KEDA's rules refuse them at the first plan that changes them.
var importExclusions = map[string]exclusion{
	`secret-providers/hashicorp_vault/hashicorp_vault_test.go:triggerAuthenticationTemplate[HashiCorpAuthentication="token",VaultServiceAccountName=""]`: vaultToken,
	`secret-providers/hashicorp_vault/hashicorp_vault_test.go:prometheusTriggerAuthenticationTemplate[HashiCorpAuthentication="token"]`:                  vaultToken,
}

// vaultToken: Terraform writes a sensitive attribute as null in generated
// configuration, so the token an object holds inline cannot come back.
var vaultToken = exclusion{
	fails:    `the plan with the generated config wants [update] besides the import: hashicorp_vault.credential.token: "hashi-corp-token" -> null`,
	reason:   "hashiCorpVault.credential.token is sensitive: terraform plan -generate-config-out writes it as null, and the plan then wants to remove it",
	userLine: "token = var.vault_token in hashicorp_vault { credential { ... } }",
}

// corpusObject is one rendered object on its way through the test.
type corpusObject struct {
	*corpus.Object
	file      string // the JSON kubectl applies
	name      string // metadata.name as created (renamed when two share one)
	namespace string // "" for the cluster-scoped kind
	address   string // the Terraform resource address
	importID  string
	excluded  *exclusion
	rejection string // the API server's refusal, if any
	version   string // resourceVersion after kubectl apply
	failures  []string
}

func (o *corpusObject) String() string {
	var srcs []string
	for _, s := range o.Sources {
		srcs = append(srcs, s.String())
	}
	id := o.name
	if o.namespace != "" {
		id = o.namespace + "/" + o.name
	}
	return fmt.Sprintf("%s %s %s (from %s)", o.address, o.Kind, id, strings.Join(srcs, ", "))
}

var renderCorpus = sync.OnceValues(func() (*corpus.Result, error) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/kedacore/keda/v2").Output()
	if err != nil {
		return nil, fmt.Errorf("finding the keda/v2 module: %w", err)
	}
	crds, err := install.CRDs()
	if err != nil {
		return nil, err
	}
	return corpus.Render(os.DirFS(strings.TrimSpace(string(out))), "tests", crds)
})

// matches says whether key (file:constant or file:constant[variant])
// names src.
func matches(key string, src corpus.Source) bool {
	return key == src.File+":"+src.Template || key == src.String()
}

// TestCorpusTables: KEDA's tests render without a problem, and every entry
// of the tables above still names a template of them.
func TestCorpusTables(t *testing.T) {
	res, err := renderCorpus()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range res.Problems {
		t.Errorf("%s: %s", p.Source, p.Err)
	}
	kinds := map[string]int{}
	for _, o := range res.Objects {
		kinds[o.Kind]++
	}
	for _, k := range corpus.Kinds {
		if kinds[k] == 0 {
			t.Errorf("no %s rendered from KEDA's tests", k)
		}
	}
	for _, key := range append(slices.Collect(maps.Keys(rejectedByKEDA)), slices.Collect(maps.Keys(importExclusions))...) {
		found := false
		for _, o := range res.Objects {
			found = found || slices.ContainsFunc(o.Sources, func(s corpus.Source) bool { return matches(key, s) })
		}
		if !found {
			t.Errorf("table entry %s names no rendered object", key)
		}
	}
}

// TestAccCorpus creates every object of KEDA's own end-to-end tests with
// kubectl apply, imports them all in one Terraform workspace with
// -generate-config-out, applies the import and plans again: the imports
// must write nothing and the plan after must be empty.
func TestAccCorpus(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 (make testacc)")
	}
	cp := acctest.Shared()
	if cp == nil {
		t.Fatal("TF_ACC is set but no control plane is running")
	}
	bin, err := acctest.BinDir()
	if err != nil {
		t.Fatal(err)
	}
	kubectl := filepath.Join(bin, "kubectl")
	if _, err := os.Stat(kubectl); err != nil {
		t.Fatalf("kubectl is not built: run `scripts/testbin.sh kubectl` (make test does): %v", err)
	}
	timer := newPhases()

	res, err := renderCorpus()
	if err != nil {
		t.Fatal(err)
	}
	timer.done("render")

	dir := t.TempDir()
	if keep := os.Getenv("KEDA_CORPUS_KEEP"); keep != "" {
		// For looking into a failure: the objects, generated.tf and the state
		// stay in this directory.
		dir = keep
	}
	objects, leftOut := prepare(t, res, filepath.Join(dir, "objects"))
	ctx := t.Context()
	ns := corpusNamespace
	if _, err := cp.Clientset().CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}

	kubectlOut := kubectlApply(t, kubectl, cp.KubeconfigPath, filepath.Join(dir, "objects"), objects)
	versions, err := liveVersions(ctx, ns)
	if err != nil {
		t.Fatal(err)
	}
	var accepted []*corpusObject
	for _, o := range objects {
		o.version = versions[o.Kind+"/"+o.name]
		switch {
		case o.version != "":
			// Whatever kubectl printed next to it (a warning) was no refusal.
			o.rejection = ""
			accepted = append(accepted, o)
		case o.rejection == "":
			o.rejection = "kubectl reported nothing for it, and it does not exist"
		}
	}
	timer.done("kubectl apply")
	if len(accepted) == 0 {
		t.Fatalf("the API server accepted none of %d objects; kubectl said:\n%s", len(objects), kubectlOut)
	}

	ws := newWorkspace(t, filepath.Join(dir, "workspace"), cp.KubeconfigPath)
	imported := ws.importAll(t, accepted, timer)

	// The import wrote nothing.
	versions, err = liveVersions(ctx, ns)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range imported {
		if now := versions[o.Kind+"/"+o.name]; now != o.version {
			o.failures = append(o.failures, fmt.Sprintf("terraform apply of the import wrote to the object: resourceVersion %s -> %s", o.version, now))
		}
	}
	ws.planAfter(t, imported)
	timer.done("plan after")

	report(t, res, objects, accepted, leftOut, timer)
}

const corpusNamespace = "keda-corpus"

// prepare keeps the objects KEDA's tests expect KEDA to accept, gives each a
// unique name in the test's namespace, and writes each to a file for kubectl.
func prepare(t *testing.T, res *corpus.Result, dir string) (objects []*corpusObject, leftOut []*corpus.Object) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	taken := map[string]bool{}
	for _, obj := range res.Objects {
		keep := slices.ContainsFunc(obj.Sources, func(s corpus.Source) bool {
			return !slices.ContainsFunc(slices.Collect(maps.Keys(rejectedByKEDA)), func(k string) bool { return matches(k, s) })
		})
		if !keep {
			leftOut = append(leftOut, obj)
			continue
		}
		var m map[string]any
		dec := json.NewDecoder(bytes.NewReader(obj.JSON))
		dec.UseNumber()
		if err := dec.Decode(&m); err != nil {
			t.Fatal(err)
		}
		meta, _ := m["metadata"].(map[string]any)
		if meta == nil {
			meta = map[string]any{}
			m["metadata"] = meta
		}
		o := &corpusObject{Object: obj}
		o.name = obj.Name
		if o.name == "" {
			o.name = "unnamed"
		}
		for i := 2; taken[obj.Kind+"/"+o.name]; i++ {
			o.name = fmt.Sprintf("%s-%d", obj.Name, i)
		}
		taken[obj.Kind+"/"+o.name] = true
		meta["name"] = o.name
		n := len(objects)
		switch obj.Kind {
		case "ClusterTriggerAuthentication":
			delete(meta, "namespace")
			o.address = fmt.Sprintf("keda_cluster_trigger_authentication.cta%03d", n)
			o.importID = o.name
		default:
			o.namespace = corpusNamespace
			meta["namespace"] = o.namespace
			o.importID = o.namespace + "/" + o.name
			o.address = fmt.Sprintf("%s.%s%03d", map[string]string{
				"ScaledObject":          "keda_ml_scaled_object",
				"ScaledJob":             "keda_ml_scaled_job",
				"TriggerAuthentication": "keda_trigger_authentication",
			}[obj.Kind], map[string]string{"ScaledObject": "so", "ScaledJob": "sj", "TriggerAuthentication": "ta"}[obj.Kind], n)
		}
		for key, ex := range importExclusions {
			if slices.ContainsFunc(obj.Sources, func(s corpus.Source) bool { return matches(key, s) }) {
				o.excluded = &ex
			}
		}
		raw, err := json.MarshalIndent(m, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		o.file = filepath.Join(dir, fmt.Sprintf("%03d.json", n))
		if err := os.WriteFile(o.file, raw, 0o644); err != nil {
			t.Fatal(err)
		}
		objects = append(objects, o)
	}
	return objects, leftOut
}

// kubectlApply applies the directory as a user would and records what the
// API server refused, per file.
func kubectlApply(t *testing.T, kubectl, kubeconfig, dir string, objects []*corpusObject) string {
	t.Helper()
	out, err := exec.Command(kubectl, "apply", "-f", dir, "--kubeconfig", kubeconfig).CombinedOutput()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("kubectl apply: %v", err)
	}
	refusals := kubectlRefusals(string(out), dir)
	for _, o := range objects {
		o.rejection = refusals[filepath.Base(o.file)]
	}
	return string(out)
}

// kubectlRefusals splits kubectl apply's output into its messages (each
// starts with "Error" or "error", or is one line saying what it did) and
// gives each error to the file of dir it names.
func kubectlRefusals(out, dir string) map[string]string {
	fileRE := regexp.MustCompile(`"?` + regexp.QuoteMeta(dir) + `/([^"/\s]+\.json)"?`)
	refusals := map[string]string{}
	var record []string
	flush := func() {
		text := strings.Join(record, "\n")
		if m := fileRE.FindStringSubmatch(text); m != nil {
			refusals[m[1]] = strings.ReplaceAll(text, m[0], m[1])
		}
		record = nil
	}
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "Error") || strings.HasPrefix(line, "error") || kubectlDid.MatchString(line) {
			flush()
		}
		if !kubectlDid.MatchString(line) && strings.TrimSpace(line) != "" {
			record = append(record, line)
		}
	}
	flush()
	return refusals
}

// kubectlDid is kubectl apply's line for an object it created or updated.
var kubectlDid = regexp.MustCompile(`^\S+/\S+ (created|configured|unchanged)( \(server dry run\))?$`)

var gvrs = map[string]schema.GroupVersionResource{
	"ScaledObject":                 {Group: "keda.sh", Version: "v1alpha1", Resource: "scaledobjects"},
	"ScaledJob":                    {Group: "keda.sh", Version: "v1alpha1", Resource: "scaledjobs"},
	"TriggerAuthentication":        {Group: "keda.sh", Version: "v1alpha1", Resource: "triggerauthentications"},
	"ClusterTriggerAuthentication": {Group: "keda.sh", Version: "v1alpha1", Resource: "clustertriggerauthentications"},
}

// liveVersions are the resourceVersions of the test's objects, by kind and
// name; an object missing has none.
func liveVersions(ctx context.Context, ns string) (map[string]string, error) {
	dyn := acctest.Shared().Dynamic()
	out := map[string]string{}
	for kind, gvr := range gvrs {
		var list *unstructured.UnstructuredList
		var err error
		if kind == "ClusterTriggerAuthentication" {
			list, err = dyn.Resource(gvr).List(ctx, metav1.ListOptions{})
		} else {
			list, err = dyn.Resource(gvr).Namespace(ns).List(ctx, metav1.ListOptions{})
		}
		if err != nil {
			return nil, err
		}
		for _, u := range list.Items {
			out[kind+"/"+u.GetName()] = u.GetResourceVersion()
		}
	}
	return out, nil
}

// report prints the counts (go test shows a passing package's output only
// with -v, so the summary also goes to $KEDA_CORPUS_SUMMARY, which make test
// prints) and fails on every object that did not import cleanly and is not
// excluded, and on every exclusion that is no longer needed.
func report(t *testing.T, res *corpus.Result, objects, accepted []*corpusObject, leftOut []*corpus.Object, timer *phases) {
	t.Helper()
	var clean, excludedFailing int
	var failing, stale, rejected []string
	for _, o := range objects {
		if o.rejection != "" {
			rejected = append(rejected, fmt.Sprintf("%s\n      %s", o, strings.ReplaceAll(o.rejection, "\n", "\n      ")))
		}
	}
	for _, o := range accepted {
		switch {
		case len(o.failures) == 0 && o.excluded == nil:
			clean++
		case len(o.failures) == 0:
			stale = append(stale, fmt.Sprintf("%s: excluded (%s) but imports cleanly now: remove its exclusion", o, o.excluded.reason))
		case o.excluded != nil && slices.ContainsFunc(o.failures, func(f string) bool { return strings.Contains(f, o.excluded.fails) }):
			excludedFailing++
		default:
			msg := fmt.Sprintf("%s\n      %s", o, strings.Join(o.failures, "\n      "))
			if o.excluded != nil {
				msg += fmt.Sprintf("\n      (excluded, but for a failure that says %q)", o.excluded.fails)
			}
			failing = append(failing, msg)
		}
	}
	kinds := map[string]int{}
	for _, o := range res.Objects {
		kinds[o.Kind]++
	}
	var b strings.Builder
	fmt.Fprintf(&b, "KEDA corpus: %d templates in KEDA v2.21's tests, %d renders, %d distinct objects rendered (%d ScaledObject, %d ScaledJob, %d TriggerAuthentication, %d ClusterTriggerAuthentication); "+
		"%d left out as rejected by KEDA's own tests; %d applied with kubectl: %d accepted, %d rejected by the API server; "+
		"%d imported (plan empty after), %d excluded, %d failing; took %s\n",
		res.Templates, res.Renders, len(res.Objects), kinds["ScaledObject"], kinds["ScaledJob"], kinds["TriggerAuthentication"], kinds["ClusterTriggerAuthentication"],
		len(leftOut), len(objects), len(accepted), len(rejected), clean, excludedFailing, len(failing), timer)
	if len(rejected) > 0 {
		fmt.Fprintf(&b, "rejected by the API server (%d):\n  %s\n", len(rejected), strings.Join(rejected, "\n  "))
	}
	b.WriteString("left out, as KEDA's own tests expect KEDA to refuse them:\n")
	for _, key := range slices.Sorted(maps.Keys(rejectedByKEDA)) {
		fmt.Fprintf(&b, "  %s: %s\n", key, rejectedByKEDA[key])
	}
	b.WriteString("excluded from the import requirement:\n")
	for _, key := range slices.Sorted(maps.Keys(importExclusions)) {
		fmt.Fprintf(&b, "  %s: %s; the user adds: %s\n", key, importExclusions[key].reason, importExclusions[key].userLine)
	}
	fmt.Println(b.String())
	if path := os.Getenv("KEDA_CORPUS_SUMMARY"); path != "" {
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Error(err)
		}
	}
	if len(failing) > 0 {
		t.Errorf("%d accepted objects do not import cleanly and are not excluded:\n  %s", len(failing), strings.Join(failing, "\n  "))
	}
	if len(stale) > 0 {
		t.Errorf("%d exclusions are stale:\n  %s", len(stale), strings.Join(stale, "\n  "))
	}
}

func TestKubectlRefusals(t *testing.T) {
	out := `scaledobject.keda.sh/a created
Error from server (BadRequest): error when creating "/d/objects/002.json": ScaledObject in version "v1alpha1" cannot be handled as a ScaledObject: strict decoding error: unknown field "spec.triggers[0].typex"
triggerauthentication.keda.sh/b created
Error from server (InternalError): error when retrieving current configuration of:
Resource: "keda.sh/v1alpha1, Resource=scaledobjects", GroupVersionKind: "keda.sh/v1alpha1, Kind=ScaledObject"
Name: "so-%d", Namespace: "keda-corpus"
from server for: "/d/objects/004.json": invalid resource name "so-%d": [may not contain '%']
scaledjob.keda.sh/c unchanged
`
	want := map[string]string{
		"002.json": `Error from server (BadRequest): error when creating 002.json: ScaledObject in version "v1alpha1" cannot be handled as a ScaledObject: strict decoding error: unknown field "spec.triggers[0].typex"`,
		"004.json": "Error from server (InternalError): error when retrieving current configuration of:\n" +
			`Resource: "keda.sh/v1alpha1, Resource=scaledobjects", GroupVersionKind: "keda.sh/v1alpha1, Kind=ScaledObject"` + "\n" +
			`Name: "so-%d", Namespace: "keda-corpus"` + "\n" +
			`from server for: 004.json: invalid resource name "so-%d": [may not contain '%']`,
	}
	if got := kubectlRefusals(out, "/d/objects"); !maps.Equal(got, want) {
		t.Errorf("kubectlRefusals =\n%q\nwant\n%q", got, want)
	}
}
