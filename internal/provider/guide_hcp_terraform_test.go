package provider

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	kedaclient "github.com/kedacore/keda/v2/pkg/generated/clientset/versioned"
	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/yaml"

	"github.com/kedaml/terraform-provider-keda/internal/acctest"
)

const hcpGuideDir = "../../examples/guides/hcp-terraform"

// The HCP Terraform guide's environment-variable variant, as remote runs
// see it: nothing but KUBE_HOST, KUBE_TOKEN and KUBE_CLUSTER_CA_CERT_DATA
// set, the token a ServiceAccount's. With the guide's own RBAC (rbac.yaml)
// a run applies the guide's configuration and destroys it; a later run's
// refresh and plan of those existing objects, as a ServiceAccount whose Role
// grants only `get` on KEDA's objects (the guide says a plan needs no more),
// are empty, and a change made outside Terraform shows in the refresh. Each
// variable is shown to be the one in use: a ServiceAccount without a Role is
// forbidden by name, and a CA that did not sign the server's certificate
// fails the TLS handshake.
func TestAccGuideHCPTerraform_envVarsOnly(t *testing.T) {
	ns := testNamespace(t)
	t.Parallel()
	ctx := context.Background()
	cp := acctest.Shared()

	config, err := os.ReadFile(filepath.Join(hcpGuideDir, "env", "main.tf"))
	if err != nil {
		t.Fatal(err)
	}
	w := newCLIWorkspace(t)
	dir := filepath.Join(w.dir, "config")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(strings.ReplaceAll(string(config), `"ml-inference"`, `"`+ns+`"`)), 0o644); err != nil {
		t.Fatal(err)
	}
	if len(cp.Config.CAData) == 0 {
		t.Fatal("the control plane's client config has no CA data")
	}
	ca := string(cp.Config.CAData)
	remote := func(token, ca string) []string {
		return []string{"KUBE_HOST=" + cp.Config.Host, "KUBE_TOKEN=" + token, "KUBE_CLUSTER_CA_CERT_DATA=" + ca}
	}

	applier := guideServiceAccountToken(ctx, t, ns)
	if code, out := w.terraform(t, dir, remote(applier, ca), "apply", "-auto-approve", "-input=false"); code != 0 {
		t.Fatalf("apply as the guide's ServiceAccount: exit %d:\n%s", code, out)
	}
	t.Cleanup(func() {
		if code, out := w.terraform(t, dir, remote(applier, ca), "destroy", "-auto-approve", "-input=false"); code != 0 {
			t.Errorf("destroy as the guide's ServiceAccount: exit %d:\n%s", code, out)
		}
	})

	reader := readOnlyServiceAccountToken(ctx, t, ns, "reader", true)
	stranger := readOnlyServiceAccountToken(ctx, t, ns, "stranger", false)
	// Terraform 1.11 exits 2 from `plan -refresh-only -detailed-exitcode`
	// when it finds no drift in a keda_ml_scaled_object (not in a
	// keda_trigger_authentication), so the drift is read from its JSON
	// stream, as HCP Terraform's health assessments read it.
	code, out := w.terraform(t, dir, remote(reader, ca), "plan", "-refresh-only", "-input=false", "-json")
	if drifted, summary := refreshDrift(t, out); code != 0 || len(drifted) != 0 || summary != "Plan: 0 to add, 0 to change, 0 to destroy." {
		t.Fatalf("refresh-only plan with KUBE_HOST/KUBE_TOKEN/KUBE_CLUSTER_CA_CERT_DATA: exit %d, drift %v, %q; want no drift:\n%s", code, drifted, summary, out)
	}
	if code, out := w.terraform(t, dir, remote(reader, ca), "plan", "-input=false", "-detailed-exitcode"); code != 0 {
		t.Fatalf("plan with KUBE_HOST/KUBE_TOKEN/KUBE_CLUSTER_CA_CERT_DATA: exit %d, want 0 (no changes):\n%s", code, out)
	}

	// Drift, as a health assessment would find it.
	_, err = kedaclient.NewForConfigOrDie(cp.Config).KedaV1alpha1().ScaledObjects(ns).Patch(ctx, "benthos-ml-worker-scaler", types.MergePatchType,
		[]byte(`{"spec":{"maxReplicaCount":30}}`), metav1.PatchOptions{FieldManager: "kubectl-edit"})
	if err != nil {
		t.Fatal(err)
	}
	code, out = w.terraform(t, dir, remote(reader, ca), "plan", "-refresh-only", "-input=false", "-detailed-exitcode")
	if code != 2 || !regexp.MustCompile(`max_replica_count\s+=\s+20\s+->\s+30`).MatchString(out) {
		t.Fatalf("refresh-only plan after maxReplicaCount was changed to 30 outside Terraform: exit %d, want 2 with the change:\n%s", code, out)
	}

	code, out = w.terraform(t, dir, remote(stranger, ca), "plan", "-input=false")
	if code != 1 || !regexp.MustCompile(`(?s)system:serviceaccount:`+ns+`:stranger.*cannot\s+get`).MatchString(out) {
		t.Fatalf("plan as a ServiceAccount without a Role: exit %d, want it forbidden by name:\n%s", code, out)
	}
	code, out = w.terraform(t, dir, remote(reader, otherCA(t)), "plan", "-input=false")
	if code != 1 || !regexp.MustCompile(`certificate\s+signed\s+by\s+unknown\s+authority`).MatchString(out) {
		t.Fatalf("plan with a CA that did not sign the server's certificate: exit %d, want a TLS verification error:\n%s", code, out)
	}
}

