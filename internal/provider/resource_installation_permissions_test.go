package provider

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"

	"github.com/kedaml/terraform-provider-keda/internal/acctest"
	"github.com/kedaml/terraform-provider-keda/internal/kube"
)

// roleToken creates a ServiceAccount bound to the ClusterRole of a docs
// example file and returns a token for it from the TokenRequest API: the
// identity a CI job would plan or apply with.
func roleToken(t *testing.T, cp *acctest.ControlPlane, account, roleFile string) string {
	t.Helper()
	ctx := context.Background()
	cs := cp.Clientset()
	raw, err := os.ReadFile(filepath.Join("../../examples/permissions", roleFile))
	if err != nil {
		t.Fatal(err)
	}
	role := &rbacv1.ClusterRole{}
	if err := yaml.Unmarshal(raw, role); err != nil {
		t.Fatal(err)
	}
	if _, err := cs.RbacV1().ClusterRoles().Create(ctx, role, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	sa := &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: account, Namespace: "default"}}
	if _, err := cs.CoreV1().ServiceAccounts("default").Create(ctx, sa, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	binding := &rbacv1.ClusterRoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: account},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: role.Name},
		Subjects:   []rbacv1.Subject{{Kind: rbacv1.ServiceAccountKind, Name: account, Namespace: "default"}},
	}
	if _, err := cs.RbacV1().ClusterRoleBindings().Create(ctx, binding, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	tok, err := cs.CoreV1().ServiceAccounts("default").CreateToken(ctx, account, &authenticationv1.TokenRequest{}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return tok.Status.Token
}

// loggedRequest is one line of the provider's request log.
type loggedRequest struct{ method, path, status string }

// requestLog reads the provider's request log: one "METHOD PATH STATUS"
// line per API request.
func requestLog(t *testing.T, file string) []loggedRequest {
	t.Helper()
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var out []loggedRequest
	for _, line := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
		f := strings.Fields(line)
		if len(f) != 3 {
			t.Fatalf("request log line %q is not METHOD PATH STATUS", line)
		}
		out = append(out, loggedRequest{f[0], f[1], f[2]})
	}
	return out
}

// A plan job with a token bound to the documented plan role (get and list
// only) refreshes the installation with an empty plan, sending nothing but
// GET requests; the same token is refused the next change. The installation
// itself is created and destroyed with the documented apply role: both
// roles in the permissions guide work as written.
func TestAccInstallation_planWithReadOnlyRights(t *testing.T) {
	t.Parallel()
	testAccPreCheck(t)
	cp, err := acctest.Start(acctest.Options{WithoutCRDs: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cp.Stop)
	// The namespace exists, as in most clusters: without a namespace
	// controller here, deleting one the installation made would never end.
	if _, err := cp.Clientset().CoreV1().Namespaces().Create(context.Background(),
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "keda"}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	applyToken := roleToken(t, cp, "terraform-apply", "apply-clusterrole.yaml")
	planToken := roleToken(t, cp, "terraform-plan", "plan-clusterrole.yaml")

	w := newCLIWorkspace(t)
	dir := filepath.Join(w.dir, "config")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	config := func(replicas int) {
		body := `terraform {
  required_providers {
    keda = { source = "kedaml/keda" }
  }
}

resource "keda_installation" "this" {
  wait = false
  operator {
    replicas = ` + strconv.Itoa(replicas) + `
  }
}
`
		if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	as := func(token, log string) []string {
		return []string{"KUBE_HOST=" + cp.Config.Host, "KUBE_TOKEN=" + token,
			"KUBE_CLUSTER_CA_CERT_DATA=" + string(cp.Config.CAData), kube.RequestLogEnv + "=" + filepath.Join(w.dir, log)}
	}

	config(1)
	if code, out := w.terraform(t, dir, as(applyToken, "apply.log"), "apply", "-auto-approve", "-input=false"); code != 0 {
		t.Fatalf("apply with the apply role exited %d:\n%s", code, out)
	}

	code, out := w.terraform(t, dir, as(planToken, "plan.log"), "plan", "-input=false", "-detailed-exitcode")
	if code != 0 {
		t.Fatalf("plan with the plan role: exit %d, want 0 (no changes):\n%s", code, out)
	}
	requests := requestLog(t, filepath.Join(w.dir, "plan.log"))
	if len(requests) == 0 {
		t.Fatal("the plan sent no request: the refresh did not read the installation")
	}
	for _, r := range requests {
		if r.method != "GET" || r.status != "200" {
			t.Errorf("the plan sent %s %s (status %s): a plan must only read", r.method, r.path, r.status)
		}
	}
	t.Logf("the plan sent %d requests, all GET", len(requests))

	config(2)
	code, out = w.terraform(t, dir, as(planToken, "refused.log"), "apply", "-auto-approve", "-input=false")
	if code == 0 || !strings.Contains(out, "forbidden") {
		t.Fatalf("apply with the plan role: exit %d, want a failure saying forbidden:\n%s", code, out)
	}
	refused := requestLog(t, filepath.Join(w.dir, "refused.log"))
	sawRefusedWrite := false
	for _, r := range refused {
		if r.method == "PATCH" && r.status == "403" {
			sawRefusedWrite = true
		}
	}
	if !sawRefusedWrite {
		t.Fatalf("no write was refused with 403 in the failed apply: %v", refused)
	}

	if code, out := w.terraform(t, dir, as(applyToken, "destroy.log"), "destroy", "-auto-approve", "-input=false"); code != 0 {
		t.Fatalf("destroy with the apply role exited %d:\n%s", code, out)
	}
	if ok, err := crdExists(cp, "scaledobjects.keda.sh"); ok || err != nil {
		t.Fatalf("CRDs left after destroy: %v", err)
	}
}
