package provider

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	schedulingv1 "k8s.io/api/scheduling/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"

	"github.com/kedaml/terraform-provider-keda/internal/kube"
)

// liveInstall reads what an installation put on the control plane.
type liveInstall struct {
	cs *kubernetes.Clientset
	ns string
}

func (l liveInstall) deployment(name string) (*appsv1.Deployment, error) {
	return l.cs.AppsV1().Deployments(l.ns).Get(context.Background(), name, metav1.GetOptions{})
}

func (l liveInstall) serviceAccount() (*corev1.ServiceAccount, error) {
	return l.cs.CoreV1().ServiceAccounts(l.ns).Get(context.Background(), "keda-operator", metav1.GetOptions{})
}

func envValue(c corev1.Container, name string) (string, bool) {
	for _, e := range c.Env {
		if e.Name == name {
			if e.ValueFrom != nil && e.ValueFrom.ConfigMapKeyRef != nil {
				return "configMap:" + e.ValueFrom.ConfigMapKeyRef.Name + "/" + e.ValueFrom.ConfigMapKeyRef.Key, true
			}
			return e.Value, true
		}
	}
	return "", false
}

// checks collects mismatches so that one step reports all of them.
type checks []string

func (c *checks) expect(ok bool, format string, args ...any) {
	if !ok {
		*c = append(*c, fmt.Sprintf(format, args...))
	}
}

func (c checks) err() error {
	if len(c) == 0 {
		return nil
	}
	return fmt.Errorf("%d settings not as configured:\n  %s", len(c), strings.Join(c, "\n  "))
}

