package provider

import (
	"context"
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/kedacore/keda/v2/apis/keda/v1alpha1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	kresource "k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"

	"github.com/kedaml/terraform-provider-keda/internal/acctest"
	"github.com/kedaml/terraform-provider-keda/internal/kube"
)

// workloadNamespace is the team's namespace in the takeover test.
const workloadNamespace = "ml"

// kedaWorkload is what a team runs on KEDA: a Deployment, its
// TriggerAuthentication and ScaledObject, and the HPA KEDA's operator makes
// for it (owned by the ScaledObject, as KEDA sets it). Their uids are what
// a move of KEDA must not change.
func kedaWorkload(t *testing.T, cp *acctest.ControlPlane) map[string]types.UID {
	t.Helper()
	ns := workloadNamespace
	ctx := context.Background()
	cs := cp.Clientset()
	if _, err := cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := cs.AppsV1().Deployments(ns).Create(ctx, acctest.Deployment("worker", 1), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	kc, err := kube.NewClientFromREST(cp.Config).KEDA()
	if err != nil {
		t.Fatal(err)
	}
	ta, err := kc.KedaV1alpha1().TriggerAuthentications(ns).Create(ctx, &v1alpha1.TriggerAuthentication{
		ObjectMeta: metav1.ObjectMeta{Name: "rabbitmq"},
		Spec: v1alpha1.TriggerAuthenticationSpec{SecretTargetRef: []v1alpha1.AuthSecretTargetRef{
			{Parameter: "host", Name: "rabbitmq-creds", Key: "host"},
		}},
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	so, err := kc.KedaV1alpha1().ScaledObjects(ns).Create(ctx, &v1alpha1.ScaledObject{
		ObjectMeta: metav1.ObjectMeta{Name: "worker"},
		Spec: v1alpha1.ScaledObjectSpec{
			ScaleTargetRef: &v1alpha1.ScaleTarget{Name: "worker"},
			Triggers: []v1alpha1.ScaleTriggers{{
				Type: "rabbitmq", Metadata: map[string]string{"queueName": "q", "mode": "QueueLength", "value": "5"},
				AuthenticationRef: &v1alpha1.AuthenticationRef{Name: "rabbitmq"},
			}},
		},
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	isController, minReplicas, target := true, int32(1), kresource.MustParse("5")
	hpa, err := cs.AutoscalingV2().HorizontalPodAutoscalers(ns).Create(ctx, &autoscalingv2.HorizontalPodAutoscaler{
		ObjectMeta: metav1.ObjectMeta{Name: "keda-hpa-worker", OwnerReferences: []metav1.OwnerReference{{
			APIVersion: "keda.sh/v1alpha1", Kind: "ScaledObject", Name: so.Name, UID: so.UID,
			Controller: &isController, BlockOwnerDeletion: &isController,
		}}},
		Spec: autoscalingv2.HorizontalPodAutoscalerSpec{
			ScaleTargetRef: autoscalingv2.CrossVersionObjectReference{APIVersion: "apps/v1", Kind: "Deployment", Name: "worker"},
			MinReplicas:    &minReplicas, MaxReplicas: 100,
			Metrics: []autoscalingv2.MetricSpec{{Type: autoscalingv2.ExternalMetricSourceType, External: &autoscalingv2.ExternalMetricSource{
				Metric: autoscalingv2.MetricIdentifier{Name: "s0-rabbitmq-q", Selector: &metav1.LabelSelector{
					MatchLabels: map[string]string{"scaledobject.keda.sh/name": "worker"}}},
				Target: autoscalingv2.MetricTarget{Type: autoscalingv2.AverageValueMetricType, AverageValue: &target},
			}}},
		},
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return map[string]types.UID{"TriggerAuthentication": ta.UID, "ScaledObject": so.UID, "HorizontalPodAutoscaler": hpa.UID}
}

// workloadUIDs reads the uids kedaWorkload returned, again.
func workloadUIDs(cp *acctest.ControlPlane) (map[string]types.UID, error) {
	ns := workloadNamespace
	ctx := context.Background()
	kc, err := kube.NewClientFromREST(cp.Config).KEDA()
	if err != nil {
		return nil, err
	}
	ta, err := kc.KedaV1alpha1().TriggerAuthentications(ns).Get(ctx, "rabbitmq", metav1.GetOptions{})
	if err != nil {
		return nil, err
	}
	so, err := kc.KedaV1alpha1().ScaledObjects(ns).Get(ctx, "worker", metav1.GetOptions{})
	if err != nil {
		return nil, err
	}
	hpa, err := cp.Clientset().AutoscalingV2().HorizontalPodAutoscalers(ns).Get(ctx, "keda-hpa-worker", metav1.GetOptions{})
	if err != nil {
		return nil, err
	}
	return map[string]types.UID{"TriggerAuthentication": ta.UID, "ScaledObject": so.UID, "HorizontalPodAutoscaler": hpa.UID}, nil
}

func crdUIDs(cp *acctest.ControlPlane) (map[string]types.UID, error) {
	out := map[string]types.UID{}
	for _, name := range kube.KEDACRDNames {
		crd, err := cp.Dynamic().Resource(crdGVR).Get(context.Background(), name, metav1.GetOptions{})
		if err != nil {
			return nil, err
		}
		out[name] = crd.GetUID()
	}
	return out, nil
}

func sameUIDs(what string, want map[string]types.UID, got map[string]types.UID) error {
	for k, uid := range want {
		if got[k] != uid {
			return fmt.Errorf("%s %s has uid %s, had %s: it was replaced", what, k, got[k], uid)
		}
	}
	return nil
}

// waitAPIServiceAvailable waits until the aggregator reports the external
// metrics APIService Available.
func waitAPIServiceAvailable(t *testing.T, cp *acctest.ControlPlane) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Minute)
	for {
		a, err := cp.Dynamic().Resource(apiServiceGVR).Get(context.Background(), kube.ExternalMetricsAPIService, metav1.GetOptions{})
		if err == nil {
			conds, _, _ := unstructured.NestedSlice(a.Object, "status", "conditions")
			for _, c := range conds {
				if m := c.(map[string]any); m["type"] == "Available" && m["status"] == "True" {
					return
				}
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the APIService never became Available: %v", err)
		}
		time.Sleep(time.Second)
	}
}

// A cluster runs KEDA installed with its Helm chart, and a team's
// ScaledObject, TriggerAuthentication and HPA. The data source reports the
// chart's install; keda_installation refuses to install next to it before
// writing anything, naming it and the way to move; with
// take_over_helm_release it replaces the chart's KEDA in one apply: the
// CRDs and every KEDA object keep their uid, one operator remains, Helm's
// record is gone, and the data source reports the new install. A release
// name Helm does not know takes nothing over and is refused the same way. After
// destroy the team's objects are still there.
func TestAccInstallation_takesOverAHelmInstall(t *testing.T) {
	t.Parallel()
	cp := startWorkloadPlane(t)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	playMetricsServer(ctx, t, cp, "keda", "keda-operator-metrics-apiserver", "keda-metrics-apiserver")
	installKEDAWithHelmChart(t, cp)
	workload := kedaWorkload(t, cp)
	crds, err := crdUIDs(cp)
	if err != nil {
		t.Fatal(err)
	}
	data := `
data "keda_installation" "this" {}
`
	installation := func(extra string) string {
		return `
resource "keda_installation" "this" {
  namespace = "keda"
  ` + extra + `
  timeouts {
    create = "4m"
  }
}
`
	}
	ds := "data.keda_installation.this"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: func() { waitAPIServiceAvailable(t, cp) },
				Config:    installationProvider(cp) + data,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("installed"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("installed_by"), knownvalue.StringExact("helm")),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("helm_release"), knownvalue.StringExact("keda/keda")),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("namespace"), knownvalue.StringExact("keda")),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("version"), knownvalue.StringExact("2.21.0")),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("crds_installed"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("crds"), knownvalue.ListSizeExact(6)),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("metrics_server").AtMapKey("name"),
						knownvalue.StringExact("keda-operator-metrics-apiserver")),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("metrics_api_available"), knownvalue.Bool(true)),
				},
			},
			{
				Config: installationProvider(cp) + installation(""),
				ExpectError: regexp.MustCompile(`(?s)KEDA is already installed in the cluster.*Nothing was written.*` +
					`Deployment keda/keda-operator \(KEDA 2\.21\.0, Helm release "keda" in namespace keda\).*` +
					`take_over_helm_release = "keda/keda"`),
			},
			{
				// A release name Helm does not know is no takeover, and the
				// chart's install, under its own name, is refused all the same.
				Config: installationProvider(cp) + installation(`take_over_helm_release = "keda/not-keda"`),
				ExpectError: regexp.MustCompile(`(?s)KEDA is already installed in the cluster.*` +
					`Deployment keda/keda-operator \(KEDA 2\.21\.0, Helm release "keda" in namespace keda\)`),
			},
			{
				PreConfig: func() {
					// The refused creates wrote nothing: no object carries the
					// provider's field manager, and its own objects do not exist.
					for _, name := range kube.KEDACRDNames {
						crd, err := cp.Dynamic().Resource(crdGVR).Get(context.Background(), name, metav1.GetOptions{})
						if err != nil {
							t.Fatal(err)
						}
						for _, f := range crd.GetManagedFields() {
							if f.Manager == kube.FieldManager {
								t.Fatalf("the refused create wrote CRD %s", name)
							}
						}
					}
					if _, err := cp.Clientset().AppsV1().Deployments("keda").Get(context.Background(), "keda-metrics-apiserver",
						metav1.GetOptions{}); !apierrors.IsNotFound(err) {
						t.Fatalf("the refused create made Deployment keda/keda-metrics-apiserver: %v", err)
					}
				},
				Config: installationProvider(cp) + installation(`take_over_helm_release = "keda"`) + `
data "keda_installation" "this" {
  depends_on = [keda_installation.this]
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("keda_installation.this", tfjsonpath.New("sync_status"), knownvalue.StringExact("in sync")),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("installed_by"), knownvalue.StringExact("keda_installation")),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("helm_release"), knownvalue.Null()),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("available"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("operator").AtMapKey("available"), knownvalue.Bool(true)),
				},
				Check: func(*terraform.State) error {
					got, err := crdUIDs(cp)
					if err != nil {
						return err
					}
					if err := sameUIDs("CRD", crds, got); err != nil {
						return err
					}
					if got, err = workloadUIDs(cp); err != nil {
						return err
					} else if err := sameUIDs("the team's", workload, got); err != nil {
						return err
					}
					found, err := kube.NewClientFromREST(cp.Config).FindKEDA(context.Background())
					if err != nil {
						return err
					}
					var operators []string
					for _, d := range found {
						if d.Component == kube.ComponentOperator {
							operators = append(operators, d.Describe())
						}
						if !d.Ours {
							return fmt.Errorf("the chart's %s is still there", d.Ref())
						}
					}
					if len(operators) != 1 {
						return fmt.Errorf("want one KEDA operator, found %v", operators)
					}
					secrets, err := cp.Clientset().CoreV1().Secrets("keda").List(context.Background(), metav1.ListOptions{LabelSelector: "owner=helm"})
					if err != nil {
						return err
					}
					if len(secrets.Items) != 0 {
						return fmt.Errorf("Helm's record of the release is still there: %s", secrets.Items[0].Name)
					}
					crd, err := cp.Dynamic().Resource(crdGVR).Get(context.Background(), "scaledobjects.keda.sh", metav1.GetOptions{})
					if err != nil {
						return err
					}
					if a := crd.GetAnnotations(); a["helm.sh/resource-policy"] != "keep" || a["meta.helm.sh/release-name"] != "" {
						return fmt.Errorf("the CRD is not marked kept and released from Helm: %v", a)
					}
					return nil
				},
			},
		},
		CheckDestroy: func(*terraform.State) error {
			got, err := workloadUIDs(cp)
			if err != nil {
				return fmt.Errorf("the team's objects did not survive the destroy: %w", err)
			}
			return sameUIDs("the team's", workload, got)
		},
	})
}