// refreshDrift reads a `terraform plan -json` stream: the resources it
// reports changed outside Terraform, and its change summary.
func refreshDrift(t *testing.T, stream string) (drifted []string, summary string) {
	t.Helper()
	for _, line := range strings.Split(stream, "\n") {
		var msg struct {
			Type    string `json:"type"`
			Message string `json:"@message"`
		}
		if json.Unmarshal([]byte(line), &msg) != nil {
			continue
		}
		switch msg.Type {
		case "resource_drift":
			drifted = append(drifted, msg.Message)
		case "change_summary":
			summary = msg.Message
		}
	}
	return drifted, summary
}

// guideServiceAccountToken creates the guide's rbac.yaml in ns (its
// ServiceAccount, Role and RoleBinding; the long-lived token Secret needs
// kube-controller-manager's token controller, so a TokenRequest stands in
// for it) and returns a token of its ServiceAccount.
func guideServiceAccountToken(ctx context.Context, t *testing.T, ns string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(hcpGuideDir, "rbac.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	cs := acctest.Shared().Clientset()
	account := ""
	for _, doc := range strings.Split(strings.ReplaceAll(string(data), "ml-inference", ns), "\n---\n") {
		var meta metav1.TypeMeta
		if err := yaml.Unmarshal([]byte(doc), &meta); err != nil {
			t.Fatal(err)
		}
		switch meta.Kind {
		case "ServiceAccount":
			var sa corev1.ServiceAccount
			if err := yaml.UnmarshalStrict([]byte(doc), &sa); err != nil {
				t.Fatal(err)
			}
			if _, err := cs.CoreV1().ServiceAccounts(ns).Create(ctx, &sa, metav1.CreateOptions{}); err != nil {
				t.Fatal(err)
			}
			account = sa.Name
		case "Role":
			var role rbacv1.Role
			if err := yaml.UnmarshalStrict([]byte(doc), &role); err != nil {
				t.Fatal(err)
			}
			if _, err := cs.RbacV1().Roles(ns).Create(ctx, &role, metav1.CreateOptions{}); err != nil {
				t.Fatal(err)
			}
		case "RoleBinding":
			var binding rbacv1.RoleBinding
			if err := yaml.UnmarshalStrict([]byte(doc), &binding); err != nil {
				t.Fatal(err)
			}
			if _, err := cs.RbacV1().RoleBindings(ns).Create(ctx, &binding, metav1.CreateOptions{}); err != nil {
				t.Fatal(err)
			}
		case "Secret":
		default:
			t.Fatalf("rbac.yaml: unexpected kind %q", meta.Kind)
		}
	}
	if account == "" {
		t.Fatal("rbac.yaml has no ServiceAccount")
	}
	return requestToken(ctx, t, ns, account)
}

func requestToken(ctx context.Context, t *testing.T, ns, account string) string {
	t.Helper()
	expiry := int64(3600)
	tr, err := acctest.Shared().Clientset().CoreV1().ServiceAccounts(ns).CreateToken(ctx, account,
		&authenticationv1.TokenRequest{Spec: authenticationv1.TokenRequestSpec{ExpirationSeconds: &expiry}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return tr.Status.Token
}

// readOnlyServiceAccountToken creates a ServiceAccount in ns, bound (or not) to a
// Role that may only get KEDA's objects there, and returns a token for it.
func readOnlyServiceAccountToken(ctx context.Context, t *testing.T, ns, name string, bound bool) string {
	t.Helper()
	cs := acctest.Shared().Clientset()
	if _, err := cs.CoreV1().ServiceAccounts(ns).Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: name}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if bound {
		role := &rbacv1.Role{
			ObjectMeta: metav1.ObjectMeta{Name: name + "-read-keda"},
			Rules: []rbacv1.PolicyRule{{
				APIGroups: []string{"keda.sh"},
				Resources: []string{"scaledobjects", "scaledjobs", "triggerauthentications"},
				Verbs:     []string{"get"},
			}},
		}
		if _, err := cs.RbacV1().Roles(ns).Create(ctx, role, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		binding := &rbacv1.RoleBinding{
			ObjectMeta: metav1.ObjectMeta{Name: role.Name},
			Subjects:   []rbacv1.Subject{{Kind: rbacv1.ServiceAccountKind, Name: name, Namespace: ns}},
			RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: role.Name},
		}
		if _, err := cs.RbacV1().RoleBindings(ns).Create(ctx, binding, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	return requestToken(ctx, t, ns, name)
}

// otherCA is a CA certificate that signed nothing the server presents.
func otherCA(t *testing.T) string {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "not-the-cluster-ca"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}

// The guide's Terraform-variables variant plans offline with values for its
// variables.
func TestGuideHCPTerraform_variablesPlanOffline(t *testing.T) {
	body, err := os.ReadFile(filepath.Join(hcpGuideDir, "variables", "main.tf"))
	if err != nil {
		t.Fatal(err)
	}
	// Its provider block, with the variables' values, points where nothing
	// listens: the plan of new objects never contacts it.
	config := strings.Replace(string(body), "\nvariable \"kube_host\" {", "\nvariable \"kube_host\" {\n  default = \"https://127.0.0.1:1\"", 1)
	config = strings.Replace(config, "\nvariable \"kube_token\" {", "\nvariable \"kube_token\" {\n  default = \"token\"", 1)
	config = strings.Replace(config, "\nvariable \"kube_ca_certificate\" {", "\nvariable \"kube_ca_certificate\" {\n  default = \"\"", 1)
	useRegistryNamespace(t)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps:                    []resource.TestStep{{Config: config, PlanOnly: true, ExpectNonEmptyPlan: true}},
	})
}

// The cloud variants cannot be planned here (their providers cannot be
// installed): they parse, and like every variant of the guide they
// authenticate without an `exec` block, which remote runners cannot run.
func TestGuideHCPTerraform_variantsParseWithoutExec(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(hcpGuideDir, "*", "main.tf"))
	if err != nil || len(files) != 5 {
		t.Fatalf("want the guide's 5 variants, found %v (%v)", files, err)
	}
	parser := hclparse.NewParser()
	for _, file := range files {
		f, diags := parser.ParseHCLFile(file)
		if diags.HasErrors() {
			t.Errorf("%s: %s", file, diags.Error())
			continue
		}
		providers := 0
		for _, b := range f.Body.(*hclsyntax.Body).Blocks {
			if b.Type != "provider" || b.Labels[0] != "keda" {
				continue
			}
			providers++
			for _, inner := range b.Body.Blocks {
				if inner.Type == "exec" {
					t.Errorf("%s: the keda provider has an exec block", file)
				}
			}
		}
		if providers != 1 {
			t.Errorf("%s: %d keda provider blocks, want 1", file, providers)
		}
	}
}

// The guide's environment-variable variant plans new objects offline with
// KUBE_HOST pointing where nothing listens: a workspace's first plan works
// before the cluster exists.
func TestGuideHCPTerraform_envPlansOffline(t *testing.T) {
	body, err := os.ReadFile(filepath.Join(hcpGuideDir, "env", "main.tf"))
	if err != nil {
		t.Fatal(err)
	}
	useRegistryNamespace(t)
	t.Setenv("KUBE_HOST", "https://127.0.0.1:1")
	t.Setenv("KUBE_TOKEN", "token")
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps:                    []resource.TestStep{{Config: string(body), PlanOnly: true, ExpectNonEmptyPlan: true}},
	})
}