// One installation with every production setting: each lands where KEDA's
// chart puts it, an update changes them in place, settings removed from the
// configuration leave the objects, and changes made outside Terraform show
// as drift and are put back.
func TestAccInstallation_productionSettings(t *testing.T) {
	t.Parallel()
	cp := startWorkloadPlane(t)
	cs := cp.Clientset()
	live := liveInstall{cs: cs, ns: "keda"}
	addr := "keda_installation.this"
	ctx := context.Background()
	if _, err := cs.SchedulingV1().PriorityClasses().Create(ctx, &schedulingv1.PriorityClass{
		ObjectMeta: metav1.ObjectMeta{Name: "keda-critical"}, Value: 1000000,
	}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	config := func(settings string) string {
		return installationProvider(cp) + "resource \"keda_installation\" \"this\" {\n  wait = false\n" + settings + "}\n"
	}
	updated := strings.NewReplacer(
		`log_level         = "debug"`, `log_level         = "info"`,
		`pod_annotations   = { "team" = "platform" }`, ``,
		`min_available = "1"`, `min_available = "2"`,
		"timeout    = 5000\n    keep_alive = false", "timeout    = 8000",
		`value = "http://proxy.internal:3128"`, `value = "http://proxy2.internal:3128"`,
		`arn:aws:iam::111122223333:role/keda-operator`, `arn:aws:iam::111122223333:role/keda-operator-v2`,
		"webhooks {\n    log_time_encoding = \"epoch\"", "webhooks {\n    log_time_encoding = \"millis\"",
	).Replace(productionSettings)
	// The metrics server's PodDisruptionBudget goes.
	updated = strings.Replace(updated, "    pod_disruption_budget {\n      max_unavailable = \"50%\"\n    }\n", "", 1)
	if updated == productionSettings || strings.Contains(updated, "50%") || strings.Contains(updated, "keep_alive") {
		t.Fatal("the update did not change the settings it means to")
	}

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config(productionSettings),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("objects"), knownvalue.ListSizeExact(28)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("sync_status"), knownvalue.StringExact("in sync")),
				},
				Check: func(*terraform.State) error {
					var c checks
					sa, err := live.serviceAccount()
					if err != nil {
						return err
					}
					c.expect(sa.Annotations["eks.amazonaws.com/role-arn"] == "arn:aws:iam::111122223333:role/keda-operator", "ServiceAccount annotations %v", sa.Annotations)
					c.expect(sa.Labels["azure.workload.identity/use"] == "true" && sa.Labels["app.kubernetes.io/name"] == "keda-operator", "ServiceAccount labels %v", sa.Labels)

					op, err := live.deployment("keda-operator")
					if err != nil {
						return err
					}
					pod, ctr := op.Spec.Template.Spec, op.Spec.Template.Spec.Containers[0]
					c.expect(*op.Spec.Replicas == 2, "operator replicas %d", *op.Spec.Replicas)
					c.expect(op.Spec.Template.Labels["azure.workload.identity/use"] == "true" && op.Spec.Template.Labels["app"] == "keda-operator", "operator pod labels %v", op.Spec.Template.Labels)
					c.expect(op.Spec.Template.Annotations["team"] == "platform", "operator pod annotations %v", op.Spec.Template.Annotations)
					for _, a := range []string{"--zap-log-level=debug", "--zap-encoder=json", "--zap-time-encoding=iso8601", "--kube-api-qps=50", "--enable-prometheus-metrics=false"} {
						c.expect(slices.Contains(ctr.Args, a), "operator args %v lack %s", ctr.Args, a)
					}
					for name, want := range map[string]string{"HTTP_PROXY": "http://proxy.internal:3128", "KEDA_HTTP_MIN_TLS_VERSION": "configMap:keda-tls/min-version",
						"KEDA_HTTP_DEFAULT_TIMEOUT": "5000", "KEDA_HTTP_DISABLE_KEEP_ALIVE": "true"} {
						got, _ := envValue(ctr, name)
						c.expect(got == want, "operator env %s = %q, want %q", name, got, want)
					}
					c.expect(ctr.Resources.Requests.Cpu().String() == "200m" && ctr.Resources.Limits == nil, "operator resources %v", ctr.Resources)
					c.expect(pod.Affinity != nil && pod.Affinity.PodAntiAffinity != nil && pod.Affinity.NodeAffinity == nil, "operator affinity %+v: its own, not the installation's", pod.Affinity)
					c.expect(len(pod.TopologySpreadConstraints) == 1 && pod.TopologySpreadConstraints[0].LabelSelector.MatchLabels["app"] == "keda-operator", "operator topology spread %+v", pod.TopologySpreadConstraints)
					c.expect(pod.SecurityContext.FSGroup != nil && *pod.SecurityContext.FSGroup == 2000 && *pod.SecurityContext.RunAsNonRoot, "operator pod security context %+v", pod.SecurityContext)
					c.expect(*ctr.SecurityContext.RunAsUser == 1000 && *ctr.SecurityContext.ReadOnlyRootFilesystem, "operator security context %+v", ctr.SecurityContext)
					c.expect(len(pod.Volumes) == 2 && pod.Volumes[1].ConfigMap.Name == "corp-ca", "operator volumes %+v", pod.Volumes)
					c.expect(len(ctr.VolumeMounts) == 2 && ctr.VolumeMounts[1].MountPath == "/custom/ca" && ctr.VolumeMounts[1].ReadOnly, "operator mounts %+v", ctr.VolumeMounts)
					c.expect(pod.NodeSelector["kubernetes.io/arch"] == "amd64" && pod.NodeSelector["kubernetes.io/os"] == "linux", "operator node selector %v", pod.NodeSelector)
					c.expect(len(pod.Tolerations) == 1 && pod.PriorityClassName == "keda-critical", "operator tolerations %v, priority class %q", pod.Tolerations, pod.PriorityClassName)

					ms, err := live.deployment("keda-metrics-apiserver")
					if err != nil {
						return err
					}
					mctr := ms.Spec.Template.Spec.Containers[0]
					c.expect(*ms.Spec.Replicas == 2 && ms.Spec.Template.Annotations["prometheus.io/scrape"] == "true", "metrics server replicas %d, annotations %v", *ms.Spec.Replicas, ms.Spec.Template.Annotations)
					c.expect(slices.Contains(mctr.Args, "--zap-encoder=console") && slices.Contains(mctr.Args, "--kube-api-burst=60"), "metrics server args %v", mctr.Args)
					c.expect(ms.Spec.Template.Spec.Affinity != nil && ms.Spec.Template.Spec.Affinity.NodeAffinity != nil, "metrics server affinity %+v: the installation's", ms.Spec.Template.Spec.Affinity)
					v, _ := envValue(mctr, "KEDA_HTTP_DISABLE_KEEP_ALIVE")
					c.expect(v == "true", "metrics server keep-alive %q", v)

					wh, err := live.deployment("keda-admission")
					if err != nil {
						return err
					}
					wctr := wh.Spec.Template.Spec.Containers[0]
					c.expect(slices.Contains(wctr.Args, "--metrics-bind-address=0") && slices.Contains(wctr.Args, "--zap-time-encoding=epoch"), "webhooks args %v", wctr.Args)
					c.expect(wh.Spec.Template.Labels["tier"] == "admission", "webhooks pod labels %v", wh.Spec.Template.Labels)
					_, set := envValue(wctr, "KEDA_HTTP_DISABLE_KEEP_ALIVE")
					c.expect(!set, "webhooks got the keep-alive switch")

					pdb, err := cs.PolicyV1().PodDisruptionBudgets("keda").Get(ctx, "keda-operator", metav1.GetOptions{})
					if err != nil {
						return err
					}
					c.expect(pdb.Spec.MinAvailable.IntValue() == 1 && pdb.Spec.Selector.MatchLabels["app"] == "keda-operator", "operator PDB %+v", pdb.Spec)
					mpdb, err := cs.PolicyV1().PodDisruptionBudgets("keda").Get(ctx, "keda-metrics-apiserver", metav1.GetOptions{})
					if err != nil {
						return err
					}
					c.expect(mpdb.Spec.MaxUnavailable.String() == "50%", "metrics server PDB %+v", mpdb.Spec)
					return c.err()
				},
			},
			{
				Config: config(updated),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("objects"), knownvalue.ListSizeExact(27)),
				},
				Check: func(*terraform.State) error {
					var c checks
					sa, err := live.serviceAccount()
					if err != nil {
						return err
					}
					c.expect(sa.Annotations["eks.amazonaws.com/role-arn"] == "arn:aws:iam::111122223333:role/keda-operator-v2", "ServiceAccount annotations %v", sa.Annotations)
					op, err := live.deployment("keda-operator")
					if err != nil {
						return err
					}
					ctr := op.Spec.Template.Spec.Containers[0]
					c.expect(slices.Contains(ctr.Args, "--zap-log-level=info"), "operator args %v", ctr.Args)
					_, annotated := op.Spec.Template.Annotations["team"]
					c.expect(!annotated, "removed pod annotation still there: %v", op.Spec.Template.Annotations)
					v, _ := envValue(ctr, "KEDA_HTTP_DEFAULT_TIMEOUT")
					c.expect(v == "8000", "timeout %q", v)
					_, set := envValue(ctr, "KEDA_HTTP_DISABLE_KEEP_ALIVE")
					c.expect(!set, "keep-alive switch still set")
					v, _ = envValue(ctr, "HTTP_PROXY")
					c.expect(v == "http://proxy2.internal:3128", "HTTP_PROXY %q", v)
					wh, err := live.deployment("keda-admission")
					if err != nil {
						return err
					}
					c.expect(slices.Contains(wh.Spec.Template.Spec.Containers[0].Args, "--zap-time-encoding=millis"), "webhooks args %v", wh.Spec.Template.Spec.Containers[0].Args)
					pdb, err := cs.PolicyV1().PodDisruptionBudgets("keda").Get(ctx, "keda-operator", metav1.GetOptions{})
					if err != nil {
						return err
					}
					c.expect(pdb.Spec.MinAvailable.IntValue() == 2, "operator PDB %+v", pdb.Spec)
					_, err = cs.PolicyV1().PodDisruptionBudgets("keda").Get(ctx, "keda-metrics-apiserver", metav1.GetOptions{})
					c.expect(apierrors.IsNotFound(err), "metrics server PDB not deleted: %v", err)
					return c.err()
				},
			},
			{
				// Declared settings changed by someone else: the refresh reports each object.
				PreConfig: func() {
					patches := []struct {
						kind, name, patch string
					}{
						{"serviceaccounts", "keda-operator", `{"metadata":{"annotations":{"eks.amazonaws.com/role-arn":"arn:aws:iam::999999999999:role/other"}}}`},
						{"deployments", "keda-operator", `{"spec":{"template":{"metadata":{"labels":{"azure.workload.identity/use":"false"}}}}}`},
						{"poddisruptionbudgets", "keda-operator", `{"spec":{"minAvailable":0}}`},
					}
					for _, p := range patches {
						var err error
						opts := metav1.PatchOptions{FieldManager: "kubectl-edit"}
						switch p.kind {
						case "serviceaccounts":
							_, err = cs.CoreV1().ServiceAccounts("keda").Patch(ctx, p.name, types.MergePatchType, []byte(p.patch), opts)
						case "deployments":
							_, err = cs.AppsV1().Deployments("keda").Patch(ctx, p.name, types.MergePatchType, []byte(p.patch), opts)
						case "poddisruptionbudgets":
							_, err = cs.PolicyV1().PodDisruptionBudgets("keda").Patch(ctx, p.name, types.MergePatchType, []byte(p.patch), opts)
						}
						if err != nil {
							t.Fatalf("patching %s %s: %v", p.kind, p.name, err)
						}
					}
				},
				RefreshState:       true,
				ExpectNonEmptyPlan: true,
				RefreshPlanChecks: resource.RefreshPlanChecks{
					PostRefresh: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
				},
				Check: func(s *terraform.State) error {
					status := s.RootModule().Resources[addr].Primary.Attributes["sync_status"]
					want := regexp.MustCompile(`Deployment keda/keda-operator changed.*PodDisruptionBudget keda/keda-operator changed.*ServiceAccount keda/keda-operator changed`)
					if !want.MatchString(status) {
						return fmt.Errorf("sync_status %q does not name the three objects changed outside Terraform", status)
					}
					return nil
				},
			},
			{
				Config: config(updated),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
				},
				Check: func(*terraform.State) error {
					var c checks
					sa, err := live.serviceAccount()
					if err != nil {
						return err
					}
					c.expect(sa.Annotations["eks.amazonaws.com/role-arn"] == "arn:aws:iam::111122223333:role/keda-operator-v2", "ServiceAccount annotation not restored: %v", sa.Annotations)
					op, err := live.deployment("keda-operator")
					if err != nil {
						return err
					}
					c.expect(op.Spec.Template.Labels["azure.workload.identity/use"] == "true", "pod label not restored: %v", op.Spec.Template.Labels)
					pdb, err := cs.PolicyV1().PodDisruptionBudgets("keda").Get(ctx, "keda-operator", metav1.GetOptions{})
					if err != nil {
						return err
					}
					c.expect(pdb.Spec.MinAvailable.IntValue() == 2, "PDB not restored: %+v", pdb.Spec)
					return c.err()
				},
			},
		},
		CheckDestroy: func(*terraform.State) error {
			_, err := cs.PolicyV1().PodDisruptionBudgets("keda").Get(ctx, "keda-operator", metav1.GetOptions{})
			if !apierrors.IsNotFound(err) {
				return fmt.Errorf("PodDisruptionBudget left after destroy: %w", err)
			}
			return nil
		},
	})
}

// workloadIdentityExample is an example of examples/workload-identity with
// wait = false: no cloud answers here, and no kubelet runs KEDA's binaries.
func workloadIdentityExample(t *testing.T, cloud string) string {
	t.Helper()
	body, err := os.ReadFile("../../examples/workload-identity/" + cloud + "/main.tf")
	if err != nil {
		t.Fatal(err)
	}
	const open = "resource \"keda_installation\" \"this\" {\n"
	if !strings.Contains(string(body), open) {
		t.Fatalf("example %s has no keda_installation.this", cloud)
	}
	return strings.Replace(string(body), open, open+"  wait = false\n", 1)
}

// operatorPods waits for the operator's pods that the controllers made from
// the current template, up to a minute.
func operatorPods(cs *kubernetes.Clientset, hash string) ([]corev1.Pod, error) {
	deadline := time.Now().Add(time.Minute)
	for {
		pods, err := cs.CoreV1().Pods("keda").List(context.Background(), metav1.ListOptions{LabelSelector: "app=keda-operator,pod-template-hash=" + hash})
		if err == nil && len(pods.Items) > 0 {
			return pods.Items, nil
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("no operator pod of template %s after a minute: %w", hash, err)
		}
		time.Sleep(time.Second)
	}
}

// currentTemplateHash is the pod-template-hash of the operator's newest
// ReplicaSet, once the Deployment controller has made it.
func currentTemplateHash(cs *kubernetes.Clientset) (string, error) {
	deadline := time.Now().Add(time.Minute)
	for {
		d, err := cs.AppsV1().Deployments("keda").Get(context.Background(), "keda-operator", metav1.GetOptions{})
		if err != nil {
			return "", err
		}
		rss, err := cs.AppsV1().ReplicaSets("keda").List(context.Background(), metav1.ListOptions{LabelSelector: "app=keda-operator"})
		if err != nil {
			return "", err
		}
		for _, rs := range rss.Items {
			if rs.Annotations["deployment.kubernetes.io/revision"] == d.Annotations["deployment.kubernetes.io/revision"] && d.Annotations["deployment.kubernetes.io/revision"] != "" {
				return rs.Labels["pod-template-hash"], nil
			}
		}
		if time.Now().After(deadline) {
			return "", fmt.Errorf("no ReplicaSet of the operator's revision %q after a minute", d.Annotations["deployment.kubernetes.io/revision"])
		}
		time.Sleep(time.Second)
	}
}

// Each cloud's example, applied in turn to one installation: the
// ServiceAccount keda-operator and the operator's pods (made by the
// Deployment controller, scheduled on the kwok node) carry what that cloud's
// workload identity needs, and nothing of the previous cloud's. The cloud
// itself cannot be reached here.
func TestAccInstallation_workloadIdentity(t *testing.T) {
	t.Parallel()
	cp := startWorkloadPlane(t)
	cs := cp.Clientset()
	if _, err := cs.CoreV1().Namespaces().Create(context.Background(), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "ml-inference"}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	type want struct {
		saAnnotations map[string]string
		saLabels      map[string]string
		podLabels     map[string]string
		nodeSelector  map[string]string
		podIdentity   string
	}
	identityKeys := []string{"eks.amazonaws.com/role-arn", "eks.amazonaws.com/sts-regional-endpoints", "azure.workload.identity/client-id",
		"azure.workload.identity/tenant-id", "azure.workload.identity/use", "iam.gke.io/gcp-service-account", "iam.gke.io/gke-metadata-server-enabled"}
	clouds := []struct {
		dir, auth string
		want      want
	}{
		{"eks-irsa", "aws-keda-identity", want{
			saAnnotations: map[string]string{"eks.amazonaws.com/role-arn": "arn:aws:iam::111122223333:role/keda-operator", "eks.amazonaws.com/sts-regional-endpoints": "true"},
			podIdentity:   "aws",
		}},
		{"eks-pod-identity", "aws-keda-identity", want{podIdentity: "aws"}},
		{"aks", "azure-keda-identity", want{
			saAnnotations: map[string]string{"azure.workload.identity/client-id": "00000000-0000-0000-0000-000000000001", "azure.workload.identity/tenant-id": "00000000-0000-0000-0000-000000000002"},
			saLabels:      map[string]string{"azure.workload.identity/use": "true"},
			podLabels:     map[string]string{"azure.workload.identity/use": "true"},
			podIdentity:   "azure-workload",
		}},
		{"gke", "gcp-keda-identity", want{
			saAnnotations: map[string]string{"iam.gke.io/gcp-service-account": "keda-operator@ml-project.iam.gserviceaccount.com"},
			nodeSelector:  map[string]string{"iam.gke.io/gke-metadata-server-enabled": "true"},
			podIdentity:   "gcp",
		}},
	}
	kc, err := kube.NewClientFromREST(cp.Config).KEDA()
	if err != nil {
		t.Fatal(err)
	}
	var steps []resource.TestStep
	for _, cloud := range clouds {
		w := cloud.want
		steps = append(steps, resource.TestStep{
			Config: installationProvider(cp) + workloadIdentityExample(t, cloud.dir),
			Check: func(*terraform.State) error {
				var c checks
				has := func(what string, got, want map[string]string) {
					for _, k := range identityKeys {
						c.expect(got[k] == want[k], "%s: %s %s = %q, want %q", cloud.dir, what, k, got[k], want[k])
					}
				}
				sa, err := cs.CoreV1().ServiceAccounts("keda").Get(context.Background(), "keda-operator", metav1.GetOptions{})
				if err != nil {
					return err
				}
				has("ServiceAccount annotation", sa.Annotations, w.saAnnotations)
				has("ServiceAccount label", sa.Labels, w.saLabels)
				hash, err := currentTemplateHash(cs)
				if err != nil {
					return err
				}
				pods, err := operatorPods(cs, hash)
				if err != nil {
					return err
				}
				for _, p := range pods {
					c.expect(p.Spec.ServiceAccountName == "keda-operator", "%s: pod %s runs as %q", cloud.dir, p.Name, p.Spec.ServiceAccountName)
					has("pod "+p.Name+" label", p.Labels, w.podLabels)
					has("pod "+p.Name+" node selector", p.Spec.NodeSelector, w.nodeSelector)
				}
				ta, err := kc.KedaV1alpha1().TriggerAuthentications("ml-inference").Get(context.Background(), cloud.auth, metav1.GetOptions{})
				if err != nil {
					return err
				}
				c.expect(ta.Spec.PodIdentity != nil && string(ta.Spec.PodIdentity.Provider) == w.podIdentity, "%s: TriggerAuthentication pod identity %+v", cloud.dir, ta.Spec.PodIdentity)
				return c.err()
			},
		})
	}
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: protoV6ProviderFactories, Steps: steps})
}

// KEDA installed at the oldest bundled version with a ScaledObject, then
// upgraded in place to the newest: the CRDs are the newest's, the
// ScaledObject is the same object, the next plan is empty; going back is
// refused at plan.
func TestAccInstallation_upgradeOldestToNewest(t *testing.T) {
	t.Parallel()
	cp := startWorkloadPlane(t)
	cs := cp.Clientset()
	kc, err := kube.NewClientFromREST(cp.Config).KEDA()
	if err != nil {
		t.Fatal(err)
	}
	oldest, newest := "2.19.0", "2.21.0"
	config := func(version string) string {
		return installationProvider(cp) + `
resource "keda_installation" "this" {
  version = "` + version + `"
  wait    = false
}

resource "keda_ml_scaled_object" "worker" {
  metadata {
    name      = "worker"
    namespace = "default"
  }
  scale_target_ref {
    name = "worker"
  }
  min_replica_count = 1
  trigger {
    cpu { utilization = 70 }
  }
  depends_on = [keda_installation.this]
}`
	}
	var uid types.UID
	crdHas := func(crd, property string) (bool, error) {
		api, err := kube.NewClientFromREST(cp.Config).ObjectsFor(crdRef(crd))
		if err != nil {
			return false, err
		}
		o, err := api.Get(context.Background(), crd)
		if err != nil {
			return false, err
		}
		versions, _, _ := unstructured.NestedSlice(o.Object, "spec", "versions")
		for _, v := range versions {
			props, _, _ := unstructured.NestedMap(v.(map[string]any), "schema", "openAPIV3Schema", "properties", "spec", "properties")
			if _, ok := props[property]; ok {
				return true, nil
			}
		}
		return false, nil
	}
	expectImage := func(version string) error {
		d, err := cs.AppsV1().Deployments("keda").Get(context.Background(), "keda-operator", metav1.GetOptions{})
		if err != nil {
			return err
		}
		if image := d.Spec.Template.Spec.Containers[0].Image; image != "ghcr.io/kedacore/keda:"+version {
			return fmt.Errorf("operator image %q, want KEDA %s's", image, version)
		}
		return nil
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config(oldest),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("keda_installation.this", tfjsonpath.New("objects"), knownvalue.ListSizeExact(24)),
				},
				Check: func(*terraform.State) error {
					so, err := kc.KedaV1alpha1().ScaledObjects("default").Get(context.Background(), "worker", metav1.GetOptions{})
					if err != nil {
						return err
					}
					uid = so.UID
					has, err := crdHas("triggerauthentications.keda.sh", "azureServicePrincipal")
					if err != nil {
						return err
					}
					if has {
						return fmt.Errorf("the TriggerAuthentication CRD has azureServicePrincipal: not KEDA %s's", oldest)
					}
					return expectImage(oldest)
				},
			},
			{
				Config: config(newest),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("keda_installation.this", plancheck.ResourceActionUpdate),
						plancheck.ExpectResourceAction("keda_ml_scaled_object.worker", plancheck.ResourceActionNoop),
					},
					// The framework also fails the step when the plan after the apply is not empty.
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("keda_installation.this", tfjsonpath.New("objects"), knownvalue.ListSizeExact(26)),
				},
				Check: func(*terraform.State) error {
					has, err := crdHas("triggerauthentications.keda.sh", "azureServicePrincipal")
					if err != nil {
						return err
					}
					if !has {
						return fmt.Errorf("the TriggerAuthentication CRD lacks azureServicePrincipal: not KEDA %s's", newest)
					}
					so, err := kc.KedaV1alpha1().ScaledObjects("default").Get(context.Background(), "worker", metav1.GetOptions{})
					if err != nil {
						return err
					}
					if so.UID != uid {
						return fmt.Errorf("the ScaledObject was replaced: uid %s, was %s", so.UID, uid)
					}
					if _, err := cs.RbacV1().ClusterRoles().Get(context.Background(), "keda:edit", metav1.GetOptions{}); err != nil {
						return fmt.Errorf("KEDA %s's ClusterRole keda:edit: %w", newest, err)
					}
					return expectImage(newest)
				},
			},
			{
				Config:      config(oldest),
				ExpectError: regexp.MustCompile(`(?s)KEDA downgrade across a CRD change.*KEDA 2\.19\.0's CRDs differ from the installed KEDA\s+2\.21\.0's.*spec\.azureServicePrincipal`),
			},
		},
	})
}
